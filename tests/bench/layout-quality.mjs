// Layout quality: our layered layout against dagre and ELK (layered) on the same graphs, measured
// by one implementation of every metric.
//
//   node tests/bench/layout-quality.mjs [GRAPH_DIR] [--libs ours,dagre,elk] [--timeout-s 120]
//                                        [--json OUT.json] [--no-cache]
//
// GRAPH_DIR (default target/layout-quality/graphs) holds the JSON files that
// `cargo run --release -p opscope-engine --example layout_graphs` writes: node sizes, edges and our
// layout with its time. dagre (rankdir TB) and ELK (layered, DOWN) get the same box sizes and the
// gaps of `LayoutConfig::viewer()`: 24 between boxes, 36 between layers, 12 between edges. Each
// runs in a child process that is killed after the timeout; results are cached under
// target/layout-quality/cache by a hash of the graph and the library version, since they only
// change when the graph does.
//
// Metrics, the same code for all three drawings, over distinct (from, to) pairs without
// self-loops (duplicate edges are drawn on top of each other by all three):
// - crossings: pairs of segments of different edge polylines that properly cross (touching at an
//   end or running along each other does not count), found with a uniform grid so 12k-node graphs
//   take well under a second; crossing points: the distinct places where that happens, which is
//   fewer where edges share a route (k edges of one bundle crossing a line are k pairs, one point);
// - edge length per node: total polyline length divided by the number of nodes;
// - width and height: bounding box of all boxes and edge points;
// - time: ours as measured by the exporter (native release build, median of runs), dagre and ELK
//   around their layout call in Node.

import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMainThread, Worker } from 'node:worker_threads';

const SCRIPT = fileURLToPath(import.meta.url);
const REPO = path.resolve(path.dirname(SCRIPT), '..', '..');
const NODE_GAP = 24;
const LAYER_GAP = 36;
const EDGE_GAP = 12;
// Bumped whenever `measure` changes, so cached dagre and ELK results are measured again.
const METRICS_VERSION = 2;

// ---------------------------------------------------------------------------------------------
// The graph as all three lay it out

/** Sizes and distinct edges (no self-loops, no edges naming missing nodes), in input order. */
function graphOf(record) {
  const nodes = record.nodes.map((n) => ({ w: n.w, h: n.h }));
  const seen = new Set();
  const edges = [];
  for (const [from, to] of record.edges) {
    if (from === to || from < 0 || to < 0 || from >= nodes.length || to >= nodes.length) continue;
    const key = `${from},${to}`;
    if (seen.has(key)) continue;
    seen.add(key);
    edges.push([from, to]);
  }
  return { nodes, edges };
}

// ---------------------------------------------------------------------------------------------
// Metrics (one implementation for every library)

/**
 * `drawing`: nodes [{x, y, w, h}] (top-left), edges [{from, to, points: [[x, y]...]}], one per
 * distinct edge.
 */
function measure(drawing, nNodes) {
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  const grow = (x, y) => {
    if (x < minX) minX = x;
    if (y < minY) minY = y;
    if (x > maxX) maxX = x;
    if (y > maxY) maxY = y;
  };
  for (const n of drawing.nodes) {
    grow(n.x, n.y);
    grow(n.x + n.w, n.y + n.h);
  }
  let length = 0;
  const segments = []; // [x0, y0, x1, y1, edgeIdx]
  drawing.edges.forEach((edge, edgeIdx) => {
    const pts = edge.points;
    for (let i = 0; i < pts.length; i++) {
      grow(pts[i][0], pts[i][1]);
      if (i === 0) continue;
      const [x0, y0] = pts[i - 1];
      const [x1, y1] = pts[i];
      const segLength = Math.hypot(x1 - x0, y1 - y0);
      if (segLength === 0) continue;
      length += segLength;
      segments.push([x0, y0, x1, y1, edgeIdx]);
    }
  });
  if (!Number.isFinite(minX)) minX = minY = maxX = maxY = 0;
  const { crossings, crossingPoints } = countCrossings(segments);
  return {
    crossings,
    crossingPoints,
    lengthPerNode: nNodes > 0 ? length / nNodes : 0,
    width: maxX - minX,
    height: maxY - minY,
  };
}

/**
 * Proper crossings between segments of different edges, bucketed in a uniform grid: every pair,
 * and the distinct points (to half a unit) where they happen. They differ where edges share a
 * route: a bundle of k edges crossing a line is k pairs but one point on screen.
 */
