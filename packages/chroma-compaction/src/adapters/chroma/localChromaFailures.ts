/**
 * Turns what a failed `chroma run` left behind (its standard error, its exit) into a
 * {@link LocalChromaStartError} whose message names the cause and the ways out.
 * @internal
 */
import { LocalChromaStartError } from './errors.js';
import { glibcShimManualSteps } from './glibcShimManualSteps.js';

/** How a local Chroma server process ended. */
export interface LocalChromaExit {
  readonly code: number | null;
  readonly signal: string | null;
  /** Set when the process could not be spawned. */
  readonly error?: Error | undefined;
}

/** What every failure message is built from. @internal */
export interface LocalChromaFailureInput {
  readonly argv: readonly string[];
  readonly url: string;
  readonly stderr: string;
  readonly logFile?: string | undefined;
}

const GLIBC_PATTERN = /`?((?:GLIBC|GLIBCXX|CXXABI)_[\d.]+)'? not found[^\n]*/;
const MISSING_BINDING_PATTERN = /Cannot find module '(chromadb-js-bindings-[^']+)'/;
const ADDRESS_PATTERN = /Address (\S+) is not available/;
const UNSUPPORTED_PATTERN = /Unsupported (?:Windows )?(?:architecture|platform)[^\n]*/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI colour codes start with ESC.
const ANSI_PATTERN = /\u001b\[[0-9;]*[A-Za-z]/g;

/**
 * The symbol version a load error says the system's C or C++ runtime lacks (e.g.
 * `GLIBC_2.38`), or `undefined` when the text shows no such error.
 * @internal
 */
export const missingRuntimeSymbol = (text: string): string | undefined =>
  GLIBC_PATTERN.exec(text)?.[1];

/** Removes ANSI colour codes (Chroma colours its logs) and surrounding blank space. @internal */
export const stripAnsi = (text: string): string => text.replace(ANSI_PATTERN, '').trim();

const REMOTE_WAY_OUT =
  'use a remote Chroma server (a ChromaClient pointed at its URL) instead of a local one';

/** The ways out of a glibc too old for the binding, the manual steps included. */
const glibcWaysOut = (): string =>
  [
    "- on Debian or Ubuntu, pass glibcShim: 'auto' (to startLocalChroma, openSnapshot, or compactCollection's chroma options): Debian 13's libc6, libstdc++6 and libgcc-s1 are fetched once with apt into ~/.cache/receipt-chroma/glibc-shim, and Node.js starts through them;",
    '- without apt (e.g. Amazon Linux 2023), unpack them into that folder once by hand:',
    `${glibcShimManualSteps()};`,
    '- run on a system with glibc >= 2.38 (e.g. Debian 13, Ubuntu 24.04);',
    `- or ${REMOTE_WAY_OUT}.`,
  ].join('\n');

const withOutput = (message: string, input: LocalChromaFailureInput): string => {
  const tail = stripAnsi(input.stderr);
  const parts = [message];
  if (tail !== '') parts.push(`Standard error ends with:\n${tail}`);
  if (input.logFile !== undefined) parts.push(`Full output: ${input.logFile}`);
  return parts.join('\n');
};

const error = (
  reason: LocalChromaStartError['reason'],
  message: string,
  input: LocalChromaFailureInput,
  exit?: LocalChromaExit,
): LocalChromaStartError =>
  new LocalChromaStartError(withOutput(message, input), {
    reason,
    command: input.argv,
    stderrTail: stripAnsi(input.stderr),
    exitCode: exit?.code,
    signal: exit?.signal,
    cause: exit?.error,
    context: { url: input.url },
  });

/**
 * The error for a native binding that did not load, when the standard error shows one;
 * otherwise `undefined`. Checked while the server starts, so the caller fails fast.
 * @internal
 */
export const nativeBindingFailure = (
  input: LocalChromaFailureInput,
  exit?: LocalChromaExit,
): LocalChromaStartError | undefined => {
  const text = stripAnsi(input.stderr);
  const glibc = GLIBC_PATTERN.exec(text);
  if (glibc !== null) {
    return error(
      'native-binding',
      `Chroma's native binding (chromadb-js-bindings-*) did not load: ${glibc[1]} not found. It needs glibc >= 2.38 (this system's is older). Ways out:\n${glibcWaysOut()}`,
      input,
      exit,
    );
  }
  const missing = MISSING_BINDING_PATTERN.exec(text);
  if (missing !== null) {
    return error(
      'native-binding',
      `Chroma's native binding package ${missing[1]} is not installed. Install it (npm install ${missing[1]}, or reinstall without --omit=optional), or ${REMOTE_WAY_OUT}.`,
      input,
      exit,
    );
  }
  const unsupported = UNSUPPORTED_PATTERN.exec(text);
  if (unsupported !== null) {
    return error(
      'native-binding',
      `Chroma has no native binding for this system (${unsupported[0]}). Run on a platform the chromadb package supports, or ${REMOTE_WAY_OUT}.`,
      input,
      exit,
    );
  }
  return undefined;
};

/** The error for a server process that ended before answering its heartbeat. @internal */
export const exitFailure = (
  input: LocalChromaFailureInput,
  exit: LocalChromaExit,
): LocalChromaStartError => {
  if (exit.error !== undefined) {
    return error(
      'spawn-failed',
      `Could not run ${input.argv[0] ?? '(empty command)'} to start Chroma (${exit.error.message}). Check the \`command\` option: its first element must be an executable.`,
      input,
      exit,
    );
  }
  const native = nativeBindingFailure(input, exit);
  if (native !== undefined) return native;
  const address = ADDRESS_PATTERN.exec(stripAnsi(input.stderr));
  if (address !== null) return addressFailure(input, address[1] ?? input.url, 'in use', exit);
  const how = exit.signal !== null ? `signal ${exit.signal}` : `exit code ${exit.code}`;
  return error(
    'exited',
    `The Chroma server exited (${how}) before answering its heartbeat on ${input.url}. Check that the port is free and the persist directory is writable.`,
    input,
    exit,
  );
};

/** The error for an address the server cannot listen on (`why`: e.g. `in use`). @internal */
export const addressFailure = (
  input: LocalChromaFailureInput,
  address: string,
  why: string,
  exit?: LocalChromaExit,
): LocalChromaStartError =>
  error(
    'address-unavailable',
    `Cannot start Chroma on ${address} (${why}). Pass another host or port, or leave port unset to get a free one.`,
    input,
    exit,
  );

/** The error for a server that did not answer its heartbeat in time (it has been stopped). @internal */
export const timeoutFailure = (
  input: LocalChromaFailureInput,
  timeoutMs: number,
): LocalChromaStartError =>
  error(
    'timeout',
    `The Chroma server did not answer GET ${input.url}/api/v2/heartbeat within ${timeoutMs} ms and was stopped. Raise startupTimeoutMs on a slow machine, or check its output.`,
    input,
  );
