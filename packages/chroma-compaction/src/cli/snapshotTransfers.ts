/**
 * `snapshot pull|verify|push|prune`: the commands that move or delete snapshot data, each
 * through the package's own function (`downloadSnapshot`, `publishSnapshot`,
 * `pruneVersions`), with transfer progress counted at the store.
 * @packageDocumentation
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { CollectionName } from '../compaction/types.js';
import { LockManager } from '../locks/LockManager.js';
import { downloadSnapshot } from '../snapshots/downloadSnapshot.js';
import { planPrune, pruneVersions } from '../snapshots/pruneVersions.js';
import { DEFAULT_KEEP_VERSIONS, publishSnapshot } from '../snapshots/publishSnapshot.js';
import { snapshotKeys } from '../snapshots/snapshotKeys.js';
import type { DownloadedSnapshot, PublishedSnapshot, SnapshotLock } from '../snapshots/types.js';
import type { CommandContext, CommonOptions } from './CliSession.js';
import type { AwsOptions, LockTableOptions, StoreOptions } from './commandOptions.js';
import { countingStore } from './countingStore.js';
import { CliUsageError } from './errors.js';
import { directoryStats, persistDirectory } from './localFiles.js';
import { formatBytes, formatCount } from './output.js';
import { currentOrNamedVersion } from './snapshotVersion.js';
import { openLockStore, openObjectStore } from './stores.js';

/** Options of the commands that reach a store. */
type StoreCommandOptions = CommonOptions & StoreOptions & AwsOptions;

/** What a download was checked against. */
const checkedAgainst = (downloaded: DownloadedSnapshot): string => {
  if (downloaded.manifest !== null) return 'manifest.json';
  return downloaded.layout === 'tarball' ? '.snapshot_hash' : 'the listed object sizes';
};

/** Downloads a version into `dest`, counting progress; returns what it extracted. */
const download = async (
  context: CommandContext,
  collection: CollectionName,
  options: StoreCommandOptions,
  dest: string,
  version: string | undefined,
) => {
  const store = await openObjectStore(context, options);
  const named = await currentOrNamedVersion(store, collection, version);
  context.progress.phase(`downloading ${collection}/${named}`);
  const downloaded = await downloadSnapshot({
    store: countingStore(store, context.progress, 'reads'),
    collection,
    dest,
    version: named,
  });
  context.progress.done();
  const stats = await directoryStats(dest);
  return {
    collection,
    version: downloaded.version,
    layout: downloaded.layout,
    checkedAgainst: checkedAgainst(downloaded),
    files: stats.files,
    bytes: stats.bytes,
  };
};

/** Options of `snapshot pull`. */
export interface PullOptions extends StoreCommandOptions {
  readonly dest: string;
  readonly version?: string | undefined;
}

/**
 * `snapshot pull COLLECTION --dest DIR [--version V]`: downloads and verifies a version into
 * an empty or new directory (nothing is left there when a check fails).
 * @param context - The command's context.
 * @param collection - The collection.
 * @param options - The command's options.
 * @throws NoSnapshotError when no version is given and the collection has no pointer
 * @throws SnapshotIntegrityError when a check fails
 * @throws ArchiveError when the destination is not empty
 */
export const pullSnapshot = async (
  context: CommandContext,
  collection: CollectionName,
  options: PullOptions,
): Promise<void> => {
  const dest = resolve(options.dest);
  const pulled = await download(context, collection, options, dest, options.version);
  context.result(
    { ...pulled, dest },
    () =>
      `Pulled ${collection} ${pulled.version} into ${dest}: ${formatCount(pulled.files)} files, ${formatBytes(pulled.bytes)}, checked against ${pulled.checkedAgainst}.\n`,
  );
};

/**
 * `snapshot verify COLLECTION [VERSION]`: downloads a version to a temporary directory,
 * runs every check of a download, reports, and removes the directory.
 * @param context - The command's context.
 * @param collection - The collection.
 * @param version - The version; `undefined` for the current one.
 * @param options - The command's options.
 * @throws SnapshotIntegrityError when a check fails
 */
export const verifySnapshot = async (
  context: CommandContext,
  collection: CollectionName,
  version: string | undefined,
  options: StoreCommandOptions,
): Promise<void> => {
  const scratch = await mkdtemp(join(tmpdir(), 'receipt-chroma-verify-'));
  context.defer(() => rm(scratch, { recursive: true, force: true }));
  const verified = await download(context, collection, options, join(scratch, 'snapshot'), version);
  context.result(
    { ...verified, verified: true },
    () =>
      `Verified ${collection} ${verified.version}: ${formatCount(verified.files)} files, ${formatBytes(verified.bytes)}, checked against ${verified.checkedAgainst}.\n`,
  );
};

