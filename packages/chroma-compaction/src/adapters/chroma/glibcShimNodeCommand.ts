/**
 * Chooses how to run Node.js for a local Chroma server: directly where Chroma's native
 * binding loads, otherwise through the glibc shim (prepared on first use). The choice is
 * remembered for the process, so a compactor starting a server per delta probes once.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { GlibcShimError } from './errors.js';
import {
  type GlibcShim,
  type GlibcShimOptions,
  glibcShimCommand,
  prepareGlibcShim,
} from './glibcShim.js';
import { defaultGlibcShimCacheDir } from './glibcShimPlatform.js';
import { probeChromaBinding } from './glibcShimProbe.js';

/**
 * When to start Node.js through the glibc shim: `auto` only when Chroma's native binding
 * does not load with the system's glibc; `always` without checking.
 */
export type GlibcShimMode = 'auto' | 'always';

/** Options of {@link chromaNodeCommand}: when to use the shim, and where to keep it. */
export interface ChromaNodeCommandOptions extends GlibcShimOptions {
  /** When to use the shim. @default 'auto' */
  readonly when?: GlibcShimMode | undefined;
  /** The Node.js executable. @default process.execPath */
  readonly node?: string | undefined;
}

/** How to run Node.js so that Chroma's native binding loads. */
export interface ChromaNodeCommand {
  /** The argv prefix: `[node]`, or `[loader, '--library-path', libDir, node]` with the shim. */
  readonly command: string[];
  /** The shim in use; `undefined` when the binding loads directly. */
  readonly shim: GlibcShim | undefined;
}

/** Commands already chosen in this process, by the options that chose them. */
const chosen = new Map<string, Promise<ChromaNodeCommand>>();

const choose = async (
  node: string,
  when: GlibcShimMode,
  options: ChromaNodeCommandOptions,
): Promise<ChromaNodeCommand> => {
  if (when === 'auto') {
    const direct = await probeChromaBinding({ command: [node] });
    // Loads, or fails for a reason the shim does not fix: startLocalChroma reports that one.
    if (direct.missingSymbol === undefined) return { command: [node], shim: undefined };
  }
  const shim = await prepareGlibcShim(options);
  const command = glibcShimCommand(shim, node);
  const through = await probeChromaBinding({ command });
  if (!through.loads && through.binding !== undefined) {
    throw new GlibcShimError(
      `Chroma's native binding does not load even through the glibc shim in ${shim.dir}: ${through.error}. Delete that folder so the next start prepares it again, or run on a system with glibc >= 2.38 (e.g. Debian 13, Ubuntu 24.04).`,
      { reason: 'unusable', cacheDir: resolve(shim.dir, '..'), output: through.error },
    );
  }
  return { command, shim };
};

/**
 * The argv prefix that runs Node.js able to load Chroma's native binding: `[node]` where
 * the binding loads with the system's glibc, otherwise Node.js through the glibc shim,
 * prepared first when the cache folder lacks it (see {@link prepareGlibcShim}). The shim is
 * checked to make the binding load before it is returned. The answer is kept for the
 * process: later calls with the same options return it at once.
 *
 * @param options - when to use the shim, where to keep it, and the Node.js executable
 * @returns the command, and the shim when one is used
 * @throws {GlibcShimError} when the shim is needed but cannot be prepared, or does not make
 *   the binding load (`reason: 'unusable'`)
 * @example
 * ```ts
 * import { chromaNodeCommand, startLocalChroma } from '@receipt-chroma/chroma-compaction/chroma';
 *
 * const { command, shim } = await chromaNodeCommand();
 * if (shim?.downloaded) console.log(`Fetched the glibc shim into ${shim.dir}`);
 * const chroma = await startLocalChroma({ path: './chroma-data', command });
 * ```
 */
export async function chromaNodeCommand(
  options: ChromaNodeCommandOptions = {},
): Promise<ChromaNodeCommand> {
  const node = options.node ?? process.execPath;
  const when = options.when ?? 'auto';
  const key = JSON.stringify([
    node,
    when,
    resolve(options.cacheDir ?? defaultGlibcShimCacheDir()),
    options.mirror,
    options.keyring,
  ]);
  const known = chosen.get(key);
  if (known !== undefined) {
    const answer = await known.catch(() => undefined);
    // A shim folder deleted since is prepared again.
    if (answer !== undefined && (answer.shim === undefined || existsSync(answer.shim.loader))) {
      return {
        command: [...answer.command],
        shim: answer.shim && { ...answer.shim, downloaded: false },
      };
    }
  }
  const answer = choose(node, when, options);
  chosen.set(key, answer);
  answer.catch(() => {
    if (chosen.get(key) === answer) chosen.delete(key);
  });
  const { command, shim } = await answer;
  return { command: [...command], shim };
}
