// End-to-end tests of embedding (docs/embedding.md): the app opened by URL parameters, driven
// from a parent page by postMessage through www/embed/opscope-embed.js, and the origin checks.
// Run through tests/e2e/run, which serves dist/ and sets BASE_URL. Two other origins, a
// documentation site and a hostile one, are pages this test serves itself (routed in the
// browser, so nothing leaves the machine).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ROOT, SHOTS, assert, assertNoForeignRequestsOrErrors, launchBrowser, onHosts, summary, test, watchContext,
} from './harness.mjs';

const BASE_URL = process.env.BASE_URL ?? 'http://127.0.0.1:8080/';
const DIST = join(ROOT, 'dist');
const DOCS = 'http://docs.example';
const EVIL = 'http://evil.example';

// The routed origins stand for public sites; Chromium would block their frames of the app on
// 127.0.0.1 (local network access), which a real documentation site does not meet.
const browser = await launchBrowser(['--disable-features=LocalNetworkAccessChecks']);
const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });

// The other origins: the documentation site serves the example page and its script from dist/
// (the app stays on BASE_URL); the hostile site serves the page a test writes. Anything else
// on them is a 404 and is recorded, so a request the app should not make is seen.
const routed = [];
let evilPage = '<!doctype html><title>evil</title><link rel="icon" href="data:,">';
await context.route(`${DOCS}/**`, async (route) => {
  const path = new URL(route.request().url()).pathname;
  routed.push(route.request().url());
  const types = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' };
  const ext = path.slice(path.lastIndexOf('.'));
  if (path.startsWith('/embed/') && types[ext]) {
    await route.fulfill({ status: 200, contentType: types[ext], body: readFileSync(join(DIST, path)) });
  } else {
    await route.fulfill({ status: 404, body: 'not here' });
  }
});
await context.route(`${EVIL}/**`, async (route) => {
  routed.push(route.request().url());
  const path = new URL(route.request().url()).pathname;
  if (path === '/') await route.fulfill({ status: 200, contentType: 'text/html', body: evilPage });
  else await route.fulfill({ status: 404, body: 'not here' });
});

// Every request of every page and frame, and every error thrown in one.
const watched = watchContext(context);

// Drawn, with the analysis (which the worker sends after the graph) taken and drawn too.
const DRAWN = '#graph[data-graph-state="drawn"][data-analysis="done"]';
const MODEL = 'samples/resnet50.onnx';
const PROFILE = 'embed/resnet50_op_summary_0.csv';
const NODE = '/layer1/0/Conv_4';

/** The app's frame inside a parent page (the one served from BASE_URL). */
async function appFrame(page) {
  for (let i = 0; i < 100; i += 1) {
    const frame = page.frames().find((f) => f !== page.mainFrame() && f.url().startsWith(BASE_URL));
    if (frame) return frame;
    await page.waitForTimeout(100);
  }
  throw new Error('the app frame never appeared');
}

const escapeRe = (text) => text.replace(/[.*+?^$()|[\]{}\\/]/g, '\\$&');

/** The example page's event log, as lines. */
const events = (page) => page.locator('#events li').allInnerTexts();
async function waitEvent(page, pattern, timeout = 30000) {
  const started = Date.now();
  while (Date.now() - started < timeout) {
    const lines = await events(page);
    const found = lines.find((line) => pattern.test(line));
    if (found) return found;
    await page.waitForTimeout(100);
  }
  throw new Error(`no event ${pattern} in: ${(await events(page)).join(' | ')}`);
}

/** Whether the canvas holds a drawing (more than one colour), not a blank frame. */
async function canvasDrawn(frame) {
  return frame.evaluate(() => {
    const canvas = document.querySelector('#graph canvas');
    const ctx = canvas && canvas.getContext('2d');
    if (!ctx || canvas.width === 0) return false;
    const data = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
    const seen = new Set();
    for (let i = 0; i < data.length; i += 4 * 97) seen.add(`${data[i]},${data[i + 1]},${data[i + 2]}`);
    return seen.size > 3;
  });
}

await test('opens a model and its profile by URL: compact view, overlay, node and target', async () => {
  const page = await context.newPage();
  const query = `?model=${MODEL}&profile=${PROFILE}&overlay=heat&node=${encodeURIComponent(NODE)}` +
    '&view=compact&target=ascend910b';
  await page.goto(BASE_URL + query);
  await page.locator(DRAWN).waitFor({ timeout: 60000 });
  await page.locator('#profile[data-profile-state="loaded"]').waitFor({ state: 'attached', timeout: 20000 });
  // The graph only: no toolbar, side panel, tables or status bar; the zoom control stays.
  for (const chrome of ['.toolbar', '#status', '#profile', '#properties']) {
    const n = await page.locator(chrome).count();
    assert(n === 0 || !(await page.locator(chrome).isVisible()), `${chrome} is shown in the compact view`);
  }
  assert(await page.locator('#embed-controls').isVisible(), 'the compact zoom control is missing');
  assert((await page.locator('#graph').getAttribute('data-overlay')) === 'heat', 'the heat overlay is not on');
  assert(await page.locator('#legend[data-overlay="heat"] .heat-legend').isVisible(), 'the heat legend is not shown');
  // The node the URL names is selected (its properties, hidden in this view, name it; the hash too).
  await page.waitForFunction((node) => decodeURIComponent(location.hash) === `#node=${node}`, NODE,
    { timeout: 10000 });
  const properties = await page.locator('#properties').textContent();
  assert(properties.includes(NODE), `the selected node is not ${NODE}: ${properties.slice(0, 200)}`);
  assert((await page.locator('#target-picker').inputValue()) === 'ascend910b', 'the target is not the 910B');
  assert(await canvasDrawn(page), 'the canvas is blank');
  const names = await page.evaluate(() => window.opscope.nodeNames().length);
  assert(names === 122, `ResNet-50 has 122 nodes, the graph ${names}`);
  // The zoom control works: Fit changes the zoom back after a zoom in.
  await page.locator('#embed-zoom-in').click();
  await page.screenshot({ path: join(SHOTS, 'embed-url-compact.png') });
  await page.close();
});

