// End-to-end tests of the page layout and what goes with it: the comparison charts (predicted vs
// measured per unit, fusion savings), panels resized by drag and by keys and kept across reloads,
// the view in the URL hash, the shortcuts help, the screen-reader summary of the selection, and
// axe-core on the views the main suite does not check (profile tables, model panel, shortcuts
// dialog, compact embed view). Run through tests/e2e/run, which serves dist/ and sets BASE_URL.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ROOT, SHOTS, assert, assertNoForeignRequestsOrErrors, launchBrowser, onHosts, summary, test, watchPage,
} from './harness.mjs';

const BASE_URL = process.env.BASE_URL ?? 'http://127.0.0.1:8080/';
const MODEL = 'samples/resnet50.onnx';
const PROFILE = 'embed/resnet50_op_summary_0.csv';
const NODE = '/layer1/0/Conv_4';
const WITH_PROFILE = `?model=${MODEL}&profile=${PROFILE}`;
const DRAWN = '#graph[data-graph-state="drawn"][data-analysis="done"]';
const AXE = readFileSync(join(ROOT, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');

const browser = await launchBrowser();
const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
const page = await context.newPage();
const watched = watchPage(page);

const waitDrawn = (p = page) => p.locator(DRAWN).waitFor({ timeout: 60000 });
const hash = (p = page) => p.evaluate(() => decodeURIComponent(window.location.hash));

/** The violations axe-core finds (WCAG 2 A and AA) on the page as it is. */
async function axe(p, label) {
  await p.evaluate(AXE);
  const violations = await p.evaluate(async () => {
    const result = await window.axe.run(document, { runOnly: ['wcag2a', 'wcag2aa'] });
    return result.violations.map((v) => `${v.id} ×${v.nodes.length} (${v.nodes[0]?.target?.join(' ')})`);
  });
  return violations.length ? [`${label}: ${violations.join('; ')}`] : [];
}

// ---- Charts ----

await test('predicted vs measured per unit and fusion savings: bars, tooltips, focusable rows with a readout', async () => {
  await page.goto(`${BASE_URL}${WITH_PROFILE}&theme=light`);
  await waitDrawn();
  await page.locator('#profile[data-profile-state="loaded"]').waitFor({ timeout: 20000 });
  const units = page.locator('#chart-unit-compare');
  await units.waitFor({ timeout: 10000 });
  const rows = units.locator('.pair-row');
  const n = await rows.count();
  assert(n >= 2, `${n} unit rows`);
  // The bundled run has vector-core tasks, which only A2 chips have: the analysis follows it.
  const legend = await units.locator('.pair-legend').innerText();
  assert(/estimated \(cost model, Ascend 910B\)/.test(legend) && /measured \(profile\)/.test(legend),
    `legend: ${legend}`);
  // Every row: a tooltip, an estimated (dashed) and a measured (solid) bar, each labelled.
  for (let i = 0; i < n; i += 1) {
    const row = rows.nth(i);
    const title = await row.locator('title').textContent();
    assert(/estimated .* measured /.test(title), `row ${i} tooltip: ${title}`);
    const texts = await row.locator('.bar-value').allTextContents();
    assert(texts.length === 2 && texts[0].startsWith('estimated ') && texts[1].startsWith('measured '),
      `row ${i} bars: ${texts}`);
    assert((await row.locator('rect[stroke-dasharray="4 2"]').count()) === 1, `row ${i}: no dashed estimate bar`);
  }
  // The profile times convolutions: the Cube row says how far off the estimate is.
  const cube = units.locator('.pair-row[aria-label^="Cube:"]');
  assert(/× the estimate/.test(await cube.getAttribute('aria-label')), 'the Cube row has no ratio');
  // Keyboard: focusing a row shows its figures in the readout; hovering another shows its.
  await cube.focus();
  const readout = units.locator('.chart-readout');
  assert((await readout.innerText()) === (await cube.getAttribute('aria-label')), `readout: ${await readout.innerText()}`);
  const focused = await page.evaluate(() => document.activeElement?.getAttribute('class') ?? '');
  assert(focused.includes('pair-row'), `focus is on ${focused}`);
  const other = rows.nth(n - 1);
  await other.hover();
  assert((await readout.innerText()) === (await other.getAttribute('aria-label')), 'hover readout');

  const savings = page.locator('#chart-fusion-savings');
  await savings.waitFor({ timeout: 5000 });
  const patterns = savings.locator('.pair-row');
  assert((await patterns.count()) >= 1, 'no fusion pattern charted');
  const first = await patterns.first().getAttribute('aria-label');
  assert(/groups? formed save .*near miss(es)? would save up to/.test(first), `pattern row: ${first}`);
  assert(/TbeConv/.test(first), `the largest saving is not a Conv pattern: ${first}`);
  await page.locator('.profile-charts').evaluate((el) => { el.scrollTop = el.scrollHeight; });
  await page.screenshot({ path: join(SHOTS, 'charts-compare-light.png') });
  await page.goto(`${BASE_URL}${WITH_PROFILE}&theme=dark`);
  await waitDrawn();
  await page.locator('#chart-fusion-savings').waitFor({ timeout: 20000 });
  await page.locator('.profile-charts').evaluate((el) => { el.scrollTop = el.scrollHeight; });
  await page.screenshot({ path: join(SHOTS, 'charts-compare-dark.png') });
});

// ---- Panels ----

await test('the bottom panel resizes by the keys on its splitter and keeps its size after a reload', async () => {
  await page.evaluate(() => window.localStorage.removeItem('opscope.panels'));
  await page.goto(`${BASE_URL}?sample=resnet50&theme=light`);
  await waitDrawn();
  const panel = page.locator('#profile');
  await panel.waitFor({ timeout: 20000 });
  const before = (await panel.boundingBox()).height;
  const grip = page.locator('.splitter-bottom .splitter-grip');
  await grip.focus();
  for (let i = 0; i < 3; i += 1) await page.keyboard.press('ArrowUp');
  await page.keyboard.press('Shift+ArrowUp');
  const after = (await panel.boundingBox()).height;
  assert(Math.abs(after - before - (3 * 16 + 64)) < 3, `panel height ${before} -> ${after}`);
  assert((await grip.getAttribute('aria-valuenow')) === String(Math.round(after)),
    `aria-valuenow ${await grip.getAttribute('aria-valuenow')} for ${after}`);
  // The arrows on the splitter resize; they do not move the graph's selection.
  assert(!(await hash()).includes('node='), 'an arrow on the splitter selected a node');
  await page.reload();
  await waitDrawn();
  await panel.waitFor({ timeout: 20000 });
  const kept = (await panel.boundingBox()).height;
  assert(Math.abs(kept - after) < 2, `after a reload ${kept}, before ${after}`);
  // Enter on the splitter collapses the panel; that is kept too.
  await grip.focus();
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelector('#profile').getBoundingClientRect().height < 60);
  await page.reload();
  await waitDrawn();
  await page.waitForFunction(() => {
    const p = document.querySelector('#profile');
    return p && p.classList.contains('collapsed');
  }, null, { timeout: 20000 });
  await page.locator('.splitter-bottom .splitter-toggle').click();
  await page.waitForFunction(() => document.querySelector('#profile').getBoundingClientRect().height > 100);
});

await test('the files panel resizes by the keys on its splitter, collapses, and both are kept after a reload', async () => {
  const open = async () => {
    await page.locator('#sample').waitFor({ timeout: 20000 });
    await page.setInputFiles('#file', join(ROOT, 'www', 'samples', 'resnet50.onnx'));
    await waitDrawn();
    await page.locator('#files').waitFor({ timeout: 20000 });
  };
  await page.evaluate(() => window.localStorage.removeItem('opscope.panels'));
  await page.goto(`${BASE_URL}?theme=light`);
  await open();
  const panel = page.locator('#files');
  const before = (await panel.boundingBox()).width;
  const grip = page.locator('.splitter-left .splitter-grip');
  await grip.focus();
  for (let i = 0; i < 2; i += 1) await page.keyboard.press('ArrowRight');
  await page.keyboard.press('Shift+ArrowRight');
  const after = (await panel.boundingBox()).width;
  assert(Math.abs(after - before - (2 * 16 + 64)) < 3, `files panel width ${before} -> ${after}`);
  assert((await grip.getAttribute('aria-controls')) === 'files', 'the splitter names the panel it resizes');
  await page.reload();
  await open();
  const kept = (await panel.boundingBox()).width;
  assert(Math.abs(kept - after) < 2, `after a reload ${kept}, before ${after}`);
  // Enter on the splitter folds the panel to its heading; that is kept too.
  await grip.focus();
  await page.keyboard.press('Enter');
  await page.locator('#files.collapsed').waitFor({ timeout: 5000 });
  await page.reload();
  await open();
  await page.locator('#files.collapsed').waitFor({ timeout: 5000 });
  await page.locator('.splitter-left .splitter-grip').focus();
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => !document.querySelector('#files').classList.contains('collapsed'));
});

