// Browser benchmark: opens generated models in headless Chromium, in opscope (the release build
// in dist/, served locally) and in Netron's web UI (the `netron` PyPI package serving the same
// file on 127.0.0.1), and prints per model: time from the file being chosen to drawn, the
// browser's memory (resident set of all its processes), and the median and p95 frame time while
// panning. Run through scripts/browser-bench, which builds, generates the models and serves.
//
// Usage: node tests/bench/browser.mjs MODEL... (env: BASE_URL, NETRON=path/to/netron/python or
// empty to skip, NETRON_TIMEOUT_S, default 180, SETTLE_MS, default 2000).
import { chromium } from 'playwright-core';
import { spawn, execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { basename } from 'node:path';

const BASE_URL = process.env.BASE_URL ?? 'http://127.0.0.1:8080/';
const NETRON = process.env.NETRON ?? '';
const NETRON_TIMEOUT_S = Number(process.env.NETRON_TIMEOUT_S ?? 180);
// How long the page may settle before the file is chosen (a user takes longer): the engine
// worker fetches and compiles its wasm when the page starts. SETTLE_MS=0 times a file chosen
// the moment the page shows.
const SETTLE_MS = Number(process.env.SETTLE_MS ?? 2000);
const models = process.argv.slice(2);
if (models.length === 0) {
  console.error('usage: node tests/bench/browser.mjs MODEL...');
  process.exit(2);
}

/** A flag only this run's browser has (Chromium ignores it), so another benchmark or test
 * browser running on the machine is not counted in the memory. */
const MARKER = `--opscope-bench-run=${process.pid}`;
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    '--enable-precise-memory-info', MARKER],
});

/** Memory of this benchmark's browser, MB: the proportional set size (PSS: each shared page
 * counted once, split among the processes sharing it; a plain sum of resident sizes counts
 * Chromium's shared libraries and memory once per process) of the Chromium processes launched
 * with its marker flag and all their descendants (renderers, GPU and utility processes). */
function browserRssMb() {
  const parent = new Map();
  const rss = new Map();
  const roots = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const pid = Number(entry);
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parent.set(pid, Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
      let pss = null;
      try {
        pss = readFileSync(`/proc/${entry}/smaps_rollup`, 'utf8').match(/^Pss:\s+(\d+)/m)?.[1];
      } catch { /* no smaps_rollup: resident size */ }
      const status = readFileSync(`/proc/${entry}/status`, 'utf8');
      rss.set(pid, Number(pss ?? status.match(/VmRSS:\s+(\d+)/)?.[1] ?? 0));
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (cmdline.includes('chromium') && cmdline.includes(MARKER)) roots.push(pid);
    } catch { /* gone */ }
  }
  const inTree = (pid) => {
    for (let p = pid, hops = 0; p > 1 && hops < 20; p = parent.get(p) ?? 0, hops++) {
      if (roots.includes(p)) return true;
    }
    return false;
  };
  let kb = 0;
  for (const [pid, value] of rss) if (inTree(pid)) kb += value;
  return kb / 1024;
}

/** Frame intervals (ms) while the pointer drags the view around for `ms` milliseconds. */
async function panFrames(page, selector, ms = 2000) {
  const box = await page.locator(selector).boundingBox();
  if (!box) return [];
  await page.evaluate(() => {
    window.__frames = [];
    let last = performance.now();
    const tick = (now) => {
      window.__frames.push(now - last);
      last = now;
      if (!window.__stopFrames) requestAnimationFrame(tick);
    };
    window.__stopFrames = false;
    requestAnimationFrame(tick);
  });
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2;
  await page.mouse.move(cx, cy);
  await page.mouse.down();
  const started = Date.now();
  let step = 0;
  while (Date.now() - started < ms) {
    const angle = step / 10;
    await page.mouse.move(cx + Math.cos(angle) * 150, cy + Math.sin(angle) * 100, { steps: 2 });
    step += 1;
  }
  await page.mouse.up();
  return page.evaluate(() => {
    window.__stopFrames = true;
    return window.__frames.slice(2);
  });
}

function percentile(values, p) {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length - 1) * p))];
}

