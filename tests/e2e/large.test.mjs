// End-to-end test of a large model in the browser (issue 12, "big files"): a 128 MB ONNX model
// with its weights inline (written by engine/examples/write_e2e_models.rs into target/e2e-models)
// is opened from the file input; the worker reads it by slices of the File and leaves its
// weights unread (src/worker/blob_source.rs), the model panel says so, and the worker's memory
// stays far below the file's size. The 2 GB figures come from `BIG=1 scripts/browser-bench`
// (docs/benchmarks.md). Run through tests/e2e/run (BASE_URL).
import { chromium } from 'playwright-core';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, SHOTS, assert, summary, test } from './harness.mjs';

const BASE_URL = process.env.BASE_URL ?? 'http://127.0.0.1:8080/';
const MODEL = join(ROOT, 'target', 'e2e-models', 'weights_inline_128m.onnx');

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
const page = await context.newPage();
const requests = [];
page.on('request', (request) => requests.push(request.url()));
const pageErrors = [];
page.on('pageerror', (err) => pageErrors.push(String(err)));

const DRAWN = '#graph[data-graph-state="drawn"][data-analysis="done"]';

/** The page's workers' WebAssembly memories and JS heaps, in bytes, through the page's CDP
 *  session auto-attached to them (as tests/bench/browser.mjs measures them). */
async function workerMemoryBytes() {
  const cdp = await context.newCDPSession(page);
  const sessions = [];
  const replies = new Map();
  let nextId = 0;
  cdp.on('Target.attachedToTarget', (event) => {
    if (event.targetInfo.type === 'worker') sessions.push(event.sessionId);
  });
  cdp.on('Target.receivedMessageFromTarget', ({ message }) => {
    const reply = JSON.parse(message);
    replies.get(reply.id)?.(reply);
  });
  await cdp.send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: false, flatten: false });
  await new Promise((resolve) => setTimeout(resolve, 300));
  let total = 0;
  for (const sessionId of sessions) {
    const send = async (method, params = {}) => {
      const id = ++nextId;
      const reply = new Promise((resolve, reject) => {
        replies.set(id, resolve);
        setTimeout(() => reject(new Error(`${method} timed out in a worker`)), 10000);
      });
      await cdp.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id, method, params }) });
      const { result, error } = await reply;
      if (error) throw new Error(error.message);
      return result;
    };
    const { usedSize = 0 } = await send('Runtime.getHeapUsage');
    const { result: prototype } = await send('Runtime.evaluate', { expression: 'WebAssembly.Memory.prototype' });
    const { objects } = await send('Runtime.queryObjects', { prototypeObjectId: prototype.objectId });
    const { result: wasm } = await send('Runtime.callFunctionOn', {
      objectId: objects.objectId,
      functionDeclaration: 'function () { return this.reduce((sum, memory) => sum + memory.buffer.byteLength, 0); }',
      returnByValue: true,
    });
    total += usedSize + wasm.value;
  }
  await cdp.detach();
  assert(sessions.length > 0, 'no worker found to measure');
  return total;
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

await test('large: no request left the served origin, no page error', async () => {
  const origin = new URL(BASE_URL).origin;
  const foreign = requests.filter((u) => !u.startsWith(origin) && !u.startsWith('blob:') && !u.startsWith('data:'));
  assert(foreign.length === 0, `requests elsewhere: ${foreign}`);
  assert(pageErrors.length === 0, `page errors: ${pageErrors}`);
});

await browser.close();
process.exit(summary('large files; ') ? 1 : 0);