await test('the side panel resizes by dragging its splitter, collapses, and both are kept after a reload', async () => {
  await page.goto(`${BASE_URL}?sample=resnet50&theme=light#node=${encodeURIComponent(NODE)}`);
  await waitDrawn();
  const side = page.locator('#properties');
  await side.waitFor({ timeout: 20000 });
  const before = (await side.boundingBox()).width;
  const grip = await page.locator('.splitter-side .splitter-grip').boundingBox();
  const y = grip.y + grip.height / 2;
  await page.mouse.move(grip.x + grip.width / 2, y);
  await page.mouse.down();
  await page.mouse.move(grip.x + grip.width / 2 - 100, y, { steps: 5 });
  await page.mouse.up();
  const after = (await side.boundingBox()).width;
  assert(Math.abs(after - before - 100) < 4, `side panel ${before} -> ${after}`);
  await page.screenshot({ path: join(SHOTS, 'layout-side-wide.png') });
  await page.reload();
  await waitDrawn();
  await side.waitFor({ timeout: 20000 });
  const kept = (await side.boundingBox()).width;
  assert(Math.abs(kept - after) < 2, `after a reload ${kept}, before ${after}`);
  // Collapsed by its button: the graph takes the room; kept after a reload; expanded again.
  const graphBefore = (await page.locator('#graph').boundingBox()).width;
  await page.locator('.splitter-side .splitter-toggle').click();
  await side.waitFor({ state: 'detached', timeout: 5000 });
  const graphAfter = (await page.locator('#graph').boundingBox()).width;
  assert(graphAfter > graphBefore + 200, `graph ${graphBefore} -> ${graphAfter}`);
  await page.reload();
  await waitDrawn();
  await page.locator('.splitter-side.collapsed').waitFor({ timeout: 20000 });
  assert((await page.locator('#properties').count()) === 0, 'the collapsed panel came back');
  await page.locator('.splitter-side .splitter-toggle').click();
  await side.waitFor({ timeout: 5000 });
  await page.evaluate(() => window.localStorage.removeItem('opscope.panels'));
});