async function measureOpscope(path) {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  await page.goto(BASE_URL);
  await page.locator('#sample').waitFor({ timeout: 30000 });
  await page.waitForTimeout(SETTLE_MS);
  // Timed in the page: Playwright's waiting polls at growing intervals (up to a second late).
  await page.evaluate(() => {
    window.__drawnAt = null;
    new MutationObserver(() => {
      const graph = document.querySelector('#graph');
      if (window.__drawnAt === null && graph?.getAttribute('data-graph-state') === 'drawn') {
        window.__drawnAt = performance.now();
      }
    }).observe(document.body, { attributes: true, subtree: true, attributeFilter: ['data-graph-state'] });
    window.__chosenAt = performance.now();
  });
  await page.setInputFiles('#file', path);
  await page.locator('#graph[data-graph-state="drawn"]').waitFor({ timeout: 600000 });
  const drawnMs = await page.evaluate(() => window.__drawnAt - window.__chosenAt);
  const rss = browserRssMb();
  const frames = await panFrames(page, '#graph .graph-canvas > canvas');
  await context.close();
  return { drawnMs, rss, median: percentile(frames, 0.5), p95: percentile(frames, 0.95) };
}

async function measureNetron(path) {
  if (!NETRON) return null;
  const port = 20000 + Math.floor(Math.random() * 20000);
  const server = spawn(NETRON, ['-c', `import netron, time; netron.start(${JSON.stringify(path)}, ('127.0.0.1', ${port}), browse=False); time.sleep(100000)`], { stdio: 'ignore' });
  try {
    const url = `http://127.0.0.1:${port}/`;
    for (let i = 0; i < 100; i++) {
      try { execFileSync('python3', ['-c', `import urllib.request; urllib.request.urlopen('${url}')`], { stdio: 'ignore' }); break; } catch { await new Promise((r) => setTimeout(r, 200)); }
    }
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    page.on('dialog', (dialog) => dialog.accept());
    const started = Date.now();
    await page.goto(url);
    try {
      // Netron replaces window.eval, so no page.evaluate there: wait through locators, which run
      // in Playwright's own world.
      await page.locator('body.default').waitFor({ timeout: NETRON_TIMEOUT_S * 1000 });
      await page.locator('#canvas .node').first().waitFor({ state: 'attached', timeout: NETRON_TIMEOUT_S * 1000 });
    } catch {
      const rss = browserRssMb();
      await context.close();
      return { drawnMs: Infinity, rss, median: NaN, p95: NaN };
    }
    const drawnMs = Date.now() - started;
    const rss = browserRssMb();
    const frames = await panFrames(page, '#target, #canvas', 2000).catch(() => []);
    await context.close();
    return { drawnMs, rss, median: percentile(frames, 0.5), p95: percentile(frames, 0.95) };
  } finally {
    server.kill('SIGKILL');
  }
}

const fmt = (ms) => (Number.isFinite(ms) ? (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`) : `> ${NETRON_TIMEOUT_S} s`);
const fmtFrame = (ms) => (Number.isFinite(ms) ? `${ms.toFixed(1)}` : '—');
console.log('| model | size | opscope: drawn / memory (PSS) / frame median, p95 (ms) | Netron: drawn / memory (PSS) / frame median, p95 (ms) | Netron ÷ opscope (drawn) |');
console.log('| --- | --- | --- | --- | --- |');
for (const path of models) {
  const size = `${(statSync(path).size / 1e6).toFixed(1)} MB`;
  const ours = await measureOpscope(path);
  const netron = await measureNetron(path);
  const ourCell = `${fmt(ours.drawnMs)} / ${Math.round(ours.rss)} MB / ${fmtFrame(ours.median)}, ${fmtFrame(ours.p95)}`;
  const netronCell = netron
    ? `${fmt(netron.drawnMs)} / ${Math.round(netron.rss)} MB / ${fmtFrame(netron.median)}, ${fmtFrame(netron.p95)}`
    : 'skipped';
  const ratio = netron ? (Number.isFinite(netron.drawnMs) ? `${(netron.drawnMs / ours.drawnMs).toFixed(1)}×` : `> ${(NETRON_TIMEOUT_S * 1000 / ours.drawnMs).toFixed(0)}×`) : '—';
  console.log(`| ${basename(path)} | ${size} | ${ourCell} | ${netronCell} | ${ratio} |`);
}
await browser.close();
