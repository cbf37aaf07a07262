// End-to-end tests of the report export and reopen (issue 11, "Reports"): the bundled sample is
// exported as HTML, Markdown and JSON from the Export menu; the HTML is byte for byte what
// `opscope analyze resnet50.onnx --format html --overlay unit` writes for the same file; the JSON
// dropped into a fresh page restores the findings, hotspots and charts without the model, and
// joined to the model when both are dropped. Run through tests/e2e/run (BASE_URL); the CLI is
// OPSCOPE_BIN when set, else built with `cargo run -q --release -p opscope-cli`.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  ROOT, SHOTS, assert, assertNoForeignRequestsOrErrors, launchBrowser, servedFrom, summary, test, watchPage,
} from './harness.mjs';

const BASE_URL = process.env.BASE_URL ?? 'http://127.0.0.1:8080/';
const SAMPLES = join(ROOT, 'www', 'samples');

const browser = await launchBrowser();
const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, acceptDownloads: true });
const page = await context.newPage();
const watched = watchPage(page);

const DRAWN = '#graph[data-graph-state="drawn"][data-analysis="done"]';
const work = mkdtempSync(join(tmpdir(), 'opscope-report-'));

/** The CLI's report of a bundled sample, run in the samples folder so the file is named as the
 *  browser names it. */
function cliReport(args) {
  const out = join(work, `cli-${args.join('-').replace(/[^a-z0-9-]/gi, '_')}.out`);
  const bin = process.env.OPSCOPE_BIN;
  const command = bin ? resolve(bin) : 'cargo';
  const prefix = bin ? [] : ['run', '-q', '--release', '-p', 'opscope-cli', '--manifest-path', join(ROOT, 'Cargo.toml'), '--'];
  execFileSync(command, [...prefix, 'analyze', ...args, '-o', out], { cwd: SAMPLES, stdio: ['ignore', 'ignore', 'inherit'] });
  return readFileSync(out);
}

/** Chooses `kind` in the export menu and returns the download it starts. */
async function exportAs(kind) {
  const [download] = await Promise.all([
    page.waitForEvent('download', { timeout: 30000 }),
    page.locator('#export').selectOption(kind),
  ]);
  return download;
}

const saved = {};

await test('report: the sample exported as HTML is the CLI\'s bytes, self-contained, with its sections', async () => {
  await page.goto(BASE_URL);
  await page.locator('#sample').waitFor({ timeout: 20000 });
  await page.locator('#sample').click();
  await page.locator(DRAWN).waitFor({ timeout: 30000 });
  assert((await page.locator('#graph').getAttribute('data-overlay')) === 'unit', 'the unit overlay is shown');
  const download = await exportAs('report-html');
  assert(download.suggestedFilename() === 'resnet50-report.html', `saved as ${download.suggestedFilename()}`);
  const html = readFileSync(await download.path());
  saved.html = html;
  const cli = cliReport(['resnet50.onnx', '--format', 'html', '--overlay', 'unit']);
  assert(html.equals(cli), `the app's HTML (${html.length} bytes) differs from the CLI's (${cli.length} bytes)`);
  const text = html.toString('utf8');
  for (const part of ['<h2>Summary</h2>', 'Time by unit', 'Time by op type', '<h2>Findings</h2>',
    'Fix: ', '<h2>Graph by execution unit</h2>', '<h2>Hotspots', '<h2>Fusion groups</h2>',
    '<h2>Model: ', '@media print', '@page { size: A4']) {
    assert(text.includes(part), `the report lacks ${part}`);
  }
  for (const external of ['<script', 'src=', 'href=', 'http://', 'https://', 'url(']) {
    assert(!text.includes(external), `the report refers outside itself: ${external}`);
  }
  assert((await page.locator('#export').inputValue()) === '', 'the menu should go back to its label');
  assert((await page.locator('.error-banner').count()) === 0, 'the export failed');
});

await test('report: another overlay colours the picture and the CLI agrees (--overlay heat)', async () => {
  await page.locator('#overlay-heat').click();
  await page.locator('#graph[data-overlay="heat"]').waitFor({ timeout: 5000 });
  const html = readFileSync(await (await exportAs('report-html')).path());
  const cli = cliReport(['resnet50.onnx', '--format', 'html', '--overlay', 'heat']);
  assert(html.equals(cli), 'the heat report differs from the CLI\'s');
  assert(html.toString('utf8').includes('<h2>Graph by time (heat map)</h2>'), 'not the heat picture');
  await page.locator('#overlay-unit').click();
});

await test('report: the opened HTML shows offline and prints on A4', async () => {
  const file = join(work, 'resnet50-report.html');
  writeFileSync(file, saved.html);
  const viewer = await context.newPage();
  const fetched = [];
  viewer.on('request', (r) => fetched.push(r.url()));
  await viewer.goto(`file://${file}`);
  assert(fetched.length === 1, `the report loaded more than itself: ${fetched}`);
  assert(await viewer.locator('svg.graph rect').count() > 100, 'no graph picture');
  assert(await viewer.locator('svg[aria-label="time by op type"] rect').count() >= 5, 'no op-type chart');
  await viewer.screenshot({ path: join(SHOTS, 'report-html.png') });
  const pdf = await viewer.pdf({ format: 'A4' });
  assert(pdf.length > 10000, 'printing gave nothing');
  writeFileSync(join(SHOTS, 'report-html.pdf'), pdf);
  await viewer.close();
});