// ---- The view in the URL hash ----

await test('the hash restores overlay, selected node and tab; changing them rewrites it', async () => {
  await page.goto(`${BASE_URL}${WITH_PROFILE}#node=${encodeURIComponent(NODE)}&overlay=fusion&tab=op-statistics`);
  await waitDrawn();
  await page.locator('#graph[data-overlay="fusion"]').waitFor({ timeout: 20000 });
  await page.locator('#properties', { hasText: NODE }).waitFor({ timeout: 20000 });
  await page.locator('#tab-op-statistics[aria-selected="true"]').waitFor({ timeout: 20000 });
  assert((await hash()) === `#node=${NODE}&overlay=fusion&tab=op-statistics`, `hash: ${await hash()}`);
  // The heat map is what a measured profile shows by itself: the hash drops the overlay.
  await page.evaluate(() => document.activeElement?.blur());
  await page.keyboard.press('h');
  await page.locator('#graph[data-overlay="heat"]').waitFor({ timeout: 5000 });
  await page.locator('#tab-hotspots').click();
  await page.waitForFunction(() => !window.location.hash.includes('overlay=')
    && !window.location.hash.includes('tab='), null, { timeout: 5000 });
  await page.evaluate(() => document.activeElement?.blur());
  await page.keyboard.press('u');
  await page.waitForFunction(() => decodeURIComponent(window.location.hash).includes('overlay=unit'), null,
    { timeout: 5000 });
  const shared = page.url();
  // A second tab opening the shared link shows the same view.
  const other = await context.newPage();
  await other.goto(shared);
  await waitDrawn(other);
  await other.locator('#graph[data-overlay="unit"]').waitFor({ timeout: 20000 });
  await other.locator('#tab-hotspots[aria-selected="true"]').waitFor({ timeout: 20000 });
  const selected = await hash(other);
  assert(selected.startsWith('#node=') && selected.includes('overlay=unit'), `shared hash: ${selected}`);
  await other.close();
  // A plain selection writes the hash of earlier versions, exactly.
  await page.goto(`${BASE_URL}${WITH_PROFILE}#node=${encodeURIComponent(NODE)}`);
  await waitDrawn();
  await page.locator('#properties', { hasText: NODE }).waitFor({ timeout: 20000 });
  assert((await hash()) === `#node=${NODE}`, `plain hash: ${await hash()}`);
});

