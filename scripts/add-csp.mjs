// Puts the served page's Content-Security-Policy into a Trunk build's index.html: no origin but
// the page's own, inline scripts only by their SHA-256 (the theme script of index.html and
// Trunk's boot script), no eval ('wasm-unsafe-eval' lets the wasm compile), no plugins, no
// forms. Run by Trunk as a post_build hook (Trunk.toml) on the staging folder, so every build
// has it; `node scripts/add-csp.mjs DIR` runs it by hand. The one-file offline build replaces it
// with its own, stricter policy (scripts/pack-offline.mjs).
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.argv[2] ?? process.env.TRUNK_STAGING_DIR;
if (!dir) {
  console.error('add-csp: name the build folder (or run as a Trunk hook)');
  process.exit(2);
}
const file = join(dir, 'index.html');
let html = readFileSync(file, 'utf8');
html = html.replace(/\s*<meta http-equiv="Content-Security-Policy"[^>]*>/g, '');

const hashes = [];
for (const [, body] of html.matchAll(/<script(?:\s[^>]*)?>([\s\S]*?)<\/script>/g)) {
  if (body.trim() === '') continue;
  hashes.push(`'sha256-${createHash('sha256').update(body, 'utf8').digest('base64')}'`);
}
export const policy = [
  "default-src 'none'",
  `script-src 'self' ${hashes.join(' ')} 'wasm-unsafe-eval'`,
  // The worker starts from a blob: URL that imports the worker script (and inherits this policy);
  // what the page and worker fetch: the wasm, the bundled samples, `model=`/`profile=` URLs (same
  // origin only; the app refuses others before it asks).
  "worker-src 'self' blob:",
  "connect-src 'self'",
  // The app sets style attributes (colour swatches, table spacers): no hash can cover them.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');
if (!html.includes('<meta charset="utf-8" />')) {
  console.error(`add-csp: ${file} has no <meta charset="utf-8" />`);
  process.exit(1);
}
html = html.replace('<meta charset="utf-8" />',
  `<meta charset="utf-8" />\n    <meta http-equiv="Content-Security-Policy" content="${policy}" />`);
writeFileSync(file, html);
console.log(`add-csp: ${file}: ${hashes.length} inline scripts by hash`);