function countCrossings(segments) {
  if (segments.length < 2) return { crossings: 0, crossingPoints: 0 };
  let totalLength = 0;
  for (const [x0, y0, x1, y1] of segments) totalLength += Math.hypot(x1 - x0, y1 - y0);
  const cell = Math.max(8, (2 * totalLength) / segments.length);
  const buckets = new Map();
  const key = (cx, cy) => cx * 4194304 + cy; // cells stay far below 2^22 per axis
  const add = (cx, cy, segIdx) => {
    const k = key(cx, cy);
    let list = buckets.get(k);
    if (!list) buckets.set(k, (list = []));
    list.push(segIdx);
  };
  segments.forEach(([ax, ay, bx, by], segIdx) => {
    // Every cell the segment passes through, column by column.
    let [x0, y0, x1, y1] = ax <= bx ? [ax, ay, bx, by] : [bx, by, ax, ay];
    const cx0 = Math.floor(x0 / cell), cx1 = Math.floor(x1 / cell);
    for (let cx = cx0; cx <= cx1; cx++) {
      let ya, yb;
      if (x1 === x0) {
        ya = y0;
        yb = y1;
      } else {
        const xa = Math.max(x0, cx * cell), xb = Math.min(x1, (cx + 1) * cell);
        ya = y0 + ((xa - x0) / (x1 - x0)) * (y1 - y0);
        yb = y0 + ((xb - x0) / (x1 - x0)) * (y1 - y0);
      }
      const cy0 = Math.floor(Math.min(ya, yb) / cell), cy1 = Math.floor(Math.max(ya, yb) / cell);
      for (let cy = cy0; cy <= cy1; cy++) add(cx, cy, segIdx);
    }
  });
  let crossings = 0;
  const points = new Set();
  for (const [k, list] of buckets) {
    for (let i = 0; i < list.length; i++) {
      const s = segments[list[i]];
      for (let j = i + 1; j < list.length; j++) {
        const t = segments[list[j]];
        if (s[4] === t[4]) continue;
        const point = properIntersection(s, t);
        // Count each crossing once: in the cell that holds it.
        if (point && key(Math.floor(point[0] / cell), Math.floor(point[1] / cell)) === k) {
          crossings++;
          points.add(`${Math.round(point[0] * 2)},${Math.round(point[1] * 2)}`);
        }
      }
    }
  }
  return { crossings, crossingPoints: points.size };
}

/** The crossing point if the segments cross at a point inside both; null if they only touch. */
function properIntersection(s, t) {
  const [ax, ay, bx, by] = s;
  const [cx, cy, dx, dy] = t;
  if (Math.max(ax, bx) < Math.min(cx, dx) || Math.max(cx, dx) < Math.min(ax, bx)) return null;
  if (Math.max(ay, by) < Math.min(cy, dy) || Math.max(cy, dy) < Math.min(ay, by)) return null;
  const orient = (px, py, qx, qy, rx, ry) => (qx - px) * (ry - py) - (qy - py) * (rx - px);
  const scale = Math.hypot(bx - ax, by - ay) * Math.hypot(dx - cx, dy - cy);
  const eps = 1e-9 * scale;
  const o1 = orient(ax, ay, bx, by, cx, cy);
  const o2 = orient(ax, ay, bx, by, dx, dy);
  const o3 = orient(cx, cy, dx, dy, ax, ay);
  const o4 = orient(cx, cy, dx, dy, bx, by);
  const strictlyOpposite = (p, q) => (p > eps && q < -eps) || (p < -eps && q > eps);
  if (!strictlyOpposite(o1, o2) || !strictlyOpposite(o3, o4)) return null;
  const along = o3 / (o3 - o4);
  return [ax + along * (bx - ax), ay + along * (by - ay)];
}

// ---------------------------------------------------------------------------------------------
// Layouts

function oursDrawing(record, graph) {
  const nodes = record.ours.nodes.map((p, i) => ({ x: p.x, y: p.y, w: graph.nodes[i].w, h: graph.nodes[i].h }));
  const routeOf = new Map();
  for (const route of record.ours.edges) {
    const key = `${route.from},${route.to}`;
    if (!routeOf.has(key)) routeOf.set(key, route.points);
  }
  const edges = graph.edges.map(([from, to]) => ({ from, to, points: routeOf.get(`${from},${to}`) ?? [] }));
  return { nodes, edges };
}

