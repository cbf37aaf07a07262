// End-to-end tests of the web app in headless Chromium (playwright-core driving Debian's
// /usr/bin/chromium). Run through tests/e2e/run, which serves dist/ and sets BASE_URL.
import { chromium } from 'playwright-core';
import { mkdirSync, mkdtempSync, existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BASE_URL = process.env.BASE_URL ?? 'http://127.0.0.1:8080/';
const ROOT = new URL('../../', import.meta.url).pathname;
const SHOTS = join(ROOT, 'target', 'e2e');
mkdirSync(SHOTS, { recursive: true });

const results = [];
async function test(name, body) {
  const started = Date.now();
  try {
    await body();
    results.push({ name, ok: true });
    console.log(`ok   ${name} (${Date.now() - started} ms)`);
  } catch (err) {
    results.push({ name, ok: false });
    console.log(`FAIL ${name}\n     ${String(err?.stack ?? err).split('\n').join('\n     ')}`);
  }
}
function assert(condition, message) {
  if (!condition) throw new Error(message);
}

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
const page = await context.newPage();

// Every request the page makes; the app must not reach beyond the machine it was served from.
const requests = [];
page.on('request', (request) => requests.push(request.url()));
const pageErrors = [];
page.on('pageerror', (err) => pageErrors.push(String(err)));

const graph = page.locator('#graph');
const status = page.locator('#status');
const waitDrawn = () => page.locator('#graph[data-graph-state="drawn"]').waitFor({ timeout: 30000 });

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

await test('the page made no request outside this machine and threw no error', async () => {
  const foreign = requests.filter((url) => {
    if (url.startsWith('data:') || url.startsWith('blob:')) return false;
    const host = new URL(url).hostname;
    return host !== '127.0.0.1' && host !== 'localhost';
  });
  assert(foreign.length === 0, `requests outside localhost: ${foreign.join(', ')}`);
  assert(pageErrors.length === 0, `page errors: ${pageErrors.join(' | ')}`);
});

await browser.close();
const failed = results.filter((r) => !r.ok).length;
console.log(`\n${results.length - failed} passed, ${failed} failed (screenshots in target/e2e/)`);
process.exit(failed ? 1 : 0);
