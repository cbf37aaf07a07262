// Per-stage timing of opening models (needs the temporary opscope-timing traces).
import { chromium } from 'playwright-core';
const BASE_URL = process.env.BASE_URL ?? 'http://127.0.0.1:8080/';
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run'] });
for (const path of process.argv.slice(2)) {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  const lines = [];
  const onConsole = (m) => { if (m.text().startsWith('opscope-timing')) lines.push(m.text().slice(15)); };
  page.on('console', onConsole);
  page.on('worker', (w) => w.on('console', onConsole));
  await page.goto(new URL('?trace', BASE_URL).href);
  await page.locator('#sample').waitFor({ timeout: 30000 });
  await page.waitForTimeout(Number(process.env.SETTLE_MS ?? 500));
  lines.length = 0;
  const started = Date.now();
  await page.setInputFiles('#file', path);
  const setMs = Date.now() - started;
  await page.locator('#graph[data-graph-state="drawn"]').waitFor({ timeout: 600000 });
  const drawnMs = Date.now() - started;
  await page.waitForTimeout(300);
  console.log(`== ${path}: drawn after ${drawnMs} ms (playwright clock; setInputFiles returned after ${setMs} ms)`);
  const parsed = lines.map((l) => { const sp = l.indexOf(' '); return [Number(l.slice(0, sp)), l.slice(sp + 1)]; });
  parsed.sort((a, b) => a[0] - b[0]);
  const t0 = parsed.length ? parsed[0][0] : 0;
  let prev = t0;
  for (const [t, label] of parsed) { console.log(`${(t - t0).toFixed(0).padStart(7)} (+${(t - prev).toFixed(0).padStart(5)})  ${label}`); prev = t; }
  await context.close();
}
await browser.close();
