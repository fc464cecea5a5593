import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { text } from 'node:stream/consumers';
import type { ObjectBody, ObjectStore, PutOptions } from '../../src/ports/objectStore.js';
import type { SnapshotLock } from '../../src/snapshots/types.js';

/**
 * A lock double: `validateOwnership` answers from `answers` in order (the last answer
 * repeats), and counts its calls.
 */
export interface LockDouble extends SnapshotLock {
  readonly checks: number;
}

/** A {@link LockDouble} with the given fence. */
export const lockDouble = (fence: number, answers: readonly boolean[] = [true]): LockDouble => {
  let checks = 0;
  return {
    fence,
    get checks() {
      return checks;
    },
    async validateOwnership() {
      const answer = answers[Math.min(checks, answers.length - 1)] ?? true;
      checks += 1;
      return answer;
    },
  };
};

/** Hooks of {@link interceptStore}, run before the store's own call. */
export interface StoreHooks {
  beforePut?(key: string, options: PutOptions): Promise<void> | void;
  /** Replaces `delete` (e.g. a process that died does not clean up). */
  delete?(keys: readonly string[]): Promise<void>;
}

/** A store that runs `hooks` around another store's calls. */
export const interceptStore = (store: ObjectStore, hooks: StoreHooks): ObjectStore => ({
  bucket: store.bucket,
  get: (key) => store.get(key),
  head: (key) => store.head(key),
  list: (options) => store.list(options),
  async put(key: string, body: ObjectBody, options: PutOptions = {}) {
    await hooks.beforePut?.(key, options);
    return store.put(key, body, options);
  },
  delete: (keys) => (hooks.delete === undefined ? store.delete(keys) : hooks.delete(keys)),
});

/** Every key in the store, sorted. */
export const allKeys = async (store: ObjectStore, prefix?: string): Promise<string[]> =>
  (await store.list({ prefix })).objects.map((object) => object.key);

/** An object's text. */
export const objectText = async (store: ObjectStore, key: string): Promise<string> =>
  text((await store.get(key)).body);

/** A file's bytes. */
export const fileBytes = (dir: string, path: string): Promise<Buffer> => readFile(join(dir, path));
