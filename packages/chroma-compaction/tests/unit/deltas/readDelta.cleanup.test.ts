import { beforeEach, describe, expect, it } from 'vitest';
import { readDelta } from '../../../src/deltas/readDelta.js';
import type { DeltaRead } from '../../../src/deltas/types.js';
import { writeDelta } from '../../../src/deltas/writeDelta.js';
import {
  catchError,
  collectBatches,
  deltaRecords,
  expectFilesClosed,
  useDeltaWorkspace,
} from '../../helpers/deltaArchives.js';

const PREFIX = 'lines/delta/run-1/';

describe('Function: readDelta', () => {
  const workspace = useDeltaWorkspace();
  let delta: DeltaRead;

  beforeEach(async () => {
    await writeDelta(workspace.store, PREFIX, {
      collection: 'lines',
      // Large enough that records.ndjson is still being read when the loop stops.
      records: deltaRecords({ count: 3_000, dimension: 3 }),
      tempDir: workspace.tempDir,
    });
    delta = await readDelta(workspace.store, PREFIX, { batchSize: 10, tempDir: workspace.tempDir });
  });

  describe('staged files', () => {
    it('stages the delta until it is read', async () => {
      // Assess
      const staged = await workspace.staged();
      expect(staged).toHaveLength(1);
      expect(staged[0]).toMatch(/^chroma-delta-/);
      await delta.close();
    });

    it('removes them once every batch was read', async () => {
      // Act
      const { records } = await collectBatches(delta);

      // Assess
      expect(records).toHaveLength(3_000);
      expect(await workspace.staged()).toEqual([]);
    });

    it('removes them when the loop stops after the first batch', async () => {
      // Prepare
      const seen: number[] = [];

      // Act
      for await (const batch of delta.batches) {
        seen.push(batch.ids.length);
        break;
      }

      // Assess
      expect(seen).toEqual([10]);
      expect(await workspace.staged()).toEqual([]);
      await expectFilesClosed(workspace.tempDir);
    });

    it('removes them when the consumer throws inside the loop', async () => {
      // Prepare
      const failure = new Error('upsert failed');

      // Act
      const error = await catchError(
        (async () => {
          for await (const _batch of delta.batches) throw failure;
        })(),
      );

      // Assess
      expect(error).toBe(failure);
      expect(await workspace.staged()).toEqual([]);
      await expectFilesClosed(workspace.tempDir);
    });

    it('removes them on close() without iterating, and close() may be called again', async () => {
      // Act
      await delta.close();
      await delta.close();

      // Assess
      expect(await workspace.staged()).toEqual([]);
    });
  });

  describe('iterating once', () => {
    it('throws when the batches are iterated a second time', async () => {
      // Prepare
      await collectBatches(delta);

      // Act
      const error = await catchError(collectBatches(delta));

      // Assess
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).message).toContain('already read or closed');
    });

    it('throws when a second iteration starts while the first is under way', async () => {
      // Prepare
      const first = delta.batches[Symbol.asyncIterator]();
      const second = delta.batches[Symbol.asyncIterator]();
      await first.next();

      // Act
      const error = await catchError(second.next());

      // Assess
      expect((error as Error).message).toContain('already read or closed');
      const { records } = await collectBatches({
        ...delta,
        batches: { [Symbol.asyncIterator]: () => first },
      });
      expect(records).toHaveLength(2_990);
      expect(await workspace.staged()).toEqual([]);
    });

    it('throws when the batches are iterated after close()', async () => {
      // Prepare
      await delta.close();

      // Act
      const error = await catchError(collectBatches(delta));

      // Assess
      expect((error as Error).message).toContain('already read or closed');
      expect(await workspace.staged()).toEqual([]);
    });

    it('throws when iterated again after stopping early', async () => {
      // Prepare
      for await (const _batch of delta.batches) break;

      // Act
      const error = await catchError(collectBatches(delta));

      // Assess
      expect((error as Error).message).toContain('already read or closed');
    });
  });
});
