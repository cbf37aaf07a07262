// End-to-end tests of the files panel (issue 11, "Many files at once"; issue 12, "The page stays
// alive"): a drop of several files with a broken one, two profile runs of one model switched from
// the list, removing a profiling file and the model, cancelling a load, and a worker that panics
// or hangs (the test-only files of `?test_faults=1`) replaced while the other files, the view and
// the selection stay, and a worker whose wasm cannot load. Run through tests/e2e/run (BASE_URL).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ROOT, SHOTS, assert, assertNoForeignRequestsOrErrors, launchBrowser, newRecord, servedFrom, summary, test, watchPage,
} from './harness.mjs';

const BASE_URL = process.env.BASE_URL ?? 'http://127.0.0.1:8080/';
const MODEL = readFileSync(join(ROOT, 'www', 'samples', 'resnet50.onnx'));
const RUN = readFileSync(join(ROOT, 'www', 'embed', 'resnet50_op_summary_0.csv'), 'utf8');
/** A second run of the same model: every task twice as long. */
const SLOW_RUN = RUN.split('\n').map((line, i) => {
  if (i === 0 || !line) return line;
  const cells = line.match(/("[^"]*"|[^,]*)(,|$)/g).map((c) => c.replace(/,$/, ''));
  cells[9] = String(Number(cells[9]) * 2);
  return cells.join(',');
}).join('\n');

const browser = await launchBrowser();
const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
const watched = newRecord();
async function open(query = '') {
  const page = await context.newPage();
  watchPage(page, watched);
  await page.goto(`${BASE_URL}${query}`);
  await page.locator('#file').waitFor({ state: 'attached', timeout: 20000 });
  return page;
}

const DRAWN = '#graph[data-graph-state="drawn"][data-analysis="done"]';
const file = (name, content) => ({ name, mimeType: 'application/octet-stream', buffer: Buffer.from(content) });
const row = (page, name) => page.locator('#files .file-row', { has: page.locator(`.file-name[title="${name}"]`) });
const statusOf = async (page, name) => row(page, name).getAttribute('data-status');
const waitStatus = (page, name, status) => page.locator(
  `#files .file-row[data-status="${status}"]`, { has: page.locator(`.file-name[title="${name}"]`) },
).waitFor({ timeout: 30000 });
const profileText = (page) => page.locator('#status .status-profile').innerText();
/** Waits until no load, restore or analysis is in progress (an analysis follows its graph, so a
 *  drawn graph can still be waiting for it). */
const settled = (page) => page.waitForFunction(() => !document.querySelector('#files .files-progress')
  && !document.querySelector('#files .files-restoring')
  && document.querySelector('#graph')?.getAttribute('data-analysis') !== 'pending', null, { timeout: 30000 });
const select = async (page, name) => {
  await page.evaluate((n) => { window.location.hash = `#node=${encodeURIComponent(n)}`; }, name);
  await page.waitForFunction(
    (n) => document.querySelector('#properties .sidebar-subtitle')?.textContent === n, name, { timeout: 10000 });
};
/** Waits (up to 10 s) until the page has one worker: an ended worker's `close` comes late. */
async function oneWorker(page) {
  for (let i = 0; i < 100 && page.workers().length !== 1; i++) await page.waitForTimeout(100);
  return page.workers().length === 1;
}
const selected = (page) => page.evaluate(() => document.querySelector('#properties .sidebar-subtitle')?.textContent);

const page = await open();

/** Picks run `n` in the list. The radio is drawn from the page's state, which a worker answer
 *  still on its way (a restore after a restart) can render again; the pick is repeated until it
 *  holds, as a person would click again. */
async function pickRun(target, n) {
  const radio = target.locator('#profile-runs input[type="radio"]').nth(n);
  for (let attempt = 0; attempt < 20 && !(await radio.isChecked()); attempt++) {
    await radio.click();
    await target.waitForTimeout(250);
  }
  assert(await radio.isChecked(), `run ${n + 1} could not be picked`);
}

await test('files: a drop with a broken file lists every file; the others load and join', async () => {
  await page.setInputFiles('#file', [
    file('resnet50.onnx', MODEL),
    file('broken.onnx', 'this is not a model'),
    file('op_summary_0.csv', RUN),
  ]);
  await page.locator(DRAWN).waitFor({ timeout: 30000 });
  await settled(page);
  assert(await page.locator('#files .file-row').count() === 3, 'three rows');
  assert(await statusOf(page, 'resnet50.onnx') === 'shown', `model: ${await statusOf(page, 'resnet50.onnx')}`);
  assert(await statusOf(page, 'op_summary_0.csv') === 'joined', `profile: ${await statusOf(page, 'op_summary_0.csv')}`);
  assert(await statusOf(page, 'broken.onnx') === 'error', 'the broken file is an error');
  const error = await row(page, 'broken.onnx').locator('.file-error').innerText();
  assert(error.startsWith('broken.onnx: '), `its error names it: ${error}`);
  const kind = await row(page, 'op_summary_0.csv').locator('.file-kind').innerText();
  assert(kind.includes('op_summary'), `the profile's kind: ${kind}`);
  assert(await page.locator('#files button[aria-label="Remove resnet50.onnx"]').count() === 1, 'a labelled remove button');
  await page.locator('#files').screenshot({ path: join(SHOTS, 'files-panel-light.png') });
});

await test('files: two runs of one model are listed; switching re-joins without parsing again', async () => {
  const first = await profileText(page);
  await page.setInputFiles('#file', [file('op_summary_0.csv', SLOW_RUN)]);
  await page.locator('#profile-runs input[type="radio"]').nth(1).waitFor({ timeout: 30000 });
  await settled(page);
  const radios = page.locator('#profile-runs input[type="radio"]');
  assert(await radios.count() === 2, 'two runs');
  assert(await radios.nth(1).isChecked(), 'the new run is active');
  const second = await profileText(page);
  assert(second !== first, `the second run shows: ${second}`);
  await select(page, '/Conv_1');
  await pickRun(page, 0);
  await page.waitForFunction((t) => document.querySelector('#status .status-profile')?.innerText === t, first, { timeout: 30000 });
  await page.locator(DRAWN).waitFor({ timeout: 30000 });
  assert(await radios.nth(0).isChecked(), 'the first run is active');
  assert(await selected(page) === '/Conv_1', 'the selection stays');
});

await test('files: removing the active run shows the other; removing the model keeps the profile', async () => {
  const rows = page.locator('#files .file-row[data-kind="profiling"]');
  assert(await rows.count() === 2, 'two profiling rows');
  await rows.first().locator('.file-remove').click();
  await settled(page);
  await page.waitForFunction(() => document.querySelectorAll('#profile-runs input').length === 1, null, { timeout: 30000 });
  assert(await page.locator('#profile-runs input').first().isChecked(), 'the run left is active');
  await page.locator('#files button[aria-label="Remove resnet50.onnx"]').click();
  await page.locator('#graph[data-graph-state="empty"]').waitFor({ timeout: 30000 });
  await settled(page);
  assert(await page.locator('#status .status-profile').count() === 1, 'the profile stays');
  assert(await statusOf(page, 'op_summary_0.csv') === 'parsed', 'no longer joined');
  // A model dropped now is joined to the kept run.
  await page.setInputFiles('#file', [file('resnet50.onnx', MODEL)]);
  await page.locator(DRAWN).waitFor({ timeout: 30000 });
  await settled(page);
  assert(await statusOf(page, 'op_summary_0.csv') === 'joined', 'joined to the new model');
});

const faults = await open('?test_faults=1&hang_ms=3000');

await test('files: a worker panic names the file; the model, the run and the selection stay', async () => {
  await faults.setInputFiles('#file', [file('resnet50.onnx', MODEL), file('op_summary_0.csv', RUN)]);
  await faults.locator(DRAWN).waitFor({ timeout: 30000 });
  await settled(faults);
  await select(faults, '/Conv_1');
  // The panic and a run of the same drop: the run is read again by the new worker.
  await faults.setInputFiles('#file', [file('__opscope_test_panic__.onnx', MODEL), file('op_summary_1.csv', SLOW_RUN)]);
  await waitStatus(faults, '__opscope_test_panic__.onnx', 'error');
  await waitStatus(faults, 'op_summary_1.csv', 'joined');
  await settled(faults);
  const banner = await faults.locator('.error-banner').innerText();
  assert(banner.includes('__opscope_test_panic__.onnx'), `the error names the file: ${banner}`);
  // The graph stays drawn (the run read again re-analyses it, which a slow machine may still be
  // finishing).
  await faults.locator(DRAWN).waitFor({ timeout: 10000 });
  assert(await selected(faults) === '/Conv_1', 'the selection stays');
  assert(await statusOf(faults, 'resnet50.onnx') === 'shown', 'the model stays');
  // The new worker holds the model and both runs: the run of the stopped drop joined the
  // restored model, and it is the active one of two.
  const radios = faults.locator('#profile-runs input[type="radio"]');
  assert(await radios.count() === 2, `runs: ${await radios.count()}`);
  assert(await radios.nth(1).isChecked(), 'the retried run is active');
});

await test('files: a hang past the limit names the file and restarts the worker', async () => {
  await faults.setInputFiles('#file', [file('__opscope_test_hang__.onnx', MODEL)]);
  await waitStatus(faults, '__opscope_test_hang__.onnx', 'error');
  await settled(faults);
  const error = await row(faults, '__opscope_test_hang__.onnx').locator('.file-error').innerText();
  assert(/without progress/.test(error), `the error says why: ${error}`);
  // The hung worker was ended, not left spinning beside the new one.
  assert(await oneWorker(faults), `workers alive: ${faults.workers().length}`);
  assert(await faults.locator(DRAWN).count() === 1, 'the graph stays');
  assert(await selected(faults) === '/Conv_1', 'the selection stays');
  await pickRun(faults, 0);
  await faults.locator(DRAWN).waitFor({ timeout: 30000 });
  await settled(faults);
  assert(await statusOf(faults, 'op_summary_0.csv') === 'joined', 'the restored worker switches runs');
});

await test('files: a worker stuck before it reports a stage is a hang too', async () => {
  // The worker never returns from the message that brings the file: no stage is ever reported,
  // so only the page's own record of handing the file over lets the watchdog see it.
  await faults.setInputFiles('#file', [file('__opscope_test_hang_unread__.onnx', MODEL)]);
  await waitStatus(faults, '__opscope_test_hang_unread__.onnx', 'error');
  await settled(faults);
  const error = await row(faults, '__opscope_test_hang_unread__.onnx').locator('.file-error').innerText();
  assert(/without progress/.test(error), `the error says why: ${error}`);
  assert(await oneWorker(faults), `workers alive: ${faults.workers().length}`);
  assert(await faults.locator(DRAWN).count() === 1, 'the graph stays');
  assert(await selected(faults) === '/Conv_1', 'the selection stays');
});

await test('files: Cancel stops a load that never returns and keeps the rest', async () => {
  await faults.setInputFiles('#file', [file('__opscope_test_hang__.onnx', MODEL)]);
  await faults.locator('#cancel-load').click({ timeout: 2500 });
  await waitStatus(faults, '__opscope_test_hang__.onnx', 'not-read');
  await settled(faults);
  assert(await faults.locator(DRAWN).count() === 1, 'the graph stays');
  assert(await selected(faults) === '/Conv_1', 'the selection stays');
  assert(await faults.locator('.error-banner').count() === 0, 'a cancel is no error');
  assert(await oneWorker(faults), `workers alive after the cancel: ${faults.workers().length}`);
});

await test('files: an engine that cannot start fails the load instead of leaving it reading', async () => {
  // The worker's wasm is a file that is not there (test-only switch): the page says so at once,
  // and a file dropped after gets the error instead of "reading…" for ever.
  const broken = await open('?test_faults=1&worker_start=fail');
  const banner = broken.locator('.error-banner', { hasText: 'the engine could not start' });
  await banner.waitFor({ timeout: 20000 });
  await broken.setInputFiles('#file', [file('resnet50.onnx', MODEL)]);
  await waitStatus(broken, 'resnet50.onnx', 'error');
  const error = await row(broken, 'resnet50.onnx').locator('.file-error').innerText();
  assert(/the engine could not start/.test(error), `the row says why: ${error}`);
  assert(await broken.locator('#files .files-progress').count() === 0, 'no load left in progress');
  await broken.close();
});

await test('files: the panel in the dark theme', async () => {
  const dark = await open('?theme=dark');
  await dark.setInputFiles('#file', [
    file('resnet50.onnx', MODEL), file('broken.onnx', 'not a model'), file('op_summary_0.csv', RUN),
  ]);
  await dark.locator(DRAWN).waitFor({ timeout: 30000 });
  // A second run whose file has a long name, as exports often do.
  await dark.setInputFiles('#file', [file('op_summary_20261204_device_0_rank_0_step_1000.csv', SLOW_RUN)]);
  await dark.locator('#profile-runs input[type="radio"]').nth(1).waitFor({ timeout: 30000 });
  await settled(dark);
  // The run rows fit the panel: a long label is shortened, the task counts are not pushed past
  // its edge (a fieldset is as wide as its content unless told otherwise).
  const overflow = await dark.evaluate(() => {
    const panel = document.querySelector('#files').getBoundingClientRect();
    return [...document.querySelectorAll('#profile-runs .profile-run-rows')]
      .map((el) => el.getBoundingClientRect().right - panel.right)
      .filter((past) => past > 0.5);
  });
  assert(overflow.length === 0, `task counts past the panel's edge by ${overflow.join(', ')} px`);
  await dark.locator('#files').screenshot({ path: join(SHOTS, 'files-panel-dark.png') });
  await dark.screenshot({ path: join(SHOTS, 'files-page-dark.png') });
  await dark.close();
});

await test('files: no request left the served origin, no page error', async () => {
  assertNoForeignRequestsOrErrors(watched, servedFrom(BASE_URL));
});

await browser.close();
process.exit(summary('files panel; ') ? 1 : 0);
