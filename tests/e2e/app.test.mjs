// End-to-end tests of the web app in headless Chromium (playwright-core driving Debian's
// /usr/bin/chromium). Run through tests/e2e/run, which serves dist/ and sets BASE_URL.
import { mkdtempSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ROOT, SHOTS, assert, assertNoForeignRequestsOrErrors, launchBrowser, onHosts, summary, test, watchPage,
} from './harness.mjs';

const BASE_URL = process.env.BASE_URL ?? 'http://127.0.0.1:8080/';
const timings = {};

const browser = await launchBrowser();
const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
const page = await context.newPage();

// Every request the page makes; the app must not reach beyond the machine it was served from.
const watched = watchPage(page);
// What the Content-Security-Policy refused (Chromium reports each refusal on the console).
const cspRefusals = [];
page.on('console', (message) => {
  if (/Content Security Policy/i.test(message.text())) cspRefusals.push(message.text());
});

const graph = page.locator('#graph');
const status = page.locator('#status');
// Drawn, with the analysis (which the worker sends after the graph) taken and drawn too.
const DRAWN = '#graph[data-graph-state="drawn"][data-analysis="done"]';
const waitDrawn = () => page.locator(DRAWN).waitFor({ timeout: 30000 });

await test('opens with a drop zone and the sample button', async () => {
  await page.goto(BASE_URL);
  await page.locator('#sample').waitFor({ timeout: 20000 });
  assert((await graph.getAttribute('data-graph-state')) === 'empty', 'graph state should start empty');
});

await test('loads the bundled sample and draws it', async () => {
  await page.locator('#sample').click();
  await waitDrawn();
  await page.locator('#status', { hasText: '122 nodes' }).waitFor({ timeout: 5000 });
  await page.screenshot({ path: join(SHOTS, 'sample-resnet50.png') });
});

// ---- The analysis of a model alone: estimate label, unit overlay, target, findings ----

await test('a model alone is analysed: unit legend, estimate label, another target', async () => {
  // The sample loaded above has no profile: its times are the cost model's estimate.
  const label = page.locator('#estimate-status');
  await label.waitFor({ timeout: 10000 });
  assert((await label.innerText()).trim() === 'estimated (cost model, Ascend 310)',
    `status label: ${await label.innerText()}`);
  // The units overlay is on with its legend; the legend lists the units with node counts.
  assert((await page.locator('#overlay-unit').getAttribute('aria-pressed')) === 'true', 'unit overlay is off');
  const legend = page.locator('#unit-legend');
  await legend.waitFor({ timeout: 5000 });
  const legendText = await legend.innerText();
  for (const unit of ['Cube', 'Vector', 'Cube+Vector', 'AI CPU', 'DVPP', 'Communication', 'No kernel']) {
    assert(legendText.includes(unit), `legend lacks ${unit}: ${legendText}`);
  }
  const cubes = Number(await legend.locator('[data-unit="cube"] .unit-legend-count').innerText());
  assert(cubes >= 53, `ResNet-50 has 53 convolutions and a Gemm, the legend counts ${cubes} Cube nodes`);
  // Every estimate shown elsewhere says so too (the panel title when the estimate has times).
  for (const el of await page.locator('#profile[data-profile-state="estimated"]').all()) {
    assert(/estimated \(cost model, Ascend 310\)/.test(await el.innerText()), 'the panel lacks the estimate label');
  }
  await page.screenshot({ path: join(SHOTS, 'analysis-estimate.png') });
  // Another chip: analysed again in the worker, the graph kept.
  await page.locator('#target-picker').selectOption('ascend910b');
  await page.locator('#estimate-status', { hasText: 'Ascend 910B' }).waitFor({ timeout: 20000 });
  await waitDrawn();
  assert((await status.innerText()).includes('122 nodes'), 'the graph was lost');
  await page.locator('#target-picker').selectOption('ascend310');
  await page.locator('#estimate-status', { hasText: 'Ascend 310' }).waitFor({ timeout: 20000 });
  await waitDrawn();
});

// The bundled ResNet-50's first convolution reads 3 channels: the channel-alignment rule fires
// on it (once the model rules are merged; until then the analysis finds nothing here).
await test('the findings panel lists findings; a click selects and frames their nodes', async () => {
  const started = Date.now();
  await page.locator('#open-findings').click();
  const panel = page.locator('#findings');
  await panel.waitFor({ timeout: 5000 });
  const findings = panel.locator('.finding');
  const n = await findings.count();
  await page.screenshot({ path: join(SHOTS, 'analysis-findings.png') });
  assert(n >= 1, `expected at least one finding on ResNet-50, the panel says: ${(await panel.innerText()).slice(0, 300)}`);
  // Groups are sorted by their total gain.
  const gains = await panel.locator('.finding-group').evaluateAll((groups) => groups.map((g) => {
    const gain = g.querySelector('.finding-group-head .finding-gain');
    if (!gain) return 0;
    const m = gain.textContent.match(/([\d.,]+)\s*(us|ms|s)\b/);
    if (!m) return 0;
    const value = Number(m[1].replace(/,/g, ''));
    return m[2] === 's' ? value * 1e6 : m[2] === 'ms' ? value * 1e3 : value;
  }));
  assert(gains.every((v, i) => i === 0 || gains[i - 1] >= v), `groups not sorted by gain: ${gains}`);
  // The first finding that names nodes of the graph.
  const finding = panel.locator('.finding:has(.node-link)').first();
  await finding.waitFor({ timeout: 5000 });
  const names = await finding.locator('.node-link').allInnerTexts();
  await finding.locator('.finding-message').click();
  const properties = page.locator('#properties');
  await properties.waitFor({ timeout: 5000 });
  const text = await properties.innerText();
  assert(names.some((name) => text.includes(name)), `the properties panel shows none of ${names}`);
  if (names.length > 1) {
    await page.locator('#selection-count', { hasText: `of ${names.length} selected nodes` }).waitFor({ timeout: 5000 });
  }
  assert((await finding.getAttribute('class')).includes('selected'), 'the finding is not marked selected');
  // Framed: every node of the finding is inside the graph area.
  const inView = await page.evaluate((names) => {
    const r = document.querySelector('#graph').getBoundingClientRect();
    return names.every((name) => {
      const c = window.opscope.nodeCenter(name);
      return c && c.x >= r.left && c.x <= r.right && c.y >= r.top && c.y <= r.bottom;
    });
  }, names);
  assert(inView, `the finding's nodes are not all in view: ${names}`);
  // The node panel shows the analysis: unit, why, the findings naming the node.
  assert(/Analysis · Ascend 310/i.test(text) && /\bunit\b/i.test(text) && /\bwhy\b/i.test(text), `node analysis: ${text.slice(0, 300)}`);
  await page.locator('#node-findings').waitFor({ timeout: 5000 });
  assert(await page.locator('#unit-legend').isVisible(), 'the unit legend is gone');
  await waitDrawn();
  await page.screenshot({ path: join(SHOTS, 'analysis-finding-selected.png') });
  timings.findingsMs = Date.now() - started;
  await page.keyboard.press('Escape');
});

// ---- Overlays: data-overlay, #legend, keys, the colour of a known node, the URL ----

/** The canvas's colour (r, g, b) in the lower part of the named node's header, right of centre. */
async function headerColour(p, name) {
  // Two frames, so a resize of the canvas (a panel closing) has been drawn and published.
  await p.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
  // A layout change (a panel closing) resizes the canvas before its next frame redraws it: wait
  // until the drawing is the canvas's size, or the sample lands on a stretched picture.
  await p.waitForFunction(() => {
    const canvas = document.querySelector('#graph canvas');
    const r = canvas.getBoundingClientRect();
    return Math.abs(canvas.width - Math.round(r.width * devicePixelRatio)) <= 1
      && Math.abs(canvas.height - Math.round(r.height * devicePixelRatio)) <= 1;
  }, null, { timeout: 5000 });
  return p.evaluate((name) => {
    const box = window.opscope.nodeCenter(name);
    if (!box) return null;
    const canvas = document.querySelector('#graph canvas');
    const r = canvas.getBoundingClientRect();
    const sx = (box.left + box.width * 0.82 - r.left) * (canvas.width / r.width);
    // The header is 22 world units tall; 17 is below the title's middle and the finding badge.
    const sy = (box.top + 17 * box.scale - r.top) * (canvas.height / r.height);
    const [red, green, blue] = canvas.getContext('2d').getImageData(Math.round(sx), Math.round(sy), 1, 1).data;
    return [red, green, blue];
  }, name);
}
const near = (a, b, tolerance = 40) => a && a.every((v, i) => Math.abs(v - b[i]) <= tolerance);

