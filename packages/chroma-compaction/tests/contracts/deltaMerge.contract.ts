import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { processCollectionUpdates } from '../../src/compaction/processCollectionUpdates.js';
import { toBatchItemFailures } from '../../src/compaction/toBatchItemFailures.js';
import { createDeltaMerger } from '../../src/deltas/deltaMerger.js';
import type { DeltaRecord } from '../../src/deltas/types.js';
import { writeDelta } from '../../src/deltas/writeDelta.js';
import { lineChromaId } from '../../src/ids/chromaIds.js';
import type { ObjectStore } from '../../src/ports/objectStore.js';
import { type CompactionFixture, metadataOf } from '../helpers/compactionFixture.js';
import { snapshot, statuses } from '../helpers/compactionWorld.js';
import {
  deltaInput,
  makeLine,
  makeReceipt,
  makeSection,
  sectionInput,
} from '../helpers/factories.js';

/** A compaction fixture plus the object store its deltas live in. */
export interface DeltaMergeFixture extends CompactionFixture {
  readonly store: ObjectStore;
}

const NOW = '2026-01-04T13:00:00.000000+00:00';
const now = (): string => NOW;
const DIMENSION = 8;

/** The line records a producer embeds for one receipt (row metadata as Python writes it). */
const lineRecords = (
  imageId: string,
  receiptId: number,
  lineIds: readonly number[],
): DeltaRecord[] =>
  lineIds.map((lineId) => ({
    id: lineChromaId({ imageId, receiptId, lineId }),
    embedding: Array.from({ length: DIMENSION }, (_, k) => (lineId * DIMENSION + k) / 64),
    document: `line ${lineId}`,
    metadata: {
      image_id: imageId,
      receipt_id: receiptId,
      line_id: lineId,
      text: `line ${lineId}`,
      row_line_ids: `[${lineId}]`,
    },
  }));

/**
 * `createDeltaMerger` inside `processCollectionUpdates` (spec §3, §11.3) against any object
 * store, `VectorCollection` and `ReceiptStore`: from the unit tests with a
 * `FileSystemObjectStore` and the in-memory doubles, from the integration tests with S3 on
 * moto, a real Chroma server and DynamoDB on moto.
 */