async function dagreDrawing(graph) {
  const { default: dagre } = await import('dagre');
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: 'TB', nodesep: NODE_GAP, ranksep: LAYER_GAP, edgesep: EDGE_GAP });
  g.setDefaultEdgeLabel(() => ({}));
  graph.nodes.forEach((n, i) => g.setNode(String(i), { width: n.w, height: n.h }));
  for (const [from, to] of graph.edges) g.setEdge(String(from), String(to));
  const started = performance.now();
  dagre.layout(g);
  const ms = performance.now() - started;
  const nodes = graph.nodes.map((n, i) => {
    const placed = g.node(String(i));
    return { x: placed.x - n.w / 2, y: placed.y - n.h / 2, w: n.w, h: n.h };
  });
  const edges = graph.edges.map(([from, to]) => ({
    from,
    to,
    points: (g.edge(String(from), String(to)).points ?? []).map((p) => [p.x, p.y]),
  }));
  return { drawing: { nodes, edges }, ms };
}

async function elkDrawing(graph) {
  const { default: ELK } = await import('elkjs/lib/elk.bundled.js');
  const elk = new ELK();
  const root = {
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'DOWN',
      'elk.spacing.nodeNode': String(NODE_GAP),
      'elk.layered.spacing.nodeNodeBetweenLayers': String(LAYER_GAP),
      'elk.spacing.edgeNode': String(EDGE_GAP),
      'elk.spacing.edgeEdge': String(EDGE_GAP),
    },
    children: graph.nodes.map((n, i) => ({ id: `n${i}`, width: n.w, height: n.h })),
    edges: graph.edges.map(([from, to], i) => ({ id: `e${i}`, sources: [`n${from}`], targets: [`n${to}`] })),
  };
  const started = performance.now();
  const placed = await elk.layout(root);
  const ms = performance.now() - started;
  const nodes = placed.children.map((c, i) => ({ x: c.x, y: c.y, w: graph.nodes[i].w, h: graph.nodes[i].h }));
  const edges = placed.edges.map((e, i) => {
    const points = [];
    for (const section of e.sections ?? []) {
      points.push([section.startPoint.x, section.startPoint.y]);
      for (const bend of section.bendPoints ?? []) points.push([bend.x, bend.y]);
      points.push([section.endPoint.x, section.endPoint.y]);
    }
    return { from: graph.edges[i][0], to: graph.edges[i][1], points };
  });
  return { drawing: { nodes, edges }, ms };
}

const LIBRARIES = { dagre: dagreDrawing, elk: elkDrawing };

function libraryVersion(lib) {
  const name = lib === 'elk' ? 'elkjs' : 'dagre';
  const manifest = path.join(REPO, 'node_modules', name, 'package.json');
  return JSON.parse(fs.readFileSync(manifest, 'utf8')).version;
}

/**
 * Child process: lays out one graph with one library, prints metrics and time as JSON. The work
 * runs in a worker thread with a large stack, since dagre recurses once per node of a chain.
 */
async function runChild(lib, file) {
  if (isMainThread) {
    const worker = new Worker(SCRIPT, {
      argv: ['--child', lib, file],
      resourceLimits: { stackSizeMb: 1024, maxOldGenerationSizeMb: 8192 },
      stdout: false,
    });
    await new Promise((resolve, reject) => {
      worker.on('error', reject);
      worker.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`worker exit code ${code}`))));
    });
    return;
  }
  const graph = graphOf(JSON.parse(fs.readFileSync(file, 'utf8')));
  const { drawing, ms } = await LIBRARIES[lib](graph);
  if (process.env.LAYOUT_QUALITY_DUMP) {
    // For looking at a drawing: {nodes: [{x, y, w, h}], edges: [{from, to, points}]}.
    fs.mkdirSync(process.env.LAYOUT_QUALITY_DUMP, { recursive: true });
    fs.writeFileSync(path.join(process.env.LAYOUT_QUALITY_DUMP, `${lib}-${path.basename(file)}`), JSON.stringify(drawing));
  }
  process.stdout.write(JSON.stringify({ ...measure(drawing, graph.nodes.length), ms }));
}

