import { join } from 'node:path';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { describe, expect, it } from 'vitest';
import { FileSystemObjectStore } from '../../../src/adapters/fs/FileSystemObjectStore.js';
import { countingStore } from '../../../src/cli/countingStore.js';
import { TransferProgress } from '../../../src/cli/TransferProgress.js';
import type { ObjectStore } from '../../../src/ports/objectStore.js';
import { interceptStore } from '../../helpers/snapshotStores.js';
import { useTempRoot } from '../../helpers/snapshotTrees.js';

const quietProgress = (): TransferProgress =>
  new TransferProgress({ output: { write: () => undefined, isTTY: false }, enabled: false });

async function* chunks(...parts: string[]): AsyncGenerator<Uint8Array> {
  for (const part of parts) yield Buffer.from(part);
}

describe('countingStore', () => {
  const temp = useTempRoot('cli-counting-');
  const storeIn = (): FileSystemObjectStore =>
    new FileSystemObjectStore({ root: join(temp.root, 'store') });

  it('counts the bytes written, whatever the body, and passes them through unchanged', async () => {
    // Prepare
    const store = storeIn();
    const progress = quietProgress();
    const counted = countingStore(store, progress, 'writes');

    // Act
    await counted.put('a', 'héllo');
    await counted.put('b', new Uint8Array(10));
    await counted.put('c', Readable.from([Buffer.from('stream')]));
    await counted.put('d', chunks('it', 'erable'));
    await counted.get('a').then(({ body }) => text(body));

    // Assess
    expect(progress.bytes).toBe(6 + 10 + 6 + 8);
    expect(await text((await store.get('c')).body)).toBe('stream');
    expect(await text((await store.get('d')).body)).toBe('iterable');
  });

  it('counts the bytes read and expects each object size', async () => {
    // Prepare
    const store = storeIn();
    await store.put('a', 'x'.repeat(100));
    const progress = quietProgress();
    const counted = countingStore(store, progress, 'reads');

    // Act
    const read = await text((await counted.get('a')).body);
    await counted.put('b', 'not counted');

    // Assess
    expect(read).toBe('x'.repeat(100));
    expect(progress.bytes).toBe(100);
    expect(await counted.head('b')).toMatchObject({ size: 11 });
    expect((await counted.list()).objects.map((object) => object.key)).toEqual(['a', 'b']);
  });

  it('passes a body error through as the same error object', async () => {
    // Prepare
    const failure = new Error('connection reset');
    const store: ObjectStore = interceptStore(storeIn(), {});
    await store.put('a', 'abc');
    const broken: ObjectStore = {
      ...store,
      get: async (key) => {
        const { info } = await store.get(key);
        const body = new Readable({
          read() {
            this.destroy(failure);
          },
        });
        return { info, body };
      },
    };

    // Act
    const { body } = await countingStore(broken, quietProgress(), 'reads').get('a');
    const caught = await text(body).catch((error: unknown) => error);

    // Assess
    expect(caught).toBe(failure);
  });
});