await test('report: Markdown and JSON exports match the CLI', async () => {
  const md = readFileSync(await (await exportAs('report-md')).path());
  assert(md.equals(cliReport(['resnet50.onnx', '--format', 'md'])), 'the Markdown differs from the CLI\'s');
  assert(md.toString('utf8').startsWith('# opscope analysis: '), 'not the Markdown report');
  const download = await exportAs('report-json');
  assert(download.suggestedFilename() === 'resnet50-report.json', `saved as ${download.suggestedFilename()}`);
  saved.json = readFileSync(await download.path());
  assert(saved.json.equals(cliReport(['resnet50.onnx', '--format', 'json'])), 'the JSON differs from the CLI\'s');
  const report = JSON.parse(saved.json.toString('utf8'));
  assert(report.schema_version === 1 && report.findings.length >= 1, 'the JSON has no findings');
  saved.report = report;
});

await test('report: the JSON dropped in a fresh page restores findings, hotspots and charts without the model', async () => {
  const fresh = await context.newPage();
  watchPage(fresh, watched);
  await fresh.goto(BASE_URL);
  await fresh.locator('#sample').waitFor({ timeout: 20000 });
  const file = join(work, 'resnet50-report.json');
  writeFileSync(file, saved.json);
  await fresh.setInputFiles('#file', file);
  await fresh.locator('#profile').waitFor({ timeout: 30000 });
  assert((await fresh.locator('#graph').getAttribute('data-graph-state')) === 'empty', 'no graph without the model');
  assert((await fresh.locator('.error-banner').count()) === 0, `an error: ${await fresh.locator('.error-banner').allInnerTexts()}`);
  // The panel opens on the findings; the hotspots are the next tab.
  await fresh.locator('#tab-hotspots').click();
  const hotspots = fresh.locator('#hotspots tr[data-op]');
  await hotspots.first().waitFor({ timeout: 10000 });
  assert(await hotspots.count() === saved.report.hotspots.length, `hotspot rows: ${await hotspots.count()}`);
  // An estimate of the sample runs all on the AI Core: one slice.
  assert(await fresh.locator('#chart-units path').count() >= 1, 'unit chart empty');
  await fresh.screenshot({ path: join(SHOTS, 'report-reopened-hotspots.png') });
  const tab = fresh.locator('#tab-findings');
  if (await tab.count()) await tab.click();
  const panel = fresh.locator('#findings');
  await panel.waitFor({ timeout: 10000 });
  const shown = await panel.locator('.finding').count();
  assert(shown === saved.report.findings.length, `findings shown ${shown}, in the report ${saved.report.findings.length}`);
  const text = await panel.innerText();
  for (const finding of saved.report.findings) {
    assert(text.includes(finding.nodes[0] ?? ''), `the finding on ${finding.nodes[0]} is missing`);
  }
  await fresh.screenshot({ path: join(SHOTS, 'report-reopened-findings.png') });
  // With the model: the graph, with the report's analysis on it.
  await fresh.setInputFiles('#file', [file, join(SAMPLES, 'resnet50.onnx')]);
  await fresh.locator(DRAWN).waitFor({ timeout: 30000 });
  assert((await fresh.locator('.error-banner').count()) === 0, `an error: ${await fresh.locator('.error-banner').allInnerTexts()}`);
  assert(await fresh.locator('#unit-legend').count() === 1, 'no unit overlay on the joined graph');
  await fresh.screenshot({ path: join(SHOTS, 'report-reopened-with-model.png') });
  await fresh.close();
});

await test('report: the same files dropped in the other order give byte-identical JSON, Markdown and HTML', async () => {
  const model = join(SAMPLES, 'resnet50.onnx');
  const profile = join(ROOT, 'www', 'embed', 'resnet50_op_summary_0.csv');
  // A second file of the run, so the report's list of profiling files has an order to keep.
  const statistic = join(work, 'op_statistic_0.csv');
  writeFileSync(statistic, 'Model Name,OP Type,Core Type,Count,Total Time(us),Min Time(us),Avg Time(us),Max Time(us),Ratio(%)\n'
    + 'resnet50,Conv2D,AI_CORE,1,120.5,120.5,120.5,120.5,72.8\nresnet50,Relu,AI_CORE,1,45.0,45.0,45.0,45.0,27.2\n');
  const reports = [];
  for (const files of [[model, profile, statistic], [statistic, profile, model]]) {
    await page.goto(BASE_URL);
    await page.locator('#file').waitFor({ state: 'attached', timeout: 20000 });
    await page.setInputFiles('#file', files);
    await page.locator(DRAWN).waitFor({ timeout: 30000 });
    const each = {};
    for (const kind of ['report-json', 'report-md', 'report-html']) {
      each[kind] = readFileSync(await (await exportAs(kind)).path());
    }
    reports.push(each);
  }
  const json = JSON.parse(reports[0]['report-json'].toString('utf8'));
  assert(json.profile?.files?.length === 2, `both profiling files were read: ${JSON.stringify(json.profile?.files)}`);
  for (const kind of Object.keys(reports[0])) {
    assert(reports[0][kind].equals(reports[1][kind]),
      `${kind}: model then profile gives ${reports[0][kind].length} bytes, profile then model ${reports[1][kind].length}`);
  }
});

await test('report: no request left the served origin, no page error', async () => {
  assertNoForeignRequestsOrErrors(watched, servedFrom(BASE_URL));
});

await browser.close();
rmSync(work, { recursive: true, force: true });
process.exit(summary('report export and reopen; ') ? 1 : 0);
