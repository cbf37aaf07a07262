// End-to-end tests of the one-file offline build (dist-offline/opscope.html, written by
// scripts/pack-offline.mjs from dist/) opened from disk by a file:// URL in headless Chromium,
// with no server: every request other than the file itself (and data:/blob: URLs, which never
// leave the page) is blocked and fails the run. Run through tests/e2e/run, which packs the file.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  ROOT, SHOTS, assert, assertNoForeignRequestsOrErrors, launchBrowser, summary, test, watchContext,
} from './harness.mjs';
import { gzipSync } from 'node:zlib';

const HTML = process.env.OFFLINE_HTML ?? join(ROOT, 'dist-offline', 'opscope.html');
const PAGE_URL = pathToFileURL(HTML).href;

if (!existsSync(HTML)) {
  console.log(`FAIL ${HTML} is missing: run scripts/offline (or node scripts/pack-offline.mjs over dist/)`);
  process.exit(1);
}

const browser = await launchBrowser();
const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });

// Every request of the page and its worker. Anything but the file itself, data: and blob: is
// recorded as foreign and blocked, so a file that reached for a server or the network fails here
// even when the network would have answered.
const watched = watchContext(context);
const foreign = [];
const isLocal = (url) => url === PAGE_URL || url.split(/[?#]/)[0] === PAGE_URL
  || url.startsWith('data:') || url.startsWith('blob:');
await context.route('**/*', (route) => {
  const url = route.request().url();
  if (isLocal(url)) return route.continue();
  foreign.push(url);
  return route.abort('blockedbyclient');
});

const page = await context.newPage();
const consoleErrors = [];
const onConsole = (msg) => {
  if (msg.type() === 'error' || /Content.Security.Policy/i.test(msg.text())) consoleErrors.push(msg.text());
};
page.on('console', onConsole);
page.on('worker', (worker) => worker.on('console', onConsole));
// Violations of the page's Content-Security-Policy, as the page sees them.
await page.addInitScript(() => {
  window.cspViolations = [];
  document.addEventListener('securitypolicyviolation', (e) => {
    window.cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`);
  });
});

const graph = page.locator('#graph');
const status = page.locator('#status');
const DRAWN = '#graph[data-graph-state="drawn"][data-analysis="done"]';
const waitDrawn = () => page.locator(DRAWN).waitFor({ timeout: 60000 });
const hotspotRows = page.locator('#hotspots tr[data-op]');

await test('the file says its size and SHA-256 (under 4 MB gzipped)', async () => {
  const bytes = readFileSync(HTML);
  const gz = gzipSync(bytes, { level: 9 }).length;
  console.log(`     ${HTML}: ${bytes.length} bytes, ${gz} gzipped`);
  assert(gz < 4e6, `${gz} bytes gzipped: over the 4 MB target`);
  const [digest, name] = readFileSync(`${HTML}.sha256`, 'utf8').trim().split(/\s+/);
  assert(name === 'opscope.html', `the .sha256 file names ${name}`);
  assert(digest === createHash('sha256').update(bytes).digest('hex'), 'the .sha256 file does not match the file');
});

await test('opens from file:// with a strict Content-Security-Policy', async () => {
  await page.goto(PAGE_URL);
  await page.locator('#sample').waitFor({ timeout: 30000 });
  assert((await graph.getAttribute('data-graph-state')) === 'empty', 'graph state should start empty');
  const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  const policy = Object.fromEntries(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k, v]));
  assert(policy['default-src']?.join(' ') === "'none'", `default-src: ${csp}`);
  const scripts = policy['script-src'] ?? [];
  assert(scripts.includes("'wasm-unsafe-eval'") && scripts.some((s) => s.startsWith("'sha256-")), `script-src: ${csp}`);
  assert(!scripts.some((s) => ["'unsafe-inline'", "'unsafe-eval'", 'blob:', 'data:'].includes(s)), `script-src: ${csp}`);
  assert(!/https?:|\*|'self'/.test(csp), `the CSP names an origin: ${csp}`);
  // The inlined files were unpacked and their text dropped from the page.
  const files = await page.evaluate(() => Object.keys(window.opscopeOffline?.files ?? {}));
  assert(files.includes('worker.js') && files.includes('samples/resnet50.onnx'),
    `inlined files: ${files}`);
  assert(await page.locator('script[type="application/x-opscope-gzip-base64"]').count() === 0, 'data blocks left in the page');
});

await test('the bundled sample opens from the page itself and is drawn and analysed', async () => {
  await page.locator('#sample').click();
  await waitDrawn();
  await page.locator('#status', { hasText: '122 nodes' }).waitFor({ timeout: 5000 });
  await page.locator('#estimate-status', { hasText: 'estimated (cost model, Ascend 310)' }).waitFor({ timeout: 10000 });
  await page.locator('#unit-legend').waitFor({ timeout: 5000 });
  await page.screenshot({ path: join(SHOTS, 'offline-sample.png') });
});

await test('export saves the graph as SVG and PNG from the file', async () => {
  for (const [kind, check] of [
    ['svg-graph', (bytes) => bytes.toString('utf8').startsWith('<?xml') && bytes.includes('<svg')],
    ['png-view', (bytes) => bytes.subarray(1, 4).toString() === 'PNG' && bytes.length > 5000],
  ]) {
    const [download] = await Promise.all([
      page.waitForEvent('download', { timeout: 20000 }),
      page.locator('#export').selectOption(kind),
    ]);
    const bytes = readFileSync(await download.path());
    assert(check(bytes), `${kind}: ${download.suggestedFilename()} is not what it says (${bytes.length} bytes)`);
  }
  assert((await page.locator('.error-banner').count()) === 0, 'an export failed');
});

// An op_summary in msprof's column layout naming real nodes of the model.
function opSummary(names) {
  const convs = names.filter((n) => /conv/i.test(n));
  const header = 'Device_id,Model ID,Task ID,Stream ID,Op Name,OP Type,OP State,Task Type,Task Start Time(us),' +
    'Task Duration(us),Task Wait Time(us),Block Num,Input Shapes,Input Data Types,Input Formats,Output Shapes,' +
    'Output Data Types,Output Formats';
  const rows = [];
  let start = 1000;
  const row = (op, type, unit, us) => {
    rows.push(`0,1,${rows.length + 1},2,${op},${type},static,${unit},${start.toFixed(3)},${us},0.5,8,` +
      `"1,64,56,56",FLOAT16,NC1HWC0,"1,64,56,56",FLOAT16,NC1HWC0`);
    start += us + 1;
  };
  row(convs[0], 'Conv2D', 'AI_CORE', 410.5);
  row(convs[1], 'Conv2D', 'AI_CORE', 220.75);
  row(convs[2], 'Conv2D', 'AI_CORE', 95.5);
  row(names[names.length - 1], 'ArgMaxV2', 'AI_CPU', 152.0);
  return { csv: `${header}\n${rows.join('\n')}\n`, conv: convs[0] };
}

await test('a model and its profile dropped together: graph, analysis, tables, charts', async () => {
  const names = await page.evaluate(() => window.opscope.nodeNames());
  const profile = opSummary(names);
  const model = join(ROOT, 'www/samples/resnet50.onnx');
  await page.setInputFiles('#file', [
    { name: 'resnet50.onnx', mimeType: 'application/octet-stream', buffer: readFileSync(model) },
    { name: 'op_summary_0_1_20250101.csv', mimeType: 'text/csv', buffer: Buffer.from(profile.csv) },
  ]);
  await page.locator('#profile[data-profile-state="loaded"]').waitFor({ timeout: 60000 });
  await page.locator('#status', { hasText: 'matched' }).waitFor({ timeout: 10000 });
  await waitDrawn();
  const statusText = await status.innerText();
  assert(statusText.includes('122 nodes') && /profile: 4 tasks/.test(statusText), `status: ${statusText}`);
  assert(await hotspotRows.count() === 4, `hotspot rows: ${await hotspotRows.count()}`);
  assert((await hotspotRows.first().getAttribute('data-op')) === profile.conv, 'the first row is not the top conv');
  assert(await page.locator('#chart-units path').count() >= 2, 'the unit chart is empty');
  await page.locator('.heat-legend').waitFor({ timeout: 5000 });
  // The findings: the AI CPU op is flagged.
  await page.locator('#tab-findings').click();
  await page.locator('#findings .finding').first().waitFor({ timeout: 10000 });
  assert(/AI CPU/.test(await page.locator('#findings').innerText()), 'no AI CPU finding');
  await page.locator('#tab-hotspots').click();
  // A row selects its node, with its measured time.
  await page.locator(`#hotspots tr[data-op="${profile.conv}"]`).click();
  await page.locator('#properties', { hasText: profile.conv }).waitFor({ timeout: 5000 });
  assert(/410\.500 us/.test(await page.locator('#properties').innerText()), 'the node lacks its measured time');
  await page.screenshot({ path: join(SHOTS, 'offline-model-profile.png') });
});

// Real files when the shared samples are there (a model zoo ONNX model, a torch_npu profile).
const SHARED = [join(ROOT, '../shared/samples'), join(ROOT, '../../shared/samples')].find(existsSync);
await test('a real model and a real profile from disk', async () => {
  const model = SHARED && join(SHARED, 'models/onnx/light_inception_v1.onnx');
  const details = SHARED && join(SHARED, 'profiling/torchnpu-a2-convnet-kernel_details.csv');
  if (!model || !existsSync(model) || !existsSync(details)) {
    console.log('     (skipped: the shared samples are not present)');
    return;
  }
  await page.setInputFiles('#file', [model, details]);
  await page.locator('#status', { hasText: '237 nodes' }).waitFor({ timeout: 60000 });
  await page.locator('#profile[data-profile-state="loaded"]').waitFor({ timeout: 60000 });
  await waitDrawn();
  assert(await hotspotRows.count() > 10, `hotspot rows: ${await hotspotRows.count()}`);
  assert((await status.innerText()).includes('profile: 191 tasks'), `status: ${await status.innerText()}`);
  await page.screenshot({ path: join(SHOTS, 'offline-real-files.png') });
});

await test('?sample= and #node= work in a file:// URL', async () => {
  await page.goto(`${PAGE_URL}?sample=mobilenet_v2_tf#node=nothing-by-that-name`);
  await page.locator('#status', { hasText: 'nodes' }).waitFor({ timeout: 60000 });
  await waitDrawn();
});

await test('no request left the file, no CSP violation, no error', async () => {
  const violations = await page.evaluate(() => window.cspViolations ?? []);
  assert(foreign.length === 0, `requests other than the file: ${foreign.join(', ')}`);
  assertNoForeignRequestsOrErrors(watched, isLocal);
  assert(violations.length === 0, `CSP violations: ${violations.join(' | ')}`);
  assert(consoleErrors.length === 0, `console errors: ${consoleErrors.join(' | ')}`);
  const { requests } = watched;
  console.log(`     requests: ${requests.length} (${[...new Set(requests.map((u) => u.split(':')[0]))].join(', ')})`);
});

await browser.close();
process.exit(summary('offline build; ') ? 1 : 0);
