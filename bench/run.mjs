/**
 * `npm run bench`: builds `@receipt-chroma/dynamo-stream`, runs the three benchmarks (each
 * in its own `node` process), prints one markdown table of figures vs targets, and writes
 * `bench/results/latest.json` (gitignored) and `bench/RESULTS.md` (committed).
 *
 *   npm run bench [-- --runs=21 --throughput-runs=15 --skip-build --strict]
 *
 * Benchmarks are not tests: the exit code is 0 whatever the figures, unless `--strict`
 * is given, which exits 1 when a target is missed.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { BUNDLE_GZIP_TARGET_BYTES, BUNDLE_IMPORT_TARGET_MS } from './bundle.mjs';
import { IMPORT_TARGET_MS, PYTHON_IMPORT_MS } from './importTime.mjs';
import { fmt, option, ROOT } from './lib/stats.mjs';
import { PYTHON_RECORDS_PER_SECOND, THROUGHPUT_TARGET } from './throughput.mjs';

const runs = Number(option('runs', '21'));
const throughputRuns = Number(option('throughput-runs', '15'));
const command = 'npm run bench';

/**
 * Runs a node script with `--json` and returns the object on its last stdout line.
 * @param {string} script path relative to the root
 * @param {string[]} nodeArgs flags for node itself
 * @param {string[]} scriptArgs flags for the script
 */