await test('#info=1 opens the model panel; closing it drops it from the hash', async () => {
  const other = await context.newPage();
  await other.goto(`${BASE_URL}?sample=resnet50#info=1`);
  await waitDrawn(other);
  await other.locator('#model-properties').waitFor({ timeout: 20000 });
  assert((await hash(other)) === '#info=1', `hash: ${await hash(other)}`);
  await other.keyboard.press('Escape');
  await other.locator('#model-properties').waitFor({ state: 'detached', timeout: 5000 });
  assert((await hash(other)) === '', `hash after closing: ${await hash(other)}`);
  await other.close();
});

await test('the selected node is summarised for screen readers', async () => {
  const live = page.locator('#selection-summary');
  assert((await live.getAttribute('aria-live')) === 'polite', 'not a live region');
  const text = await live.textContent();
  assert(text.startsWith(`Selected Conv ${NODE}, on the Cube, measured `), `summary: ${text}`);
  assert(/output .*\d/.test(text) && /(no findings|\d+ findings?)\.$/.test(text), `summary: ${text}`);
  assert((await page.locator('.graph-canvas canvas').getAttribute('aria-describedby')) === 'selection-summary',
    'the canvas does not point at the summary');
});

// ---- The shortcuts help ----

await test('? opens the shortcuts help listing every key; focus stays inside; Escape closes and gives focus back', async () => {
  await page.evaluate(() => document.activeElement?.blur());
  await page.keyboard.press('?');
  const dialog = page.locator('#shortcuts-help[role="dialog"]');
  await dialog.waitFor({ timeout: 5000 });
  const text = await dialog.innerText();
  for (const does of ['Fit the graph', 'Zoom to the selection', 'Heat map', 'Theme: System, Light, Dark',
    'This list of shortcuts', 'On a focused panel splitter: resize the panel']) {
    assert(text.includes(does), `the help lacks "${does}"`);
  }
  const rows = await dialog.locator('tbody tr').count();
  assert(rows >= 25, `${rows} rows`);
  const inside = () => page.evaluate(() => document.querySelector('#shortcuts-help').contains(document.activeElement));
  assert(await inside(), 'the focus is not in the dialog');
  for (let i = 0; i < 4; i += 1) await page.keyboard.press('Tab');
  assert(await inside(), 'Tab left the dialog');
  await page.keyboard.press('Shift+Tab');
  assert(await inside(), 'Shift+Tab left the dialog');
  // Keys behind the dialog do nothing.
  const overlay = await page.locator('#graph').getAttribute('data-overlay');
  await page.keyboard.press('u');
  assert((await page.locator('#graph').getAttribute('data-overlay')) === overlay, 'a key acted behind the dialog');
  await page.screenshot({ path: join(SHOTS, 'shortcuts-help-light.png') });
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'detached', timeout: 5000 });
  assert((await page.locator('#properties').count()) === 1, 'Escape also cleared the selection');
  // From the toolbar's button: the focus comes back to it.
  await page.locator('#shortcuts-button').click();
  await dialog.waitFor({ timeout: 5000 });
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'detached', timeout: 5000 });
  const back = await page.evaluate(() => document.activeElement?.id);
  assert(back === 'shortcuts-button', `focus returned to ${back}`);
});

