import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, isAbsolute, join } from 'node:path';
import { LocalChromaStartError } from './errors.js';

const PACKAGE = 'chromadb';

/** The part of `chromadb`'s package.json we read. @internal */
export interface ChromadbManifest {
  readonly name?: unknown;
  readonly bin?: unknown;
}

/** The module that resolves `chromadb` from this file, in an ESM or a CJS build alike. */
const localRequire = (): NodeJS.Require =>
  // CJS builds (and vitest) define __filename; plain ESM has import.meta.url instead. Under
  // `node -e` a global __filename of '[eval]' is visible to ES modules too: not a path.
  createRequire(
    typeof __filename === 'string' && isAbsolute(__filename) ? __filename : import.meta.url,
  );

const cliNotFound = (detail: string, cause?: unknown): LocalChromaStartError =>
  new LocalChromaStartError(
    `Cannot find the chroma CLI of the chromadb package: ${detail}. Install chromadb next to this package (npm install chromadb), or pass cliPath (the script to run) or cliPath: false with a command that is itself a chroma executable.`,
    { reason: 'cli-not-found', command: [], cause },
  );

/** The installed `chromadb` package: its folder and its package.json. @internal */
export interface ChromadbPackage {
  readonly dir: string;
  readonly manifestPath: string;
  readonly manifest: ChromadbManifest;
}

/**
 * Finds the installed `chromadb` package, resolved from this package's location.
 * @throws {LocalChromaStartError} `cli-not-found` when it is not installed
 * @internal
 */
export function findChromadbPackage(): ChromadbPackage {
  let entry: string;
  try {
    entry = localRequire().resolve(PACKAGE);
  } catch (error) {
    throw cliNotFound('the chromadb package is not installed', error);
  }
  // chromadb does not export its package.json: walk up from its entry point instead.
  for (let dir = dirname(entry); ; dir = dirname(dir)) {
    const manifestPath = join(dir, 'package.json');
    if (existsSync(manifestPath)) {
      const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as ChromadbManifest;
      if (manifest.name === PACKAGE) return { dir, manifestPath, manifest };
    }
    if (dirname(dir) === dir) throw cliNotFound(`no chromadb package.json above ${entry}`);
  }
}

/**
 * Finds the `chroma` CLI script shipped with the installed `chromadb` package (its
 * `bin.chroma`, `dist/cli.mjs` in chromadb 3.x), resolved from this package's location.
 *
 * @returns the absolute path of the script, to run with Node.js
 * @throws {LocalChromaStartError} with reason `cli-not-found` when `chromadb` is not
 *   installed or its package.json names no `chroma` bin
 * @example
 * ```ts
 * import { resolveChromaCli } from '@receipt-chroma/chroma-compaction/chroma';
 * const cli = resolveChromaCli(); // …/node_modules/chromadb/dist/cli.mjs
 * ```
 */
export function resolveChromaCli(): string {
  const { dir, manifestPath, manifest } = findChromadbPackage();
  const bin = manifest.bin;
  const script =
    typeof bin === 'string'
      ? bin
      : typeof bin === 'object' && bin !== null
        ? (bin as Record<string, unknown>)['chroma']
        : undefined;
  if (typeof script !== 'string') {
    throw cliNotFound(`${manifestPath} declares no "chroma" bin`);
  }
  const cli = join(dir, script);
  if (!existsSync(cli)) throw cliNotFound(`${cli} does not exist`);
  return cli;
}
