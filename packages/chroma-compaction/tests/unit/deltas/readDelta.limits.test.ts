import { Readable } from 'node:stream';
import { createGzip } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { CompactionConfigurationError } from '../../../src/compaction/errors.js';
import { readDelta } from '../../../src/deltas/readDelta.js';
import { writeDelta } from '../../../src/deltas/writeDelta.js';
import {
  catchError,
  collectBatches,
  contentOf,
  deltaRecords,
  editManifest,
  expectIntegrityFailure,
  readObject,
  serveStream,
  unpackEntries,
  useDeltaWorkspace,
} from '../../helpers/deltaArchives.js';
import { type TarEntrySpec, tarGz, zeroBomb } from '../../helpers/tarballs.js';

const PREFIX = 'lines/delta/run-1/';
const ARCHIVE = `${PREFIX}delta.tar.gz`;
const GIB = 1024 ** 3;
/** What a reader that stops early may have made the bomb generate. */
const BOUND = 128 * 1024 * 1024;

/** A Python-era delta tarball: a Chroma persist directory packed with `arcname="."`. */
const pythonTarball = (sqliteBytes: number): Promise<Buffer> =>
  tarGz([
    { name: './', type: 'directory' },
    { name: './4f1c0d2e/', type: 'directory' },
    { name: './4f1c0d2e/header.bin', content: Buffer.alloc(100, 1) },
    { name: './chroma.sqlite3', content: Buffer.alloc(sqliteBytes, 2) },
  ]);

describe('Function: readDelta', () => {
  const workspace = useDeltaWorkspace();

  /** The manifest of a real 20-record delta, edited by `edit`. */
  const manifestBytes = async (edit: Parameters<typeof editManifest>[1] = () => undefined) => {
    await writeDelta(workspace.store, 'source/', {
      collection: 'lines',
      records: deltaRecords({ count: 20 }),
      tempDir: workspace.tempDir,
    });
    const entries = await unpackEntries(await readObject(workspace.store, 'source/delta.tar.gz'));
    return contentOf(editManifest(entries, edit), 'manifest.json');
  };

  const serveArchive = (body: Readable): void => serveStream(workspace.store, ARCHIVE, body);

  describe('limits', () => {
    it('fails a delta holding more data than maxBytes before staging it (too-large)', async () => {
      // Prepare
      const manifest = await writeDelta(workspace.store, PREFIX, {
        collection: 'lines',
        records: deltaRecords({ count: 20 }),
        tempDir: workspace.tempDir,
      });
      const size =
        manifest.entries['records.ndjson'].size + manifest.entries['embeddings.f32'].size;

      // Act & Assess
      await expectIntegrityFailure(workspace, PREFIX, 'too-large', { maxBytes: size - 1 });
      const delta = await readDelta(workspace.store, PREFIX, {
        maxBytes: size,
        tempDir: workspace.tempDir,
      });
      expect((await collectBatches(delta)).records).toHaveLength(20);
    });

    it('stops a gzip of zeros that is no tar at all (too-large)', async () => {
      // Prepare
      let generated = 0;
      const zeros = Buffer.alloc(1024 * 1024);
      serveArchive(
        Readable.from(
          (function* () {
            while (generated < GIB) {
              generated += zeros.length;
              yield zeros;
            }
          })(),
        ).pipe(createGzip({ level: 1 })),
      );

      // Act & Assess
      await expectIntegrityFailure(workspace, PREFIX, 'too-large');
      expect(generated).toBeLessThan(BOUND);
    });

    it('stops an entry whose header declares 1 GiB more than the manifest (entry-size)', async () => {
      // Prepare
      const bomb = zeroBomb(GIB, 'records.ndjson', [
        { name: 'manifest.json', content: await manifestBytes() },
      ]);
      serveArchive(bomb.stream);

      // Act
      const error = await expectIntegrityFailure(workspace, PREFIX, 'entry-size');

      // Assess
      expect(error.entry).toBe('records.ndjson');
      expect(bomb.generated()).toBeLessThan(BOUND);
    });

    it('stops a manifest declaring 1 GiB of data over maxBytes before inflating it (too-large)', async () => {
      // Prepare
      const manifest = await manifestBytes((wire) => {
        const info = wire.entries['records.ndjson'];
        if (info) info.size = GIB;
      });
      const bomb = zeroBomb(GIB, 'records.ndjson', [{ name: 'manifest.json', content: manifest }]);
      serveArchive(bomb.stream);

      // Act & Assess
      await expectIntegrityFailure(workspace, PREFIX, 'too-large', { maxBytes: 64 * 1024 ** 2 });
      expect(bomb.generated()).toBeLessThan(BOUND);
    });

    it('stops a foreign archive of 1 GiB at maxBytes (too-large)', async () => {
      // Prepare
      const bomb = zeroBomb(GIB, 'padding.bin');
      serveArchive(bomb.stream);

      // Act & Assess
      await expectIntegrityFailure(workspace, PREFIX, 'too-large', { maxBytes: 16 * 1024 ** 2 });
      expect(bomb.generated()).toBeLessThan(BOUND);
    });
  });

  describe('archives without a manifest', () => {
    it('fails an archive that is neither a delta nor a persist directory (manifest-missing)', async () => {
      // Prepare
      const entries: TarEntrySpec[] = [
        { name: 'README.md', content: 'hello' },
        { name: 'data/blob.bin', content: Buffer.alloc(2 * 1024 * 1024, 3) },
      ];
      await workspace.store.put(ARCHIVE, await tarGz(entries));

      // Act & Assess
      await expectIntegrityFailure(workspace, PREFIX, 'manifest-missing');
    }, 10_000);

    it.each([
      ['small', 3 * 1024],
      ['larger than the bomb guard allows for padding', 3 * 1024 * 1024],
    ])(
      'asks for pythonDeltas for a %s Python-era tarball, after the other entries',
      async (_label, bytes) => {
        // Prepare
        await workspace.store.put(ARCHIVE, await pythonTarball(bytes));

        // Act
        const error = await catchError(
          readDelta(workspace.store, PREFIX, { collection: 'lines', tempDir: workspace.tempDir }),
        );

        // Assess
        expect(error).toBeInstanceOf(CompactionConfigurationError);
        expect((error as Error).message).toContain('pythonDeltas');
        expect(await workspace.staged()).toEqual([]);
      },
      10_000,
    );

    it('asks for pythonDeltas without inflating a 1 GiB chroma.sqlite3', async () => {
      // Prepare
      const bomb = zeroBomb(GIB, './chroma.sqlite3');
      serveArchive(bomb.stream);

      // Act
      const error = await catchError(
        readDelta(workspace.store, PREFIX, { tempDir: workspace.tempDir }),
      );

      // Assess
      expect(error).toBeInstanceOf(CompactionConfigurationError);
      expect(bomb.generated()).toBeLessThan(BOUND);
      expect(await workspace.staged()).toEqual([]);
    });
  });
});