/** Runs `lib` on `file` in a child process; null (with a reason) if it failed or timed out. */
function runLibrary(lib, file, graph, options) {
  const hash = createHash('sha256')
    .update(`${lib}@${libraryVersion(lib)} metrics ${METRICS_VERSION}\n${JSON.stringify(graph)}`)
    .digest('hex')
    .slice(0, 20);
  const cacheFile = path.join(options.cacheDir, `${lib}-${hash}.json`);
  if (options.cache && fs.existsSync(cacheFile)) return JSON.parse(fs.readFileSync(cacheFile, 'utf8'));
  const child = spawnSync(process.execPath, ['--max-old-space-size=8192', SCRIPT, '--child', lib, file], {
    timeout: options.timeoutS * 1000,
    maxBuffer: 64 * 1024 * 1024,
    encoding: 'utf8',
  });
  let result;
  if (child.error?.code === 'ETIMEDOUT' || child.signal === 'SIGTERM') {
    result = { skipped: `over ${options.timeoutS} s` };
  } else if (child.status !== 0) {
    const reason = (child.stderr || '').split('\n').find((line) => /Error/.test(line)) ?? `exit ${child.status}`;
    result = { skipped: `failed: ${reason.trim()}` };
  } else {
    result = JSON.parse(child.stdout);
  }
  if (!result.skipped?.startsWith('failed')) {
    fs.mkdirSync(options.cacheDir, { recursive: true });
    fs.writeFileSync(cacheFile, JSON.stringify(result));
  }
  return result;
}

// ---------------------------------------------------------------------------------------------
// Table

function formatCount(value) {
  return value.toLocaleString('en-US');
}

function cell(results, pick, format) {
  return results.map((r) => (r && !r.skipped ? format(pick(r)) : '—')).join(' / ');
}

function table(rows, libs) {
  const header = libs.join(' / ');
  const lines = [
    `| graph | nodes | edges | crossings (${header}) | crossing points | edge length / node | width | height | time ms |`,
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const row of rows) {
    const results = libs.map((lib) => row.results[lib]);
    lines.push(
      [
        '',
        row.name,
        formatCount(row.nodes),
        formatCount(row.edges),
        cell(results, (r) => r.crossings, formatCount),
        cell(results, (r) => r.crossingPoints, formatCount),
        cell(results, (r) => r.lengthPerNode, (v) => v.toFixed(0)),
        cell(results, (r) => r.width, (v) => formatCount(Math.round(v))),
        cell(results, (r) => r.height, (v) => formatCount(Math.round(v))),
        cell(results, (r) => r.ms, (v) => (v < 10 ? v.toFixed(2) : v < 100 ? v.toFixed(1) : v.toFixed(0))),
        '',
      ].join(' | ').trim(),
    );
  }
  const skipped = rows.flatMap((row) =>
    libs.filter((lib) => row.results[lib]?.skipped).map((lib) => `${lib} on ${row.name}: ${row.results[lib].skipped}`),
  );
  if (skipped.length) lines.push('', `Skipped: ${skipped.join('; ')}.`);
  return lines.join('\n');
}

async function main(argv) {
  if (argv[0] === '--child') return runChild(argv[1], argv[2]);
  const options = {
    dir: path.join(REPO, 'target', 'layout-quality', 'graphs'),
    libs: ['ours', 'dagre', 'elk'],
    timeoutS: 120,
    json: null,
    cache: true,
    cacheDir: path.join(REPO, 'target', 'layout-quality', 'cache'),
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--libs') options.libs = argv[++i].split(',');
    else if (arg === '--timeout-s') options.timeoutS = Number(argv[++i]);
    else if (arg === '--json') options.json = argv[++i];
    else if (arg === '--no-cache') options.cache = false;
    else options.dir = arg;
  }
  const files = fs
    .readdirSync(options.dir)
    .filter((f) => f.endsWith('.json'))
    .sort();
  const rows = [];
  for (const fileName of files) {
    const file = path.join(options.dir, fileName);
    const record = JSON.parse(fs.readFileSync(file, 'utf8'));
    const graph = graphOf(record);
    const row = { name: record.name, nodes: graph.nodes.length, edges: graph.edges.length, results: {} };
    for (const lib of options.libs) {
      if (lib === 'ours') {
        row.results.ours = { ...measure(oursDrawing(record, graph), graph.nodes.length), ms: record.ours.ms };
      } else {
        row.results[lib] = runLibrary(lib, file, graph, options);
      }
    }
    process.stderr.write(`${record.name}: ${JSON.stringify(row.results)}\n`);
    rows.push(row);
  }
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  const versions = options.libs
    .filter((lib) => lib !== 'ours')
    .map((lib) => `${lib === 'elk' ? 'elkjs' : 'dagre'} ${libraryVersion(lib)}`)
    .join(', ');
  console.log(
    `Layout quality, ${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} × ${cpu}, Node ${process.version}` +
      (versions ? `, ${versions}` : '') +
      '\n',
  );
  console.log(table(rows, options.libs));
  if (options.json) fs.writeFileSync(options.json, JSON.stringify(rows, null, 1));
}

await main(process.argv.slice(2));
