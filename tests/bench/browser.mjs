// Browser benchmark: opens generated models in headless Chromium, in opscope (the release build
// in dist/, served locally) and in Netron's web UI (the `netron` PyPI package's own server on
// 127.0.0.1), and prints one Markdown table. Per model and app:
//   - drawn: from the model file being chosen in the page's file input (its `change` event) until
//     the graph is on screen (opscope: #graph[data-graph-state="drawn"]; Netron: body.default with
//     graph nodes in #canvas, which Netron sets after its layout and render), timed in the page
//     (see stopwatch); the file is chosen SETTLE_MS (default 2 s) after the app is up, as a person
//     would, so opscope's worker has warmed up and Netron has loaded its scripts;
//   - peak PSS: the proportional set size (/proc/PID/smaps_rollup, `Pss:`) summed over the
//     browser's process tree, sampled from the file being chosen until drawn, and its maximum;
//     PSS splits shared pages between the processes sharing them, so the sum does not count them
//     twice as a sum of RSS would. Samples every 100 ms, or three times as long as a sample took
//     when that is longer, in a worker thread (see runSampler). Each measurement gets a fresh
//     browser, so the figure is the whole browser with one page;
//   - JS heap + ArrayBuffers + wasm memory: after drawn, panning and a forced GC, the V8 heap in
//     use, the ArrayBuffer backing stores and the WebAssembly memories, each summed over the page
//     and its web workers (CDP; see jsMemoryMb); the DOM, compiled code and the GPU are not in it;
//   - frame median and p95: intervals between animation frames while the pointer drags the
//     view around for 2 s.
// A profiling table (a `.csv`) is opened in opscope only (Netron reads no profiles), and its
// "drawn" is the profile panel loaded (#profile[data-profile-state="loaded"]): the table
// streamed by slices, its rows analysed and the hotspots shown; no panning.
// Netron replaces window.eval, which breaks Playwright's page.evaluate; everything that runs in
// the page goes through a CDP session (Runtime.evaluate) instead, for both apps alike.
// Netron asks for cookie consent (an in-page notification, not a dialog) when it cannot look the
// visitor's country up, which blocks it before it opens anything: the benchmark sets its `consent`
// cookie, and blocks every request that does not go to 127.0.0.1 (Netron's telemetry).
// Run through scripts/browser-bench, which builds, generates the models and serves.
//
// Usage: node tests/bench/browser.mjs MODEL... (env: BASE_URL, NETRON=path/to/netron-venv/python
// or empty to skip, NETRON_TIMEOUT_S (default 240), OPSCOPE_TIMEOUT_S (default 600), MEMORY_CAP_MB
// (default half the machine's memory: a browser over it is stopped and reported so), BENCH_DEBUG=1
// to print the number and cost of the PSS samples on stderr).
import { chromium } from 'playwright-core';
import { spawn, execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { targetMemory, workerMemories } from '../cdp-memory.mjs';

const BASE_URL = process.env.BASE_URL ?? 'http://127.0.0.1:8080/';
const NETRON = process.env.NETRON ?? '';
const NETRON_TIMEOUT_S = Number(process.env.NETRON_TIMEOUT_S ?? 240);
const OPSCOPE_TIMEOUT_S = Number(process.env.OPSCOPE_TIMEOUT_S ?? 600);
const PAN_MS = 2000;
/** Wait after the app is up before choosing the file, as a person does: opscope's worker warms
 * up (compiles and runs the engine once) when it starts, and Netron loads its scripts. */
const SETTLE_MS = Number(process.env.SETTLE_MS ?? 2000);
const SAMPLE_MS = 100;
// The browser is stopped when its PSS goes over this (default half the machine's memory): Netron
// on 100,000 nodes passes 9 GB within 4 minutes.
const MEMORY_CAP_MB = Number(process.env.MEMORY_CAP_MB
  ?? Math.round(Number(readFileSync('/proc/meminfo', 'utf8').match(/MemTotal:\s+(\d+)/)[1]) / 1024 / 2));
const models = process.argv.slice(2);
if (isMainThread && models.length === 0) {
  console.error('usage: node tests/bench/browser.mjs MODEL...');
  process.exit(2);
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** PSS in kB of one process, 0 when it is gone or unreadable. */
function pssKb(pid) {
  try {
    const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
    return Number(rollup.match(/^Pss:\s+(\d+)/m)?.[1] ?? 0);
  } catch {
    return 0;
  }
}

/** Pids of the Chromium processes this script launched: its chromium children and all their
 * descendants (zygotes, renderers, GPU and utility processes). */
function browserTree() {
  const children = new Map();
  const commands = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (!children.has(ppid)) children.set(ppid, []);
      children.get(ppid).push(Number(entry));
      commands.set(Number(entry), readFileSync(`/proc/${entry}/cmdline`, 'utf8'));
    } catch { /* gone */ }
  }
  const tree = [];
  const stack = (children.get(process.pid) ?? []).filter((pid) => commands.get(pid)?.includes('chromium'));
  while (stack.length > 0) {
    const pid = stack.pop();
    tree.push(pid);
    stack.push(...(children.get(pid) ?? []));
  }
  return tree;
}

