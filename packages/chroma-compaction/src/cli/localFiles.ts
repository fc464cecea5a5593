/**
 * The local files commands read and check: input files (`-` for stdin), persist directories.
 * @packageDocumentation
 */
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { errorMessage } from '../errors.js';
import { CliUsageError } from './errors.js';
import type { CliIo } from './io.js';

/** Node's message without the `ENOENT: ` prefix and the syscall. */
const fsReason = (error: unknown): string => {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'ENOENT') return 'no such file or directory';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'is a directory';
  return errorMessage(error);
};

/**
 * An input file, or stdin for `-`, as a stream; the file is opened before this resolves, so
 * a missing one fails here.
 * @param io - The io (for stdin).
 * @param path - The path, or `-`.
 * @throws CliUsageError when the file cannot be opened
 */
export const openInput = async (
  io: CliIo,
  path: string,
): Promise<{ readonly stream: Readable; readonly size: number | undefined }> => {
  if (path === '-') return { stream: io.stdin, size: undefined };
  try {
    const info = await stat(path);
    if (info.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    const stream = createReadStream(path);
    await new Promise<void>((done, fail) => {
      stream.once('open', () => done());
      stream.once('error', fail);
    });
    return { stream, size: info.size };
  } catch (error) {
    throw new CliUsageError(`cannot read ${path}: ${fsReason(error)}`, { cause: error });
  }
};

/**
 * The whole text of an input file, or of stdin for `-`.
 * @param io - The io (for stdin).
 * @param path - The path, or `-`.
 * @throws CliUsageError when the file cannot be read
 */
export const readInputText = async (io: CliIo, path: string): Promise<string> => {
  const { stream } = await openInput(io, path);
  try {
    return await text(stream);
  } catch (error) {
    throw new CliUsageError(`cannot read ${path}: ${fsReason(error)}`, { cause: error });
  }
};

/**
 * Checks that `dir` is a Chroma persist directory (it holds `chroma.sqlite3`).
 * @param dir - The directory.
 * @param option - The option that named it, for the message.
 * @returns The absolute path.
 * @throws CliUsageError when it is not a directory or lacks `chroma.sqlite3`
 */
export const persistDirectory = async (dir: string, option: string): Promise<string> => {
  const path = resolve(dir);
  const info = await stat(path).catch((error: unknown) => {
    throw new CliUsageError(`${option} ${dir}: ${fsReason(error)}`, { cause: error });
  });
  if (!info.isDirectory()) throw new CliUsageError(`${option} ${dir}: not a directory`);
  await stat(join(path, 'chroma.sqlite3')).catch((error: unknown) => {
    throw new CliUsageError(
      `${option} ${dir} is not a Chroma persist directory: it has no chroma.sqlite3`,
      { cause: error },
    );
  });
  return path;
};

/**
 * How many regular files a directory tree holds, and their bytes.
 * @param dir - The directory.
 */
export const directoryStats = async (dir: string): Promise<{ files: number; bytes: number }> => {
  let files = 0;
  let bytes = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      const inner = await directoryStats(path);
      files += inner.files;
      bytes += inner.bytes;
    } else if (entry.isFile()) {
      files += 1;
      bytes += (await stat(path)).size;
    }
  }
  return { files, bytes };
};