/** Options of `snapshot push`. */
export interface PushOptions extends StoreCommandOptions, LockTableOptions {
  readonly dir: string;
  /** `false` with `--no-lock`. */
  readonly lock: boolean;
  readonly keep?: number | undefined;
  /** Further tries while a compactor holds the lock. */
  readonly lockRetries?: number | undefined;
}

/**
 * `snapshot push COLLECTION --dir DIR (--table NAME | --no-lock)`: publishes a persist
 * directory as the collection's new current version, under the compaction lock unless
 * `--no-lock` says otherwise.
 * @param context - The command's context.
 * @param collection - The collection.
 * @param options - The command's options.
 * @throws CliUsageError without `--table` or `--no-lock`, or with both
 * @throws LockHeldError when a compactor keeps the lock through the retries
 * @throws SnapshotConflictError when another publisher moved the pointer first
 */
export const pushSnapshot = async (
  context: CommandContext,
  collection: CollectionName,
  options: PushOptions,
): Promise<void> => {
  const { table } = options;
  if (table === undefined && options.lock) {
    throw new CliUsageError(
      'snapshot push needs --table NAME (the DynamoDB lock table), or --no-lock to publish without the compaction lock',
    );
  }
  if (table !== undefined && !options.lock) {
    throw new CliUsageError('give either --table or --no-lock, not both');
  }
  const dir = await persistDirectory(options.dir, '--dir');
  const store = countingStore(
    await openObjectStore(context, options, 'write'),
    context.progress,
    'writes',
  );
  const keepVersions = options.keep ?? DEFAULT_KEEP_VERSIONS;
  const publish = async (lock: SnapshotLock | undefined) => {
    context.progress.phase(`uploading ${collection}`);
    const published: PublishedSnapshot = await publishSnapshot({
      store,
      collection,
      dir,
      lock,
      keepVersions,
    });
    context.progress.done();
    return { ...published, fence: lock?.fence ?? null };
  };
  const pushed =
    table === undefined
      ? await publish(undefined)
      : await new LockManager({
          store: await openLockStore(context, { ...options, table }),
          collection,
          lockId: options.lockId,
        }).withLock((lock) => publish(lock), { retries: options.lockRetries });
  context.result(
    { collection, ...pushed, locked: table !== undefined, keepVersions },
    () =>
      `Published ${collection} ${pushed.version} (${formatBytes(pushed.size)}, parent ${pushed.parent ?? 'none'}, ${pushed.fence === null ? 'without a lock' : `fence ${pushed.fence}`}).\n`,
  );
};

/** Options of `snapshot prune`. */
export interface PruneOptions extends StoreCommandOptions {
  readonly keep: number;
  readonly dryRun?: boolean | undefined;
}

/**
 * `snapshot prune COLLECTION [--keep N] [--dry-run]`: deletes old versions as a publish
 * does, keeping `N` versions up to the current one (the current one and newer versions are
 * never deleted).
 * @param context - The command's context.
 * @param collection - The collection.
 * @param options - The command's options.
 * @throws NoSnapshotError when the collection has no pointer
 */
export const pruneSnapshots = async (
  context: CommandContext,
  collection: CollectionName,
  options: PruneOptions,
): Promise<void> => {
  const store = await openObjectStore(context, options);
  const current = await currentOrNamedVersion(store, collection, undefined);
  const keys = snapshotKeys(collection);
  const dryRun = options.dryRun === true;
  const { kept, removed } = dryRun
    ? await planPrune(store, keys, current, options.keep)
    : await pruneVersions(store, keys, current, options.keep);
  context.result({ collection, current, keep: options.keep, dryRun, kept, removed }, () => {
    const verb = dryRun ? 'Would remove' : 'Removed';
    const list = (versions: readonly string[]) =>
      versions.map((version) => `  ${version}\n`).join('');
    return (
      `${verb} ${removed.length} version${removed.length === 1 ? '' : 's'} of ${collection}${removed.length > 0 ? ':' : '.'}\n${list(removed)}` +
      `Kept the current version ${current}${kept.length > 0 ? ' and:' : '.'}\n${list(kept)}`
    );
  });
};
