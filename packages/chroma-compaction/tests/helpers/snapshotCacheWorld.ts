import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { FileSystemObjectStore } from '../../src/adapters/fs/FileSystemObjectStore.js';
import type { Logger } from '../../src/ports/observability.js';
import {
  SnapshotCache,
  type SnapshotCacheOptions,
} from '../../src/snapshots/cache/SnapshotCache.js';
import type { downloadSnapshot } from '../../src/snapshots/downloadSnapshot.js';
import type { publishSnapshot } from '../../src/snapshots/publishSnapshot.js';
import { snapshotKeys } from '../../src/snapshots/snapshotKeys.js';
import type { DownloadSnapshotOptions } from '../../src/snapshots/types.js';
import { RecordingMetrics } from './compactionFixture.js';

/** Version ids in the `YYYYMMDD_HHMMSS_ffffff_<8 hex>` form, oldest first. */
export const V1 = '20260101_000000_000001_aaaaaaaa';
export const V2 = '20260102_000000_000002_bbbbbbbb';
export const V3 = '20260103_000000_000003_cccccccc';
export const V4 = '20260104_000000_000004_dddddddd';

/** The file a fake download writes into a version: its content is the version id. */
export const MARKER = 'chroma.sqlite3';

/** One log line kept by a {@link RecordingLogger}. */
export interface LoggedLine {
  readonly level: keyof Logger;
  readonly message: string;
  readonly extra: Record<string, unknown> | undefined;
}

/** A logger that keeps what it is given. */
export class RecordingLogger implements Logger {
  readonly lines: LoggedLine[] = [];
  debug(message: string, extra?: Record<string, unknown>): void {
    this.lines.push({ level: 'debug', message, extra });
  }
  info(message: string, extra?: Record<string, unknown>): void {
    this.lines.push({ level: 'info', message, extra });
  }
  warn(message: string, extra?: Record<string, unknown>): void {
    this.lines.push({ level: 'warn', message, extra });
  }
  error(message: string, extra?: Record<string, unknown>): void {
    this.lines.push({ level: 'error', message, extra });
  }
}

/**
 * A stand-in for `downloadSnapshot` that writes `{dest}/chroma.sqlite3` holding the version,
 * after `gate` resolves, and records each call.
 */
export interface FakeDownload {
  readonly download: typeof downloadSnapshot;
  readonly calls: DownloadSnapshotOptions[];
  /** Resolved by the test to let pending downloads finish; already open by default. */
  gate: Promise<void>;
}

/** A {@link FakeDownload}. */
export const fakeDownload = (): FakeDownload => {
  const fake: FakeDownload = {
    calls: [],
    gate: Promise.resolve(),
    download: async (options) => {
      fake.calls.push(options);
      await fake.gate;
      await mkdir(options.dest, { recursive: true });
      await writeFile(join(options.dest, MARKER), options.version ?? 'pointer');
      return { version: options.version ?? 'pointer', manifest: null, layout: 'tarball' };
    },
  };
  return fake;
};

/** A stand-in for `publishSnapshot` that publishes as the given version, storing nothing. */
export const fakePublish =
  (version: string): typeof publishSnapshot =>
  async (options) => ({
    version,
    key: snapshotKeys(options.collection).object(version, 'snapshot.tar.gz'),
    size: 0,
    sha256: '0'.repeat(64),
    md5: '0'.repeat(32),
    parent: null,
  });

/** A temp folder per test with a store and a cache root. */
export interface SnapshotCacheWorld {
  /** The test's temp folder. */
  readonly base: string;
  /** The cache's root: versions live in `{root}/snapshots/lines/`. */
  readonly root: string;
  /** `{root}/snapshots/lines` */
  readonly dir: string;
  readonly store: FileSystemObjectStore;
  readonly metrics: RecordingMetrics;
  readonly logger: RecordingLogger;
  /** A cache on `lines` with the world's store, root, metrics and logger. */
  cache(options?: Partial<SnapshotCacheOptions>): SnapshotCache;
  /** Writes `latest-pointer.txt` for `lines`. */
  setPointer(version: string): Promise<void>;
  /** Puts a complete version folder in the cache by hand. */
  putVersion(version: string): Promise<void>;
  /** The names in the cache folder, sorted (dot names included). */
  entries(): Promise<string[]>;
  /** The marker a fake download wrote into `version`'s folder. */
  marker(version: string): Promise<string>;
}

/** Registers the hooks that create and remove a {@link SnapshotCacheWorld} around each test. */
export const useSnapshotCacheWorld = (): SnapshotCacheWorld => {
  let base = '';
  let metrics = new RecordingMetrics();
  let logger = new RecordingLogger();
  beforeEach(async () => {
    base = await mkdtemp(join(tmpdir(), 'snapshot-cache-'));
    metrics = new RecordingMetrics();
    logger = new RecordingLogger();
  });
  afterEach(async () => {
    await rm(base, { recursive: true, force: true });
  });
  const world: SnapshotCacheWorld = {
    get base() {
      return base;
    },
    get root() {
      return join(base, 'cache');
    },
    get dir() {
      return join(base, 'cache', 'snapshots', 'lines');
    },
    get store() {
      return new FileSystemObjectStore({ root: join(base, 'store') });
    },
    get metrics() {
      return metrics;
    },
    get logger() {
      return logger;
    },
    cache: (options = {}) =>
      new SnapshotCache({
        root: world.root,
        collection: 'lines',
        store: world.store,
        logger,
        metrics,
        ...options,
      }),
    setPointer: async (version) => {
      await world.store.put(snapshotKeys('lines').pointer, version);
    },
    putVersion: async (version) => {
      await mkdir(join(world.dir, version), { recursive: true });
      await writeFile(join(world.dir, version, MARKER), version);
    },
    entries: async () => (await readdir(world.dir).catch(() => [] as string[])).sort(),
    marker: (version) => readFile(join(world.dir, version, MARKER), 'utf8'),
  };
  return world;
};

/** The rejection of `promise`, or `undefined` when it resolves. */
export const catchError = async (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => undefined,
    (error: unknown) => error,
  );
