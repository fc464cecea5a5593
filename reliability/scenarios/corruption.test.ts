import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import {
  DeltaIntegrityError,
  type DeltaRecord,
  type DeltaRecordBatch,
  FileSystemObjectStore,
  type PublishedSnapshot,
  publishSnapshot,
  readDelta,
  SnapshotCache,
  SnapshotIntegrityError,
  writeDelta,
} from '@receipt-chroma/chroma-compaction';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type ByteFlip, flipped, inflatesIdentically, spreadFlips } from '../lib/byteFlips.js';
import { recordFigures } from '../lib/figures.js';
import {
  lineRecords,
  objectBytes,
  RECEIPT,
  recordsOf,
  rejectionOf,
  treeDigest,
  writePersistTree,
} from '../lib/fixtures.js';
import { profile } from '../lib/profile.js';
import { seededRandom } from '../lib/random.js';

const SEED = 0xc0ffee;
const PREFIX = 'lines/delta/run-7/';
const DELTA_KEY = `${PREFIX}delta.tar.gz`;
const RECORDS = lineRecords(40, 16);

/** What one trial saw. */
type Verdict =
  /** Refused with a typed integrity error, and nothing left behind. */
  | { readonly outcome: 'detected'; readonly kind: string }
  /**
   * Accepted with the records intact, and the flipped archive inflates to the very same tar
   * bytes: a flip no checksum of the content can see (see `inflatesIdentically`).
   */
  | { readonly outcome: 'inert' }
  /** Anything else: accepted with other content, or refused with an untyped error. */
  | { readonly outcome: 'undetected'; readonly detail: string };

/** The kind of a typed error, e.g. `SnapshotIntegrityError/sha256`. */
const errorKind = (error: unknown): string | undefined => {
  if (error instanceof SnapshotIntegrityError) return `SnapshotIntegrityError/${error.check}`;
  if (error instanceof DeltaIntegrityError) return `DeltaIntegrityError/${error.check}`;
  return undefined;
};

/** What the batches hold, as the records went in (vectors are float32-exact). */
const expectedRecords = (): DeltaRecord[] =>
  RECORDS.map((record) => ({
    id: record.id,
    embedding: [...record.embedding],
    document: record.document ?? null,
    metadata: record.metadata ?? null,
  }));

