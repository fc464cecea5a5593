import { randomBytes } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { beforeEach, describe, expect, it } from 'vitest';
import { writeDelta } from '../../../src/deltas/writeDelta.js';
import {
  contentOf,
  deltaRecords,
  editManifest,
  expectIntegrityFailure,
  flipByte,
  IMAGE_ID,
  RECEIPT_ID,
  readObject,
  recordId,
  replaceContent,
  tamperDelta,
  useDeltaWorkspace,
} from '../../helpers/deltaArchives.js';

const PREFIX = 'lines/delta/run-1/';
const ARCHIVE = `${PREFIX}delta.tar.gz`;

describe('Function: readDelta', () => {
  const workspace = useDeltaWorkspace();

  beforeEach(async () => {
    await writeDelta(workspace.store, PREFIX, {
      collection: 'lines',
      records: deltaRecords({ count: 20, dimension: 4 }),
      runId: 'run-1',
      imageId: IMAGE_ID,
      receiptId: RECEIPT_ID,
      tempDir: workspace.tempDir,
    });
  });

  describe('corrupt archives', () => {
    it.each([
      ['without its last 20 bytes', (bytes: Buffer) => bytes.subarray(0, bytes.length - 20)],
      ['cut in half', (bytes: Buffer) => bytes.subarray(0, Math.floor(bytes.length / 2))],
      ['without its gzip trailer', (bytes: Buffer) => bytes.subarray(0, bytes.length - 8)],
      ['as text, not gzip', (bytes: Buffer) => Buffer.from(bytes.toString('base64'))],
      ['empty', () => Buffer.alloc(0)],
      ['holding random bytes, not a tar', () => gzipSync(randomBytes(4096))],
      ['holding a tar cut short', (bytes: Buffer) => gzipSync(gunzipSync(bytes).subarray(0, 1000))],
    ])('fails an archive %s (archive)', async (_label, damage) => {
      // Prepare
      const stored = await readObject(workspace.store, ARCHIVE);
      await workspace.store.put(ARCHIVE, damage(stored));

      // Act & Assess
      await expectIntegrityFailure(workspace, PREFIX, 'archive');
    });

    it.each([
      ['embeddings.f32', 17],
      ['records.ndjson', 30],
      ['records.ndjson', -2],
    ])('fails a flipped byte in %s at %i (entry-sha256)', async (name, offset) => {
      // Prepare
      await tamperDelta(workspace.store, PREFIX, (entries) => flipByte(entries, name, offset));

      // Act
      const error = await expectIntegrityFailure(workspace, PREFIX, 'entry-sha256');

      // Assess
      expect(error.entry).toBe(name);
      expect(error.prefix).toBe(PREFIX);
    });

    it('fails a manifest whose size of an entry lies (entry-size)', async () => {
      // Prepare
      await tamperDelta(workspace.store, PREFIX, (entries) =>
        editManifest(entries, (manifest) => {
          const info = manifest.entries['records.ndjson'];
          if (info) info.size -= 1;
        }),
      );

      // Act
      const error = await expectIntegrityFailure(workspace, PREFIX, 'entry-size');

      // Assess
      expect(error.entry).toBe('records.ndjson');
    });

    it.each([
      ['count + 1', 21],
      ['count - 1', 19],
      ['count 0', 0],
    ])('fails a manifest whose count lies (%s) (count)', async (_label, count) => {
      // Prepare
      await tamperDelta(workspace.store, PREFIX, (entries) =>
        editManifest(entries, (manifest) => {
          manifest.count = count;
          if (count === 0) manifest.dimension = 0;
        }),
      );

      // Act & Assess
      await expectIntegrityFailure(workspace, PREFIX, 'count');
    });

    it('fails a record line appended with a consistent size and SHA-256 (count)', async () => {
      // Prepare
      const extra = `${JSON.stringify({ id: recordId('lines', 98), document: null, metadata: null })}\n`;
      await tamperDelta(
        workspace.store,
        PREFIX,
        (entries) =>
          replaceContent(
            entries,
            'records.ndjson',
            Buffer.concat([contentOf(entries, 'records.ndjson'), Buffer.from(extra)]),
          ),
        { rehash: true },
      );

      // Act & Assess
      await expectIntegrityFailure(workspace, PREFIX, 'count');
    });

    it.each([
      ['one more vector', 4 * 4],
      ['three stray bytes', 3],
    ])(
      'fails %s in embeddings.f32 with a consistent size and SHA-256 (dimension)',
      async (_label, bytes) => {
        // Prepare
        await tamperDelta(
          workspace.store,
          PREFIX,
          (entries) =>
            replaceContent(
              entries,
              'embeddings.f32',
              Buffer.concat([contentOf(entries, 'embeddings.f32'), Buffer.alloc(bytes)]),
            ),
          { rehash: true },
        );

        // Act
        const error = await expectIntegrityFailure(workspace, PREFIX, 'dimension');

        // Assess
        expect(error.entry).toBe('embeddings.f32');
      },
    );

    it('fails a manifest whose dimension lies (dimension)', async () => {
      // Prepare
      await tamperDelta(workspace.store, PREFIX, (entries) =>
        editManifest(entries, (manifest) => {
          manifest.dimension = 5;
        }),
      );

      // Act & Assess
      await expectIntegrityFailure(workspace, PREFIX, 'dimension');
    });
  });
});