export function describeDeltaMergeContract(
  label: string,
  makeFixture: () => Promise<DeltaMergeFixture>,
): void {
  /** A receipt of three lines in two sections, and its run's delta in the store. */
  const receiptWithDelta = async () => {
    const fixture = await makeFixture();
    const imageId = randomUUID();
    const runId = randomUUID();
    const deltaPrefix = `lines/delta/${runId}/`;
    await fixture.putReceipts(makeReceipt(imageId, 2));
    await fixture.putLines(
      makeLine(imageId, 2, 1),
      makeLine(imageId, 2, 2),
      makeLine(imageId, 2, 5),
    );
    await fixture.putSections(
      makeSection(imageId, 2, 'HEADER', [1, 2]),
      makeSection(imageId, 2, 'FOOTER', [5]),
    );
    const records = lineRecords(imageId, 2, [1, 2, 5]);
    await writeDelta(fixture.store, deltaPrefix, {
      collection: 'lines',
      records,
      runId,
      imageId,
      receiptId: 2,
    });
    const batch = [deltaInput('run', imageId, 2, runId, deltaPrefix)];
    return { fixture, imageId, runId, deltaPrefix, records, batch };
  };

  describe(`createDeltaMerger in processCollectionUpdates (${label})`, () => {
    it('merges a run of lines and recomputes the merged receipt’s sections', async () => {
      // Prepare
      const { fixture, records, batch } = await receiptWithDelta();

      // Act
      const result = await processCollectionUpdates(batch, 'lines', {
        vectors: fixture.lines,
        receipts: fixture.receipts,
        now,
        mergeDeltas: createDeltaMerger({ store: fixture.store }),
      });

      // Assess
      expect(statuses(result)).toEqual({ run: 'applied' });
      expect(result.deltaMergeCount).toBe(3);
      const ids = records.map(({ id }) => id);
      const stored = await fixture.lines.get({ ids, include: ['documents', 'embeddings'] });
      expect([...stored.ids].sort()).toEqual([...ids].sort());
      const embedding = stored.embeddings?.[stored.ids.indexOf(ids[2] as string)];
      expect(embedding?.map((value) => Math.fround(value))).toEqual(
        Array.from(records[2]?.embedding ?? [], (value) => Math.fround(value)),
      );
      expect(await metadataOf(fixture.lines, ids)).toMatchObject([
        { section_label: 'HEADER', text: 'line 1' },
        { section_label: 'HEADER', text: 'line 2' },
        { section_label: 'FOOTER', text: 'line 5' },
      ]);
    });

    it('leaves an identical collection when the same batch is processed twice more', async () => {
      // Prepare
      const { fixture, batch } = await receiptWithDelta();
      const options = {
        vectors: fixture.lines,
        receipts: fixture.receipts,
        now,
        mergeDeltas: createDeltaMerger({ store: fixture.store }),
      };
      await processCollectionUpdates(batch, 'lines', options);
      const first = await snapshot(fixture.lines);

      // Act
      const second = await processCollectionUpdates(batch, 'lines', options);
      const third = await processCollectionUpdates(batch, 'lines', options);

      // Assess
      expect(statuses(second)).toEqual({ run: 'applied' });
      expect(statuses(third)).toEqual({ run: 'applied' });
      expect(await snapshot(fixture.lines)).toEqual(first);
    });

    it('fails only the run whose delta is missing, and retries it', async () => {
      // Prepare
      const { fixture, imageId, batch } = await receiptWithDelta();
      const missing = deltaInput('lost', imageId, 2, 'lost-run', 'lines/delta/lost-run/');
      const section = sectionInput('section', imageId, 2, 'HEADER');

      // Act
      const result = await processCollectionUpdates([section, missing, ...batch], 'lines', {
        vectors: fixture.lines,
        receipts: fixture.receipts,
        now,
        mergeDeltas: createDeltaMerger({ store: fixture.store }),
      });

      // Assess
      expect(statuses(result)).toMatchObject({ lost: 'failed' });
      expect(result.failedDeltaMerges.map(({ reason }) => reason)).toEqual([
        'delta not found: lines/delta/lost-run/',
      ]);
      expect(
        toBatchItemFailures(result, {
          records: [section, missing, ...batch].map(({ recordId }) => ({ messageId: recordId })),
        }).batchItemFailures.map(({ itemIdentifier }) => itemIdentifier),
      ).toContain('lost');
    });

    it('writes nothing from a delta whose dimension differs from the collection’s', async () => {
      // Prepare
      const { fixture, imageId, records } = await receiptWithDelta();
      const seeded = lineChromaId({ imageId, receiptId: 9, lineId: 1 });
      await fixture.lines.upsert({ ids: [seeded], embeddings: [[0.5, 0.25, 0.125]] });
      const runId = randomUUID();
      await writeDelta(fixture.store, `lines/delta/${runId}/`, {
        collection: 'lines',
        records,
        runId,
      });

      // Act
      const result = await processCollectionUpdates(
        [deltaInput('run', imageId, 2, runId, `lines/delta/${runId}/`)],
        'lines',
        {
          vectors: fixture.lines,
          receipts: fixture.receipts,
          now,
          mergeDeltas: createDeltaMerger({ store: fixture.store }),
        },
      );

      // Assess
      expect(statuses(result)).toEqual({ run: 'failed' });
      expect(result.failedDeltaMerges[0]?.reason).toBe(
        `delta dimension ${DIMENSION} differs from the collection's 3`,
      );
      const stored = await fixture.lines.get({ ids: records.map(({ id }) => id) });
      expect(stored.ids).toEqual([]);
    });
  });
}