await test('a model URL of another origin is refused with an error naming it; a missing profile is listed', async () => {
  const page = await context.newPage();
  const foreign = `${EVIL}/m.onnx`;
  await page.goto(`${BASE_URL}?model=${encodeURIComponent(foreign)}&view=compact`);
  await page.locator('#graph[data-graph-state="error"]').waitFor({ timeout: 30000 });
  const text = await page.locator('#error').innerText();
  assert(text.includes(foreign) && /own origin/.test(text), `error: ${text}`);
  assert(!watched.requests.some((url) => url.startsWith(foreign)), 'the app requested the foreign URL');
  await page.screenshot({ path: join(SHOTS, 'embed-foreign-url.png') });
  // Same origin, but the profile is missing: the model opens, the profile's 404 is listed.
  await page.goto(`${BASE_URL}?model=${MODEL}&profile=embed/missing.csv&view=compact`);
  await page.locator(DRAWN).waitFor({ timeout: 60000 });
  const missing = await page.locator('#error').innerText();
  assert(missing.includes('embed/missing.csv') && /404/.test(missing), `error: ${missing}`);
  await page.close();
});

await test('the example page: loads by URL, switches the overlay, selects a node, gets the findings', async () => {
  const page = await context.newPage();
  await page.goto(`${BASE_URL}embed/example.html`);
  await waitEvent(page, /^ready$/);
  const loaded = await waitEvent(page, /^loaded /, 60000);
  assert(/^loaded resnet50\.onnx: .*\(onnx, 122 nodes, ascend310\)$/.test(loaded), `loaded event: ${loaded}`);
  const frame = await appFrame(page);
  await frame.locator(DRAWN).waitFor({ timeout: 30000 });
  assert((await frame.locator('#graph').getAttribute('data-overlay')) === 'heat', 'the URL asked for the heat map');
  // Overlay from the parent.
  await page.locator('button[data-overlay="unit"]').click();
  await frame.locator('#graph[data-overlay="unit"]').waitFor({ timeout: 10000 });
  await frame.locator('#legend[data-overlay="unit"] #unit-legend').waitFor({ timeout: 10000 });
  // Select from the parent: the app selects it and says so.
  await page.locator('#node').fill('/layer4/2/Conv_117');
  await page.locator('#select').click();
  await waitEvent(page, /^selected \/layer4\/2\/Conv_117$/, 10000);
  const properties = await frame.locator('#properties').textContent();
  assert(properties.includes('/layer4/2/Conv_117'), 'the app did not select the node');
  // The view in the hash: the node first, then the overlay the parent picked (not the heat map
  // the page shows a measured profile by itself).
  assert(decodeURIComponent(new URL(frame.url()).hash) === '#node=/layer4/2/Conv_117&overlay=unit',
    `hash: ${frame.url()}`);
  // A click in the app tells the parent too: a node in view other than the selected one.
  const other = await frame.evaluate(() => {
    const w = window.innerWidth;
    const h = window.innerHeight;
    for (const name of window.opscope.nodeNames()) {
      const c = window.opscope.nodeCenter(name);
      if (name !== '/layer4/2/Conv_117' && c && c.x > 80 && c.x < w - 80 && c.y > 80 && c.y < h - 80) {
        return { name, x: c.x, y: c.y };
      }
    }
    return null;
  });
  assert(other, 'no other node in view');
  const box = await page.locator('#viewer iframe').boundingBox();
  await page.mouse.click(box.x + other.x, box.y + other.y);
  await waitEvent(page, new RegExp(`^selected ${escapeRe(other.name)}$`), 10000);
  // The findings, as plain data.
  const findings = await page.evaluate(() => window.viewer.findings());
  assert(Array.isArray(findings) && findings.length >= 1, `findings: ${JSON.stringify(findings).slice(0, 200)}`);
  for (const f of findings) {
    assert(typeof f.rule === 'string' && typeof f.title === 'string' && Array.isArray(f.nodes)
      && typeof f.severity === 'string' && typeof f.fix === 'string', `finding shape: ${JSON.stringify(f)}`);
  }
  // The profile says the classifier ran on the AI CPU: a finding names it.
  assert(findings.some((f) => f.nodes.includes('/fc/Gemm_122')),
    `no finding names /fc/Gemm_122: ${findings.map((f) => `${f.rule}:${f.nodes}`).join(' | ')}`);
  await page.locator('#findings').click();
  await page.locator('#findings-list li').first().waitFor({ timeout: 10000 });
  assert((await page.locator('#findings-list li').count()) === findings.length, 'the list differs from the answer');
  await page.screenshot({ path: join(SHOTS, 'embed-example.png'), fullPage: true });

  // Files sent as bytes by message: the app opens them and says what it loaded.
  await page.setInputFiles('#files', join(ROOT, 'www/samples/mobilenet_v2.onnx'));
  const second = await waitEvent(page, /^loaded mobilenet_v2\.onnx: /, 60000);
  await frame.locator(DRAWN).waitFor({ timeout: 30000 });
  const nodes = await frame.evaluate(() => window.opscope.nodeNames().length);
  assert(second.includes(`${nodes} nodes`), `loaded event ${second}, the graph has ${nodes} nodes`);
  // A message the app does not understand is answered with an error event.
  await page.evaluate(() => window.viewer.setOverlay('rainbow'));
  await waitEvent(page, /^error message: .*rainbow/, 10000);
  await page.screenshot({ path: join(SHOTS, 'embed-example-postmessage.png'), fullPage: true });
  await page.close();
});

