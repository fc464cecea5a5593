import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { ObjectStoreError } from '../../errors.js';

/**
 * Every file or directory name the store keeps for itself starts with this: temp files,
 * metadata sidecars and lock directories. Listings skip such names and keys may not contain a segment that
 * starts with it, so the store's own files can never be mistaken for objects.
 * @internal
 */
export const RESERVED_NAME_PREFIX: string = '.~';
/** The sidecar of object `name` is `.~meta.<name>` in the same directory. @internal */
export const META_PREFIX: string = `${RESERVED_NAME_PREFIX}meta.`;
/** Temp files are `.~tmp.<random>` in the directory of the object being written. @internal */
export const TEMP_PREFIX: string = `${RESERVED_NAME_PREFIX}tmp.`;
/** The cross-process lock of object `name` is the directory `.~lock.<name>` beside it. @internal */
export const LOCK_PREFIX: string = `${RESERVED_NAME_PREFIX}lock.`;
/**
 * Longest key segment in UTF-8 bytes: the usual 255-byte name limit minus the longest prefix
 * the store puts before a name (`.~meta.` and `.~lock.` have the same length).
 */
const MAX_SEGMENT_BYTES =
  255 - Math.max(Buffer.byteLength(META_PREFIX), Buffer.byteLength(LOCK_PREFIX));

/** Where an object lives on disk. @internal */
export interface ObjectPaths {
  /** The object's content. */
  readonly file: string;
  /** Its directory (created on put). */
  readonly dir: string;
  /** Its metadata sidecar. */
  readonly meta: string;
  /** The directory whose existence is its cross-process lock. */
  readonly lock: string;
}

/**
 * Why `key` cannot name an object on disk, or `undefined` when it can. Keys are `/`-separated
 * segments; refused: empty keys and segments (a leading, trailing or doubled `/`), `.` and
 * `..`, backslashes, NUL, segments starting with `.~` (reserved for the store's own files)
 * and segments longer than 248 UTF-8 bytes.
 * @internal
 */
export const keyProblem = (key: string): string | undefined => {
  if (typeof key !== 'string' || key.length === 0) return 'the key is empty';
  if (key.includes('\0')) return 'the key contains a NUL character';
  if (key.includes('\\')) return 'the key contains a backslash';
  if (key.startsWith('/') || isAbsolute(key)) return 'the key is an absolute path';
  for (const segment of key.split('/')) {
    if (segment === '') return 'the key has an empty segment (a leading, trailing or double "/")';
    if (segment === '.' || segment === '..') return `the key has a "${segment}" segment`;
    if (segment.startsWith(RESERVED_NAME_PREFIX)) {
      return `the key has a segment starting with "${RESERVED_NAME_PREFIX}", which the store reserves for its own files`;
    }
    if (Buffer.byteLength(segment) > MAX_SEGMENT_BYTES) {
      return `the key has a segment longer than ${MAX_SEGMENT_BYTES} UTF-8 bytes`;
    }
  }
  return undefined;
};

/**
 * The paths of `key` under `root` (an absolute, resolved directory).
 * @throws ObjectStoreError when the key is refused by {@link keyProblem} or would resolve
 * outside the root; no file-system call has been made then
 * @internal
 */
export const objectPaths = (root: string, key: string, operation: string): ObjectPaths => {
  const problem = keyProblem(key);
  const file = problem === undefined ? resolve(root, ...key.split('/')) : '';
  const inside = problem === undefined && relativeInside(root, file);
  if (problem !== undefined || !inside) {
    throw new ObjectStoreError(
      `${operation} of key ${JSON.stringify(key)} refused: ${problem ?? 'it resolves outside the store root'}. Keys are "/"-separated relative names.`,
      { operation, key, context: { root } },
    );
  }
  const slash = key.lastIndexOf('/');
  const name = key.slice(slash + 1);
  const dir = slash === -1 ? root : join(root, ...key.slice(0, slash).split('/'));
  return {
    file,
    dir,
    meta: join(dir, `${META_PREFIX}${name}`),
    lock: join(dir, `${LOCK_PREFIX}${name}`),
  };
};

const relativeInside = (root: string, path: string): boolean => {
  const rel = relative(root, path);
  return rel !== '' && !rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel);
};

/**
 * Sorts strings by their UTF-8 bytes, as S3 orders keys (JavaScript's default order is by
 * UTF-16 code units, which differs for characters outside the Basic Multilingual Plane).
 * @internal
 */
export const sortByUtf8 = <T>(items: readonly T[], keyOf: (item: T) => string): T[] =>
  items
    .map((item) => ({ item, bytes: Buffer.from(keyOf(item), 'utf8') }))
    .sort((a, b) => Buffer.compare(a.bytes, b.bytes))
    .map(({ item }) => item);
