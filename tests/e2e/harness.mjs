// What every end-to-end suite shares: where the repository and the screenshots are, a `test`
// that records and prints one result, `assert`, and the closing summary.
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
