import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromaVectorCollection } from '../../../src/adapters/chroma/chromaVectorCollection.js';
import { localChromaDeltaSource } from '../../../src/adapters/chroma/localChromaDeltaSource.js';
import { S3ObjectStore } from '../../../src/adapters/s3/S3ObjectStore.js';
import type { DeltaMergeRequest } from '../../../src/compaction/types.js';
import { createDeltaMerger } from '../../../src/deltas/deltaMerger.js';
import { lineChromaId } from '../../../src/ids/chromaIds.js';
import type { VectorCollection } from '../../../src/ports/vectorCollection.js';
import { snapshot } from '../../helpers/compactionWorld.js';
import { chromaCommand, sharedChromaClient } from '../helpers/localChroma.js';
import { createBucket, deleteBucket, motoS3Client } from '../helpers/motoS3.js';
import {
  type PythonEraRecord,
  putPythonDirectory,
  putPythonTarball,
  writePersistDirectory,
} from '../helpers/pythonEraDeltas.js';

/**
 * `createDeltaMerger` on Python-era deltas (spec §11.1, §11.3): a persist directory written by
 * a real Chroma server, stored on moto's S3 as `delta.tar.gz` and as one object per file,
 * merged into a collection of the shared Chroma server.
 */

const IMAGE_ID = '9d1d4a52-6c1c-4f57-8c67-2a0d0f3b51aa';
const RECORDS: PythonEraRecord[] = Array.from({ length: 30 }, (_, index) => ({
  id: lineChromaId({ imageId: IMAGE_ID, receiptId: 4, lineId: index + 1 }),
  embedding: [0.1 * index, -0.25, 1 / (index + 3), 0.5],
  document: `LINE ${index + 1}`,
  metadata: { text: `LINE ${index + 1}`, line_id: index + 1, receipt_id: 4 },
}));

let workRoot: string;
let s3: S3Client;
let bucket: string;
let store: S3ObjectStore;
const prefixes: Record<'python-tarball' | 'python-directory', string> = {
  'python-tarball': 'lines/delta/python-run/',
  'python-directory': '',
};
const chroma = sharedChromaClient();

beforeAll(async () => {
  workRoot = await mkdtemp(join(tmpdir(), 'python-era-merge-'));
  const persist = join(workRoot, 'persist');
  await writePersistDirectory(persist, { collection: 'lines', records: RECORDS });
  s3 = motoS3Client().client;
  bucket = await createBucket(s3, 'python-era-merge');
  store = new S3ObjectStore({ client: s3, bucket });
  await putPythonTarball(store, prefixes['python-tarball'], persist);
  prefixes['python-directory'] = await putPythonDirectory(
    store,
    'lines/delta/python-dir/',
    persist,
  );
});

afterAll(async () => {
  await deleteBucket(s3, bucket);
  s3.destroy();
  await rm(workRoot, { recursive: true, force: true });
});

const request = (deltaPrefix: string): DeltaMergeRequest => ({
  recordId: `msg-${deltaPrefix}`,
  runId: 'python-run',
  imageId: IMAGE_ID,
  receiptId: 4,
  deltaPrefix,
  message: {} as DeltaMergeRequest['message'],
});

const freshLines = async (): Promise<VectorCollection> =>
  chromaVectorCollection(
    await chroma.createCollection({ name: `lines-${randomUUID()}`, embeddingFunction: null }),
  );

describe('Function: createDeltaMerger, Python-era deltas', () => {
  it.each(['python-tarball', 'python-directory'] as const)(
    'merges every record of a %s delta, and merging it again changes nothing',
    async (layout) => {
      // Prepare
      const vectors = await freshLines();
      const merge = createDeltaMerger({
        store,
        maxBatchSize: 7,
        pythonDeltas: localChromaDeltaSource({ command: chromaCommand() }),
      });
      const context = { collection: 'lines', vectors };

      // Act
      const [first] = await merge([request(prefixes[layout])], context);
      const afterFirst = await snapshot(vectors);
      const [second] = await merge([request(prefixes[layout])], context);

      // Assess
      expect(first).toMatchObject({ status: 'applied', mergedCount: RECORDS.length });
      expect(second).toMatchObject({ status: 'applied', mergedCount: RECORDS.length });
      const byId = new Map(afterFirst.ids.map((id, index) => [id, index]));
      expect([...byId.keys()].sort()).toEqual(RECORDS.map(({ id }) => id).sort());
      for (const record of RECORDS) {
        const index = byId.get(record.id) as number;
        expect(afterFirst.documents?.[index]).toBe(record.document);
        expect(afterFirst.metadatas?.[index]).toEqual(record.metadata);
        // Chroma stores float32 and prints the shortest decimal that reads back as it.
        expect(afterFirst.embeddings?.[index]?.map(Math.fround)).toEqual(
          Array.from(Float32Array.from(record.embedding)),
        );
      }
      expect(await snapshot(vectors)).toEqual(afterFirst);
    },
  );
});
