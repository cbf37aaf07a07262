// End-to-end tests of hostile text (issue 12, "nothing runs, nothing leaks"): a TensorFlow text
// graph, a Caffe prototxt and a profiling CSV whose names, attribute strings and cells hold HTML,
// script, a `javascript:` link, a bidi override and a control character are dropped on the page.
// Nothing may run (no dialog, no element made from the text, no CSP refusal: nothing even tried),
// and the text is shown as text everywhere it appears: the properties panel, the tables, the
// search, tooltips (attributes), the canvas labels' source (the exported SVG) and the reports;
// the hidden characters as visible `\u{..}` escapes, as the reports show them. Run through
// tests/e2e/run (BASE_URL).
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  SHOTS, assert, assertNoForeignRequestsOrErrors, launchBrowser, servedFrom, summary, test, watchPage,
} from './harness.mjs';

const BASE_URL = process.env.BASE_URL ?? 'http://127.0.0.1:8080/';

const HOSTILE = '<script>alert(1)</script><img src=x onerror=alert(2)>[x](javascript:alert(3))\u202Eevil\u0007';
/** The same text inside a protobuf text-format string. */
const QUOTED = HOSTILE.replaceAll('"', '\\"').replace('\u0007', '\\a');
/** How the page must show it: the markup as text, the hidden characters escaped. */
const SHOWN = HOSTILE.replace('\u202E', '\\u{202e}').replace('\u0007', '\\u{0007}');

const work = mkdtempSync(join(tmpdir(), 'opscope-hostile-'));
const tfPath = join(work, 'hostile.pbtxt');
writeFileSync(tfPath,
  'node { name: "x" op: "Placeholder" attr { key: "dtype" value { type: DT_FLOAT } }'
  + ' attr { key: "shape" value { shape { dim { size: 1 } dim { size: 8 } } } } }\n'
  + `node { name: "${QUOTED}" op: "Relu" input: "x" }\n`
  + `node { name: "pow" op: "Pow" input: "${QUOTED}" input: "x" attr { key: "note" value { s: "${QUOTED}" } } }\n`);
const caffePath = join(work, 'hostile.prototxt');
writeFileSync(caffePath,
  `name: "${QUOTED}"\ninput: "data"\ninput_shape { dim: 1 dim: 3 dim: 8 dim: 8 }\n`
  + `layer { name: "${QUOTED}" type: "ReLU" bottom: "data" top: "r" }\n`
  + 'layer { name: "pool" type: "Pooling" bottom: "r" top: "p" pooling_param { pool: MAX kernel_size: 2 stride: 2 } }\n');
const csvPath = join(work, 'op_summary_0.csv');
const cell = HOSTILE.replaceAll('"', '""');
writeFileSync(csvPath,
  `Op Name,OP Type,Task Type,Task Duration(us)\n"${cell}","${cell}",AI_CPU,50.0\npool,Pooling,AI_CORE,10.0\n`);

const browser = await launchBrowser();
const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, acceptDownloads: true });
const page = await context.newPage();
const watched = watchPage(page);
const dialogs = [];
page.on('dialog', async (dialog) => { dialogs.push(dialog.message()); await dialog.dismiss(); });
const cspRefusals = [];
page.on('console', (message) => {
  if (/Content Security Policy/i.test(message.text())) cspRefusals.push(message.text());
});

const DRAWN = '#graph[data-graph-state="drawn"][data-analysis="done"]';

/** Everything the page shows or holds as text: the body's text, every attribute value (titles,
 *  aria labels) and every form field's value. */
async function pageText() {
  return page.evaluate(() => {
    const parts = [document.body.innerText];
    for (const element of document.querySelectorAll('*')) {
      for (const attribute of element.attributes) parts.push(attribute.value);
      if ('value' in element && typeof element.value === 'string') parts.push(element.value);
    }
    return parts.join('\n');
  });
}

/** Nothing in the page was made from the text: no image, script or link it names. */
async function assertNothingRan(what) {
  const made = await page.evaluate(() => ({
    images: document.querySelectorAll('img[src="x"], img[onerror]').length,
    scripts: [...document.querySelectorAll('script')].filter((s) => s.textContent.includes('alert(')).length,
    links: document.querySelectorAll('a[href^="javascript:" i]').length,
    handlers: [...document.querySelectorAll('*')].filter((e) => [...e.attributes].some((a) => a.name.startsWith('on'))).length,
  }));
  assert(made.images === 0 && made.scripts === 0 && made.links === 0 && made.handlers === 0,
    `${what}: elements made from the text: ${JSON.stringify(made)}`);
  assert(dialogs.length === 0, `${what}: a dialog opened: ${dialogs}`);
  assert(cspRefusals.length === 0, `${what}: the CSP refused something: ${cspRefusals}`);
}

