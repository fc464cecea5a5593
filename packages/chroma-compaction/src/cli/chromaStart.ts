import type { StartLocalChromaOptions } from '../adapters/chroma/startLocalChroma.js';
import type { CliIo } from './io.js';

/** How the CLI starts a local Chroma server, but for the persist directory and address. */
export type ChromaStartOptions = Omit<StartLocalChromaOptions, 'path' | 'port' | 'host'>;

/**
 * The start options of every local Chroma server the CLI runs (`query`, `chroma start`,
 * `delta verify --python`): the `command` the io names, else `glibcShim: 'auto'` (Node.js
 * through a glibc shim only where the system's glibc is too old for Chroma's native binding).
 * @param io - The io (its `chroma` options win).
 */
export const chromaStartOptions = (io: CliIo): ChromaStartOptions => {
  const given = io.chroma;
  const timeout =
    given?.startupTimeoutMs === undefined ? {} : { startupTimeoutMs: given.startupTimeoutMs };
  if (given?.command !== undefined) return { ...timeout, command: given.command };
  // The one place the CLI chooses how Chroma starts: through the glibc shim only where the
  // system's glibc is too old for the binding (fetched once into the user's cache).
  return { ...timeout, glibcShim: 'auto' };
};
