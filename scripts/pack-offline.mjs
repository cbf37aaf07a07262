#!/usr/bin/env node
// Packs Trunk's release build (dist/) into one HTML file that works from disk (file://) with no
// server and no network: the page's wasm and JS glue, the worker's wasm and glue, the style sheet
// and the bundled samples inlined, under a strict Content-Security-Policy. Run by scripts/offline
// (after `trunk build --release`) and by tests/e2e/run (over the dist/ the tests use).
//
//   node scripts/pack-offline.mjs [DIST_DIR] [OUT_FILE]     (default: dist dist-offline/opscope.html)
//
// How the page works (nothing in it fetches a URL):
// - every file is a `<script type="application/x-opscope-gzip-base64" data-path=...>` block (not
//   run; gzip then base64, gzip because DecompressionStream has it in Firefox and Chromium);
// - one inline module script holds the app's wasm-bindgen glue (ES module) and the boot code,
//   which unpacks the blocks into Blobs (`window.opscopeOffline.files`, path → Blob), compiles the
//   app's wasm as it is unpacked and then does what Trunk's own boot script does;
// - the app takes the worker's script and the samples from those Blobs (src/platform.rs:
//   `offline_file`): the worker runs from a blob URL whose script is the worker's glue, its wasm
//   (gzip + base64, unpacked in the worker into `self.opscopeWorkerWasm`) and the app's loader.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';

const [distDir = 'dist', outFile = 'dist-offline/opscope.html'] = process.argv.slice(2);
const WORKER_SCRIPT = 'worker.js'; // src/platform.rs: WORKER_SCRIPT, WORKER_WASM
const WORKER_WASM = 'worker_bg.wasm';
const SAMPLES = 'samples';
const DATA_TYPE = 'application/x-opscope-gzip-base64';

function fail(message) {
  console.error(`pack-offline: ${message}`);
  process.exit(1);
}
const read = (name) => readFileSync(join(distDir, name));
const sha256 = (data, encoding) => createHash('sha256').update(data).digest(encoding);

let html;
try {
  html = read('index.html').toString('utf8');
} catch (err) {
  fail(`${join(distDir, 'index.html')} is missing: run trunk build --release first (${err.message})`);
}

// ---- Trunk's boot script: which glue and wasm the page starts ----
const bootRe = /<script type="module">\s*import init, \* as bindings from '\.\/([^']+\.js)';[\s\S]*?module_or_path: '\.\/([^']+\.wasm)'[\s\S]*?<\/script>/;
const boot = html.match(bootRe);
if (!boot) fail(`${distDir}/index.html: no Trunk boot script (import init ... module_or_path) found`);
const [bootTag, appGlueName, appWasmName] = boot;
html = html.replace(bootTag, '');
// Preloads of files that are now inline.
html = html.replace(/<link rel="(?:modulepreload|preload)"[^>]*>/g, '');

// ---- The style sheet, inline ----
html = html.replace(/<link rel="stylesheet" href="\.\/([^"]+\.css)"[^>]*\/?>/g, (_, name) => {
  const css = read(name).toString('utf8');
  if (/<\/style/i.test(css)) fail(`${name} contains "</style": cannot inline it`);
  return `<style>\n${css}\n</style>`;
});
if (/<link[^>]+href="\.?\/?[^"#:]+"/.test(html.replace(/href="data:[^"]*"/g, ''))) {
  fail(`${distDir}/index.html still links a file after inlining: ${html.match(/<link[^>]+>/g).join(' ')}`);
}

// ---- The app's glue (an ES module) made into the boot module's first part ----
let glue = read(appGlueName).toString('utf8');
if (/^\s*import\s/m.test(glue)) fail(`${appGlueName} imports another module: cannot inline it`);
const exported = [];
glue = glue.replace(/^export (?:async )?(function|class) ([\w$]+)/gm, (all, kind, name) => {
  exported.push([name, name]);
  return all.slice('export '.length);
});
glue = glue.replace(/^export \{([^}]*)\};?\s*$/gm, (_, list) => {
  for (const item of list.split(',').map((s) => s.trim()).filter(Boolean)) {
    const [local, as = local] = item.split(/\s+as\s+/);
    exported.push([as, local]);
  }
  return '';
});
if (/^export\s/m.test(glue)) fail(`${appGlueName}: an export this script does not know: ${glue.match(/^export.*$/m)[0]}`);
const init = exported.find(([as]) => as === 'default');
if (!init) fail(`${appGlueName} has no default export (the init function)`);
const bindings = exported.map(([as, local]) => `${JSON.stringify(as)}: ${local}`).join(', ');