await test('overlays switch by key and toolbar: data-overlay, #legend, node colours', async () => {
  await waitDrawn();
  assert((await graph.getAttribute('data-overlay')) === 'unit', `data-overlay ${await graph.getAttribute('data-overlay')}`);
  const legend = page.locator('#legend');
  await legend.locator('#unit-legend').waitFor({ timeout: 5000 });
  // A convolution runs on the Cube: its header is the Cube colour (#1864ab).
  await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
  const conv = await page.evaluate(() => {
    const names = window.opscope.nodeNames();
    return names.find((n) => window.opscope.nodeCenter(n) && /conv/i.test(n));
  });
  assert(conv, 'no convolution in view');
  const cube = await headerColour(page, conv);
  assert(near(cube, [0x18, 0x64, 0xab]), `${conv} under the unit overlay is ${cube}, not the Cube blue`);
  await page.screenshot({ path: join(SHOTS, 'overlay-unit.png') });
  // G: fusion groups; the legend says what the outlines mean.
  await page.locator('body').press('g');
  await page.locator('#graph[data-overlay="fusion"]').waitFor({ timeout: 5000 });
  await legend.locator('#fusion-legend').waitFor({ timeout: 5000 });
  assert(Number(await legend.locator('[data-fusion="ub"] .unit-legend-count').innerText()) >= 1,
    'ResNet-50 has UB groups');
  assert((await page.locator('#overlay-fusion').getAttribute('aria-pressed')) === 'true', 'fusion button not pressed');
  await waitDrawn();
  const fused = await headerColour(page, conv);
  assert(!near(fused, cube, 10), `${conv} kept its unit colour under the fusion overlay: ${fused}`);
  await page.screenshot({ path: join(SHOTS, 'overlay-fusion.png') });
  // The legend folds away to its toggle, so a short graph area shows what it covers, and stays
  // folded when the overlay changes; it opens again.
  const toggle = legend.locator('.legend-toggle');
  await toggle.click();
  assert(!(await legend.locator('#fusion-legend').isVisible()), 'the folded legend is still shown');
  await page.locator('body').press('u');
  await page.locator('#graph[data-overlay="unit"]').waitFor({ timeout: 5000 });
  assert(!(await legend.locator('#unit-legend').isVisible()), 'the legend opened with the overlay change');
  await toggle.click();
  await legend.locator('#unit-legend').waitFor({ state: 'visible', timeout: 5000 });
  await page.locator('body').press('g');
  await legend.locator('#fusion-legend').waitFor({ state: 'visible', timeout: 5000 });
  // Plain: category colours, no legend.
  await page.locator('#overlay-none').click();
  await page.locator('#graph[data-overlay="none"]').waitFor({ timeout: 5000 });
  assert((await legend.count()) === 0, 'a legend without an overlay');
  await page.screenshot({ path: join(SHOTS, 'overlay-none.png') });
  // U: back to the units, as the later tests expect.
  await page.locator('body').press('u');
  await page.locator('#graph[data-overlay="unit"]').waitFor({ timeout: 5000 });
  await waitDrawn();
});

await test('?overlay= in the URL picks the overlay a model opens with', async () => {
  const other = await context.newPage();
  watchPage(other, watched);
  await other.goto(`${BASE_URL}?overlay=fusion&sample=resnet50`);
  await other.locator(DRAWN).waitFor({ timeout: 30000 });
  await other.locator('#graph[data-overlay="fusion"]').waitFor({ timeout: 10000 });
  await other.locator('#legend #fusion-legend').waitFor({ timeout: 5000 });
  await other.close();
});

// ---- Navigation: search with a match count, #node= links, arrow keys, the minimap ----

/** Waits until the page's URL names this node (`#node=`), as selecting it writes. */
const waitHashNode = (p, name) => p.waitForFunction(
  (h) => decodeURIComponent(window.location.hash) === h, `#node=${name}`, { timeout: 5000 });
/** Waits until the named node's centre is on the canvas (the canvas draws on the next frame). */
const waitInView = (p, name) => p.waitForFunction(
  (n) => window.opscope.nodeCenter(n) !== null, name, { timeout: 5000 });
/** Waits until the properties panel shows this node. */
const waitSelected = (p, name) => p.waitForFunction(
  (n) => document.querySelector('#properties .sidebar-subtitle')?.textContent === n, name, { timeout: 10000 });

await test('search counts every match and steps through them, revealing each', async () => {
  await waitDrawn();
  const names = await page.evaluate(() => window.opscope.nodeNames());
  const relus = names.filter((n) => /relu/i.test(n));
  assert(relus.length > 10, `ResNet-50 has many Relu nodes: ${relus.length}`);
  const search = page.locator('#search');
  const count = page.locator('#search-count');
  await search.fill('relu');
  await count.waitFor({ timeout: 5000 });
  assert((await count.innerText()).trim() === `1 / ${relus.length}`, `count: ${await count.innerText()}`);
  // Enter reveals the first match; the properties and the URL name it.
  await search.press('Enter');
  await waitHashNode(page, relus[0]);
  await waitSelected(page, relus[0]);
  await waitInView(page, relus[0]);
  // The next button, then Enter again: the second and third matches.
  assert((await page.locator('#search-next').getAttribute('aria-label')) === 'Next match', 'next button label');
  await page.locator('#search-next').click();
  await page.locator('#search-count', { hasText: `2 / ${relus.length}` }).waitFor({ timeout: 5000 });
  await waitHashNode(page, relus[1]);
  await search.press('Enter');
  await page.locator('#search-count', { hasText: `3 / ${relus.length}` }).waitFor({ timeout: 5000 });
  await search.press('Shift+Enter');
  await page.locator('#search-count', { hasText: `2 / ${relus.length}` }).waitFor({ timeout: 5000 });
  await waitHashNode(page, relus[1]);
  // An attribute value: the stem's 7×7 convolution is the only one.
  await search.fill('kernel_shape=7,7');
  await page.locator('#search-count', { hasText: '1 / 1' }).waitFor({ timeout: 5000 });
  await search.press('Enter');
  await page.locator('#properties', { hasText: 'kernel_shape' }).waitFor({ timeout: 5000 });
  assert(/\[7,\s*7\]/.test(await page.locator('#properties').innerText()), 'not the 7×7 convolution');
  await page.screenshot({ path: join(SHOTS, 'search-count.png') });
  await search.fill('');
  await search.press('Escape');
  await page.keyboard.press('Escape');
});

await test('#node= in the URL opens the node; arrow down moves to its consumer; the minimap pans', async () => {
  const other = await context.newPage();
  watchPage(other, watched);
  // The stem: its first convolution feeds only its Relu.
  const names = await page.evaluate(() => window.opscope.nodeNames());
  const [conv, relu] = names;
  assert(/conv/i.test(conv) && /relu/i.test(relu), `unexpected first nodes ${conv}, ${relu}`);
  await other.goto(`${BASE_URL}?sample=resnet50#node=${encodeURIComponent(conv)}`);
  await other.locator(DRAWN).waitFor({ timeout: 30000 });
  await waitSelected(other, conv);
  await waitInView(other, conv);
  // Arrow down: its consumer, selected, revealed and written to the URL.
  await other.locator('body').press('ArrowDown');
  await waitHashNode(other, relu);
  await waitSelected(other, relu);
  await waitInView(other, relu);
  await other.locator('body').press('ArrowUp');
  await waitHashNode(other, conv);
  await waitSelected(other, conv);
  // The hash changed by hand selects its node too.
  await other.evaluate((n) => { window.location.hash = `node=${encodeURIComponent(n)}`; }, relu);
  await waitSelected(other, relu);
  // Z frames the selection.
  await other.locator('body').press('z');
  // The minimap: visible, a click on its bottom moves the view to the end of the graph.
  const minimap = other.locator('#minimap canvas');
  await minimap.waitFor({ timeout: 5000 });
  assert(await minimap.isVisible(), 'the minimap is not visible');
  await other.screenshot({ path: join(SHOTS, 'navigation-minimap.png') });
  const last = names[names.length - 1];
  assert(!(await other.evaluate((n) => window.opscope.nodeCenter(n) !== null, last)), `${last} is already in view`);
  const box = await minimap.boundingBox();
  await minimap.click({ position: { x: box.width / 2, y: box.height - 3 } });
  await waitInView(other, last);
  // M hides it.
  await other.locator('body').press('m');
  await other.locator('#minimap').waitFor({ state: 'detached', timeout: 5000 });
  await other.close();
});