/** The hidden characters never reach the page raw. */
function assertNoHidden(text, what) {
  assert(!text.includes('\u202E'), `${what}: a raw bidi override`);
  assert(!text.includes('\u0007'), `${what}: a raw control character`);
}

/** Chooses `kind` in the export menu and returns the saved file's text. */
async function exported(kind) {
  const [download] = await Promise.all([
    page.waitForEvent('download', { timeout: 30000 }),
    page.locator('#export').selectOption(kind),
  ]);
  return readFileSync(await download.path(), 'utf8');
}

await test('hostile: a TensorFlow graph and a CSV with markup in their names load and show it as text', async () => {
  await page.goto(BASE_URL);
  await page.locator('#sample').waitFor({ timeout: 20000 });
  await page.setInputFiles('#file', [tfPath, csvPath]);
  await page.locator(DRAWN).waitFor({ timeout: 30000 });
  await assertNothingRan('after the drop');
  assertNoHidden(await pageText(), 'after the drop');

  // The search finds the node by the visible form and the properties panel shows its name.
  await page.locator('#search').fill('evil');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelector('#properties .sidebar-subtitle'), null, { timeout: 10000 });
  const subtitle = await page.locator('#properties .sidebar-subtitle').textContent();
  assert(subtitle === SHOWN, `the properties panel shows ${JSON.stringify(subtitle)}, not ${JSON.stringify(SHOWN)}`);
  const properties = await page.locator('#properties').innerText();
  assert(properties.includes('<img src=x onerror=alert(2)>'), 'the markup shows as text in the properties');
  await assertNothingRan('with the node selected');
  assertNoHidden(await pageText(), 'with the node selected');
  await page.screenshot({ path: join(SHOTS, 'hostile-properties.png') });
});

await test('hostile: the hotspot and op-statistics tables show the CSV cells as text', async () => {
  await page.locator('#tab-hotspots').click();
  const hotspots = await page.locator('#hotspots').innerText();
  assert(hotspots.includes('<script>alert(1)</script>'), `the hotspot table lacks the op name as text: ${hotspots.slice(0, 400)}`);
  assert(hotspots.includes('\\u{202e}evil'), 'the bidi override is shown as an escape in the table');
  await page.locator('#tab-op-statistics').click();
  assertNoHidden(await pageText(), 'op statistics');
  await page.locator('#tab-findings').click();
  assertNoHidden(await pageText(), 'findings');
  await assertNothingRan('in the tables');
});

await test('hostile: the exported SVG and the reports escape the text', async () => {
  const svg = await exported('svg-graph');
  // `onerror=` and `javascript:` as escaped text are harmless; elements and links are not.
  assert(!/<script|<img|href=/i.test(svg), 'the SVG holds markup from the names');
  assert(svg.includes('&lt;script&gt;'), 'the SVG shows the name as text');
  assertNoHidden(svg, 'SVG');
  const html = await exported('report-html');
  assert(!/<script|<img|href=/i.test(html), 'the HTML report holds markup from the names');
  assertNoHidden(html, 'HTML report');
  const markdown = await exported('report-md');
  // Markdown shows `\<script\>` as text: every `<` of the names must come backslash-escaped.
  assert(!/[^\\]<(script|img)/i.test(markdown), 'the Markdown report holds raw markup');
  assert(markdown.includes('\\<script\\>'), 'the Markdown report shows the name as text');
  assertNoHidden(markdown, 'Markdown report');
  const json = JSON.parse(await exported('report-json'));
  assert(JSON.stringify(json).includes(JSON.stringify(HOSTILE).slice(1, -1)), 'the JSON report keeps the exact name');
  await assertNothingRan('after the exports');
});

await test('hostile: a Caffe model named with markup shows it as text in the model panel and title', async () => {
  await page.setInputFiles('#file', caffePath);
  await page.waitForFunction(() => document.querySelector('#status .status-title')?.title === 'hostile.prototxt',
    null, { timeout: 30000 });
  await page.locator(DRAWN).waitFor({ timeout: 30000 });
  const text = await pageText();
  assertNoHidden(text, 'Caffe model');
  assert(text.includes('<script>alert(1)</script>'), 'the model name shows as text');
  await assertNothingRan('after the Caffe model');
});

await test('hostile: no request left the served origin, no page error', async () => {
  assertNoForeignRequestsOrErrors(watched, servedFrom(BASE_URL));
});

await browser.close();
rmSync(work, { recursive: true, force: true });
process.exit(summary('hostile text; ') ? 1 : 0);
