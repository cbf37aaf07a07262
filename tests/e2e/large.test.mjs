// End-to-end test of a large model in the browser (issue 12, "big files"): a 128 MB ONNX model
// with its weights inline (written by engine/examples/write_e2e_models.rs into target/e2e-models)
// is opened from the file input; the worker reads it by slices of the File and leaves its
// weights unread (src/worker/blob_source.rs), the model panel says so, and the worker's memory
// stays far below the file's size. The 2 GB figures come from `BIG=1 scripts/browser-bench`
// (docs/benchmarks.md). A 48 MB op_summary in a real A2 run's columns is streamed by slices of
// its File (src/worker/session/streamed.rs): the progress shows the part read, and every row
// arrives. The 1 GB figures come from `BIG=1 scripts/browser-bench`. A model whose 128 MB of
// weights are in an ONNX external data file, dropped with it: the data file is listed as the
// model's weights and never read (the worker reads its first 64 KB, src/worker/blob_source.rs and
// src/worker/session/external_data.rs). Run through tests/e2e/run (BASE_URL).
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  ROOT, SHOTS, assert, assertNoForeignRequestsOrErrors, launchBrowser, servedFrom, summary, test, watchPage,
} from './harness.mjs';
import { workerMemories } from '../cdp-memory.mjs';

const BASE_URL = process.env.BASE_URL ?? 'http://127.0.0.1:8080/';
const MODEL = join(ROOT, 'target', 'e2e-models', 'weights_inline_128m.onnx');
const TABLE = join(ROOT, 'target', 'e2e-models', 'op_summary_48m.csv');
const EXTERNAL_MODEL = join(ROOT, 'target', 'e2e-models', 'weights_external_128m.onnx');
const EXTERNAL_DATA = join(ROOT, 'target', 'e2e-models', 'weights_external_128m.onnx.data');

const browser = await launchBrowser();
const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
const page = await context.newPage();
const watched = watchPage(page);

const DRAWN = '#graph[data-graph-state="drawn"][data-analysis="done"]';

/** The page's workers' WebAssembly memories and JS heaps, in bytes, through the page's CDP
 *  session auto-attached to them (tests/cdp-memory.mjs, as tests/bench/browser.mjs measures
 *  them), with no forced GC. */
async function workerMemoryBytes() {
  const cdp = await context.newCDPSession(page);
  const workers = await workerMemories(cdp, { collectGarbage: false, settleMs: 300 });
  await cdp.detach();
  assert(workers.length > 0, 'no worker found to measure');
  return workers.reduce((total, worker) => total + worker.heap + worker.wasm, 0);
}

await test('large: a 128 MB model with inline weights opens without its weights being read', async () => {
  const size = statSync(MODEL).size;
  assert(size > 128e6, `the model is ${size} bytes`);
  await page.goto(BASE_URL);
  await page.locator('#sample').waitFor({ timeout: 20000 });
  const started = Date.now();
  await page.setInputFiles('#file', MODEL);
  await page.locator(DRAWN).waitFor({ timeout: 60000 });
  const ms = Date.now() - started;
  const warnings = page.locator('.status-warnings');
  await warnings.waitFor({ timeout: 5000 });
  await warnings.click();
  const panel = await page.locator('body').innerText();
  assert(/weights_inline_128m\.onnx: read as structure only: \d+ tensor payloads \([\d.]+ MB\) left unread in the file/.test(panel),
    'the model panel says the weights were left unread');
  const memory = await workerMemoryBytes();
  console.log(`     drawn in ${ms} ms; worker JS heap + wasm memory ${(memory / 1e6).toFixed(0)} MB for a ${(size / 1e6).toFixed(0)} MB file`);
  assert(memory < size / 2, `the worker holds ${memory} bytes for a ${size}-byte file: the weights were read`);
  await page.screenshot({ path: join(SHOTS, 'large-model.png') });
});