const runJson = (script, nodeArgs, scriptArgs) => {
  process.stderr.write(`running node ${[...nodeArgs, script, ...scriptArgs].join(' ')}…\n`);
  const child = spawnSync(process.execPath, [...nodeArgs, script, ...scriptArgs, '--json'], {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (child.status !== 0) {
    process.stderr.write(child.stderr);
    throw new Error(`${script} exited with ${child.status}`);
  }
  return JSON.parse(child.stdout.trim().split('\n').at(-1) ?? '');
};

const machine = {
  nproc: os.availableParallelism(),
  cpu: os.cpus()[0]?.model ?? 'unknown',
  memoryGiB: Math.round(os.totalmem() / 2 ** 30),
  node: process.version,
  platform: `${os.platform()} ${os.release()}`,
  loadAverage1m: os.loadavg()[0] ?? 0,
};
const date = new Date().toISOString();
const git = (/** @type {string[]} */ args) =>
  spawnSync('git', args, { cwd: ROOT, encoding: 'utf8' }).stdout.trim();
const commit = `${git(['rev-parse', '--short', 'HEAD'])}${git(['status', '--porcelain', 'packages/dynamo-stream/src']) === '' ? '' : ' (with uncommitted changes in packages/dynamo-stream/src)'}`;

if (!process.argv.includes('--skip-build')) {
  process.stderr.write('building @receipt-chroma/dynamo-stream…\n');
  const built = spawnSync('npm', ['run', 'build', '-w', '@receipt-chroma/dynamo-stream'], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (built.status !== 0) throw new Error(`the build failed (exit ${built.status})`);
}

const throughput = runJson('bench/throughput.mjs', ['--expose-gc'], [`--runs=${throughputRuns}`]);
const imports = runJson('bench/importTime.mjs', [], [`--runs=${runs}`]);
const bundle = runJson('bench/bundle.mjs', [], [`--runs=${runs}`]);

const rows = [
  {
    figure: `Build throughput: \`buildMessagesFromRecords\`, ${fmt(throughput.records)}-record mix (median of ${throughput.recordsPerSecond.runs} runs)`,
    result: `${fmt(throughput.recordsPerSecond.median)} records/s (${fmt(throughput.recordsPerSecond.min)}–${fmt(throughput.recordsPerSecond.max)})`,
    target: `≥ ${fmt(THROUGHPUT_TARGET)} records/s`,
    python: `${fmt(PYTHON_RECORDS_PER_SECOND.low)}–${fmt(PYTHON_RECORDS_PER_SECOND.high)} records/s`,
    pass: throughput.recordsPerSecond.median >= THROUGHPUT_TARGET,
  },
  {
    figure: `Import of the unbundled package (median of ${imports.package.runs} fresh processes)`,
    result: `${fmt(imports.package.median, 1)} ms (${fmt(imports.package.min, 1)}–${fmt(imports.package.max, 1)})`,
    target: `< ${IMPORT_TARGET_MS} ms`,
    python: `${PYTHON_IMPORT_MS} ms`,
    pass: imports.package.median < IMPORT_TARGET_MS,
  },
  {
    figure: 'Handler bundle size, gzip -9 (`@aws-sdk/client-sqs` external)',
    result: `${fmt(bundle.gzipBytes / 1000, 1)} kB (${fmt(bundle.minifiedBytes / 1000, 1)} kB minified)`,
    target: `< ${fmt(BUNDLE_GZIP_TARGET_BYTES / 1000)} kB`,
    python: '—',
    pass: bundle.gzipBytes < BUNDLE_GZIP_TARGET_BYTES,
  },
  {
    figure: `Handler bundle load in a fresh process: the bundle itself, \`@aws-sdk/client-sqs\` already loaded (median of ${bundle.importAfterSdkMs.runs})`,
    result: `${fmt(bundle.importAfterSdkMs.median, 1)} ms (${fmt(bundle.importAfterSdkMs.min, 1)}–${fmt(bundle.importAfterSdkMs.max, 1)})`,
    target: `< ${BUNDLE_IMPORT_TARGET_MS} ms`,
    python: '—',
    pass: bundle.importAfterSdkMs.median < BUNDLE_IMPORT_TARGET_MS,
  },
  {
    figure: `Handler bundle load in a fresh process, SDK included (median of ${bundle.importMs.runs}; the SDK is the Lambda runtime's, the same for any handler that sends to SQS)`,
    result: `${fmt(bundle.importMs.median, 1)} ms (${fmt(bundle.importMs.min, 1)}–${fmt(bundle.importMs.max, 1)})`,
    target: '—',
    python: '—',
    pass: undefined,
  },
];

const table = [
  '| Figure | Result | Target | Python | Status |',
  '| --- | --- | --- | --- | --- |',
  ...rows.map(
    (row) =>
      `| ${row.figure} | ${row.result} | ${row.target} | ${row.python} | ${row.pass === undefined ? 'info' : row.pass ? 'pass' : '**FAIL**'} |`,
  ),
].join('\n');

const context = [
  `- Messages per run: ${fmt(throughput.messages)} (the mix should yield ${fmt(throughput.expectedMessages)}); records reported as failures: ${throughput.failures}.`,
  `- Throughput with a counting \`metrics\` and a no-op \`logger\` (\`buildStreamMessages\`, as the handler calls it): median ${fmt(throughput.withObservability.median)} records/s.`,
  `- Ratio to Python: ${fmt(throughput.recordsPerSecond.median / PYTHON_RECORDS_PER_SECOND.high, 1)}x the upper figure, ${fmt(throughput.recordsPerSecond.median / PYTHON_RECORDS_PER_SECOND.low, 1)}x the lower; import ${fmt(PYTHON_IMPORT_MS / imports.package.median, 1)}x faster.`,
  `- \`zod\` alone imports in a median ${fmt(imports.zod.median, 1)} ms (unbundled).`,
  `- Bundle contents (minified bytes): ${Object.entries(bundle.bytesByPackage)
    .map(([name, bytes]) => `${name} ${fmt(/** @type {number} */ (bytes) / 1000, 1)} kB`)
    .join(', ')}.`,
  `- \`@aws-sdk/client-sqs\` is external (the Lambda Node.js runtime ships AWS SDK v3) and loads from node_modules during the timing: alone it takes a median ${fmt(bundle.externalSdkImportMs.median, 1)} ms; the bundle imported after it takes ${fmt(bundle.importAfterSdkMs.median, 1)} ms.`,
  `- The example handler creates its \`SQSClient\` on the first batch with messages to publish, not at load: constructing it (SDK loaded) takes a median ${fmt(bundle.sqsClientMs.median, 1)} ms, which that first publish pays once per execution environment.`,
].join('\n');

const markdown = `# Benchmark results: @receipt-chroma/dynamo-stream

Reproduce with \`${command}\` from the repository root (it builds the package first).

- Date: ${date}
- Commit: ${commit}
- Machine: ${machine.nproc} CPUs (\`nproc\`), ${machine.cpu}, ${machine.memoryGiB} GiB, ${machine.platform}
- Node: ${machine.node}
- 1-minute load average when the run started: ${fmt(machine.loadAverage1m, 2)} (other work on the machine skews the figures)

${table}

${context}

Method: \`bench/throughput.mjs\` imports the built package (\`packages/dynamo-stream/dist/index.js\`),
generates the mix of \`bench/data/generateEvents.mjs\` once (seed 42) and passes it through a JSON round trip (the
records a Lambda handler gets are parsed from JSON; generated objects would be V8 dictionaries), warms up with ${throughput.warmupRuns} runs and
reports the median of the timed runs${throughput.gcBetweenRuns ? ' (full GC before each)' : ''}. \`bench/importTime.mjs\` and
\`bench/bundle.mjs\` time \`await import()\` with \`performance.now()\` inside fresh \`node\` processes (one
untimed warm-up process first), so node's own start-up is excluded. The bundle is esbuild's (bundle,
minify, platform node, target node20, format esm, \`mainFields: module,main\`), with
\`@aws-sdk/util-dynamodb\` bundled (the handler's path reaches no zod code, so none is in the bundle) and \`@aws-sdk/client-sqs\` external. Python figures are the ones measured
for the Python package on these machines.
`;

mkdirSync(`${ROOT}bench/results`, { recursive: true });
const targetsMet = rows.every((row) => row.pass !== false);
writeFileSync(
  `${ROOT}bench/results/latest.json`,
  `${JSON.stringify({ date, commit, command, machine, targetsMet, rows, throughput, imports, bundle }, null, 2)}\n`,
);
writeFileSync(`${ROOT}bench/RESULTS.md`, markdown);
// Align the table the way the repository's formatter wants it, so `npm run lint` stays clean.
spawnSync(`${ROOT}node_modules/.bin/biome`, ['format', '--write', 'bench/RESULTS.md'], {
  cwd: ROOT,
  stdio: 'ignore',
});
console.log(`${table}\n\n${context}\n\nWrote bench/RESULTS.md and bench/results/latest.json.`);
if (process.argv.includes('--strict') && !targetsMet) process.exitCode = 1;