/** Browser PSS in MB now; `tree` caches the process tree, looked up again at most once a second
 * (a scan of /proc costs ~10 ms, and the page's processes exist before the load starts), and each
 * process's last PSS with its resident size then: a process whose resident size (statm, cheap)
 * moved by less than 1 MB since keeps its PSS, as most of Chromium's helpers do during a load. */
function browserPssMb(tree) {
  if (Date.now() - tree.at > 1000) Object.assign(tree, { pids: browserTree(), at: Date.now() });
  let kb = 0;
  for (const pid of tree.pids) {
    let residentKb = 0;
    try {
      residentKb = Number(readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')[1]) * 4;
    } catch {
      continue;
    }
    const last = tree.pss.get(pid);
    if (!last || Math.abs(residentKb - last.residentKb) >= 1024) {
      tree.pss.set(pid, { residentKb, pssKb: pssKb(pid) });
    }
    kb += tree.pss.get(pid).pssKb;
  }
  return kb / 1024;
}

/** The sampler's thread: reading smaps_rollup makes the kernel walk every resident page (tens of
 * ms for a browser of 2 GB), so it runs off the main thread, which keeps time for Playwright, and
 * waits three times as long as a sample took, at least SAMPLE_MS, so that it takes at most a
 * quarter of a core. Samples until the shared flag is set, then posts the peak; posts `over` once
 * when the browser goes over `capMb`. */
function runSampler({ flag, capMb }) {
  const stop = new Int32Array(flag);
  const tree = { pids: [], at: -Infinity, pss: new Map() };
  let peak = 0;
  let samples = 0;
  let spent = 0;
  for (;;) {
    const started = performance.now();
    const now = browserPssMb(tree);
    if (now > capMb && peak <= capMb) parentPort.postMessage({ over: now });
    peak = Math.max(peak, now);
    const took = performance.now() - started;
    spent += took;
    samples += 1;
    if (samples === 1) parentPort.postMessage({ ready: true });
    if (Atomics.load(stop, 0) !== 0) break;
    Atomics.wait(stop, 0, 0, Math.max(SAMPLE_MS, 3 * took) - took);
  }
  parentPort.postMessage({ peak, samples, sampleMs: spent / samples });
}

/** Starts sampling the browser's PSS; resolves to { stop, overCap }: `stop()` resolves to
 * { peak MB, samples, mean ms per sample }, `overCap` rejects when the browser's PSS goes over
 * MEMORY_CAP_MB (and never resolves). */
async function samplePss() {
  const flag = new SharedArrayBuffer(4);
  const worker = new Worker(new URL(import.meta.url), { workerData: { flag, capMb: MEMORY_CAP_MB } });
  const messages = [];
  let wake = null;
  let over = null;
  const overCap = new Promise((resolve, reject) => { over = reject; });
  overCap.catch(() => {});
  worker.on('message', (message) => {
    if (message.over) {
      const error = new Error(`stopped at ${(message.over / 1024).toFixed(1)} GB (cap ${MEMORY_CAP_MB} MB)`);
      error.name = 'MemoryCap';
      over(error);
      return;
    }
    messages.push(message);
    wake?.();
  });
  const next = async () => {
    while (messages.length === 0) await new Promise((resolve) => { wake = resolve; });
    return messages.shift();
  };
  await next();
  const stop = async () => {
    const stopFlag = new Int32Array(flag);
    Atomics.store(stopFlag, 0, 1);
    Atomics.notify(stopFlag, 0);
    const result = await next();
    await worker.terminate();
    return result;
  };
  return { stop, overCap };
}

async function launch() {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--enable-precise-memory-info'],
  });
}

