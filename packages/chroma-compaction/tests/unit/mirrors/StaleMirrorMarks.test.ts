import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileSystemObjectStore } from '../../../src/adapters/fs/FileSystemObjectStore.js';
import { ObjectStoreError } from '../../../src/errors.js';
import { StaleMirrorMarkError, StaleMirrorMarks } from '../../../src/mirrors/StaleMirrorMarks.js';
import type { ObjectStore } from '../../../src/ports/objectStore.js';

const failure = (failedMessages: number, reason = 'Chroma update failed') => ({
  collection: 'lines',
  mirror: 1,
  failedMessages,
  reason,
});

describe('Class: StaleMirrorMarks', () => {
  let root: string;
  let store: FileSystemObjectStore;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'stale-marks-'));
    store = new FileSystemObjectStore({ root });
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('marks a mirror, adds to its mark, and reads it back from the store', async () => {
    // Prepare
    const marks = new StaleMirrorMarks(store, { prefix: 'ops/' });

    // Act
    await marks.mark(failure(2), new Date('2026-12-07T01:00:00Z'));
    await marks.mark(failure(3, 'rate limited'), new Date('2026-12-07T02:00:00Z'));
    const read = await new StaleMirrorMarks(store, { prefix: 'ops/' }).read('lines', 1);

    // Assess
    expect(marks.key('lines', 1)).toBe('ops/lines/mirrors/1/stale.json');
    expect(read?.mark).toEqual({
      collection: 'lines',
      mirror: 1,
      markedAt: '2026-12-07T01:00:00.000Z',
      updatedAt: '2026-12-07T02:00:00.000Z',
      failedMessages: 5,
      reason: 'rate limited',
    });
    expect(await marks.read('lines', 0)).toBeUndefined();
  });

  it('clears a mark only as it was read: a mark written since stays', async () => {
    // Prepare
    const marks = new StaleMirrorMarks(store);
    await marks.mark(failure(1));
    const first = await marks.read('lines', 1);
    await marks.mark(failure(1));
    const second = await marks.read('lines', 1);

    // Act
    const staleClear = await marks.clear('lines', 1, first?.etag ?? '');
    const stillMarked = await marks.read('lines', 1);
    const clear = await marks.clear('lines', 1, second?.etag ?? '');

    // Assess
    expect(staleClear).toBe(false);
    expect(stillMarked?.mark.failedMessages).toBe(2);
    expect(clear).toBe(true);
    expect(await marks.read('lines', 1)).toBeUndefined();
  });

  it('keeps a mirror marked when its mark cannot be parsed', async () => {
    // Prepare
    const marks = new StaleMirrorMarks(store);
    await store.put(marks.key('lines', 1), '{not json');

    // Act
    const read = await marks.read('lines', 1);

    // Assess
    expect(read?.mark.reason).toMatch(/^unreadable mark: /);
  });

  it('throws a typed error when the store fails or the mark keeps changing', async () => {
    // Prepare
    const delegate = (overrides: Partial<ObjectStore>): ObjectStore => ({
      get: (key) => store.get(key),
      put: (key, body, options) => store.put(key, body, options),
      head: (key) => store.head(key),
      list: (options) => store.list(options),
      delete: (keys) => store.delete(keys),
      ...overrides,
    });
    const broken = delegate({
      get: () => Promise.reject(new ObjectStoreError('access denied', { operation: 'get' })),
    });
    let writes = 0;
    const contended = delegate({
      put: async (key, body) => {
        writes += 1;
        // Another writer changes the mark between every read and write.
        await store.put(key, body as string);
        return store.put(key, body as string, { ifMatch: 'stale-etag' });
      },
    });

    // Act
    const failed = new StaleMirrorMarks(broken).mark(failure(1));
    const exhausted = new StaleMirrorMarks(contended).mark(failure(1));

    // Assess
    await expect(failed).rejects.toThrow(StaleMirrorMarkError);
    await expect(failed).rejects.toThrow('could not be read or written: access denied');
    await expect(exhausted).rejects.toThrow('changed under every one of 5 writes');
    expect(writes).toBe(5);
  });
});