await test('large: a model dropped with its 128 MB external data file opens, the data listed as its weights, unread', async () => {
  const size = statSync(EXTERNAL_DATA).size;
  assert(size > 128e6, `the data file is ${size} bytes`);
  await page.goto(BASE_URL);
  await page.locator('#sample').waitFor({ timeout: 20000 });
  const started = Date.now();
  await page.setInputFiles('#file', [EXTERNAL_MODEL, EXTERNAL_DATA]);
  await page.locator(DRAWN).waitFor({ timeout: 60000 });
  const ms = Date.now() - started;
  const weights = page.locator('#files .file-row[data-kind="weights"][data-status="skipped"]', {
    has: page.locator('.file-name[title="weights_external_128m.onnx.data"]'),
  });
  await weights.waitFor({ state: 'attached', timeout: 5000 });
  assert(await weights.locator('.file-skip-reason').count() === 1, 'the reason is shown as a skip, not an error');
  const text = await weights.textContent();
  assert(/external data of weights_external_128m\.onnx/.test(text), `the row reads: ${text}`);
  assert(/the weights of weights_external_128m\.onnx \(ONNX external data\), not read/.test(text), `the row reads: ${text}`);
  assert(await page.locator('#files .file-row[data-status="error"]').count() === 0, 'a file is listed as an error');
  assert(await page.locator('#files .file-row[data-kind="model"]').count() === 1, 'the model is listed');
  const memory = await workerMemoryBytes();
  console.log(`     drawn in ${ms} ms; worker JS heap + wasm memory ${(memory / 1e6).toFixed(0)} MB beside a ${(size / 1e6).toFixed(0)} MB data file`);
  assert(memory < size / 2, `the worker holds ${memory} bytes beside a ${size}-byte data file: it was read`);
  await page.screenshot({ path: join(SHOTS, 'large-external-data.png') });
});

await test('large: a 48 MB op_summary is streamed with its progress shown, every row read', async () => {
  const bytes = readFileSync(TABLE);
  let rows = -1;
  for (let at = bytes.indexOf(10); at !== -1; at = bytes.indexOf(10, at + 1)) rows += 1;
  // The generator writes whole steps of 32 layers × 17 ops: each op name is in every step.
  const steps = rows / (32 * 17);
  assert(Number.isInteger(steps) && steps > 100, `${rows} rows`);
  await page.goto(BASE_URL);
  await page.locator('#sample').waitFor({ timeout: 20000 });
  const started = Date.now();
  await page.setInputFiles('#file', TABLE);
  // The files panel's progress text while the table is read ("…: 37%…").
  const percents = new Set();
  const loaded = page.locator('#profile[data-profile-state="loaded"]');
  while (!(await loaded.count()) && Date.now() - started < 120000) {
    const text = await page.locator('.files-describe').textContent({ timeout: 50 }).catch(() => '');
    const match = /Reading the profile \(1 file, [\d.]+ MB\): (\d+)%/.exec(text ?? '');
    if (match) percents.add(Number(match[1]));
    await page.waitForTimeout(20);
  }
  await loaded.waitFor({ timeout: 1000 });
  const ms = Date.now() - started;
  assert(percents.size >= 2, `the progress showed ${[...percents].join(', ') || 'no'} percent`);
  await page.locator('#tab-hotspots').click();
  await page.fill('#hotspot-filter', 'layers.0/mlp/up_proj');
  const row = page.locator('#hotspots tr[data-op="layers.0/mlp/up_proj"]');
  await row.waitFor({ timeout: 5000 });
  const cells = await row.locator('td').allTextContents();
  assert(cells.some((cell) => cell.replace(/,/g, '') === String(steps)),
    `the op ran once per step (${steps}): ${cells.join(' | ')}`);
  const memory = await workerMemoryBytes();
  console.log(`     ${rows} rows read in ${ms} ms (progress seen at ${[...percents].sort((a, b) => a - b).join(', ')}%); worker JS heap + wasm memory ${(memory / 1e6).toFixed(0)} MB for a ${(bytes.length / 1e6).toFixed(0)} MB file`);
  await page.screenshot({ path: join(SHOTS, 'large-table.png') });
});

await test('large: no request left the served origin, no page error', async () => {
  assertNoForeignRequestsOrErrors(watched, servedFrom(BASE_URL));
});

await browser.close();
process.exit(summary('large files; ') ? 1 : 0);