async function newPage(browser) {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  // Nothing leaves the machine (Netron sends telemetry and looks the visitor's country up).
  await context.route((url) => url.hostname !== '127.0.0.1', (route) => route.abort());
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  /** Evaluates an expression in the page through CDP: Netron replaces window.eval, which
   * Playwright's page.evaluate relies on. */
  const evaluate = async (expression) => {
    const { result, exceptionDetails } = await cdp.send('Runtime.evaluate', {
      expression, awaitPromise: true, returnByValue: true,
    });
    if (exceptionDetails) throw new Error(exceptionDetails.exception?.description ?? exceptionDetails.text);
    return result.value;
  };
  return { context, page, cdp, evaluate };
}

/** Installs the in-page stopwatch read after drawn: `chosen` is the page clock when the file
 * input's `change` event fires (seen in the capture phase, before the app's own handler), `drawn`
 * when `drawnTest` (a JS expression) first holds after that, seen by a MutationObserver on the
 * whole document. Timed in the page because Playwright's waitFor polls at growing intervals (up
 * to 500 ms once a wait is over a second), which would round a load up by as much. */
const stopwatch = (input, drawnTest) => `(() => {
  const bench = window.__bench = { chosen: NaN, drawn: NaN };
  const observer = new MutationObserver(() => {
    if (Number.isFinite(bench.chosen) && !Number.isFinite(bench.drawn) && (${drawnTest})) {
      bench.drawn = performance.now();
      observer.disconnect();
    }
  });
  window.addEventListener('change', (event) => {
    if (event.target.matches(${JSON.stringify(input)}) && !Number.isFinite(bench.chosen)) {
      bench.chosen = performance.now();
      observer.observe(document.documentElement, { attributes: true, childList: true, subtree: true });
    }
  }, true);
  return true;
})()`;

const TWO_FRAMES = 'new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve(true))))';

/** Frame intervals (ms) while the pointer drags the view around for PAN_MS. */
async function panFrames({ page, evaluate }, selector) {
  if (!selector) return [];
  const box = await page.locator(selector).first().boundingBox();
  if (!box) return [];
  await evaluate(`(() => {
    window.__benchFrames = [];
    window.__benchStop = false;
    let last = performance.now();
    const tick = (now) => {
      window.__benchFrames.push(now - last);
      last = now;
      if (!window.__benchStop) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
    return true;
  })()`);
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2;
  await page.mouse.move(cx, cy);
  await page.mouse.down();
  const started = Date.now();
  let step = 0;
  while (Date.now() - started < PAN_MS) {
    const angle = step / 10;
    await page.mouse.move(cx + Math.cos(angle) * 150, cy + Math.sin(angle) * 100, { steps: 2 });
    step += 1;
  }
  await page.mouse.up();
  return evaluate('(() => { window.__benchStop = true; return window.__benchFrames.slice(2); })()');
}

/** The JS memory of the page and its web workers after a forced GC, MB (tests/cdp-memory.mjs):
 * `heap` sums V8's used heap, `buffers` the ArrayBuffer backing stores and `wasm` the
 * WebAssembly memories. */
async function jsMemoryMb(cdp) {
  const page = await targetMemory((method, params) => cdp.send(method, params));
  const workers = await workerMemories(cdp);
  const parts = [page, ...workers];
  if (process.env.BENCH_DEBUG) console.error(`JS memory MB (page, then workers): ${parts.map((p) => `heap ${(p.heap / 1048576).toFixed(1)}, buffers ${(p.buffers / 1048576).toFixed(1)}, wasm ${(p.wasm / 1048576).toFixed(1)}`).join('; ')}`);
  const mb = (key) => parts.reduce((sum, part) => sum + part[key], 0) / 1024 / 1024;
  return { heap: mb('heap'), buffers: mb('buffers'), wasm: mb('wasm'), workers: workers.length };
}