const bootCode = `
// ---- opscope one-file build (scripts/pack-offline.mjs): unpack the inlined files, start the app ----
{
  // gzip + base64 text to a Response of the bytes (also run in the worker: see worker.js below).
  const opscopeUnpack = (base64, type) => {
    const text = atob(base64);
    const bytes = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
    const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
    return new Response(stream, { headers: { 'Content-Type': type } });
  };
  const opscopeBlocks = new Map([...document.querySelectorAll('script[type="${DATA_TYPE}"]')].map((block) => {
    block.remove();
    return [block.dataset.path, [block.textContent.trim(), block.dataset.type]];
  }));
  const opscopeTake = (path) => {
    const found = opscopeBlocks.get(path);
    opscopeBlocks.delete(path);
    return found[0];
  };
  const opscopeAppWasm = opscopeTake(${JSON.stringify(appWasmName)});
  const opscopeFiles = {};
  // The worker's script: its glue, then its wasm as a Response in self.opscopeWorkerWasm (a worker
  // started from a file:// page cannot fetch even the page's blob URLs; src/platform.rs).
  opscopeFiles[${JSON.stringify(WORKER_SCRIPT)}] = new Blob([
    await opscopeUnpack(opscopeTake(${JSON.stringify(WORKER_SCRIPT)}), 'text/javascript').text(),
    '\\n;const opscopeUnpack = ', String(opscopeUnpack), ';\\n',
    'self.opscopeWorkerWasm = opscopeUnpack("', opscopeTake(${JSON.stringify(WORKER_WASM)}), '", "application/wasm");\\n',
  ], { type: 'text/javascript' });
  await Promise.all([...opscopeBlocks].map(async ([path, [text, type]]) => {
    opscopeFiles[path] = await opscopeUnpack(text, type).blob();
  }));
  window.opscopeOffline = { files: opscopeFiles };
  const wasm = await ${init[1]}({ module_or_path: opscopeUnpack(opscopeAppWasm, 'application/wasm') });
  window.wasmBindings = { ${bindings} };
  dispatchEvent(new CustomEvent("TrunkApplicationStarted", { detail: { wasm } }));
}
`;
const moduleScript = `${glue}\n${bootCode}`;
for (const bad of ['</script', '<!--']) {
  if (moduleScript.toLowerCase().includes(bad)) fail(`the app's glue contains "${bad}": cannot inline it`);
}
const workerGlue = read(WORKER_SCRIPT).toString('utf8');

// ---- The inlined files ----
const files = [
  [appWasmName, 'application/wasm', read(appWasmName)],
  [WORKER_SCRIPT, 'text/javascript', Buffer.from(workerGlue)],
  [WORKER_WASM, 'application/wasm', read(WORKER_WASM)],
];
let sampleNames = [];
try {
  sampleNames = readdirSync(join(distDir, SAMPLES)).filter((n) => statSync(join(distDir, SAMPLES, n)).isFile()).sort();
} catch {
  fail(`${join(distDir, SAMPLES)} is missing`);
}
for (const name of sampleNames) {
  files.push([`${SAMPLES}/${name}`, 'application/octet-stream', read(join(SAMPLES, name))]);
}
const blocks = files.map(([path, type, bytes]) => {
  const packed = gzipSync(bytes, { level: 9 }).toString('base64');
  return `<script type="${DATA_TYPE}" data-path="${path}" data-type="${type}">${packed}</script>`;
}).join('\n');

// ---- Content-Security-Policy: no origin at all; inline scripts by hash ----
html = html.replace('</body>', `${blocks}\n<script type="module">${moduleScript}</script>\n</body>`);
const scriptHashes = [];
for (const [, attrs, body] of html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)) {
  if (attrs.includes(DATA_TYPE)) continue;
  scriptHashes.push(`'sha256-${sha256(body, 'base64')}'`);
}
const csp = [
  "default-src 'none'",
  // Inline scripts by hash; wasm compiles (the page and the worker, which inherits this policy).
  `script-src ${scriptHashes.join(' ')} 'wasm-unsafe-eval'`,
  // The worker runs from a blob URL (its wasm is in its script); nothing is fetched.
  'worker-src blob:',
  // The app sets style attributes (colour swatches, table spacers): no hash can cover them.
  "style-src 'unsafe-inline'",
  'img-src data: blob:',
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');
// The served page's policy (scripts/add-csp.mjs) allows 'self', which a file has not: this one
// replaces it.
html = html.replace(/\s*<meta http-equiv="Content-Security-Policy"[^>]*>/g, '');
if (!/<meta charset="utf-8" \/>/.test(html)) fail('index.html has no <meta charset="utf-8" />');
html = html.replace('<meta charset="utf-8" />',
  `<meta charset="utf-8" />\n    <meta http-equiv="Content-Security-Policy" content="${csp}" />`);

// ---- Write, report ----
const out = Buffer.from(html, 'utf8');
mkdirSync(dirname(outFile), { recursive: true });
writeFileSync(outFile, out);
const digest = sha256(out, 'hex');
const base = outFile.split('/').pop();
writeFileSync(`${outFile}.sha256`, `${digest}  ${base}\n`);
const gz = gzipSync(out, { level: 9 }).length;
const mb = (n) => `${(n / 1e6).toFixed(2)} MB`;
console.log(`wrote ${outFile}`);
console.log(`  contents: ${files.map(([p, , b]) => `${p} ${b.length}`).join(', ')}`);
console.log(`  size:     ${out.length} bytes (${mb(out.length)}); gzip -9: ${gz} bytes (${mb(gz)}; target under 4 MB)`);
console.log(`  SHA-256:  ${digest}  (also in ${outFile}.sha256; check with: sha256sum -c ${base}.sha256)`);
if (gz >= 4e6) console.warn('pack-offline: WARNING: over the 4 MB gzipped target');