await test('a documentation site of another origin named by embed_origin drives the app', async () => {
  const page = await context.newPage();
  await page.goto(`${DOCS}/embed/example.html?app=${encodeURIComponent(BASE_URL)}`);
  await waitEvent(page, /^ready$/);
  await waitEvent(page, /^loaded resnet50/i, 60000);
  const frame = await appFrame(page);
  assert(new URL(frame.url()).searchParams.get('embed_origin') === DOCS, `frame URL: ${frame.url()}`);
  await page.locator('#select').click();
  await waitEvent(page, /^selected \/layer1\/0\/Conv_4$/, 10000);
  await page.close();
});

await test('messages from a page of another origin are ignored, and it gets no event', async () => {
  evilPage = `<!doctype html><title>evil</title><link rel="icon" href="data:,">
    <iframe id="app" style="width:900px;height:600px" src="${BASE_URL}?model=${MODEL}&view=compact"></iframe>
    <script>
      window.got = [];
      addEventListener('message', (event) => window.got.push(event.data));
    </script>`;
  const page = await context.newPage();
  await page.goto(`${EVIL}/`);
  const frame = await appFrame(page);
  await frame.locator(DRAWN).waitFor({ timeout: 60000 });
  await page.evaluate(async (bytes) => {
    const app = document.querySelector('#app').contentWindow;
    app.postMessage({ type: 'select', node: '/Conv_1' }, '*');
    app.postMessage({ type: 'overlay', overlay: 'none' }, '*');
    app.postMessage({ type: 'findings' }, '*');
    app.postMessage({ type: 'open', files: [{ name: 'x.onnx', bytes: new Uint8Array(bytes).buffer }] }, '*');
  }, [1, 2, 3]);
  await page.waitForTimeout(1500);
  assert((await frame.locator('#properties').count()) === 0, 'the app selected a node for another origin');
  assert(new URL(frame.url()).hash === '', `hash: ${frame.url()}`);
  assert((await frame.locator('#graph').getAttribute('data-overlay')) !== 'none', 'the overlay changed');
  assert((await frame.locator('#error').count()) === 0, 'the app opened the files of another origin');
  const got = await page.evaluate(() => window.got);
  assert(got.length === 0, `another origin received events: ${JSON.stringify(got)}`);
  // A sibling frame of the app's own origin is not its parent: ignored as well.
  await page.evaluate((base) => new Promise((done) => {
    const sibling = document.createElement('iframe');
    sibling.src = `${base}embed/opscope-embed.js`;
    sibling.onload = done;
    document.body.appendChild(sibling);
  }), BASE_URL);
  const sibling = page.frames().find((f) => f.url().endsWith('opscope-embed.js'));
  await sibling.evaluate(() => window.parent.frames[0].postMessage({ type: 'select', node: '/Conv_1' }, '*'));
  await page.waitForTimeout(1000);
  assert((await frame.locator('#properties').count()) === 0, 'the app took a message from a sibling frame');
  await page.screenshot({ path: join(SHOTS, 'embed-foreign-parent.png') });
  await page.close();
});

await test('no request left this machine and no page threw an error', async () => {
  assertNoForeignRequestsOrErrors(watched, onHosts('127.0.0.1', 'docs.example', 'evil.example'));
  // The routed origins only served the pages this test wrote: the app asked them for nothing.
  const extra = routed.filter((url) => !/^http:\/\/docs\.example\/embed\/(example\.(html|js|css)|opscope-embed\.js)(\?|$)/.test(url)
    && url !== `${EVIL}/`);
  assert(extra.length === 0, `requests to the other origins: ${extra.join(', ')}`);
});

await browser.close();
process.exit(summary('embedding; ') ? 1 : 0);
