// CPU profiles (Chrome's sampling profiler through CDP) of the worker and the page while one model
// opens, summed by function (self time), for finding the hot spots of a build that keeps the
// wasm names (wasm-opt -g). Usage: node --experimental-websocket tests/bench/profile.mjs MODEL
import { chromium } from 'playwright-core';
import { writeFileSync } from 'node:fs';

const BASE_URL = process.env.BASE_URL ?? 'http://127.0.0.1:8080/';
const PORT = 9333;
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', `--remote-debugging-port=${PORT}`] });
const version = await (await fetch(`http://127.0.0.1:${PORT}/json/version`)).json();
const ws = new WebSocket(version.webSocketDebuggerUrl);
await new Promise((r) => ws.addEventListener('open', r));
let nextId = 1;
const pending = new Map();
const targets = [];
ws.addEventListener('message', (event) => {
  const msg = JSON.parse(event.data);
  if (msg.id && pending.has(msg.id)) { pending.get(msg.id)(msg); pending.delete(msg.id); }
  if (msg.method === 'Target.targetCreated') targets.push(msg.params.targetInfo);
});
const send = (method, params = {}, sessionId) => new Promise((resolve) => {
  const id = nextId++;
  pending.set(id, resolve);
  ws.send(JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) }));
});
await send('Target.setDiscoverTargets', { discover: true });

const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
const page = await context.newPage();
await page.goto(BASE_URL);
await page.locator('#sample').waitFor({ timeout: 30000 });
await page.waitForTimeout(1000);
const worker = targets.find((t) => t.type === 'worker');
const attached = await send('Target.attachToTarget', { targetId: worker.targetId, flatten: true });
const workerSession = attached.result.sessionId;
await send('Profiler.enable', {}, workerSession);
await send('Profiler.setSamplingInterval', { interval: 200 }, workerSession);
const pageCdp = await context.newCDPSession(page);
await pageCdp.send('Profiler.enable');
await pageCdp.send('Profiler.setSamplingInterval', { interval: 200 });
await send('Profiler.start', {}, workerSession);
await pageCdp.send('Profiler.start');
const started = Date.now();
await page.setInputFiles('#file', process.argv[2]);
await page.locator('#graph[data-graph-state="drawn"]').waitFor({ timeout: 600000 });
console.log(`drawn after ${Date.now() - started} ms`);
const workerProfile = (await send('Profiler.stop', {}, workerSession)).result.profile;
const pageProfile = (await pageCdp.send('Profiler.stop')).profile;

function summarise(name, profile, top = 45) {
  writeFileSync(`/tmp/${name}.cpuprofile`, JSON.stringify(profile));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  const dt = profile.timeDeltas;
  profile.samples.forEach((id, i) => {
    const node = byId.get(id);
    const key = node.callFrame.functionName || `(anonymous ${node.callFrame.url.split('/').pop()})`;
    self.set(key, (self.get(key) ?? 0) + (dt[i] ?? 0) / 1000);
  });
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  console.log(`\n== ${name}: ${total.toFixed(0)} ms sampled`);
  for (const [key, ms] of [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`${ms.toFixed(1).padStart(9)} ms  ${(100 * ms / total).toFixed(1).padStart(5)}%  ${key.slice(0, 150)}`);
  }
}
summarise('worker', workerProfile);
summarise('page', pageProfile, 30);
ws.close();
await browser.close();
