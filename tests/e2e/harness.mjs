// What every end-to-end suite shares: where the repository and the screenshots are, a `test`
// that records and prints one result, `assert`, the closing summary, the browser's launch, the
// record of a page's requests and errors, and the check that no request left the machine.
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

export const ROOT = new URL('../../', import.meta.url).pathname;
export const SHOTS = join(ROOT, 'target', 'e2e');
mkdirSync(SHOTS, { recursive: true });

const results = [];

/** Runs one test, printing `ok` with its time or `FAIL` with the error. */
export async function test(name, body) {
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

export function assert(condition, message) {
  if (!condition) throw new Error(message);
}

/** Prints the summary (`what` says which suite) and returns the number of failed tests. */
export function summary(what) {
  const failed = results.filter((r) => !r.ok).length;
  console.log(`\n${results.length - failed} passed, ${failed} failed (${what}screenshots in target/e2e/)`);
  return failed;
}

/** Chromium's flags for every suite: Debian's browser, no sandbox (containers), and nothing the
 *  browser would fetch on its own, so every request a suite sees is the app's. */
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Launches headless Chromium with the suites' flags and any a suite adds (`extraArgs`). */
export function launchBrowser(extraArgs = []) {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: [...CHROMIUM_ARGS, ...extraArgs],
  });
}

/** An empty record of requests (their URLs) and uncaught page errors. */
export const newRecord = () => ({ requests: [], pageErrors: [] });

/** Records every request and every uncaught error of `page` into `watched`, a new record unless
 *  one is given (a suite's later pages add to its first page's record). */
export function watchPage(page, watched = newRecord()) {
  page.on('request', (request) => watched.requests.push(request.url()));
  page.on('pageerror', (err) => watched.pageErrors.push(String(err)));
  return watched;
}

/** Like `watchPage` for every page and frame of `context`, the pages opened later included. */
export function watchContext(context) {
  const watched = newRecord();
  context.on('request', (request) => watched.requests.push(request.url()));
  context.on('page', (page) => page.on('pageerror', (err) => watched.pageErrors.push(String(err))));
  return watched;
}

/** Requests that stay with the server at `base` (its origin). */
export const servedFrom = (base) => {
  const origin = new URL(base).origin;
  return (url) => url.startsWith(origin);
};

/** Requests to one of `hosts` (host names, any port). */
export const onHosts = (...hosts) => (url) => hosts.includes(new URL(url).hostname);

/** Asserts that every recorded request was `allowed` (data: and blob: URLs never leave the page,
 *  so they always are) and that no page threw an uncaught error. */
export function assertNoForeignRequestsOrErrors(watched, allowed) {
  const foreign = watched.requests
    .filter((url) => !url.startsWith('data:') && !url.startsWith('blob:') && !allowed(url));
  assert(foreign.length === 0, `requests elsewhere: ${foreign.join(', ')}`);
  assert(watched.pageErrors.length === 0, `page errors: ${watched.pageErrors.join(' | ')}`);
}
