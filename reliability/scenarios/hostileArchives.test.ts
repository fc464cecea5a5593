import { mkdir, mkdtemp, readdir, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import {
  ArchiveError,
  DeltaIntegrityError,
  downloadSnapshot,
  parseSnapshotManifest,
  publishSnapshot,
  readDelta,
  SNAPSHOT_HASH,
  SNAPSHOT_MANIFEST,
  SNAPSHOT_TARBALL,
  SnapshotCache,
  SnapshotIntegrityError,
  type SnapshotManifest,
  serializeSnapshotManifest,
  snapshotKeys,
  unpackSnapshot,
  writeDelta,
} from '@receipt-chroma/chroma-compaction';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { recordFigures } from '../lib/figures.js';
import {
  lineRecords,
  md5Hex,
  objectBytes,
  RECEIPT,
  sha256Hex,
  writePersistTree,
} from '../lib/fixtures.js';
import {
  DELTA_KINDS,
  type DeltaParts,
  DOWNLOAD_KINDS,
  PRELUDE,
  SNAPSHOT_KINDS,
} from '../lib/hostileKinds.js';
import { createHostileSite, DEST, type HostileSite } from '../lib/hostileSite.js';
import { measurePeakRss } from '../lib/memory.js';
import { craftTarGz, type ReadEntry, readTarGzEntries } from '../lib/tarballs.js';

/** One outcome per archive kind, for the figures. */
interface KindOutcome {
  readonly kind: string;
  readonly refused: boolean;
  readonly outside: number;
  readonly links: number;
}

const outcomes: KindOutcome[] = [];
const bombGrowthBytes: number[] = [];

/** A generous bound on resident memory growth while a bomb is refused. */
const BOMB_RSS_BOUND = 256 * 1024 * 1024;

const PREFIX = 'lines/delta/run-1/';
const DELTA_KEY = `${PREFIX}delta.tar.gz`;
const keys = snapshotKeys('lines');

const exists = (path: string): Promise<boolean> =>
  stat(path).then(
    () => true,
    () => false,
  );

describe('Scenario: hostile archives', () => {
  let site: HostileSite;
  let persistDir = '';
  let deltaParts: DeltaParts;

  beforeAll(async () => {
    persistDir = await mkdtemp(join(tmpdir(), 'reliability-hostile-persist-'));
    await writePersistTree(persistDir, 0x5eed);
    const origin = await createHostileSite();
    try {
      await writeDelta(origin.store, PREFIX, {
        collection: 'lines',
        records: lineRecords(12, 8),
        runId: 'run-1',
        ...RECEIPT,
        tempDir: origin.scratch,
      });
      const entries = await readTarGzEntries(await objectBytes(origin.store, DELTA_KEY));
      const named = (name: string): ReadEntry => {
        const entry = entries.find((candidate) => candidate.name === name);
        if (entry === undefined) throw new Error(`writeDelta wrote no ${name}`);
        return entry;
      };
      deltaParts = {
        manifest: named('manifest.json'),
        records: named('records.ndjson'),
        embeddings: named('embeddings.f32'),
      };
    } finally {
      await origin.remove();
    }
  });

  beforeEach(async () => {
    site = await createHostileSite();
  });

  afterEach(async () => {
    await site.remove();
  });

  afterAll(async () => {
    await rm(persistDir, { recursive: true, force: true });
    recordFigures('hostile archives', [
      { figure: 'archive kinds tried', value: outcomes.length },
      {
        figure: 'refused with the documented error',
        value: outcomes.filter((o) => o.refused).length,
      },
      {
        figure: 'files written or changed outside the destination',
        value: outcomes.reduce((sum, o) => sum + o.outside, 0),
      },
      { figure: 'links created', value: outcomes.reduce((sum, o) => sum + o.links, 0) },
      {
        figure: 'peak RSS growth refusing a 1 GiB gzip bomb (MB)',
        value: Math.round(Math.max(0, ...bombGrowthBytes) / 1024 / 102.4) / 10,
      },
    ]);
  });

  it('sees a file written, and a link made, outside the destination (control)', async () => {
    // Prepare
    await site.witness();

    // Act: what an escaping archive would do
    await writeFile(join(site.site, 'outer', 'escaped.txt'), 'escaped');
    await writeFile(join(site.site, 'sentinel.txt'), 'overwritten');
    await mkdir(site.dest);
    await symlink(site.site, join(site.dest, 'out'));
    const damage = await site.damage();

    // Assess
    expect(damage.outside).toEqual([
      expect.stringMatching(/^outer\/escaped\.txt: absent -> file 7 bytes/),
      expect.stringMatching(/^sentinel\.txt: file 39 bytes.* -> file 11 bytes/),
    ]);
    expect(damage.links).toEqual([`${DEST}/out`]);
  });

  it('reads a well-formed delta and snapshot through the same paths (control)', async () => {
    // Prepare
    const delta = await craftTarGz([
      deltaParts.manifest,
      deltaParts.records,
      deltaParts.embeddings,
    ]);
    await site.store.put(DELTA_KEY, delta);
    const tarball = join(site.scratch, 'good.tar.gz');
    await writeFile(tarball, await craftTarGz(PRELUDE));

    // Act
    const read = await readDelta(site.store, PREFIX, {
      collection: 'lines',
      tempDir: site.staging,
    });
    await read.close();
    const unpacked = await unpackSnapshot(tarball, site.dest);

    // Assess
    expect(read.manifest.count).toBe(12);
    expect(unpacked).toEqual({ entries: 3, bytes: 16 + 2048 });
    expect(await readdir(site.dest)).toEqual(['chroma.sqlite3', 'seg']);
  });

  it.each(SNAPSHOT_KINDS)('refuses a snapshot tarball: $kind', async (hostile) => {
    // Prepare: the tarball as a file, as downloadSnapshot hands it over
    const tarball = join(site.scratch, 'hostile.tar.gz');
    await writeFile(tarball, await hostile.archive(site));
    await site.witness();

    // Act: once into a missing destination, once into an existing empty one
    const intoMissing = await measurePeakRss(() =>
      unpackSnapshot(tarball, site.dest, hostile.limits),
    );
    const missingLeft = await exists(site.dest);
    await mkdir(site.dest);
    const intoEmpty = await measurePeakRss(() =>
      unpackSnapshot(tarball, site.dest, hostile.limits),
    );
    const emptyLeft = await readdir(site.dest);
    const damage = await site.damage();

    // Assess
    const errors = [intoMissing.outcome, intoEmpty.outcome].map((outcome) =>
      outcome.ok ? outcome.value : outcome.error,
    );
    const refused = errors.every(
      (error) => error instanceof ArchiveError && error.reason === hostile.reason,
    );
    outcomes.push({
      kind: `snapshot: ${hostile.kind}`,
      refused,
      outside: damage.outside.length,
      links: damage.links.length,
    });
    for (const error of errors) {
      expect(error).toBeInstanceOf(ArchiveError);
      expect((error as ArchiveError).reason).toBe(hostile.reason);
    }
    expect(missingLeft).toBe(false);
    expect(emptyLeft).toEqual([]);
    expect(damage).toEqual({ outside: [], links: [] });
    if (hostile.bomb) {
      const growth = Math.max(intoMissing.growthBytes, intoEmpty.growthBytes);
      bombGrowthBytes.push(growth);
      expect(growth).toBeLessThan(BOMB_RSS_BOUND);
    }
  });

  it.each(DELTA_KINDS)('refuses a delta: $kind', async (hostile) => {
    // Prepare
    await site.store.put(DELTA_KEY, await hostile.archive(deltaParts, site));
    await site.witness();

    // Act
    const read = await measurePeakRss(() =>
      readDelta(site.store, PREFIX, {
        collection: 'lines',
        tempDir: site.staging,
        ...hostile.options,
      }),
    );
    if (read.outcome.ok) await read.outcome.value.close();
    const staged = await site.staged();
    const damage = await site.damage();

    // Assess
    const error = read.outcome.ok ? read.outcome.value : read.outcome.error;
    outcomes.push({
      kind: `delta: ${hostile.kind}`,
      refused: error instanceof DeltaIntegrityError && error.check === hostile.check,
      outside: damage.outside.length,
      links: damage.links.length,
    });
    expect(error).toBeInstanceOf(DeltaIntegrityError);
    expect((error as DeltaIntegrityError).check).toBe(hostile.check);
    expect((error as DeltaIntegrityError).prefix).toBe(PREFIX);
    expect(staged).toEqual([]);
    expect(damage).toEqual({ outside: [], links: [] });
    if (hostile.bomb) {
      bombGrowthBytes.push(read.growthBytes);
      expect(read.growthBytes).toBeLessThan(BOMB_RSS_BOUND);
    }
  });

  it.each(DOWNLOAD_KINDS)('refuses a stored snapshot version: $kind', async (hostile) => {
    // Prepare: a real published version, then its objects rewritten
    const { store } = site;
    const published = await publishSnapshot({
      store,
      collection: 'lines',
      dir: persistDir,
      pack: { workers: 2, memberBytes: 64 * 1024 },
    });
    const parsed = parseSnapshotManifest(
      String(await objectBytes(store, keys.object(published.version, SNAPSHOT_MANIFEST))),
    );
    if (!('manifest' in parsed)) throw new Error(parsed.problem);
    const putManifest = async (manifest: SnapshotManifest): Promise<void> => {
      await store.put(
        keys.object(published.version, SNAPSHOT_MANIFEST),
        serializeSnapshotManifest(manifest),
      );
    };
    await hostile.tamper({
      store,
      version: published.version,
      manifest: parsed.manifest,
      site,
      putManifest,
      replaceTarball: async (tarball) => {
        const tarSize = gunzipSync(tarball).length;
        await store.put(keys.object(published.version, SNAPSHOT_TARBALL), tarball);
        await store.put(keys.object(published.version, SNAPSHOT_HASH), `md5:${md5Hex(tarball)}`);
        await putManifest({
          ...parsed.manifest,
          tarball: { size: tarball.length, sha256: sha256Hex(tarball), md5: md5Hex(tarball) },
          members: [{ offset: 0, size: tarball.length, tarOffset: 0, tarSize }],
        });
      },
    });
    await site.witness();
    const cache = new SnapshotCache({
      root: site.dest,
      collection: 'lines',
      store,
      tempDir: site.staging,
    });

    // Act
    const error = await (hostile.viaCache
      ? cache.ensure(published.version)
      : downloadSnapshot({ store, collection: 'lines', dest: site.dest, tempDir: site.staging })
    ).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    const damage = await site.damage();
    const staged = await site.staged();
    const left = hostile.viaCache
      ? (await readdir(cache.dir)).filter((name) => name !== '.locks')
      : await exists(site.dest);

    // Assess
    outcomes.push({
      kind: `stored version: ${hostile.kind}`,
      refused: error instanceof SnapshotIntegrityError && error.check === hostile.check,
      outside: damage.outside.length,
      links: damage.links.length,
    });
    expect(error).toBeInstanceOf(SnapshotIntegrityError);
    expect((error as SnapshotIntegrityError).check).toBe(hostile.check);
    expect((error as SnapshotIntegrityError).version).toBe(published.version);
    expect(left).toEqual(hostile.viaCache ? [] : false);
    expect(staged).toEqual([]);
    expect(damage).toEqual({ outside: [], links: [] });
  });
});
