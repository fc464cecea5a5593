import type { Readable } from 'node:stream';
import { describe, expect, it, vi } from 'vitest';
import { writeDelta } from '../../../src/deltas/writeDelta.js';
import { ObjectStoreError } from '../../../src/errors.js';
import {
  catchError,
  deltaRecords,
  expectFilesClosed,
  useDeltaWorkspace,
} from '../../helpers/deltaArchives.js';

const PREFIX = 'lines/delta/run-1/';

describe('Function: writeDelta', () => {
  const workspace = useDeltaWorkspace();

  describe('failed uploads', () => {
    it('propagates a failing upload and removes what it staged', async () => {
      // Prepare: a file store cannot hold both the key "run-1" and keys below it.
      await workspace.store.put('run-1', 'in the way');

      // Act
      const error = await catchError(
        writeDelta(workspace.store, 'run-1/', {
          collection: 'lines',
          records: deltaRecords({ count: 3 }),
          tempDir: workspace.tempDir,
        }),
      );

      // Assess
      expect(error).toBeInstanceOf(ObjectStoreError);
      expect(await workspace.storedKeys()).toEqual(['run-1']);
      expect(await workspace.staged()).toEqual([]);
    });

    it('stops packing when the upload fails mid-stream, closing every staged file', async () => {
      // Prepare: a store that reads one chunk of the body, then fails as S3 might.
      const failure = new Error('upload aborted');
      const put = vi.spyOn(workspace.store, 'put').mockImplementationOnce(async (_key, body) => {
        const stream = body as Readable;
        for await (const _chunk of stream) break;
        throw failure;
      });

      // Act
      const error = await catchError(
        writeDelta(workspace.store, PREFIX, {
          collection: 'lines',
          records: deltaRecords({ count: 4_000, dimension: 256 }),
          tempDir: workspace.tempDir,
        }),
      );

      // Assess
      expect(error).toBe(failure);
      expect(put).toHaveBeenCalledOnce();
      expect(await workspace.staged()).toEqual([]);
      await expectFilesClosed(workspace.tempDir);
    });
  });
});
