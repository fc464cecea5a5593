// @ts-check
/**
 * `npm run demo`: the whole pipeline in one command, on embedded defaults (a directory as
 * the bucket, in-memory table, queues and lock, local Chroma servers). Prepares Chroma's
 * glibc shim where the system needs one (apt downloads it once, the only network use),
 * bundles the demo with the packages' TypeScript sources (no `npm run build` needed), and
 * runs it. Arguments are passed on: `npm run demo -- --receipts 80`.
 */
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromaNodeCommand } from '../../scripts/services/chroma.mjs';
import { workspaceSourcePlugin } from '../../scripts/workspaceSources.mjs';

const startedAt = performance.now();
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** @param {string} line */
const progress = (line) =>
  process.stderr.write(
    `[${((performance.now() - startedAt) / 1000).toFixed(1).padStart(5)}s] ${line}\n`,
  );

progress('[demo] preparing Chroma and bundling the demo');
const { command, shim } = await chromaNodeCommand();
if (shim?.downloaded) progress(`  built the glibc shim for Chroma in ${shim.dir}`);
// Under node_modules so the bundle's external imports (chromadb, …) resolve from the root.
const outdir = join(ROOT, 'node_modules', '.cache', 'receipt-chroma-demo');
mkdirSync(outdir, { recursive: true });
const outfile = join(outdir, 'demo.bundle.mjs');
const { build } = await import('esbuild');
await build({
  entryPoints: [join(ROOT, 'examples', 'demo', 'cli.ts')],
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  outfile,
  // CommonJS packages that require node built-ins stay external, as does the Chroma client.
  external: ['chromadb', '@aws-sdk/*', 'tar-stream', 'proper-lockfile'],
  plugins: [workspaceSourcePlugin()],
  logLevel: 'warning',
});
/** @type {{ runDemoCli: (options: { command: readonly string[], args: readonly string[], startedAt: number }) => Promise<void> }} */
const demo = await import(pathToFileURL(outfile).href);
await demo.runDemoCli({ command, args: process.argv.slice(2), startedAt });
