import { pipeline, Readable, Transform } from 'node:stream';
import type { ObjectBody, ObjectStore } from '../ports/objectStore.js';
import type { TransferProgress } from './TransferProgress.js';

/**
 * The bytes of `body` as they are read, counted into `progress`. Errors pass through
 * unchanged (the same error object), and destroying the result destroys `body`.
 */
const countedStream = (body: Readable, progress: TransferProgress): Readable => {
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      progress.add(chunk.length);
      callback(null, chunk);
    },
  });
  pipeline(body, counter, () => undefined);
  return counter;
};

async function* countedChunks(
  body: AsyncIterable<Uint8Array>,
  progress: TransferProgress,
): AsyncGenerator<Uint8Array, void, undefined> {
  for await (const chunk of body) {
    progress.add(chunk.byteLength);
    yield chunk;
  }
}

/** Which bodies {@link countingStore} counts. */
export type CountedDirection = 'reads' | 'writes';

/**
 * An `ObjectStore` that counts the bytes of the bodies read from (`reads`) or written to
 * (`writes`) `store` into `progress`, so the library's own functions (`downloadSnapshot`,
 * `publishSnapshot`, `writeDelta`) show progress without knowing about it. Everything else
 * is `store`'s.
 * @param store - The store to count.
 * @param progress - Where the counts go; a counted read's size is added to what it expects.
 * @param direction - The bodies to count: what a download reads, or what an upload writes.
 */
export const countingStore = (
  store: ObjectStore,
  progress: TransferProgress,
  direction: CountedDirection,
): ObjectStore => ({
  get bucket() {
    return store.bucket;
  },
  async get(key) {
    const read = await store.get(key);
    if (direction !== 'reads') return read;
    progress.expect(read.info.size);
    return { info: read.info, body: countedStream(read.body, progress) };
  },
  async put(key, body, options) {
    if (direction !== 'writes') return store.put(key, body, options);
    if (typeof body === 'string' || body instanceof Uint8Array) {
      const result = await store.put(key, body, options);
      progress.add(typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength);
      return result;
    }
    const counted: ObjectBody =
      body instanceof Readable ? countedStream(body, progress) : countedChunks(body, progress);
    return store.put(key, counted, options);
  },
  head: (key) => store.head(key),
  list: (options) => store.list(options),
  delete: (keys) => store.delete(keys),
});
