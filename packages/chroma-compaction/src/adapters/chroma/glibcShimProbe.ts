/**
 * Checks whether Chroma's native binding loads, in a child process: a binding that needs a
 * newer glibc fails in `dlopen`, and a failed `dlopen` must not touch the caller's process.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { missingRuntimeSymbol, stripAnsi } from './localChromaFailures.js';
import { findChromadbPackage } from './resolveChromaCli.js';

/** What {@link probeChromaBinding} found. */
export interface ChromaBindingProbe {
  /** Whether the binding loaded. */
  readonly loads: boolean;
  /** The binding file loaded or tried; `undefined` when its package is not installed. */
  readonly binding: string | undefined;
  /**
   * The symbol version the C or C++ runtime lacks (e.g. `GLIBC_2.38`) when that is why the
   * binding did not load: the glibc shim fixes exactly this case.
   */
  readonly missingSymbol: string | undefined;
  /** Why the binding did not load (the load error); empty when it loaded. */
  readonly error: string;
}

/** Options of {@link probeChromaBinding} and {@link needsGlibcShim}. */
export interface ProbeChromaBindingOptions {
  /**
   * The argv prefix that runs Node.js, e.g. a shim's `glibcShimCommand(shim)`.
   * @default [process.execPath]
   */
  readonly command?: readonly string[] | undefined;
  /** How long the child process may take before it counts as not loading. @default 30000 */
  readonly timeoutMs?: number | undefined;
}

const ERROR_LINE = /^\w*Error:.*$/m;
const ERROR_TAIL_CHARS = 500;

/**
 * The npm package holding chromadb's native binding for a platform, named as chromadb's
 * own loader names it (Linux builds are the glibc ones).
 * @internal
 */
export const chromaBindingPackage = (platform: string, arch: string): string => {
  const suffix = platform === 'linux' ? '-gnu' : platform === 'win32' ? '-msvc' : '';
  return `chromadb-js-bindings-${platform}-${arch}${suffix}`;
};

/** The binding file, resolved the way chromadb resolves it, or the reason it cannot be. */
const resolveBinding = (): { file: string } | { error: string } => {
  const name = chromaBindingPackage(process.platform, process.arch);
  try {
    const { dir } = findChromadbPackage();
    return { file: createRequire(join(dir, 'package.json')).resolve(name) };
  } catch (error) {
    return { error: `${name} cannot be resolved from chromadb: ${(error as Error).message}` };
  }
};

/** Runs `require(binding)` with `command`; resolves with the exit code and standard error. */
const tryLoad = (
  command: readonly string[],
  binding: string,
  timeoutMs: number,
): Promise<{ ok: boolean; stderr: string }> =>
  new Promise((done) => {
    const [file = process.execPath, ...args] = command;
    let stderr = '';
    const child = spawn(file, [...args, '-e', `require(${JSON.stringify(binding)})`], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const timer = setTimeout(() => {
      stderr += `\nError: loading the binding took longer than ${timeoutMs} ms`;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-16_384);
    });
    child.once('error', (error) => {
      clearTimeout(timer);
      done({ ok: false, stderr: `Error: cannot run ${file}: ${error.message}` });
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      done({ ok: code === 0, stderr });
    });
  });

/**
 * Checks, in a child process, whether the installed chromadb's native binding loads when
 * Node.js runs as `command`, and if not, why.
 * @param options - the Node.js command to try, and a time limit
 * @returns whether it loads; `missingSymbol` is set when the system's glibc is too old
 * @example
 * ```ts
 * import { probeChromaBinding } from '@receipt-chroma/chroma-compaction/chroma';
 *
 * const probe = await probeChromaBinding();
 * if (!probe.loads) console.warn(`Chroma cannot run locally here: ${probe.error}`);
 * ```
 */
export async function probeChromaBinding(
  options: ProbeChromaBindingOptions = {},
): Promise<ChromaBindingProbe> {
  const resolved = resolveBinding();
  if ('error' in resolved) {
    return { loads: false, binding: undefined, missingSymbol: undefined, error: resolved.error };
  }
  const command = options.command ?? [process.execPath];
  const { ok, stderr } = await tryLoad(command, resolved.file, options.timeoutMs ?? 30_000);
  if (ok) return { loads: true, binding: resolved.file, missingSymbol: undefined, error: '' };
  const text = stripAnsi(stderr);
  return {
    loads: false,
    binding: resolved.file,
    missingSymbol: missingRuntimeSymbol(text),
    error: ERROR_LINE.exec(text)?.[0] ?? text.slice(-ERROR_TAIL_CHARS),
  };
}

/**
 * Whether Chroma's native binding needs the glibc shim here: `true` only when it fails to
 * load because the C or C++ runtime is too old (e.g. `GLIBC_2.38' not found` on Debian 12);
 * `false` when it loads, and when it fails for another reason the shim would not fix.
 * @param options - the Node.js command to try, and a time limit
 * @returns whether to start Node.js through the shim
 * @example
 * ```ts
 * import { needsGlibcShim } from '@receipt-chroma/chroma-compaction/chroma';
 *
 * if (await needsGlibcShim()) console.log('Chroma will start through the glibc shim');
 * ```
 */
export async function needsGlibcShim(options: ProbeChromaBindingOptions = {}): Promise<boolean> {
  return (await probeChromaBinding(options)).missingSymbol !== undefined;
}