// ---- Export: SVG with text as text and the overlay's colours, PNG of the canvas ----

const xmlEscape = (text) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
  .replace(/"/g, '&quot;').replace(/'/g, '&#39;');

/** Chooses `kind` in the export menu and returns the download it starts. */
async function exportAs(kind) {
  const [download] = await Promise.all([
    page.waitForEvent('download', { timeout: 20000 }),
    page.locator('#export').selectOption(kind),
  ]);
  return download;
}

await test('export: SVG of the whole graph has the names as text and the unit colours; PNGs', async () => {
  await waitDrawn();
  assert((await graph.getAttribute('data-overlay')) === 'unit', 'the unit overlay should be on');
  const names = await page.evaluate(() => window.opscope.nodeNames());
  const download = await exportAs('svg-graph');
  assert(download.suggestedFilename() === 'resnet50-unit.svg', `saved as ${download.suggestedFilename()}`);
  const svg = readFileSync(await download.path(), 'utf8');
  assert(svg.startsWith('<?xml') && svg.includes('<svg xmlns="http://www.w3.org/2000/svg"'), 'not an SVG file');
  // Every op name that fits its box is a <text>; the Cube colour and its legend entry are there.
  const fitting = names.filter((n) => n.length <= 30);
  const missing = fitting.filter((n) => !svg.includes(`>${xmlEscape(n)}</text>`));
  assert(fitting.length > 100 && missing.length === 0, `names missing from the SVG: ${missing.slice(0, 5)}`);
  assert(svg.includes('fill="#1864ab"'), 'no node in the Cube colour');
  assert(/>Cube \(\d+\)<\/text>/.test(svg), 'no Cube entry in the legend');
  assert(svg.includes('class="ol"'), 'no fusion group outlined');
  // It parses as SVG, with one node group per node of the graph.
  const parsed = await page.evaluate((text) => {
    const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
    return { error: doc.querySelector('parsererror')?.textContent ?? null, nodes: doc.querySelectorAll('g.node').length };
  }, svg);
  assert(parsed.error === null, `the SVG does not parse: ${parsed.error}`);
  assert(parsed.nodes >= 122, `${parsed.nodes} node groups`);
  assert((await page.locator('#export').inputValue()) === '', 'the menu should go back to its label');

  // The current view: fewer nodes than the whole graph.
  const view = readFileSync(await (await exportAs('svg-view')).path(), 'utf8');
  const viewNodes = (view.match(/<g class="node"/g) ?? []).length;
  assert(viewNodes > 0 && viewNodes < parsed.nodes, `${viewNodes} nodes in the current view's SVG`);

  for (const [kind, name] of [['png-view', 'resnet50-unit-view.png'], ['png-graph', /^resnet50-unit(-\d+pct)?\.png$/]]) {
    const png = await exportAs(kind);
    const saved = png.suggestedFilename();
    assert(typeof name === 'string' ? saved === name : name.test(saved), `${kind} saved as ${saved}`);
    const bytes = readFileSync(await png.path());
    assert(bytes.subarray(1, 4).toString() === 'PNG' && bytes.length > 5000, `${kind}: not a PNG (${bytes.length} bytes)`);
  }
  assert((await page.locator('.error-banner').count()) === 0, 'an export failed');
});

// A second model dropped through the file input: a real zoo model when the shared samples are
// present, else the bundled MobileNet v2.
const zooModel = join(ROOT, '../shared/samples/models/onnx/light_inception_v1.onnx');
const [secondPath, secondNodes] = existsSync(zooModel)
  ? [zooModel, 237]
  : [join(ROOT, 'www/samples/mobilenet_v2.onnx'), 100];

await test(`opens a second model through the file input (${secondNodes} nodes)`, async () => {
  await page.setInputFiles('#file', secondPath);
  await page.locator('#status', { hasText: `${secondNodes} nodes` }).waitFor({ timeout: 30000 });
  await waitDrawn();
  await page.screenshot({ path: join(SHOTS, 'second-model.png') });
});

await test('clicking a node shows its properties', async () => {
  const names = await page.evaluate(() => window.opscope.nodeNames());
  // Unnamed nodes (the zoo models' ConstantOfShape) have no name to look up.
  assert(Array.isArray(names) && names.length > 0 && names.length <= secondNodes,
    `nodeNames gave ${names?.length}`);
  // Pick a convolution so the panel has attributes, a weight and shapes to show.
  const conv = await page.evaluate(() => {
    const names = window.opscope.nodeNames();
    return names.find((n) => /conv/i.test(n)) ?? names[0];
  });
  // Bring it into view: fit to screen is the default after load, but the graph may be tall.
  let center = await page.evaluate((n) => window.opscope.nodeCenter(n), conv);
  assert(center, `node ${conv} is not visible`);
  await page.mouse.click(center.x, center.y);
  const panel = page.locator('#properties');
  await panel.waitFor({ timeout: 5000 });
  const text = await panel.innerText();
  assert(text.includes('Conv'), `panel lacks the op type: ${text.slice(0, 200)}`);
  assert(text.includes(conv), `panel lacks the node name ${conv}`);
  assert(/kernel_shape|pads|strides/.test(text), 'panel lacks the attributes');
  assert(/\[1,\d+,\d+,\d+\]/.test(text.replace(/\s/g, '')), 'panel lacks an input or output shape');
  assert(/f32/.test(text), 'panel lacks a dtype');
  await page.screenshot({ path: join(SHOTS, 'properties.png') });
});

await test('an invalid file shows an error and keeps the graph', async () => {
  await page.setInputFiles('#file', {
    name: 'broken.onnx',
    mimeType: 'application/octet-stream',
    buffer: Buffer.from('this is not a model at all'),
  });
  const banner = page.locator('#error');
  await banner.waitFor({ timeout: 10000 });
  const text = await banner.innerText();
  assert(text.includes('broken.onnx') && text.includes('not an ONNX model'), `error text: ${text}`);
  assert((await graph.getAttribute('data-graph-state')) === 'drawn', 'the previous graph was lost');
  assert((await status.innerText()).includes(`${secondNodes} nodes`), 'status lost the previous model');
  await page.screenshot({ path: join(SHOTS, 'error.png') });
});

await test('a truncated model gives a located error, then a good file still loads', async () => {
  const bytes = readFileSync(join(ROOT, 'www/samples/resnet50.onnx'));
  await page.setInputFiles('#file', {
    name: 'cut.onnx',
    mimeType: 'application/octet-stream',
    buffer: bytes.subarray(0, 5000),
  });
  await page.locator('#error', { hasText: 'cut.onnx' }).waitFor({ timeout: 10000 });
  assert(/byte \d+/.test(await page.locator('#error').innerText()), 'error does not name the byte offset');
  await page.setInputFiles('#file', join(ROOT, 'www/samples/mobilenet_v2.onnx'));
  await page.locator('#status', { hasText: '100 nodes' }).waitFor({ timeout: 30000 });
  await waitDrawn();
});

// ---- Profiles: several files at once, tables, charts, heat map ----

const SHARED = join(ROOT, '../shared/samples');
// A file on disk as a buffer (Playwright cannot mix paths and buffers in one drop).
const fileOf = (path) => ({
  name: path.split('/').pop(), mimeType: 'application/octet-stream', buffer: readFileSync(path),
});
const waitProfile = () => page.locator('#profile[data-profile-state="loaded"]').waitFor({ timeout: 30000 });
const hotspotRows = page.locator('#hotspots tr[data-op]');
// Numbers as the tables print them (`1,234.56`).
const num = (text) => Number(String(text).replace(/[^0-9.\-]/g, ''));
async function hotspotTotals() {
  return page.$$eval('#hotspots tr[data-op] td:nth-child(5)', (cells) => cells.map((c) => c.textContent));
}

// An op_summary in msprof's column layout whose op names are real nodes of the ResNet-50 sample:
// a few AI Core convolutions and one op that fell back to the AI CPU.
function resnetProfile(names) {
  const convs = names.filter((n) => /conv/i.test(n));
  const header = 'Device_id,Model ID,Task ID,Stream ID,Op Name,OP Type,OP State,Task Type,Task Start Time(us),' +
    'Task Duration(us),Task Wait Time(us),Block Num,Input Shapes,Input Data Types,Input Formats,Output Shapes,' +
    'Output Data Types,Output Formats';
  const rows = [];
  let start = 1000;
  let task = 1;
  const row = (op, type, unit, us) => {
    rows.push(`0,1,${task++},2,${op},${type},static,${unit},${start.toFixed(3)},${us},0.5,8,` +
      `"1,64,56,56",FLOAT16,NC1HWC0,"1,64,56,56",FLOAT16,NC1HWC0`);
    start += us + 1;
  };
  // Two tasks of the first convolution (largest), then smaller ones.
  row(convs[0], 'Conv2D', 'AI_CORE', 410.5);
  row(convs[0], 'Conv2D', 'AI_CORE', 398.25);
  row(convs[1], 'Conv2D', 'AI_CORE', 220.75);
  row(convs[2], 'Conv2D', 'AI_CORE', 95.5);
  row(convs[3], 'Conv2D', 'AI_CORE', 61.25);
  const relu = names.find((n) => /relu/i.test(n)) ?? names[1];
  row(relu, 'Relu', 'AI_VECTOR_CORE', 12.5);
  // The classifier's last op ran on the AI CPU: longer than 20 us, so the aicpu-op rule fires.
  const last = names[names.length - 1];
  row(last, 'ArgMaxV2', 'AI_CPU', 152.0);
  // One op the model does not have.
  row('postprocess/TopK_9', 'TopKV2', 'AI_VECTOR_CORE', 8.0);
  return { csv: `${header}\n${rows.join('\n')}\n`, conv: convs[0], aicpu: last };
}

await test('drops the ResNet-50 sample and its profile together: tables, charts, heat map', async () => {
  await page.locator('#sample').click();
  await page.locator('#status', { hasText: '122 nodes' }).waitFor({ timeout: 30000 });
  await waitDrawn();
  const names = await page.evaluate(() => window.opscope.nodeNames());
  const profile = resnetProfile(names);
  const started = Date.now();
  await page.setInputFiles('#file', [
    fileOf(join(ROOT, 'www/samples/resnet50.onnx')),
    { name: 'op_summary_0_1_20250101.csv', mimeType: 'text/csv', buffer: Buffer.from(profile.csv) },
  ]);
  await waitProfile();
  await page.locator('#status', { hasText: 'matched' }).waitFor({ timeout: 10000 });
  await waitDrawn();
  timings.sampleWithProfileMs = Date.now() - started;
  const statusText = await status.innerText();
  assert(statusText.includes('122 nodes'), `status: ${statusText}`);
  assert(/profile: 8 tasks, 1\.36 ms/.test(statusText), `status lacks the profile: ${statusText}`);
  assert(/matched 99\.4%/.test(statusText), `status lacks the matched share: ${statusText}`);
  const shown = statusText.match(/shown (\d+) ms after opening/);
  if (shown) timings.sampleWithProfileShownMs = Number(shown[1]);

  // Hotspots: one row per op, largest total first.
  const nRows = await hotspotRows.count();
  assert(nRows === 7, `expected 7 hotspot rows, got ${nRows}`);
  const totals = (await hotspotTotals()).map(num);
  assert(totals.every((v, i) => i === 0 || totals[i - 1] >= v), `not sorted by total: ${totals}`);
  assert((await hotspotRows.first().getAttribute('data-op')) === profile.conv, 'the first row is not the top conv');
  // The op the model lacks is greyed and says so.
  const ghost = page.locator('#hotspots tr[data-op="postprocess/TopK_9"]');
  assert((await ghost.getAttribute('class')).includes('no-node'), 'unmatched row is not greyed');
  assert((await ghost.getAttribute('title')) === 'not in the model', 'unmatched row lacks its tooltip');

  // Sorting by a header toggles the direction.
  const totalHeader = page.locator('#hotspots th', { hasText: 'total (us)' });
  await totalHeader.click();
  const ascending = (await hotspotTotals()).map(num);
  assert(ascending.every((v, i) => i === 0 || ascending[i - 1] <= v), `not ascending: ${ascending}`);
  assert((await totalHeader.getAttribute('aria-sort')) === 'ascending', 'header lacks aria-sort');
  await totalHeader.click();

  // The filter narrows the rows (op, type and unit).
  await page.fill('#hotspot-filter', 'conv2d');
  await page.waitForFunction(() => document.querySelectorAll('#hotspots tr[data-op]').length === 4);
  await page.fill('#hotspot-filter', 'ai cpu');
  await page.waitForFunction(() => document.querySelectorAll('#hotspots tr[data-op]').length === 1);
  assert((await hotspotRows.first().getAttribute('data-op')) === profile.aicpu, 'unit filter');
  await page.fill('#hotspot-filter', '');
  await page.waitForFunction(() => document.querySelectorAll('#hotspots tr[data-op]').length === 7);

  // Charts.
  assert(await page.locator('#chart-units path').count() === 3, 'unit donut should have 3 slices');
  const unitsText = await page.locator('#chart-units').innerText();
  assert(/AI Core/.test(unitsText) && /AI CPU/.test(unitsText) && /%/.test(unitsText), `units legend: ${unitsText}`);
  assert(await page.locator('#chart-op-types rect').count() === 4, 'one bar per op type');

  // Heat map: on by default, with its legend.
  const heat = page.locator('#overlay-heat');
  assert((await heat.getAttribute('aria-pressed')) === 'true', 'heat map should be on');
  assert(await heat.isEnabled(), 'heat toggle disabled');
  await page.locator('.heat-legend').waitFor({ timeout: 5000 });
  await page.screenshot({ path: join(SHOTS, 'profile-resnet50.png') });

  // A click on a row selects its node, centred, with its measured time.
  await page.locator(`#hotspots tr[data-op="${profile.conv}"]`).click();
  const panel = page.locator('#properties');
  await panel.waitFor({ timeout: 5000 });
  const panelText = await panel.innerText();
  assert(panelText.includes(profile.conv), `properties lack ${profile.conv}`);
  assert(/Measured/i.test(panelText) && /808\.750 us/.test(panelText) && /AI Core/.test(panelText),
    `properties lack the measured time: ${panelText.slice(0, 400)}`);
  // Centred in the graph area (which the properties panel has just narrowed).
  const centred = await page.waitForFunction((name) => {
    const c = window.opscope.nodeCenter(name);
    const r = document.querySelector('#graph').getBoundingClientRect();
    return c && Math.abs(c.x - (r.left + r.width / 2)) < 40 && Math.abs(c.y - (r.top + r.height / 2)) < 40;
  }, profile.conv, { timeout: 5000 }).then(() => true, () => false);
  assert(centred, `the node is not centred: ${JSON.stringify(
    await page.evaluate((n) => window.opscope.nodeCenter(n), profile.conv))}`);
  await page.locator(`#hotspots tr[data-op="${profile.conv}"].selected`).waitFor({ timeout: 5000 });
  await waitDrawn();
  await page.screenshot({ path: join(SHOTS, 'profile-row-selected.png') });

  // Toggling the heat map redraws the graph.
  await heat.click();
  assert((await heat.getAttribute('aria-pressed')) === 'false', 'heat map did not switch off');
  await waitDrawn();
  await heat.click();
  await waitDrawn();

  // Findings: the AI CPU op, with a clickable node.
  await page.locator('#tab-findings').click();
  const finding = page.locator('#findings .finding[data-rule="aicpu-op"]');
  await finding.waitFor({ timeout: 5000 });
  const findingText = await finding.innerText();
  assert(findingText.includes(profile.aicpu) && /AI CPU/.test(findingText), `finding: ${findingText}`);
  await page.screenshot({ path: join(SHOTS, 'profile-findings.png') });
  await finding.locator('.node-link').first().click();
  await page.locator('#properties', { hasText: profile.aicpu }).waitFor({ timeout: 5000 });
  // The measured profile replaced the estimate: no estimate label, the analysis is measured.
  assert(await page.locator('#estimate-status').count() === 0, 'a measured run is labelled as an estimate');
  const analysisStatus = await page.locator('#status .status-analysis').innerText();
  assert(analysisStatus.includes('Ascend 310') && !/estimated/.test(analysisStatus), `status: ${analysisStatus}`);
  // A click on the finding itself selects its node and marks the finding.
  await page.locator('#properties .btn-close').click();
  await finding.locator('.finding-show').click();
  await page.locator('#properties', { hasText: profile.aicpu }).waitFor({ timeout: 5000 });
  await page.locator('#findings .finding.selected[data-rule="aicpu-op"]').waitFor({ timeout: 5000 });
  const nodeFindings = await page.locator('#node-findings').innerText();
  assert(nodeFindings.includes('aicpu-op'), `the node panel lacks its finding: ${nodeFindings}`);

  // Unmatched: the op that is not in the model.
  await page.locator('#tab-unmatched').click();
  await page.locator('#unmatched tr[data-unmatched="postprocess/TopK_9"]').waitFor({ timeout: 5000 });
  await page.locator('#tab-hotspots').click();
});

await test('the profile panel resizes by its top edge and collapses', async () => {
  const panel = page.locator('#profile');
  const before = (await panel.boundingBox()).height;
  const handle = await page.locator('.splitter-bottom .splitter-grip').boundingBox();
  await page.mouse.move(handle.x + 100, handle.y + handle.height / 2);
  await page.mouse.down();
  await page.mouse.move(handle.x + 100, handle.y - 120, { steps: 4 });
  await page.mouse.up();
  const after = (await panel.boundingBox()).height;
  assert(Math.abs(after - before - 120) < 6, `panel height ${before} -> ${after}`);
  await page.locator('.profile-toggle').click();
  assert((await panel.boundingBox()).height < 60, 'the panel did not collapse');
  await page.locator('.profile-toggle').click();
  await hotspotRows.first().waitFor({ timeout: 5000 });
});

await test('a model dropped alone keeps the loaded profile and joins it again', async () => {
  await page.setInputFiles('#file', join(ROOT, 'www/samples/mobilenet_v2.onnx'));
  await page.locator('#status', { hasText: '100 nodes' }).waitFor({ timeout: 30000 });
  await waitDrawn();
  await waitProfile();
  await page.locator('#status', { hasText: 'matched' }).waitFor({ timeout: 5000 });
  // `/Conv_1` of the ResNet profile now matches MobileNet's `/features.0/Conv_1` by its leaf name.
  const title = await page.locator('#hotspots tr[data-op="/Conv_1"]').getAttribute('title');
  assert(title.includes('/features.0/Conv_1'), `not joined to the new model: ${title}`);
});

const kernelDetails = join(SHARED, 'profiling/torchnpu-a2-convnet-kernel_details.csv');
await test('a real kernel_details profile without a model shows its tables and charts', async () => {
  if (!existsSync(kernelDetails)) {
    console.log('     (skipped: the shared profiling samples are not present)');
    return;
  }
  await page.goto(BASE_URL);
  await page.locator('#sample').waitFor({ timeout: 20000 });
  const started = Date.now();
  await page.setInputFiles('#file', kernelDetails);
  await waitProfile();
  timings.kernelDetailsMs = Date.now() - started;
  assert((await graph.getAttribute('data-graph-state')) === 'empty', 'graph should be empty');
  assert(/No model loaded/.test(await graph.innerText()), 'the graph area should say no model is loaded');
  const nRows = await hotspotRows.count();
  assert(nRows > 10, `only ${nRows} hotspot rows`);
  const totals = (await hotspotTotals()).map(num);
  assert(totals.every((v, i) => i === 0 || totals[i - 1] >= v), 'hotspots not sorted');
  assert(await page.locator('#chart-units path').count() >= 2, 'unit chart empty');
  assert(await page.locator('#chart-op-types rect').count() === 16, 'op type chart should show 15 types + other');
  assert((await status.innerText()).includes('profile: 191 tasks'), `status: ${await status.innerText()}`);
  assert(await page.locator('#overlay-heat').isDisabled(), 'heat map needs a model');
  await page.screenshot({ path: join(SHOTS, 'profile-kernel-details.png') });
  await page.locator('#tab-op-statistics').click();
  const statRows = page.locator('#op-statistics tbody tr[data-op-type]');
  await statRows.first().waitFor({ timeout: 5000 });
  assert(await statRows.count() > 5, 'op statistics empty');
  await page.locator('#op-statistics th', { hasText: 'count' }).click();
  const counts = await page.$$eval('#op-statistics tr[data-op-type] td:nth-child(3)', (c) => c.map((x) => x.textContent));
  const parsed = counts.map(num);
  assert(parsed.every((v, i) => i === 0 || parsed[i - 1] >= v), `op statistics not sorted by count: ${parsed}`);
  await page.screenshot({ path: join(SHOTS, 'profile-op-statistics.png') });
  await page.locator('#tab-findings').click();
  await page.locator('#findings .finding').first().waitFor({ timeout: 5000 });
  await page.screenshot({ path: join(SHOTS, 'profile-kernel-details-findings.png') });
  await page.locator('#tab-hotspots').click();
});

await test('an A2 profile sets the target to its chip until one is picked', async () => {
  // The bundled ResNet-50 run: some of its tasks ran on the vector core, which only A2 chips
  // have. (A run of AI Core and AI CPU tasks alone keeps the Ascend 310: see the measured
  // profile test above.)
  const run = readFileSync(join(ROOT, 'www', 'embed', 'resnet50_op_summary_0.csv'), 'utf8');
  assert(run.includes(',AI_VECTOR_CORE,'), 'the fixture has vector core rows');
  const picker = page.locator('#target-picker');
  const analysedFor = (name) => page.locator('#status .status-analysis', { hasText: name })
    .waitFor({ timeout: 30000 });
  await page.goto(BASE_URL);
  await page.locator('#sample').waitFor({ timeout: 20000 });
  assert(await picker.inputValue() === 'ascend310', 'the default target');
  await page.setInputFiles('#file', [
    fileOf(join(ROOT, 'www', 'samples', 'resnet50.onnx')),
    { name: 'op_summary_0.csv', mimeType: 'text/csv', buffer: Buffer.from(run) },
  ]);
  await waitProfile();
  await analysedFor('Ascend 910B');
  await waitDrawn();
  assert(await picker.inputValue() === 'ascend910b', `picker: ${await picker.inputValue()}`);
  // Picked by hand, the target stays when a run of the same chip is dropped again.
  await picker.selectOption('ascend310p');
  await analysedFor('Ascend 310P');
  await page.setInputFiles('#file', [{ name: 'op_summary_1.csv', mimeType: 'text/csv', buffer: Buffer.from(run) }]);
  await page.locator('#profile-runs input[type="radio"]').nth(1).waitFor({ timeout: 30000 });
  await waitDrawn();
  assert(await picker.inputValue() === 'ascend310p', `a picked target was changed: ${await picker.inputValue()}`);
  await analysedFor('Ascend 310P');
});

const llmDetails = join(SHARED, 'profiling/torchnpu-a2-llm-kernel_details-pipeutil.csv');
await test('a dropped folder: metadata and logs are listed as skipped, not errors; the table loads', async () => {
  // Files of a folder reach the worker named by their path in the drop (the app walks dropped
  // folders through webkitGetAsEntry; a synthetic drop gives no entries, so the paths are set here).
  await page.evaluate(() => {
    const csv = 'Op Name,OP Type,Task Type,Task Start Time(us),Task Duration(us)\n'
      + 'conv_a,Conv2D,AI_CORE,0,300\nrelu_a,Relu,AI_VECTOR_CORE,400,20\n';
    const transfer = new DataTransfer();
    transfer.items.add(new File([csv], 'PROF_1/device_0/summary/op_summary_0.csv'));
    transfer.items.add(new File(['{"collectionDateTime": 1}'], 'PROF_1/device_0/start_info.0'));
    transfer.items.add(new File(['[INFO] collection started\n'], 'PROF_1/msprof.log'));
    document.querySelector('.app').dispatchEvent(
      new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
  });
  const skipped = page.locator('#skipped', { hasText: '2 files skipped' });
  await skipped.waitFor({ timeout: 30000 });
  await waitProfile();
  const label = await skipped.getAttribute('aria-label');
  assert(label.includes('PROF_1/device_0/start_info.0') && label.includes('PROF_1/msprof.log'), label);
  assert((await page.locator('#error').count()) === 0, 'an error banner for skipped files');
  await page.locator('#hotspots tr[data-op="conv_a"]').waitFor({ timeout: 10000 });
});

await test('the 825 KB LLM kernel_details loads without a model', async () => {
  if (!existsSync(llmDetails)) {
    console.log('     (skipped: the shared profiling samples are not present)');
    return;
  }
  const started = Date.now();
  await page.setInputFiles('#file', llmDetails);
  await page.locator('#status', { hasText: 'profile: 2,463 tasks' }).waitFor({ timeout: 30000 });
  await waitProfile();
  timings.llmKernelDetailsMs = Date.now() - started;
  assert(await hotspotRows.count() > 10, 'no hotspot rows');
  await page.screenshot({ path: join(SHOTS, 'profile-llm.png') });
});

await test('500,000 profiled tasks load without freezing the page', async () => {
  const header = 'Op Name,OP Type,Task Type,Task Start Time(us),Task Duration(us)\n';
  const types = ['Conv2D', 'MatMulV2', 'Add', 'Relu', 'TransData', 'Cast', 'Softmax', 'LayerNorm'];
  const units = ['AI_CORE', 'AI_CORE', 'AI_VECTOR_CORE', 'AI_VECTOR_CORE', 'AI_VECTOR_CORE', 'AI_CPU', 'AI_VECTOR_CORE', 'AI_VECTOR_CORE'];
  const lines = [header];
  for (let i = 0; i < 500000; i++) {
    const op = i % 20000;
    const t = op % types.length;
    lines.push(`node_${op},${types[t]},${units[t]},${i * 10},${(1 + (i % 97) * 0.37).toFixed(2)}\n`);
  }
  const buffer = Buffer.from(lines.join(''));
  // Handed over as a file on disk: Playwright copies a buffer into the page on the page's own
  // thread (two seconds for 21 MB), which would be counted against the app.
  const bigDir = mkdtempSync(join(tmpdir(), 'opscope-e2e-'));
  const bigPath = join(bigDir, 'op_summary_big.csv');
  writeFileSync(bigPath, buffer);
  // Measure how long the page's event loop is blocked while the worker reads and analyses.
  await page.evaluate(() => {
    window.__gaps = [];
    let last = performance.now();
    window.__probe = setInterval(() => {
      const now = performance.now();
      window.__gaps.push(now - last);
      last = now;
    }, 20);
  });
  const started = Date.now();
  await page.setInputFiles('#file', bigPath);
  await page.locator('#status', { hasText: 'profile: 500,000 tasks' }).waitFor({ timeout: 120000 });
  await hotspotRows.first().waitFor({ timeout: 10000 });
  timings.bigProfileMs = Date.now() - started;
  rmSync(bigDir, { recursive: true, force: true });
  timings.bigProfileBytes = buffer.length;
  const gaps = await page.evaluate(() => { clearInterval(window.__probe); return window.__gaps; });
  const worst = Math.max(...gaps);
  timings.bigProfileWorstFrameGapMs = Math.round(worst);
  assert((await page.locator('#profile .table-count').innerText()).includes('20,000 ops'), 'expected 20,000 ops');
  // Only the rows in view are in the DOM.
  const inDom = await hotspotRows.count();
  assert(inDom < 200, `${inDom} rows rendered: the table is not virtualised`);
  // Scrolling to the end renders the last rows.
  await page.locator('#hotspots').evaluate((t) => { t.parentElement.scrollTop = t.parentElement.scrollHeight; });
  await page.waitForFunction(() => {
    const rows = document.querySelectorAll('#hotspots tr[data-op]');
    return rows.length > 0 && rows.length < 200 && document.querySelector('#hotspots').parentElement.scrollTop > 100000;
  });
  await page.fill('#hotspot-filter', 'node_1999');
  await page.waitForFunction(() => document.querySelectorAll('#hotspots tr[data-op]').length === 11);
  await page.fill('#hotspot-filter', '');
  assert(worst < 500, `the page was blocked for ${worst.toFixed(0)} ms`);
  await page.screenshot({ path: join(SHOTS, 'profile-big.png') });
});

const caffeNet = join(SHARED, 'models/caffe/ResNet-50-deploy.prototxt');
await test('a Caffe prototxt shows its graph (228 nodes)', async () => {
  const file = existsSync(caffeNet)
    ? caffeNet
    : { name: 'tiny.prototxt', mimeType: 'text/plain', buffer: Buffer.from(tinyPrototxt()) };
  const expected = existsSync(caffeNet) ? '228 nodes' : '3 nodes';
  await page.setInputFiles('#file', file);
  await page.locator('#status', { hasText: expected }).waitFor({ timeout: 30000 });
  await waitDrawn();
  assert((await status.innerText()).includes('CAFFE'), 'status lacks the format');
  await page.screenshot({ path: join(SHOTS, 'caffe-resnet50.png') });
});

function tinyPrototxt() {
  return `name: "tiny"
input: "data"
input_dim: 1
input_dim: 3
input_dim: 32
input_dim: 32
layer { name: "conv1" type: "Convolution" bottom: "data" top: "conv1"
  convolution_param { num_output: 16 kernel_size: 3 } }
layer { name: "relu1" type: "ReLU" bottom: "conv1" top: "conv1" }
layer { name: "prob" type: "Softmax" bottom: "conv1" top: "prob" }
`;
}

await test('the importer warnings show in the status bar and the model panel', async () => {
  const text = tinyPrototxt().replace(
    'layer { name: "prob"',
    'layer { name: "prob" my_custom_param { gain: 2 }\n  ',
  );
  await page.setInputFiles('#file', {
    name: 'custom.prototxt', mimeType: 'text/plain', buffer: Buffer.from(text),
  });
  const button = page.locator('#status .status-warnings');
  await button.waitFor({ timeout: 30000 });
  assert((await button.innerText()).trim() === '1 warning', `status says ${await button.innerText()}`);
  await button.click();
  const list = page.locator('#model-warnings li');
  await list.first().waitFor({ timeout: 5000 });
  const warning = await list.first().innerText();
  assert(
    warning.includes('custom.prototxt: line 10') && warning.includes('my_custom_param'),
    `the warning does not name the file, line and field: ${warning}`,
  );
  await page.screenshot({ path: join(SHOTS, 'model-warnings.png') });
  await page.keyboard.press('Escape');
});

await test('the graph picker draws a library function, then the main graph again', async () => {
  const text = `node { name: "a" op: "Placeholder" attr { key: "dtype" value { type: DT_FLOAT } } }
node { name: "call" op: "MyAdd" input: "a" input: "a" }
library {
  function {
    signature { name: "MyAdd" input_arg { name: "x" type: DT_FLOAT } input_arg { name: "y" type: DT_FLOAT } output_arg { name: "z" type: DT_FLOAT } }
    node_def { name: "sum" op: "AddV2" input: "x" input: "y" }
    node_def { name: "act" op: "Relu" input: "sum:z:0" }
    node_def { name: "out" op: "Identity" input: "act:activations:0" }
    ret { key: "z" value: "out:output:0" }
  }
}
`;
  await page.setInputFiles('#file', {
    name: 'with_function.pbtxt', mimeType: 'text/plain', buffer: Buffer.from(text),
  });
  const picker = page.locator('#graph-picker');
  await picker.waitFor({ timeout: 30000 });
  await page.locator('#status', { hasText: '2 nodes' }).waitFor({ timeout: 30000 });
  const options = await picker.locator('option').allInnerTexts();
  assert(options.length === 2 && options[1].includes('MyAdd · 3 nodes'), `options: ${options}`);
  await picker.selectOption('1');
  await page.locator('#status', { hasText: 'graph: MyAdd' }).waitFor({ timeout: 30000 });
  await waitDrawn();
  assert((await status.innerText()).includes('3 nodes'), `status: ${await status.innerText()}`);
  await page.screenshot({ path: join(SHOTS, 'graph-picker-function.png') });
  await page.locator('#graph-picker').selectOption('0');
  await page.locator('#status', { hasText: '2 nodes' }).waitFor({ timeout: 30000 });
  assert(!(await status.innerText()).includes('graph:'), 'the main graph is named as a function');
});

await test('several models dropped together: the first shows, the picker switches', async () => {
  await page.setInputFiles('#file', [
    join(ROOT, 'www/samples/resnet50.onnx'),
    join(ROOT, 'www/samples/mobilenet_v2.onnx'),
  ]);
  await page.locator('#status', { hasText: '122 nodes' }).waitFor({ timeout: 30000 });
  await waitDrawn();
  const picker = page.locator('#model-picker');
  assert(await picker.locator('option').count() === 2, 'the picker should list both models');
  await picker.selectOption('1');
  await page.locator('#status', { hasText: '100 nodes' }).waitFor({ timeout: 30000 });
  await waitDrawn();
  assert((await picker.inputValue()) === '1', 'the picker does not show the shown model');
  await page.screenshot({ path: join(SHOTS, 'model-picker.png') });
});

await test('several bad files are listed one per line and the good one loads', async () => {
  await page.setInputFiles('#file', [
    fileOf(join(ROOT, 'www/samples/mobilenet_v2.onnx')),
    { name: 'broken.onnx', mimeType: 'application/octet-stream', buffer: Buffer.from('not a model') },
    { name: 'junk.csv', mimeType: 'text/csv', buffer: Buffer.from('a,b\n1,2\n') },
  ]);
  await page.locator('#status', { hasText: '100 nodes' }).waitFor({ timeout: 30000 });
  const items = page.locator('#error .error-list li');
  await items.first().waitFor({ timeout: 10000 });
  const lines = await items.allInnerTexts();
  assert(lines.length === 2, `expected 2 error lines, got ${lines.length}: ${lines}`);
  assert(lines[0].startsWith('broken.onnx: ') && lines[1].startsWith('junk.csv: '), `errors: ${lines}`);
  await waitDrawn();
  await page.screenshot({ path: join(SHOTS, 'errors-several-files.png') });
});

// ---- Themes: ?theme=dark, the canvas in the theme's colours, key T, the system's scheme ----

// ---- Generated shapes: the first view shows the model; a large graph opens with scopes folded ----
// Written by tests/e2e/run (engine/examples/write_e2e_models.rs).
const E2E_MODELS = join(ROOT, 'target', 'e2e-models');

/** Boxes whose centre is on the canvas, and the share of sampled canvas pixels that are not the
 * background (the colour most samples have): a blank first view has neither. */
async function firstViewInk(p) {
  await p.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
  return p.evaluate(() => {
    const canvas = document.querySelector('#graph canvas');
    const { width: w, height: h } = canvas;
    const data = canvas.getContext('2d').getImageData(0, 0, w, h).data;
    const counts = new Map();
    const samples = [];
    for (let y = 4; y < h; y += 6) {
      for (let x = 4; x < w; x += 6) {
        const i = (y * w + x) * 4;
        const key = `${data[i] >> 3},${data[i + 1] >> 3},${data[i + 2] >> 3}`;
        samples.push(key);
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
    }
    const background = [...counts.entries()].sort((a, b) => b[1] - a[1])[0][0];
    const ink = samples.filter((k) => k !== background).length / samples.length;
    const visible = window.opscope.nodeNames().filter((n) => window.opscope.nodeCenter(n) !== null).length;
    return { ink, visible };
  });
}

for (const [file, label] of [['bert_like.onnx', 'a BERT-like encoder whose mask feeds every block'],
  ['detector_like.onnx', 'a detector with its post-processing tail']]) {
  await test(`the first view of ${label} shows its first nodes, not empty space`, async () => {
    await page.setInputFiles('#file', join(E2E_MODELS, file));
    await page.locator(`#status .status-title[title="${file}"]`).waitFor({ timeout: 30000 });
    await waitDrawn();
    const { ink, visible } = await firstViewInk(page);
    assert(visible >= 3, `${visible} boxes in the first view`);
    assert(ink > 0.04, `only ${(ink * 100).toFixed(1)}% of the first view is drawn`);
    await page.screenshot({ path: join(SHOTS, `first-view-${file.replace('.onnx', '')}.png`) });
  });
}

/** The kind of the named box in view (`op`, `folded`, ...), or null. */
const boxKind = (p, name) => p.evaluate((n) => window.opscope.nodeCenter(n)?.kind ?? null, name);

await test('a graph over 5,000 nodes opens with its scopes folded; ] opens a box, [ folds it again', async () => {
  await page.setInputFiles('#file', join(E2E_MODELS, 'gpt2_like_60.onnx'));
  await page.locator('#status .status-title[title="gpt2_like_60.onnx"]').waitFor({ timeout: 30000 });
  await waitDrawn();
  const { ink } = await firstViewInk(page);
  assert(ink > 0.04, `only ${(ink * 100).toFixed(1)}% of the first view is drawn`);
  await page.locator('#scopes', { hasText: 'Open all' }).waitFor({ timeout: 5000 });
  await page.screenshot({ path: join(SHOTS, 'scopes-folded.png') });
  // The first block's attention is one box; select it through the search, which finds it by name.
  const search = page.locator('#search');
  await search.fill('h.0/attn');
  await search.press('Enter');
  await waitSelected(page, 'h.0/attn');
  await page.locator('#properties').getByText('Folded scope').waitFor({ timeout: 5000 });
  assert((await boxKind(page, 'h.0/attn')) === 'folded', `h.0/attn is ${await boxKind(page, 'h.0/attn')}`);
  const holds = await page.locator('#folded h3').innerText();
  const members = await page.locator('#folded .fold-members button').allInnerTexts();
  assert(/holds \d+ nodes/i.test(holds) && members.length > 5, `${holds}; ${members.length} members listed`);
  assert(members.every((m) => m.includes('h.0/attn/')), `members: ${members.slice(0, 3)}`);
  // `]` opens it: its first member is selected, drawn as an operator, and the box is gone.
  await page.evaluate(() => document.activeElement?.blur());
  await page.keyboard.press(']');
  await waitSelected(page, members[0]);
  await waitDrawn();
  await waitInView(page, members[0]);
  assert((await boxKind(page, members[0])) === 'op', `${members[0]} is ${await boxKind(page, members[0])}`);
  assert((await boxKind(page, 'h.0/attn')) === null, 'the folded box is still drawn');
  await page.screenshot({ path: join(SHOTS, 'scopes-opened.png') });
  // `[` folds the selected node's scope again, and selects the box.
  await page.keyboard.press('[');
  await waitSelected(page, 'h.0/attn');
  await waitDrawn();
  await waitInView(page, 'h.0/attn');
  assert((await boxKind(page, 'h.0/attn')) === 'folded', 'h.0/attn is not folded again');
  // A member's link opens the box that hides it and selects it.
  await page.locator('#folded .fold-members button').nth(3).click();
  await waitSelected(page, members[3]);
  await waitDrawn();
  await waitInView(page, members[3]);
  assert((await boxKind(page, members[3])) === 'op', `${members[3]} is ${await boxKind(page, members[3])}`);
  // Open all: every node drawn; Fold scopes: the overview again.
  await page.locator('#scopes', { hasText: 'Open all' }).click();
  await page.locator('#scopes', { hasText: 'Fold scopes' }).waitFor({ timeout: 30000 });
  await waitDrawn();
  await page.locator('#scopes').click();
  await page.locator('#scopes', { hasText: 'Open all' }).waitFor({ timeout: 30000 });
  await waitDrawn();
});

/** Waits until the canvas's corners are drawn in the `dark` or light background (most of them:
 * a node may reach a corner) and none in the other; returns the corners' colours. */
async function canvasIn(p, dark) {
  const handle = await p.waitForFunction((dark) => {
    const canvas = document.querySelector('#graph canvas');
    if (!canvas || canvas.width < 8 || canvas.height < 8) return null;
    const ctx = canvas.getContext('2d');
    const [w, h] = [canvas.width, canvas.height];
    const corners = [[3, 3], [w - 4, 3], [3, h - 4], [w - 4, h - 4]]
      .map(([x, y]) => Array.from(ctx.getImageData(x, y, 1, 1).data.slice(0, 3)));
    const luma = ([r, g, b]) => 0.2126 * r + 0.7152 * g + 0.0722 * b;
    const matching = corners.filter((c) => (dark ? luma(c) < 50 : luma(c) > 200)).length;
    const opposite = corners.filter((c) => (dark ? luma(c) > 200 : luma(c) < 50)).length;
    return matching >= 3 && opposite === 0 ? corners : null;
  }, dark, { timeout: 10000 });
  return handle.jsonValue();
}
const themeAttribute = () => page.evaluate(() => document.documentElement.dataset.theme ?? null);
const storedTheme = () => page.evaluate(() => localStorage.getItem('opscope.theme'));
const bodyBackground = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);

await test('themes: ?theme=dark draws the page and the canvas dark; T cycles System, Light, Dark', async () => {
  await page.emulateMedia({ colorScheme: 'light' });
  await page.goto(`${BASE_URL}?theme=dark&sample=resnet50`);
  await waitDrawn();
  assert((await themeAttribute()) === 'dark', `data-theme: ${await themeAttribute()}`);
  assert((await bodyBackground()) === 'rgb(27, 30, 35)', `dark page background: ${await bodyBackground()}`);
  const button = page.locator('#theme');
  assert((await button.getAttribute('data-theme-choice')) === 'dark', 'the button does not show Dark');
  const box = await button.boundingBox();
  assert(box && box.x >= 0 && box.x + box.width <= 1400, `the theme button is off the window: ${JSON.stringify(box)}`);
  assert(/^Theme: Dark; switch to System/.test(await button.getAttribute('aria-label')),
    `button label: ${await button.getAttribute('aria-label')}`);
  const dark = await canvasIn(page, true);
  assert(dark.some((c) => near(c, [0x1b, 0x1e, 0x23], 4)), `no corner in the dark background: ${JSON.stringify(dark)}`);
  assert((await storedTheme()) === null, 'a theme named by the URL was remembered');
  await page.screenshot({ path: join(SHOTS, 'theme-dark.png') });

  // T: System (the emulated system is light), then Light, remembered.
  await page.locator('body').press('t');
  await page.waitForFunction(() => document.documentElement.dataset.theme === undefined, null, { timeout: 5000 });
  await canvasIn(page, false);
  assert((await button.getAttribute('data-theme-choice')) === 'system', 'the button does not show System');
  await page.locator('body').press('t');
  await page.waitForFunction(() => document.documentElement.dataset.theme === 'light', null, { timeout: 5000 });
  await waitDrawn();
  const light = await canvasIn(page, false);
  assert(light.some((c) => near(c, [0xf7, 0xf8, 0xfa], 4)), `no corner in the light background: ${JSON.stringify(light)}`);
  assert((await bodyBackground()) === 'rgb(247, 248, 250)', `light page background: ${await bodyBackground()}`);
  assert((await storedTheme()) === 'light', `stored theme: ${await storedTheme()}`);
  await page.screenshot({ path: join(SHOTS, 'theme-light.png') });

  // The button: Dark, then System, which follows the system turning dark.
  await button.click();
  await page.waitForFunction(() => document.documentElement.dataset.theme === 'dark', null, { timeout: 5000 });
  await canvasIn(page, true);
  await button.click();
  await page.waitForFunction(() => document.documentElement.dataset.theme === undefined, null, { timeout: 5000 });
  await canvasIn(page, false);
  assert((await storedTheme()) === null, 'System is remembered by forgetting the others');
  await page.emulateMedia({ colorScheme: 'dark' });
  await canvasIn(page, true);
  assert((await bodyBackground()) === 'rgb(27, 30, 35)', `system dark page background: ${await bodyBackground()}`);
  assert(/System \(dark\)/.test(await button.getAttribute('aria-label')),
    `button label: ${await button.getAttribute('aria-label')}`);
  await page.emulateMedia({ colorScheme: 'light' });
  await canvasIn(page, false);
});

// axe-core's WCAG 2 A and AA rules on the main views, in both themes. Its script goes in through
// the test driver's own evaluation (the page's policy would refuse an injected script tag).
const AXE = readFileSync(join(ROOT, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');
await test('accessibility: axe-core finds no WCAG 2 A/AA violation (empty page, sample with analysis, light and dark)', async () => {
  const found = [];
  for (const [label, query] of [['empty, light', '?theme=light'], ['sample, light', '?sample=resnet50&theme=light'],
    ['sample, dark', '?sample=resnet50&theme=dark'], ['sample, heat overlay, dark', '?sample=resnet50&theme=dark&overlay=heat']]) {
    await page.goto(`${BASE_URL}${query}`);
    if (query.includes('sample')) await waitDrawn();
    await page.evaluate(AXE);
    const violations = await page.evaluate(async () => {
      const result = await window.axe.run(document, { runOnly: ['wcag2a', 'wcag2aa'] });
      return result.violations.map((v) => `${v.id} ×${v.nodes.length} (${v.nodes[0]?.target?.join(' ')})`);
    });
    if (violations.length) found.push(`${label}: ${violations.join('; ')}`);
  }
  assert(found.length === 0, `axe-core: ${found.join(' | ')}`);
});

await test('the Content-Security-Policy is in force: nothing refused in the flows, an injected script and an inline handler refused', async () => {
  assert(cspRefusals.length === 0, `the policy refused: ${cspRefusals.join(' | ')}`);
  await page.goto(BASE_URL);
  const policy = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  assert(policy.includes("default-src 'none'") && !policy.includes("'unsafe-eval'") && !/https?:/.test(policy),
    `policy: ${policy}`);
  const outcome = await page.evaluate(() => new Promise((resolve) => {
    const script = document.createElement('script');
    script.textContent = 'window.__injected = true;';
    document.head.append(script);
    const handler = document.createElement('div');
    handler.setAttribute('onclick', 'window.__handler = true');
    document.body.append(handler);
    handler.click();
    setTimeout(() => resolve({ injected: window.__injected === true, handler: window.__handler === true }), 100);
  }));
  assert(!outcome.injected, 'an injected inline script ran');
  assert(!outcome.handler, 'an inline event handler ran');
  // eval cannot be tried from here (the test's own evaluation is exempt); the policy has no
  // 'unsafe-eval', checked above.
  assert(cspRefusals.length >= 2, `the refusals were reported: ${cspRefusals.length}`);
});

await test('the page made no request outside this machine and threw no error', async () => {
  assertNoForeignRequestsOrErrors(watched, onHosts('127.0.0.1', 'localhost'));
});

await browser.close();
console.log(`timings: ${JSON.stringify(timings)}`);
process.exit(summary('') ? 1 : 0);