// ---- Accessibility of the views the main suite does not check ----

await test('accessibility: axe-core on the profile tables, model panel, shortcuts dialog and compact view, light and dark', async () => {
  const found = [];
  for (const theme of ['light', 'dark']) {
    await page.goto(`${BASE_URL}${WITH_PROFILE}&theme=${theme}`);
    await waitDrawn();
    await page.locator('#profile[data-profile-state="loaded"]').waitFor({ timeout: 20000 });
    await page.locator('#tab-hotspots').click();
    await page.locator('#hotspots tr[data-op]').first().waitFor({ timeout: 10000 });
    found.push(...await axe(page, `hotspots, ${theme}`));
    await page.locator('#tab-op-statistics').click();
    await page.locator('#op-statistics').waitFor({ timeout: 10000 });
    found.push(...await axe(page, `op statistics, ${theme}`));
    await page.evaluate(() => document.activeElement?.blur());
    await page.keyboard.press('i');
    await page.locator('#model-properties').waitFor({ timeout: 5000 });
    found.push(...await axe(page, `model panel, ${theme}`));
    await page.screenshot({ path: join(SHOTS, `layout-model-panel-${theme}.png`) });
    await page.keyboard.press('?');
    await page.locator('#shortcuts-help').waitFor({ timeout: 5000 });
    found.push(...await axe(page, `shortcuts dialog, ${theme}`));
    await page.screenshot({ path: join(SHOTS, `shortcuts-help-${theme}.png`) });
    await page.keyboard.press('Escape');
    await page.goto(`${BASE_URL}${WITH_PROFILE}&overlay=heat&node=${encodeURIComponent(NODE)}&view=compact&theme=${theme}`);
    await waitDrawn();
    found.push(...await axe(page, `compact view, ${theme}`));
    await page.screenshot({ path: join(SHOTS, `embed-compact-${theme}.png`) });
  }
  assert(found.length === 0, `axe-core: ${found.join(' | ')}`);
});

await test('every control is reachable by Tab and shows a focus ring', async () => {
  await page.goto(`${BASE_URL}${WITH_PROFILE}&theme=light`);
  await waitDrawn();
  await page.locator('#chart-fusion-savings').waitFor({ timeout: 20000 });
  // Walk the page with Tab: every stop is visible and draws an outline or a ring.
  const seen = new Set();
  const missing = [];
  for (let i = 0; i < 160; i += 1) {
    await page.keyboard.press('Tab');
    const stop = await page.evaluate(() => {
      const el = document.activeElement;
      if (!el || el === document.body) return null;
      const style = getComputedStyle(el);
      const ring = (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0)
        || style.boxShadow !== 'none';
      // SVG rows draw their ring on the hit rectangle.
      const hit = el.querySelector?.(':scope > .pair-hit');
      const svgRing = hit ? getComputedStyle(hit).stroke !== 'none' : false;
      return { key: el.id || `${el.tagName}.${el.getAttribute('class')}`, ring: ring || svgRing };
    });
    if (!stop) continue;
    seen.add(stop.key);
    if (!stop.ring) missing.push(stop.key);
  }
  for (const id of ['sample', 'search', 'theme', 'shortcuts-button']) {
    assert([...seen].some((k) => k === id || k.startsWith(id)), `Tab never reached #${id}: ${[...seen].join(', ')}`);
  }
  assert([...seen].some((k) => k.includes('splitter-grip')), 'Tab never reached a splitter');
  assert([...seen].some((k) => k.includes('pair-row')), 'Tab never reached a chart row');
  assert(missing.length === 0, `no visible focus on: ${[...new Set(missing)].join(', ')}`);
});

await test('no request left this machine and the page threw no error', async () => {
  assertNoForeignRequestsOrErrors(watched, onHosts('127.0.0.1', 'localhost'));
});

await browser.close();
process.exit(summary('layout: ') ? 1 : 0);
