// The example page's script: embeds the viewer with opscope-embed.js and wires the buttons.
// `?app=URL` embeds an app served elsewhere (the model and profile are then taken from there).
(function () {
  'use strict';
  const asked = new URLSearchParams(location.search);
  const app = new URL(asked.get('app') || '../', location.href);
  const log = document.querySelector('#events');

  const viewer = OpscopeEmbed.create(document.querySelector('#viewer'), {
    src: app.href,
    // The files are served with the app: the app only fetches from its own origin.
    model: new URL('samples/resnet50.onnx', app).href,
    profiles: [new URL('embed/resnet50_op_summary_0.csv', app).href],
    overlay: asked.get('overlay') || 'heat',
    // The chip this page documents (without it, the app follows the chip the profile ran on).
    target: 'ascend310',
    node: asked.get('node') || undefined,
  });
  window.viewer = viewer;

  function describe(event) {
    switch (event.type) {
      case 'loaded':
        return `${event.model.files.join(' + ')}: ${event.model.name} (${event.model.format}, ${event.model.nodes} nodes, ${event.model.target})`;
      case 'error':
        return `${event.file ?? 'message'}: ${event.message}`;
      case 'selected':
        return event.node ?? '(nothing)';
      case 'findings':
        return `${event.findings.length} findings`;
      default:
        return '';
    }
  }
  for (const type of ['ready', 'loaded', 'error', 'selected', 'findings']) {
    viewer.on(type, (event) => {
      const item = document.createElement('li');
      item.dataset.type = type;
      item.textContent = `${type} ${describe(event)}`.trim();
      log.appendChild(item);
      if (type === 'selected' && event.node) document.querySelector('#node').value = event.node;
    });
  }

  const overlays = document.querySelectorAll('button[data-overlay]');
  const initial = asked.get('overlay') || 'heat';
  for (const b of overlays) b.setAttribute('aria-pressed', String(b.dataset.overlay === initial));
  for (const button of overlays) {
    button.addEventListener('click', () => {
      viewer.setOverlay(button.dataset.overlay);
      for (const b of overlays) b.setAttribute('aria-pressed', String(b === button));
    });
  }
  document.querySelector('#select').addEventListener('click', () => {
    viewer.select(document.querySelector('#node').value);
  });
  document.querySelector('#fit').addEventListener('click', () => viewer.fit());
  document.querySelector('#findings').addEventListener('click', async () => {
    const list = document.querySelector('#findings-list');
    list.replaceChildren();
    for (const finding of await viewer.findings()) {
      const item = document.createElement('li');
      item.textContent = `${finding.severity} · ${finding.title}: ${finding.nodes.join(', ')}`;
      list.appendChild(item);
    }
  });
  document.querySelector('#files').addEventListener('change', (event) => {
    const files = Array.from(event.target.files);
    if (files.length) viewer.open(files);
    event.target.value = '';
  });
})();
