// @ts-check
/**
 * Packing and unpacking a Chroma snapshot with `packSnapshot` / `unpackSnapshot`
 * (`@receipt-chroma/chroma-compaction`) against GNU `tar -czf` / `tar -xzf` (gzip -6) on the
 * same directories, in the same run.
 *
 *   node bench/snapshots/packUnpack.mjs [--runs 3] [--datasets chroma,synthetic]
 *     [--count 30000] [--dimension 1536] [--mb 1000] [--workers <cpus>] [--build-only] [--json]
 *
 * Not a test: it prints a markdown table (and with `--json` one JSON line last) and exits 0
 * whatever the figures; it exits 1 only when it cannot run (Chroma does not start, a child
 * fails, an unpacked tree differs from its source). Targets: pack at least 2.5x GNU tar's
 * speed with a compressed size within 2% of it, unpack at least 1.5x `tar -xzf`, and the
 * peak RSS of our pack and unpack processes below 150 MB whatever the size.
 *
 * How:
 * - esbuild bundles the package from `src` (no build needed) into
 *   `bench/results/packUnpack.bundle.mjs`; `chromadb` and `tar-stream` stay external.
 * - Data sets (`bench/lib/snapshotData.mjs`, cached under `bench/results/snapshots/`): a real
 *   Chroma persist directory (`--count` records of `--dimension` float32 values written
 *   through a local Chroma server) and a synthetic directory of about `--mb` MB shaped like
 *   one. Every file is read once before timing, so all runs see a warm page cache.
 * - Pack, `--runs` times, in rotating order: `packSnapshot(dir, file, { workers })` with
 *   `--workers` (default: the CPUs) and with `workers: 1`, each in a fresh child process,
 *   and `sh -c 'tar -C dir -I "gzip -6" -cf file . && sync file'`. Our pack fsyncs its file,
 *   so GNU tar's time includes `sync` of its archive too. GNU tar runs gzip as a second
 *   process, so it uses up to two CPUs as well (tar reading, gzip compressing).
 * - Unpack, `--runs` times, in rotating order, of the archive our parallel pack wrote:
 *   `unpackSnapshot(file, dest, { members, workers })`, `unpackSnapshot(file, dest)` (one
 *   thread), and `tar -xzf file -C dest`. Every unpacked tree is compared with its source
 *   (names and sizes) once, outside the clock.
 * - Our times are taken inside the child around the call (no Node start-up or import); GNU
 *   tar's are the wall time of its process. MB/s is the directory's file bytes over the time
 *   (MB = 10^6 bytes). Peak RSS is the child's `process.resourceUsage().maxRSS`.
 */
import { spawnSync } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { bundlePackage } from '../lib/bundle.mjs';
import { chromaDirectory, syntheticDirectory } from '../lib/snapshotData.mjs';
import { fmt, option, summarize } from '../lib/stats.mjs';

const SELF = fileURLToPath(import.meta.url);
/** Pack speed target: a multiple of GNU tar's. */
export const PACK_SPEED_TARGET = 2.5;
/** Compressed size target: at most this much larger than GNU tar's. */
export const SIZE_TARGET = 0.02;
/** Unpack speed target: a multiple of `tar -xzf`'s. */
export const UNPACK_SPEED_TARGET = 1.5;
/** Peak RSS target of our processes, in bytes (150 MB). */
export const PEAK_RSS_TARGET_BYTES = 150 * 1000 * 1000;

const log = (/** @type {string} */ line) => process.stderr.write(`${line}\n`);

/**
 * Every file under `dir` with its size, sorted; reading them all warms the page cache.
 * @param {string} dir
 * @param {boolean} [warm]
 * @returns {Promise<{ path: string, size: number }[]>}
 */
const listFiles = async (dir, warm = false) => {
  const names = await readdir(dir, { recursive: true });
  /** @type {{ path: string, size: number }[]} */
  const files = [];
  for (const name of names.sort()) {
    const info = await stat(join(dir, name));
    if (!info.isFile()) continue;
    files.push({ path: name, size: info.size });
    if (warm) for await (const _ of createReadStream(join(dir, name))) void _;
  }
  return files;
};

