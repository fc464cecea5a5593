import type { DEFAULT_UNPACK_LIMITS, UnpackLimits } from '../../archives/types.js';
import type { CollectionName } from '../../compaction/types.js';
import type { ObjectStoreError } from '../../errors.js';
import { ChromaCompactionError, errorMessage } from '../../errors.js';
import { checkedInteger } from '../../options/checkedInteger.js';
import type { ObjectStore } from '../../ports/objectStore.js';
import { NOOP_LOGGER, NOOP_METRICS, type ObservabilityOptions } from '../../ports/observability.js';
import { downloadSnapshot } from '../downloadSnapshot.js';
import type {
  SnapshotCacheLockTimeoutError,
  SnapshotConflictError,
  SnapshotIntegrityError,
  SnapshotLockError,
} from '../errors.js';
import {
  InvalidSnapshotVersionError,
  SnapshotCacheError,
  SnapshotNotCachedError,
} from '../errors.js';
import { publishSnapshot } from '../publishSnapshot.js';
import type { PublishedSnapshot, PublishSnapshotOptions } from '../types.js';
import { cleanupCache } from './cacheCleanup.js';
import { isDirectory, readTrimmed, writeFileAtomic } from './cacheFiles.js';
import { createHold } from './cacheHolds.js';
import { cacheLayout, isVersionName } from './cacheLayout.js';
import {
  type CacheContext,
  fillVersion,
  type SnapshotSource,
  withLock,
} from './cacheOperations.js';
import { copyIntoCache, readPointerVersion } from './cacheSources.js';

export type { SnapshotSource } from './cacheOperations.js';

/** Options of {@link SnapshotCache}. */
export interface SnapshotCacheOptions extends ObservabilityOptions {
  /** The cache's root, e.g. the EFS mount `/mnt/chroma`; versions live in `{root}/snapshots/{collection}/`. */
  readonly root: string;
  /** The collection whose snapshots the cache holds. */
  readonly collection: CollectionName;
  /** Where the snapshots are published (S3, or a `FileSystemObjectStore`). */
  readonly store: ObjectStore;
  /**
   * Limits on what a downloaded tarball may unpack to.
   * @default {@link DEFAULT_UNPACK_LIMITS}
   */
  readonly limits?: UnpackLimits | undefined;
  /**
   * Where downloads and publishes stage their tarball.
   * @default `os.tmpdir()`
   */
  readonly tempDir?: string | undefined;
  /**
   * A cache lock or hold whose process stopped refreshing it for this long counts as left by
   * a dead process: its lock is taken over, its hold ignored. At least 2000; keep it well
   * above the longest event-loop stall of the processes sharing the cache.
   * @default 30000
   */
  readonly lockStaleMs?: number | undefined;
  /**
   * How long to wait for a lock a live process holds (e.g. while it downloads the version
   * asked for) before throwing {@link SnapshotCacheLockTimeoutError}.
   * @default `900_000` (15 minutes, a Lambda's longest run)
   */
  readonly lockWaitMs?: number | undefined;
  /** Replaces `downloadSnapshot` (tests). @internal */
  readonly downloadSnapshot?: typeof downloadSnapshot | undefined;
  /** Replaces `publishSnapshot` (tests). @internal */
  readonly publishSnapshot?: typeof publishSnapshot | undefined;
}

/** A version present in the cache, as {@link SnapshotCache.ensure} returns it. */
export interface EnsuredSnapshot {
  /** The version id. */
  readonly version: string;
  /** The version's Chroma persist directory, `{root}/snapshots/{collection}/{version}`. */
  readonly path: string;
  /** `cache` when it was already there, `download` when this call downloaded it. */
  readonly source: SnapshotSource;
}

/** A version this process is using: no `cleanup`, in any process, removes it until released. */
export interface SnapshotHandle extends EnsuredSnapshot {
  /** Ends this use of the version; later calls do nothing. */
  release(): Promise<void>;
}

/** Options of {@link SnapshotCache.cleanup}. */
export interface SnapshotCleanupOptions {
  /**
   * How many of the newest versions (by id) to keep, besides the current and held ones; an
   * integer `>= 0`.
   */
  readonly keep: number;
}

