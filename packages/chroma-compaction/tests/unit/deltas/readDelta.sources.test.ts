import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readDelta } from '../../../src/deltas/readDelta.js';
import { writeDelta } from '../../../src/deltas/writeDelta.js';
import {
  asRead,
  catchError,
  collectBatches,
  contentOf,
  deltaRecords,
  expectIntegrityFailure,
  readObject,
  replaceContent,
  serveStream,
  tamperDelta,
  useDeltaWorkspace,
} from '../../helpers/deltaArchives.js';

const PREFIX = 'lines/delta/run-1/';
const ARCHIVE = `${PREFIX}delta.tar.gz`;

describe('Function: readDelta', () => {
  const workspace = useDeltaWorkspace();
  const serveArchive = (body: Readable): void => serveStream(workspace.store, ARCHIVE, body);

  describe('sources', () => {
    it.each([
      ['reads a delta', undefined, undefined],
      ['finds a NaN split across chunks', 1001, 'record'],
    ] as const)('%s arriving in 7-byte chunks', async (_label, nanAt, check) => {
      // Prepare: gunzip then hands out pieces of any length, so floats straddle chunks.
      const records = deltaRecords({ count: 300, dimension: 5 });
      await writeDelta(workspace.store, PREFIX, {
        collection: 'lines',
        records,
        tempDir: workspace.tempDir,
      });
      if (nanAt !== undefined) {
        await tamperDelta(
          workspace.store,
          PREFIX,
          (entries) => {
            const bytes = Buffer.from(contentOf(entries, 'embeddings.f32'));
            bytes.writeFloatLE(Number.NaN, nanAt * 4);
            return replaceContent(entries, 'embeddings.f32', bytes);
          },
          { rehash: true },
        );
      }
      const archive = await readObject(workspace.store, ARCHIVE);
      serveArchive(
        Readable.from(
          (function* () {
            for (let at = 0; at < archive.length; at += 7) yield archive.subarray(at, at + 7);
          })(),
        ),
      );

      // Act & Assess
      if (check === undefined) {
        const delta = await readDelta(workspace.store, PREFIX, { tempDir: workspace.tempDir });
        expect((await collectBatches(delta)).records).toEqual(records.map(asRead));
      } else {
        const error = await expectIntegrityFailure(workspace, PREFIX, check);
        expect(error.message).toContain(`value ${nanAt} (record ${Math.floor(nanAt / 5)})`);
      }
    });

    it('rethrows the error of the archive stream as it is and removes what it staged', async () => {
      // Prepare
      await writeDelta(workspace.store, PREFIX, {
        collection: 'lines',
        records: deltaRecords({ count: 2_000, dimension: 16 }),
        tempDir: workspace.tempDir,
      });
      const archive = await readObject(workspace.store, ARCHIVE);
      const lost = new Error('connection reset');
      serveArchive(
        Readable.from(
          (async function* () {
            yield archive.subarray(0, archive.length - 1000);
            throw lost;
          })(),
        ),
      );

      // Act
      const error = await catchError(
        readDelta(workspace.store, PREFIX, { tempDir: workspace.tempDir }),
      );

      // Assess
      expect(error).toBe(lost);
      expect(await workspace.staged()).toEqual([]);
    });
  });
});