/**
 * Runs one timed operation of ours in a fresh child process.
 * @param {string} bundlePath
 * @param {Record<string, unknown>} task
 * @returns {{ ms: number, maxRssBytes: number, result: any }}
 */
const child = (bundlePath, task) => {
  const run = spawnSync(
    process.execPath,
    [SELF, '--child', JSON.stringify({ ...task, bundlePath })],
    {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  if (run.status !== 0) throw new Error(`child ${task.op} failed:\n${run.stderr}`);
  return JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '');
};

/** The child: one pack or unpack, timed, then its peak RSS. */
const runChild = async () => {
  const task = JSON.parse(option('child', '{}'));
  const lib = await import(pathToFileURL(task.bundlePath).href);
  const started = performance.now();
  let result;
  if (task.op === 'baseline') {
    result = {};
  } else if (task.op === 'pack') {
    const packed = await lib.packSnapshot(task.dir, task.file, { workers: task.workers });
    await writeFile(`${task.file}.members.json`, JSON.stringify(packed.members));
    result = { size: packed.size, members: packed.members.length };
  } else {
    const members = task.members ? JSON.parse(await readFile(task.members, 'utf8')) : undefined;
    const options = members === undefined ? {} : { members, workers: task.workers };
    result = await lib.unpackSnapshot(task.file, task.dest, options);
  }
  const ms = performance.now() - started;
  process.stdout.write(
    `${JSON.stringify({ ms, maxRssBytes: process.resourceUsage().maxRSS * 1024, result })}\n`,
  );
};

/**
 * Times a shell command (GNU tar), wall clock.
 * @param {string} script
 */
const shell = (script) => {
  const started = performance.now();
  const run = spawnSync('sh', ['-c', script], { encoding: 'utf8' });
  const ms = performance.now() - started;
  if (run.status !== 0) throw new Error(`${script} failed:\n${run.stderr}`);
  return { ms, maxRssBytes: Number.NaN, result: {} };
};

/** @param {string} path */
const quote = (path) => `'${path.replaceAll("'", "'\\''")}'`;

/**
 * Packs and unpacks one data set `runs` times each way.
 * @param {string} bundlePath
 * @param {string} name
 * @param {string} dir
 * @param {{ runs: number, workers: number }} settings
 */
const measure = async (bundlePath, name, dir, { runs, workers }) => {
  log(`${name}: warming the page cache…`);
  const files = await listFiles(dir, true);
  const bytes = files.reduce((sum, file) => sum + file.size, 0);
  const scratch = await mkdtemp(join(tmpdir(), 'bench-snapshot-'));
  const ours = join(scratch, 'ours.tar.gz');
  const one = join(scratch, 'one.tar.gz');
  const gnu = join(scratch, 'gnu.tar.gz');
  /** @type {Record<string, () => { ms: number, maxRssBytes: number, result: any }>} */
  const packs = {
    [`packSnapshot, ${workers} workers`]: () =>
      child(bundlePath, { op: 'pack', dir, file: ours, workers }),
    'packSnapshot, 1 thread': () => child(bundlePath, { op: 'pack', dir, file: one, workers: 1 }),
    'tar -czf (gzip -6)': () =>
      shell(`tar -C ${quote(dir)} -I 'gzip -6' -cf ${quote(gnu)} . && sync ${quote(gnu)}`),
  };
  const dest = join(scratch, 'dest');
  /** @type {Record<string, () => { ms: number, maxRssBytes: number, result: any }>} */
  const unpacks = {
    [`unpackSnapshot, members, ${workers} workers`]: () =>
      child(bundlePath, {
        op: 'unpack',
        file: ours,
        dest,
        members: `${ours}.members.json`,
        workers,
      }),
    'unpackSnapshot, 1 thread': () => child(bundlePath, { op: 'unpack', file: ours, dest }),
    'tar -xzf': () => shell(`mkdir -p ${quote(dest)} && tar -xzf ${quote(ours)} -C ${quote(dest)}`),
  };
  try {
    const packed = await rounds(packs, runs, async () => {});
    const sizes = {
      [Object.keys(packs)[0] ?? '']: (await stat(ours)).size,
      [Object.keys(packs)[1] ?? '']: (await stat(one)).size,
      [Object.keys(packs)[2] ?? '']: (await stat(gnu)).size,
    };
    const checked = new Set();
    const unpacked = await rounds(unpacks, runs, async (label) => {
      if (!checked.has(label)) {
        const got = await listFiles(dest);
        if (JSON.stringify(got) !== JSON.stringify(files)) {
          throw new Error(`${label} unpacked a tree that differs from ${dir}`);
        }
        checked.add(label);
      }
      await rm(dest, { recursive: true, force: true });
    });
    const baseline = summarize(
      Array.from({ length: runs }, () => child(bundlePath, { op: 'baseline' }).maxRssBytes),
    );
    return { name, bytes, files: files.length, packed, unpacked, sizes, baseline };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
};

/**
 * Runs every operation `runs` times, rotating which goes first; `after` runs untimed after each.
 * @param {Record<string, () => { ms: number, maxRssBytes: number, result: any }>} operations
 * @param {number} runs
 * @param {(label: string) => Promise<void>} after
 */
const rounds = async (operations, runs, after) => {
  const labels = Object.keys(operations);
  /** @type {Record<string, { ms: number[], rss: number[] }>} */
  const samples = Object.fromEntries(labels.map((label) => [label, { ms: [], rss: [] }]));
  for (let run = 0; run < runs; run += 1) {
    const order = labels.map((_, i) => labels[(i + run) % labels.length] ?? '');
    for (const label of order) {
      log(`  run ${run + 1}/${runs}: ${label}`);
      const { ms, maxRssBytes } = /** @type {() => any} */ (operations[label])();
      samples[label]?.ms.push(ms);
      samples[label]?.rss.push(maxRssBytes);
      await after(label);
    }
  }
  return samples;
};

/** @param {number} bytes */
const mb = (bytes) => `${(bytes / 1e6).toFixed(1)} MB`;

/**
 * The markdown table of one data set, and the figures the targets are judged on.
 * @param {Awaited<ReturnType<typeof measure>>} set
 */
const report = (set) => {
  const lines = [
    `### ${set.name}: ${fmt(set.files)} files, ${mb(set.bytes)}`,
    '',
    '| operation | time, median (min–max) | MB/s | compressed | vs GNU tar size | peak RSS, median (max) |',
    '| --- | --: | --: | --: | --: | --: |',
  ];
  /** @type {Record<string, { mbps: number, rss: number }>} */
  const figures = {};
  const gnuSize = Object.values(set.sizes)[2] ?? Number.NaN;
  for (const [kind, samples] of [
    ['pack', set.packed],
    ['unpack', set.unpacked],
  ]) {
    for (const [label, { ms, rss }] of Object.entries(/** @type {any} */ (samples))) {
      const time = summarize(ms);
      const memory = summarize(rss);
      const mbps = set.bytes / 1e6 / (time.median / 1000);
      figures[label] = { mbps, rss: memory.max };
      const size = kind === 'pack' ? set.sizes[label] : undefined;
      lines.push(
        `| ${label} | ${(time.median / 1000).toFixed(2)} s (${(time.min / 1000).toFixed(2)}–${(time.max / 1000).toFixed(2)}) | ${mbps.toFixed(0)} | ${size === undefined ? '' : mb(size)} | ${size === undefined ? '' : `${((size / gnuSize - 1) * 100).toFixed(2)}%`} | ${Number.isNaN(memory.median) ? '—' : `${mb(memory.median)} (${mb(memory.max)})`} |`,
      );
    }
  }
  lines.push(
    `| baseline: a child that only imports the bundle | | | | | ${mb(set.baseline.median)} (${mb(set.baseline.max)}) |`,
  );
  return { lines, figures };
};

const main = async () => {
  const runs = Number(option('runs', '3'));
  const workers = Number(option('workers', String(availableParallelism())));
  const datasets = option('datasets', 'chroma,synthetic').split(',');
  // The children import only the snapshot code, so their peak RSS is not inflated by chromadb.
  const bundlePath = await bundlePackage('packUnpack', {
    index: ['packSnapshot', 'unpackSnapshot'],
  });
  const lib = await import(
    pathToFileURL(
      await bundlePackage('packUnpackChroma', {
        index: ['lineChromaId'],
        chroma: ['startLocalChroma'],
      }),
    ).href
  );
  /** @type {[string, string][]} */
  const dirs = [];
  if (datasets.includes('chroma')) {
    const count = Number(option('count', '30000'));
    const dimension = Number(option('dimension', '1536'));
    dirs.push([
      `Chroma ${fmt(count)} x ${dimension}`,
      await chromaDirectory(lib, count, dimension, log),
    ]);
  }
  if (datasets.includes('synthetic')) {
    const size = Number(option('mb', '1000'));
    dirs.push([`synthetic ${size} MB`, await syntheticDirectory(size, log)]);
  }
  if (process.argv.includes('--build-only')) return;
  const load = loadavg()[0] ?? Number.NaN;
  log(`load average ${load.toFixed(2)}; ${runs} runs, ${workers} workers`);
  const sets = [];
  for (const [name, dir] of dirs)
    sets.push(await measure(bundlePath, name, dir, { runs, workers }));
  const out = [
    `Machine: ${cpus().length} CPUs (${cpus()[0]?.model ?? 'unknown'}), ${(totalmem() / 1024 ** 3).toFixed(0)} GiB, Node ${process.version}; 1-minute load average at start ${load.toFixed(2)}, at end ${(loadavg()[0] ?? Number.NaN).toFixed(2)}`,
    '',
  ];
  const verdicts = [];
  for (const set of sets) {
    const { lines, figures } = report(set);
    out.push(...lines, '');
    const [parallel, , gnu] = Object.keys(set.packed);
    const [members, , untar] = Object.keys(set.unpacked);
    const packSpeed = (figures[parallel ?? '']?.mbps ?? 0) / (figures[gnu ?? '']?.mbps ?? 1);
    const sizeRatio = (set.sizes[parallel ?? ''] ?? 0) / (Object.values(set.sizes)[2] ?? 1) - 1;
    const unpackSpeed = (figures[members ?? '']?.mbps ?? 0) / (figures[untar ?? '']?.mbps ?? 1);
    const peak = Math.max(
      ...Object.values(figures)
        .map((figure) => figure.rss)
        .filter((rss) => !Number.isNaN(rss)),
    );
    const met = (/** @type {boolean} */ ok) => (ok ? 'met' : 'missed');
    verdicts.push({ name: set.name, packSpeed, sizeRatio, unpackSpeed, peak });
    out.push(
      `${set.name}: pack ${packSpeed.toFixed(2)}x GNU tar (target ${PACK_SPEED_TARGET}x: ${met(packSpeed >= PACK_SPEED_TARGET)}), size ${(sizeRatio * 100).toFixed(2)}% vs GNU tar (target within ${SIZE_TARGET * 100}%: ${met(Math.abs(sizeRatio) <= SIZE_TARGET)}), unpack ${unpackSpeed.toFixed(2)}x tar -xzf (target ${UNPACK_SPEED_TARGET}x: ${met(unpackSpeed >= UNPACK_SPEED_TARGET)}), peak RSS ${mb(peak)} (target < ${mb(PEAK_RSS_TARGET_BYTES)}: ${met(peak < PEAK_RSS_TARGET_BYTES)})`,
      '',
    );
  }
  process.stdout.write(`${out.join('\n')}\n`);
  if (process.argv.includes('--json'))
    process.stdout.write(`${JSON.stringify({ load, sets, verdicts })}\n`);
};

if (process.argv.includes('--child')) await runChild();
else await main();
