import { describe, expect, it, vi } from 'vitest';
import { DeltaLocationError, DeltaNotFoundError } from '../../../src/deltas/errors.js';
import { readDelta } from '../../../src/deltas/readDelta.js';
import { writeDelta } from '../../../src/deltas/writeDelta.js';
import type { ObjectStore } from '../../../src/ports/objectStore.js';
import {
  catchError,
  collectBatches,
  deltaRecords,
  useDeltaWorkspace,
} from '../../helpers/deltaArchives.js';

/** The workspace's store, presenting itself as the S3 bucket `own-bucket`. */
const asBucket = (store: ObjectStore): ObjectStore => ({
  bucket: 'own-bucket',
  get: (key) => store.get(key),
  put: (key, body, options) => store.put(key, body, options),
  head: (key) => store.head(key),
  list: (options) => store.list(options),
  delete: (keys) => store.delete(keys),
});

describe('Function: readDelta', () => {
  const workspace = useDeltaWorkspace();

  const write = (prefix: string, count: number, store: ObjectStore = workspace.store) =>
    writeDelta(store, prefix, {
      collection: 'lines',
      records: deltaRecords({ count }),
      tempDir: workspace.tempDir,
    });

  describe('prefixes', () => {
    it.each(['run-1', 'run-1/', '/run-1//', '//run-1'])(
      'reads the delta of run-1 as %j',
      async (prefix) => {
        // Prepare
        const written = await write('run-1', 3);

        // Act
        const delta = await readDelta(workspace.store, prefix, { tempDir: workspace.tempDir });
        await delta.close();

        // Assess
        expect(delta.prefix).toBe('run-1/');
        expect(delta.manifest).toEqual(written);
      },
    );

    it('stores the delta of /run-1// under run-1/delta.tar.gz', async () => {
      // Act
      await write('/run-1//', 1);

      // Assess
      expect(await workspace.storedKeys()).toEqual(['run-1/delta.tar.gz']);
    });

    it('never reads run-10/ for run-1', async () => {
      // Prepare
      await write('run-10', 2);

      // Act
      const error = await catchError(
        readDelta(workspace.store, 'run-1', { tempDir: workspace.tempDir }),
      );

      // Assess
      expect(error).toBeInstanceOf(DeltaNotFoundError);
      expect(await workspace.staged()).toEqual([]);
    });

    it('reads run-1 next to run-10', async () => {
      // Prepare
      await write('run-10', 2);
      await write('run-1', 5);

      // Act
      const delta = await readDelta(workspace.store, 'run-1', { tempDir: workspace.tempDir });

      // Assess
      expect((await collectBatches(delta)).records).toHaveLength(5);
    });

    it('reads and writes s3://<own bucket>/<prefix> on a store of that bucket', async () => {
      // Prepare
      const store = asBucket(workspace.store);
      const written = await write('s3://own-bucket/lines/delta/run-1', 4, store);

      // Act
      const delta = await readDelta(store, 's3://own-bucket/lines/delta/run-1/', {
        tempDir: workspace.tempDir,
      });
      await delta.close();

      // Assess
      expect(await workspace.storedKeys()).toEqual(['lines/delta/run-1/delta.tar.gz']);
      expect(delta.prefix).toBe('lines/delta/run-1/');
      expect(delta.manifest).toEqual(written);
    });

    it.each([
      ['an s3:// prefix on a store that is no bucket', 's3://own-bucket/run-1', false],
      ['an s3:// prefix of another bucket', 's3://other-bucket/run-1', true],
      ['an s3:// prefix without a key', 's3://own-bucket/', true],
      ['an s3:// prefix without a slash', 's3://own-bucket', true],
      ['an empty prefix', '', false],
      ['a prefix of slashes', '///', false],
    ])(
      'refuses %s with DeltaLocationError, reading and writing nothing',
      async (_label, prefix, bucket) => {
        // Prepare
        const store = bucket ? asBucket(workspace.store) : workspace.store;
        const get = vi.spyOn(workspace.store, 'get');

        // Act
        const readError = await catchError(
          readDelta(store, prefix, { tempDir: workspace.tempDir }),
        );
        const writeError = await catchError(write(prefix, 1, store));

        // Assess
        expect(readError).toBeInstanceOf(DeltaLocationError);
        expect(writeError).toBeInstanceOf(DeltaLocationError);
        expect((readError as DeltaLocationError).prefix).toBe(prefix);
        expect(get).not.toHaveBeenCalled();
        expect(await workspace.storedKeys()).toEqual([]);
        expect(await workspace.staged()).toEqual([]);
      },
    );
  });

  describe('options', () => {
    it.each([
      ['batchSize', 0],
      ['batchSize', -1],
      ['batchSize', 2.5],
      ['batchSize', Number.NaN],
      ['maxBytes', 0],
      ['maxBytes', Number.POSITIVE_INFINITY],
      ['maxBytes', 1.5],
    ])('refuses %s = %s with a RangeError before reading anything', async (name, value) => {
      // Prepare
      await write('run-1', 1);
      const get = vi.spyOn(workspace.store, 'get');

      // Act
      const error = await catchError(
        readDelta(workspace.store, 'run-1', { tempDir: workspace.tempDir, [name]: value }),
      );

      // Assess
      expect(error).toBeInstanceOf(RangeError);
      expect((error as Error).message).toContain(name);
      expect(get).not.toHaveBeenCalled();
      expect(await workspace.staged()).toEqual([]);
    });
  });
});