describe('Scenario: corruption', () => {
  let base = '';
  let store: FileSystemObjectStore;
  let staging = '';
  let persistDigest: string[] = [];
  let published: PublishedSnapshot;
  let tarball: Buffer;
  let delta: Buffer;
  const verdicts: {
    readonly object: string;
    readonly flip: ByteFlip;
    readonly verdict: Verdict;
  }[] = [];

  beforeAll(async () => {
    base = await mkdtemp(join(tmpdir(), 'reliability-corruption-'));
    const persist = join(base, 'persist');
    await writePersistTree(persist, SEED);
    persistDigest = await treeDigest(persist);
    staging = join(base, 'staging');
    await mkdir(staging);
    store = new FileSystemObjectStore({ root: join(base, 'store'), fsync: false });
    // Several gzip members, so the parallel inflate path is what a version would go through.
    published = await publishSnapshot({
      store,
      collection: 'lines',
      dir: persist,
      pack: { workers: 2, memberBytes: 64 * 1024 },
    });
    // A fixed clock for the manifest's created_at, so the delta's bytes (and so every flip)
    // are the same on every run.
    vi.useFakeTimers({ toFake: ['Date'], now: new Date('2025-06-01T12:00:00Z') });
    await writeDelta(store, PREFIX, {
      collection: 'lines',
      records: RECORDS,
      runId: 'run-7',
      ...RECEIPT,
      tempDir: staging,
    }).finally(() => vi.useRealTimers());
    tarball = await objectBytes(store, published.key);
    delta = await objectBytes(store, DELTA_KEY);
  });

  afterAll(async () => {
    await rm(base, { recursive: true, force: true });
    const count = (outcome: Verdict['outcome']): number =>
      verdicts.filter(({ verdict }) => verdict.outcome === outcome).length;
    const kinds = new Map<string, number>();
    for (const { verdict } of verdicts) {
      if (verdict.outcome === 'detected')
        kinds.set(verdict.kind, (kinds.get(verdict.kind) ?? 0) + 1);
    }
    recordFigures('corruption', [
      { figure: 'single-byte flips tried', value: verdicts.length },
      {
        figure: `… in snapshot.tar.gz (${tarball.length.toLocaleString('en-US')} bytes)`,
        value: verdicts.filter(({ object }) => object === 'snapshot').length,
      },
      {
        figure: `… in delta.tar.gz (${delta.length.toLocaleString('en-US')} bytes)`,
        value: verdicts.filter(({ object }) => object === 'delta').length,
      },
      { figure: 'detected before use (typed error)', value: count('detected') },
      { figure: 'undetected', value: count('undetected') },
      {
        figure: 'inert: accepted, archive inflates to identical bytes',
        value: count('inert'),
      },
      {
        figure: 'error kinds seen',
        value: [...kinds.entries()]
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([kind, seen]) => `${kind} ×${seen}`)
          .join(', '),
      },
    ]);
  });

  it('reads the intact snapshot and delta through the same paths (control)', async () => {
    // Prepare
    const cache = new SnapshotCache({
      root: join(base, 'control-cache'),
      collection: 'lines',
      store,
      tempDir: staging,
    });

    // Act
    const ensured = await cache.ensure(published.version);
    const read = await readDelta(store, PREFIX, { collection: 'lines', tempDir: staging });
    const batches: DeltaRecordBatch[] = [];
    for await (const batch of read.batches) batches.push(batch);

    // Assess
    expect(ensured.source).toBe('download');
    expect(await treeDigest(ensured.path)).toEqual(persistDigest);
    expect(recordsOf(batches)).toEqual(expectedRecords());
    expect(await readdir(staging)).toEqual([]);
  });

  it(`detects every one of ${profile.corruptions} single-byte flips before use`, async () => {
    // Prepare: half the flips over the snapshot's tarball, half over the delta's, each
    // spread over the whole object
    const random = seededRandom(SEED);
    const snapshotFlips = spreadFlips(tarball.length, Math.ceil(profile.corruptions / 2), random);
    const deltaFlips = spreadFlips(delta.length, Math.floor(profile.corruptions / 2), random);
    const expected = expectedRecords();
    const cache = new SnapshotCache({
      root: join(base, 'cache'),
      collection: 'lines',
      store,
      tempDir: staging,
    });

    /** Leftovers of a refused read: staged files, or a version (or temporary) in the cache. */
    const leftovers = async (): Promise<string[]> => [
      ...(await readdir(staging)),
      ...(await readdir(cache.dir).catch(() => [])).filter((name) => name !== '.locks'),
    ];

    const snapshotTrial = async (flip: ByteFlip): Promise<Verdict> => {
      await store.put(published.key, flipped(tarball, flip));
      const error = await rejectionOf(cache.ensure(published.version));
      const left = await leftovers();
      if (error === undefined) {
        // A snapshot's every byte is hashed: no flip may be accepted, even a harmless one.
        await rm(join(cache.dir, published.version), { recursive: true, force: true });
        return { outcome: 'undetected', detail: 'the cache accepted the version' };
      }
      const kind = errorKind(error);
      if (kind === undefined) return { outcome: 'undetected', detail: `untyped: ${String(error)}` };
      if (left.length > 0) return { outcome: 'undetected', detail: `left ${left.join(', ')}` };
      return { outcome: 'detected', kind };
    };

    const deltaTrial = async (flip: ByteFlip): Promise<Verdict> => {
      const corrupted = flipped(delta, flip);
      await store.put(DELTA_KEY, corrupted);
      let read: Awaited<ReturnType<typeof readDelta>>;
      try {
        read = await readDelta(store, PREFIX, { collection: 'lines', tempDir: staging });
      } catch (error) {
        const kind = errorKind(error);
        const left = await leftovers();
        if (kind === undefined)
          return { outcome: 'undetected', detail: `untyped: ${String(error)}` };
        if (left.length > 0) return { outcome: 'undetected', detail: `left ${left.join(', ')}` };
        return { outcome: 'detected', kind };
      }
      const batches: DeltaRecordBatch[] = [];
      for await (const batch of read.batches) batches.push(batch);
      const intact = isDeepStrictEqual(recordsOf(batches), expected);
      return intact && inflatesIdentically(delta, corrupted)
        ? { outcome: 'inert' }
        : {
            outcome: 'undetected',
            detail: intact ? 'accepted, content intact' : 'accepted, content changed',
          };
    };

    // Act
    for (const flip of snapshotFlips) {
      verdicts.push({ object: 'snapshot', flip, verdict: await snapshotTrial(flip) });
    }
    for (const flip of deltaFlips) {
      verdicts.push({ object: 'delta', flip, verdict: await deltaTrial(flip) });
    }

    // Assess
    const undetected = verdicts.filter(({ verdict }) => verdict.outcome === 'undetected');
    expect(undetected).toEqual([]);
    expect(verdicts).toHaveLength(profile.corruptions);
    expect(
      verdicts.filter(
        ({ object, verdict }) => object === 'snapshot' && verdict.outcome === 'detected',
      ),
    ).toHaveLength(snapshotFlips.length);
    expect(await readdir(staging)).toEqual([]);
  });
});