function percentile(values, p) {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length - 1) * p))];
}

/** Opens `path` in an app and measures it. `open(session)` loads the app up to its file input;
 * `drawn(session, timeoutMs)` resolves when the graph is drawn, or rejects with a message. */
async function measure({ name, open, input, drawn, drawnTest, panSelector, timeoutS }, path) {
  const browser = await launch();
  try {
    const session = await newPage(browser);
    await open(session);
    await sleep(SETTLE_MS);
    const { stop: stopPss, overCap } = await samplePss();
    await session.evaluate(stopwatch(input, drawnTest));
    const started = Date.now();
    await session.page.setInputFiles(input, path);
    let failure = null;
    try {
      await Promise.race([drawn(session, timeoutS * 1000), overCap]);
      await session.evaluate(TWO_FRAMES);
    } catch (error) {
      failure = error;
    }
    const clockMs = Date.now() - started;
    const inPage = await session.evaluate('window.__bench').catch(() => null);
    const drawnMs = inPage && Number.isFinite(inPage.drawn - inPage.chosen) ? inPage.drawn - inPage.chosen : clockMs;
    if (process.env.BENCH_DEBUG) console.error(`${basename(path)} in ${name}: drawn ${drawnMs.toFixed(0)} ms in the page, ${clockMs} ms on Playwright's clock`);
    const { peak: peakPss, samples, sampleMs } = await stopPss();
    if (process.env.BENCH_DEBUG) console.error(`${basename(path)}: ${samples} PSS samples, ${sampleMs.toFixed(1)} ms each`);
    if (failure) {
      const timedOut = failure.name === 'TimeoutError' || /Timeout/i.test(failure.message);
      // Where the page was, on stderr: its body class and any message it shows.
      const state = await Promise.all([
        session.page.locator('body').getAttribute('class', { timeout: 5000 }),
        session.page.locator('#message-text').innerText({ timeout: 5000 }).catch(() => ''),
      ]).catch(() => ['(page not answering)', '']);
      console.error(`${basename(path)} in ${name} after ${(drawnMs / 1000).toFixed(0)} s: ${timedOut ? 'timeout' : failure.message}; `
        + `body class "${state[0]}"${state[1] ? `, message "${state[1]}"` : ''}`);
      return {
        failed: timedOut ? `timeout after ${timeoutS} s`
          : failure.name === 'MemoryCap' ? `${failure.message} after ${(drawnMs / 1000).toFixed(0)} s`
            : `error: ${failure.message.split('\n')[0]}`,
        peakPss,
        // Not drawn after this long: a lower bound for the time to drawn.
        notDrawnAfterMs: timedOut || failure.name === 'MemoryCap' ? drawnMs : NaN,
      };
    }
    const frames = await panFrames(session, panSelector).catch(() => []);
    const memory = await jsMemoryMb(session.cdp).catch(() => ({ heap: NaN, buffers: NaN, wasm: NaN }));
    return { drawnMs, peakPss, memory, median: percentile(frames, 0.5), p95: percentile(frames, 0.95) };
  } finally {
    await browser.close().catch(() => {});
  }
}

const opscope = {
  name: 'opscope',
  timeoutS: OPSCOPE_TIMEOUT_S,
  input: '#file',
  panSelector: '#graph .graph-canvas > canvas',
  async open({ page }) {
    await page.goto(BASE_URL);
    await page.locator('#sample').waitFor({ timeout: 30000 });
  },
  drawnTest: 'document.querySelector(\'#graph[data-graph-state="drawn"]\') !== null',
  async drawn({ page }, timeout) {
    await page.locator('#graph[data-graph-state="drawn"]').waitFor({ timeout });
  },
};

/** opscope opening a profiling table: done when the profile panel shows it; nothing to pan. */
const opscopeTable = {
  ...opscope,
  panSelector: null,
  drawnTest: 'document.querySelector(\'#profile[data-profile-state="loaded"]\') !== null',
  async drawn({ page }, timeout) {
    await page.locator('#profile[data-profile-state="loaded"]').waitFor({ timeout });
  },
};

/** Netron's web UI served by its own Python server with no model: the benchmark opens each model
 * through Netron's file input, as it does opscope's. */