/** What {@link SnapshotCache.cleanup} did. */
export interface SnapshotCleanupResult {
  /** The versions removed, sorted. */
  readonly removed: string[];
}

/**
 * Options of {@link SnapshotCache.publish}: those of {@link publishSnapshot} but the store,
 * collection and directory. `logger`, `metrics` and `tempDir` default to the cache's.
 */
export type SnapshotCachePublishOptions = Omit<
  PublishSnapshotOptions,
  'store' | 'collection' | 'dir'
>;

const DEFAULT_LOCK_STALE_MS = 30_000;
const DEFAULT_LOCK_WAIT_MS = 900_000;

// The layout of the Python EFSSnapshotManager (spec §15.1), without its defects (spec §18.15).
/**
 * A collection's snapshots cached on a file system many processes share (an EFS mount, or
 * a Lambda's `/tmp`), in the layout the Python package's cache used:
 * `{root}/snapshots/{collection}/{version}/` and `.version` (the current version id).
 *
 * - `ensure(v)` downloads exactly `v`, at most once across processes (a per-version lock
 *   around check, download and rename), and a version becomes visible only complete (a
 *   final rename); a process killed mid-download leaves only a temporary, removed later;
 * - `acquire(v)` does the same and holds the version until `release()`;
 * - `cleanup` keeps the newest versions by id, the current one, and every version a live
 *   process holds through `acquire`;
 * - `publish` puts the new version in the cache instead of uploading a second one.
 *
 * Locks and holds are proper-lockfile directories that work on NFS; a process that dies
 * holding one loses it after `lockStaleMs`. Errors of the store and of the snapshot itself
 * ({@link ObjectStoreError}, {@link SnapshotIntegrityError}, …) pass through unwrapped; a
 * failure of the cache's own file system is a {@link SnapshotCacheError}.
 * @example
 * ```ts
 * import { type ObjectStore, SnapshotCache } from '@receipt-chroma/chroma-compaction';
 *
 * declare const store: ObjectStore;
 *
 * const cache = new SnapshotCache({ root: '/mnt/chroma', collection: 'lines', store });
 * const snapshot = await cache.acquire();
 * try {
 *   // Open snapshot.path with Chroma (read-only), or copy it to work on.
 *   console.log(`lines ${snapshot.version} at ${snapshot.path} (${snapshot.source})`);
 * } finally {
 *   await snapshot.release();
 * }
 * await cache.cleanup({ keep: 3 });
 * ```
 */
export class SnapshotCache {
  /** The collection whose snapshots the cache holds. */
  readonly collection: CollectionName;
  /** The collection's cache directory, `{root}/snapshots/{collection}`. */
  readonly dir: string;
  readonly #context: CacheContext;
  readonly #publish: typeof publishSnapshot;

