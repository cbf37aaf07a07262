// opscope-embed.js: embeds the opscope viewer in a page (documentation, a dashboard) in an
// <iframe> and drives it with the postMessage protocol of docs/embedding.md.
//
//   const viewer = OpscopeEmbed.create(document.querySelector('#viewer'), {
//     src: '/opscope/',                      // where the app is served (default: '../')
//     model: '/opscope/samples/resnet50.onnx',
//     profiles: ['/opscope/runs/op_summary_0.csv'],
//     overlay: 'heat', node: '/conv1/Conv', target: 'ascend310', compact: true,
//   });
//   viewer.on('loaded', (event) => console.log(event.model.nodes));
//   viewer.select('/conv1/Conv');
//   const findings = await viewer.findings();
//
// URLs given as model/profiles are resolved against this page; the app only fetches URLs of its
// own origin. Messages go to the app's origin only and only the app's frame is listened to.
(function (global) {
  'use strict';

  const EVENTS = ['ready', 'loaded', 'error', 'selected', 'findings'];

  /** The app's URL with the parameters of `options`. */
  function appUrl(options, pageOrigin) {
    const url = new URL(options.src || '../', global.location.href);
    const params = url.searchParams;
    // The app resolves relative URLs against itself: give it absolute ones (same origin only).
    const absolute = (u) => new URL(u, global.location.href).href;
    if (options.model) params.set('model', absolute(options.model));
    for (const profile of options.profiles || []) params.append('profile', absolute(profile));
    if (options.overlay) params.set('overlay', options.overlay);
    if (options.node) params.set('node', options.node);
    if (options.target) params.set('target', options.target);
    if (options.theme) params.set('theme', options.theme);
    if (options.compact !== false) params.set('view', 'compact');
    // Another origin than the app's may drive it only when the app is told which.
    if (url.origin !== pageOrigin) params.set('embed_origin', pageOrigin);
    return url;
  }

  /**
   * Embeds opscope in `target` (an <iframe>, or an element to put one in). Returns the viewer:
   * open(files), setOverlay(name), select(node), fit(), findings() (a Promise), on(event, fn)
   * (returns a function that removes the handler), destroy().
   */
  function create(target, options) {
    options = options || {};
    let frame = target;
    if (!(target instanceof HTMLIFrameElement)) {
      frame = document.createElement('iframe');
      frame.title = options.title || 'opscope model viewer';
      frame.style.width = '100%';
      frame.style.height = '100%';
      frame.style.border = '0';
      target.appendChild(frame);
    }
    const url = appUrl(options, global.location.origin);
    const appOrigin = url.origin;
    const handlers = Object.fromEntries(EVENTS.map((name) => [name, new Set()]));
    const waiting = []; // findings() promises, oldest first
    const queued = []; // messages sent before the app said it was ready
    let ready = false;

    function emit(name, event) {
      for (const fn of handlers[name] || []) {
        try { fn(event); } catch (err) { console.error('opscope-embed handler:', err); }
      }
    }

    function onMessage(event) {
      // Only the app in this frame, at its own origin.
      if (event.source !== frame.contentWindow || event.origin !== appOrigin) return;
      const data = event.data;
      if (!data || typeof data.type !== 'string' || !handlers[data.type]) return;
      if (data.type === 'ready') {
        ready = true;
        while (queued.length) post(...queued.shift());
      }
      if (data.type === 'findings' && waiting.length) waiting.shift().resolve(data.findings);
      emit(data.type, data);
    }
    global.addEventListener('message', onMessage);

    function post(message, transfer) {
      if (!ready) {
        queued.push([message, transfer]);
        return;
      }
      frame.contentWindow.postMessage(message, appOrigin, transfer || []);
    }

    frame.src = url.href;

    return {
      frame,
      /** Opens files: File objects, or {name, bytes} with bytes an ArrayBuffer or typed array. */
      async open(files) {
        const list = await Promise.all(Array.from(files, async (file) => {
          if (typeof Blob !== 'undefined' && file instanceof Blob) {
            return { name: file.name || 'file', bytes: await file.arrayBuffer() };
          }
          return { name: file.name, bytes: file.bytes };
        }));
        post({ type: 'open', files: list });
      },
      setOverlay(overlay) { post({ type: 'overlay', overlay }); },
      select(node) { post({ type: 'select', node: node == null ? null : String(node) }); },
      fit() { post({ type: 'fit' }); },
      /** The findings of the shown model, as plain objects. */
      findings() {
        return new Promise((resolve, reject) => {
          waiting.push({ resolve, reject });
          post({ type: 'findings' });
        });
      },
      on(name, fn) {
        if (!handlers[name]) throw new Error(`opscope-embed: no event ${name} (${EVENTS.join(', ')})`);
        handlers[name].add(fn);
        return () => handlers[name].delete(fn);
      },
      destroy() {
        global.removeEventListener('message', onMessage);
        for (const w of waiting.splice(0)) w.reject(new Error('opscope-embed: destroyed'));
        if (frame !== target) frame.remove();
      },
    };
  }

  global.OpscopeEmbed = { create };
})(window);