async function startNetron() {
  const port = 20000 + Math.floor(Math.random() * 20000);
  const server = spawn(NETRON, ['-c', `import netron, time; netron.start(None, ('127.0.0.1', ${port}), browse=False); time.sleep(1000000)`], { stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}/`;
  for (let i = 0; i < 150; i++) {
    try {
      execFileSync('python3', ['-c', `import urllib.request; urllib.request.urlopen('${url}')`], { stdio: 'ignore' });
      break;
    } catch {
      await sleep(200);
    }
  }
  const version = execFileSync(NETRON, ['-c', 'import netron; print(netron.__version__)'], { encoding: 'utf8' }).trim();
  return { url, version, stop: () => server.kill('SIGKILL') };
}

function netronApp(url) {
  return {
    name: 'Netron',
    timeoutS: NETRON_TIMEOUT_S,
    input: '#open-file-dialog',
    panSelector: '#target',
    async open({ context, page }) {
      // Netron shows a cookie notice ("This app uses cookies ...", an in-page message waiting
      // for Accept) when it cannot look the visitor's country up, as offline: set its cookie.
      await context.addCookies([{ name: 'consent', value: String(Date.now()), url }]);
      await page.goto(url);
      await page.locator('body.welcome:not(.spinner) #open-file-button').waitFor({ timeout: 60000 });
    },
    drawnTest: 'document.querySelector(\'body.default #canvas .node\') !== null',
    async drawn({ page }, timeout) {
      // body.default is set by Netron's view.show() after render() has laid out and updated the
      // graph; an error puts up body.alert with the message in #message-text. A long layout shows
      // a notification with a Cancel button, which is left alone.
      const ok = page.locator('body.default #canvas .node').first().waitFor({ state: 'attached', timeout });
      const alert = page.locator('body.alert #message-text').waitFor({ state: 'attached', timeout })
        .then(async () => { throw new Error(await page.locator('#message-text').innerText()); });
      await Promise.race([ok, alert]);
      ok.catch(() => {});
      alert.catch(() => {});
    },
  };
}

const fmtMs = (ms) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`);
const fmtNum = (value, digits = 0) => (Number.isFinite(value) ? value.toFixed(digits) : '—');

async function main() {
  let netron = null;
  if (NETRON) netron = await startNetron();
  try {
    const heading = netron ? `opscope / Netron ${netron.version}` : 'opscope';
    console.log(`| model | file | drawn (${heading}) | Netron ÷ opscope (drawn) | peak PSS MB (${heading}) | JS heap + ArrayBuffers + wasm memory MB, page and workers (${heading}) | pan frame median, p95 ms (${heading}) |`);
    console.log('| --- | --- | --- | --- | --- | --- | --- |');
    for (const path of models) {
      const size = `${(statSync(path).size / 1e6).toFixed(1)} MB`;
      const table = path.endsWith('.csv');
      const results = [await measure(table ? opscopeTable : opscope, path)];
      if (netron && !table) results.push(await measure(netronApp(netron.url), path));
      const cell = (format) => results.map(format).join(' / ');
      const [ours, theirs] = results;
      let ratio = '—';
      if (theirs && !ours.failed) {
        ratio = theirs.failed
          ? (Number.isFinite(theirs.notDrawnAfterMs) ? `> ${(theirs.notDrawnAfterMs / ours.drawnMs).toFixed(0)}×` : '—')
          : `${(theirs.drawnMs / ours.drawnMs).toFixed(1)}×`;
      }
      console.log(`| ${basename(path)} | ${size} | ${cell((r) => r.failed ?? fmtMs(r.drawnMs))} | ${ratio} | `
        + `${cell((r) => fmtNum(r.peakPss))} | ${cell((r) => (r.failed ? '—' : `${fmtNum(r.memory.heap, 1)} + ${fmtNum(r.memory.buffers, 1)} + ${fmtNum(r.memory.wasm, 1)}`))} | `
        + `${cell((r) => (r.failed ? '—' : `${fmtNum(r.median, 1)}, ${fmtNum(r.p95, 1)}`))} |`);
    }
  } finally {
    netron?.stop();
  }
}

if (isMainThread) {
  await main();
} else {
  runSampler(workerData);
}