  /**
   * Creates the cache of one collection; nothing is read or written until a method is called.
   * @param options - The root, collection, store, limits and lock timings.
   * @throws {RangeError} when `lockStaleMs` is not an integer `>= 2000` or `lockWaitMs` not
   *   an integer `>= 0`
   */
  constructor(options: SnapshotCacheOptions) {
    const logger = options.logger ?? NOOP_LOGGER;
    const metrics = options.metrics ?? NOOP_METRICS;
    const dimensions = { collection: options.collection };
    const layout = cacheLayout(options.root, options.collection);
    this.collection = options.collection;
    this.dir = layout.dir;
    this.#publish = options.publishSnapshot ?? publishSnapshot;
    this.#context = {
      collection: options.collection,
      store: options.store,
      layout,
      locks: {
        staleMs: checkedInteger('lockStaleMs', options.lockStaleMs ?? DEFAULT_LOCK_STALE_MS, 2000),
        waitMs: checkedInteger('lockWaitMs', options.lockWaitMs ?? DEFAULT_LOCK_WAIT_MS, 0),
        onCompromised: (path, error) => {
          logger.error('Lost a snapshot cache lock', { ...dimensions, path, error: error.message });
          metrics.count('SnapshotCacheLockLost', 1, dimensions);
        },
      },
      logger,
      metrics,
      dimensions,
      limits: options.limits,
      tempDir: options.tempDir,
      download: options.downloadSnapshot ?? downloadSnapshot,
    };
  }

  /**
   * The current version (`.version`), or `undefined` when none was set.
   * @throws {@link SnapshotCacheError} when the file cannot be read
   */
  async currentVersion(): Promise<string | undefined> {
    return this.#run('currentVersion', undefined, () =>
      readTrimmed(this.#context.layout.currentFile),
    );
  }

  /**
   * Makes `version` the current one (`.version`, plain text without a newline, as the Python
   * cache wrote it): written to a temporary, flushed and renamed, so readers see the old id
   * or the new one.
   * @param version - A version already in the cache.
   * @throws {@link SnapshotNotCachedError} when `version` is not in the cache
   * @throws {@link InvalidSnapshotVersionError} when `version` cannot be a folder name
   * @throws {@link SnapshotCacheLockTimeoutError} when another process kept the version's
   *   lock longer than `lockWaitMs`
   * @throws {@link SnapshotCacheError} when the file system fails
   */
  async setCurrentVersion(version: string): Promise<void> {
    return this.#run('setCurrentVersion', version, async () => {
      this.#checkVersion(version, 'setCurrentVersion');
      const { layout } = this.#context;
      await withLock(
        this.#context,
        layout.versionLock(version),
        { operation: 'setCurrentVersion', version },
        async () => {
          if (!(await isDirectory(layout.versionPath(version)))) {
            throw new SnapshotNotCachedError(
              `Version ${version} is not in the cache, so it cannot be the current one; ensure it first`,
              {
                operation: 'setCurrentVersion',
                collection: this.collection,
                version,
                dir: this.dir,
              },
            );
          }
          await writeFileAtomic(layout.currentFile, layout.newTemporary(version), version);
        },
      );
    });
  }

  /**
   * Makes `version` present in the cache, downloading exactly that version when it is not.
   * A concurrent call for the same version, in this process or another, waits for this
   * download instead of starting its own. The result is not protected from `cleanup`; use
   * {@link SnapshotCache.acquire} to read it safely.
   * @param version - The version id; the one `latest-pointer.txt` names when omitted.
   * @param observability - A logger and metrics for this call (e.g. carrying a caller's
   *   correlation id); the cache's when omitted.
   * @returns The version, its path in the cache, and whether this call downloaded it.
   * @throws {@link NoSnapshotError} when `version` is omitted and the collection has no
   *   pointer
   * @throws {@link InvalidSnapshotVersionError} when the version cannot be a folder name
   * @throws {@link SnapshotCacheLockTimeoutError} when another process kept the version's
   *   lock longer than `lockWaitMs`
   * @throws {@link SnapshotIntegrityError} when the version downloaded fails a check
   * @throws {@link ObjectStoreError} when the store fails
   * @throws {@link SnapshotCacheError} when the cache's file system fails
   */
  async ensure(
    version?: string,
    observability: ObservabilityOptions = {},
  ): Promise<EnsuredSnapshot> {
    return this.#run('ensure', version, async () => {
      const wanted = await this.#resolve(version, 'ensure');
      const context: CacheContext = {
        ...this.#context,
        logger: observability.logger ?? this.#context.logger,
        metrics: observability.metrics ?? this.#context.metrics,
      };
      const { layout, metrics, dimensions } = context;
      const path = layout.versionPath(wanted);
      if (await isDirectory(path)) {
        metrics.count('SnapshotCacheHit', 1, dimensions);
        return { version: wanted, path, source: 'cache' };
      }
      const source = await withLock(
        context,
        layout.versionLock(wanted),
        { operation: 'ensure', version: wanted },
        () => fillVersion(context, wanted),
      );
      return { version: wanted, path, source };
    });
  }

  /**
   * Like {@link SnapshotCache.ensure}, and marks the version in use by this process until
   * `release()`: `cleanup` in any process sharing the cache keeps it. If this process dies
   * without releasing, the hold lapses after `lockStaleMs`.
   * @param version - The version id; the one `latest-pointer.txt` names when omitted.
   * @returns The version, its path, where it came from, and `release()`.
   * @throws the errors of {@link SnapshotCache.ensure}
   */
  async acquire(version?: string): Promise<SnapshotHandle> {
    return this.#run('acquire', version, async () => {
      const wanted = await this.#resolve(version, 'acquire');
      const { layout } = this.#context;
      return withLock(
        this.#context,
        layout.versionLock(wanted),
        { operation: 'acquire', version: wanted },
        async () => {
          // The hold exists before the version is checked, both under the version's lock, so
          // cleanup sees either no version or a held one.
          const hold = await createHold(layout, wanted, this.#context.locks);
          try {
            const source = await fillVersion(this.#context, wanted);
            return {
              version: wanted,
              path: layout.versionPath(wanted),
              source,
              release: hold.release,
            };
          } catch (error) {
            await hold.release();
            throw error;
          }
        },
      );
    });
  }

  /**
   * Removes old versions: keeps the `keep` newest by id, the current version and every
   * version a live process holds; also removes what dead processes left (temporaries,
   * locks, holds). A version being downloaded or acquired right now is left for later.
   * @param options - How many versions to keep.
   * @returns The versions removed.
   * @throws {RangeError} when `keep` is not an integer `>= 0`
   * @throws {@link SnapshotCacheLockTimeoutError} when another process kept the
   *   collection's lock longer than `lockWaitMs`
   * @throws {@link SnapshotCacheError} when the file system fails
   */
  async cleanup(options: SnapshotCleanupOptions): Promise<SnapshotCleanupResult> {
    const keep = checkedInteger('keep', options.keep, 0);
    return this.#run('cleanup', undefined, async () => ({
      removed: await cleanupCache(this.#context, keep),
    }));
  }

  /**
   * Publishes `dir` with `publishSnapshot`, then copies it into the cache as the new version
   * (to a temporary, then renamed) and makes it current unless a newer version already is.
   * The version is published either way: a failed copy is logged and counted
   * (`SnapshotCacheCopyFailed`) and only costs a later download.
   * @param dir - The Chroma persist directory; nothing may write to it meanwhile.
   * @param options - The lock, versions kept, metadata, record counts and packing.
   * @returns What {@link publishSnapshot} published.
   * @throws the errors of {@link publishSnapshot} ({@link SnapshotLockError},
   *   {@link SnapshotConflictError}, {@link ObjectStoreError}, …); nothing is copied then
   */
  async publish(
    dir: string,
    options: SnapshotCachePublishOptions = {},
  ): Promise<PublishedSnapshot> {
    const { store, logger, metrics, dimensions, layout, tempDir } = this.#context;
    const published = await this.#publish({
      logger,
      metrics,
      tempDir,
      ...options,
      store,
      collection: this.collection,
      dir,
    });
    const { version } = published;
    try {
      await withLock(
        this.#context,
        layout.versionLock(version),
        { operation: 'publish', version },
        () => copyIntoCache(this.#context, dir, version),
      );
    } catch (error) {
      logger.error('Published snapshot not copied to the cache', {
        ...dimensions,
        version,
        error: errorMessage(error),
      });
      metrics.count('SnapshotCacheCopyFailed', 1, dimensions);
    }
    return published;
  }

  /** `version`, or the one the store's pointer names. */
  async #resolve(version: string | undefined, operation: string): Promise<string> {
    const wanted = version ?? (await readPointerVersion(this.#context));
    this.#checkVersion(wanted, operation);
    return wanted;
  }

  #checkVersion(version: string, operation: string): void {
    if (!isVersionName(version)) {
      throw new InvalidSnapshotVersionError(
        `${JSON.stringify(version)} is not a version id: expected letters, digits, '_', '-' or '.', not starting with '.'`,
        { operation, collection: this.collection, version, dir: this.dir },
      );
    }
  }

  /** Runs `step`, wrapping a file-system failure in a `SnapshotCacheError`. */
  async #run<T>(
    operation: string,
    version: string | undefined,
    step: () => Promise<T>,
  ): Promise<T> {
    try {
      return await step();
    } catch (error) {
      if (error instanceof ChromaCompactionError) throw error;
      throw new SnapshotCacheError(
        `Snapshot cache ${operation} failed in ${this.dir}: ${errorMessage(error)}`,
        { operation, collection: this.collection, version, dir: this.dir, cause: error },
      );
    }
  }
}
