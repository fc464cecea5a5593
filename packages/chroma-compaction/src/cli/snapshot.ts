import { Argument, Command } from 'commander';
import type { CollectionName } from '../compaction/types.js';
import { DEFAULT_KEEP_VERSIONS } from '../snapshots/publishSnapshot.js';
import type { CliSession } from './CliSession.js';
import { addLeaf, collectionArgument, integerValue } from './commandOptions.js';
import {
  type PruneOptions,
  type PullOptions,
  type PushOptions,
  pruneSnapshots,
  pullSnapshot,
  pushSnapshot,
  verifySnapshot,
} from './snapshotTransfers.js';
import { listSnapshots, type SnapshotReadOptions, showSnapshot } from './snapshotViews.js';

/** A leaf command on a collection. */
const collectionCommand = (name: string, description: string): Command =>
  new Command(name).description(description).addArgument(collectionArgument());

const versionArgument = (): Argument =>
  new Argument('[version]', 'the version id (default: the current one)');

/**
 * The `snapshot` command group: `list`, `show`, `pull`, `verify`, `push` and `prune` a
 * collection's snapshot versions on S3 (`--bucket`) or in a directory (`--root`).
 * @param session - The run the commands belong to.
 */
export const snapshotCommand = (session: CliSession): Command => {
  const group = new Command('snapshot').description(
    "a collection's snapshot versions: list, show, pull, verify, push, prune",
  );
  addLeaf(
    group,
    collectionCommand('list', 'list the versions, newest first, and which one is current').action(
      session.action<SnapshotReadOptions>((context, [collection], options) =>
        listSnapshots(context, collection as CollectionName, options),
      ),
    ),
    { store: true },
    ['receipt-chroma snapshot list lines --bucket my-chroma-bucket'],
  );
  addLeaf(
    group,
    collectionCommand('show', "print a version's manifest (or its objects when it has none)")
      .addArgument(versionArgument())
      .action(
        session.action<SnapshotReadOptions>((context, [collection, version], options) =>
          showSnapshot(
            context,
            collection as CollectionName,
            version as string | undefined,
            options,
          ),
        ),
      ),
    { store: true },
    ['receipt-chroma snapshot show words --root ./store --json'],
  );
  addLeaf(
    group,
    collectionCommand('pull', 'download and verify a version into a new or empty directory')
      .requiredOption('--dest <dir>', 'the directory to extract into (new or empty)')
      .option('--version <version>', 'the version id (default: the current one)')
      .action(
        session.action<PullOptions>((context, [collection], options) =>
          pullSnapshot(context, collection as CollectionName, options),
        ),
      ),
    { store: true, progress: true },
    ['receipt-chroma snapshot pull lines --bucket my-chroma-bucket --dest ./lines'],
  );
  addLeaf(
    group,
    collectionCommand('verify', 'download a version to a temporary directory and check it')
      .addArgument(versionArgument())
      .action(
        session.action<SnapshotReadOptions>((context, [collection, version], options) =>
          verifySnapshot(
            context,
            collection as CollectionName,
            version as string | undefined,
            options,
          ),
        ),
      ),
    { store: true, progress: true },
    [
      'receipt-chroma snapshot verify lines 20260104_123456_123456_0a1b2c3d --bucket my-chroma-bucket',
    ],
  );
  addLeaf(
    group,
    collectionCommand('push', 'publish a Chroma persist directory as the new current version')
      .requiredOption(
        '--dir <dir>',
        'the persist directory (no Chroma server may be running on it)',
      )
      .option('--no-lock', 'publish without the compaction lock (only when no compactor runs)')
      .option(
        '--lock-retries <n>',
        'further tries, with backoff, while a compactor holds the lock (default: 5)',
        integerValue(0, 20),
      )
      .option(
        '--keep <n>',
        `versions kept after the publish (default: ${DEFAULT_KEEP_VERSIONS})`,
        integerValue(1),
      )
      .action(
        session.action<PushOptions>((context, [collection], options) =>
          pushSnapshot(context, collection as CollectionName, options),
        ),
      ),
    { store: true, lockTable: 'optional', progress: true },
    [
      'receipt-chroma snapshot push lines --dir ./lines --bucket my-chroma-bucket --table ReceiptsTable',
      'receipt-chroma snapshot push lines --dir ./lines --root ./store --no-lock',
    ],
  );
  addLeaf(
    group,
    collectionCommand('prune', 'delete old versions, keeping N up to the current one')
      .option(
        '--keep <n>',
        'versions to keep, the current one included',
        integerValue(1),
        DEFAULT_KEEP_VERSIONS,
      )
      .option('--dry-run', 'print what would be deleted, delete nothing')
      .action(
        session.action<PruneOptions>((context, [collection], options) =>
          pruneSnapshots(context, collection as CollectionName, options),
        ),
      ),
    { store: true },
    ['receipt-chroma snapshot prune words --bucket my-chroma-bucket --keep 3 --dry-run'],
  );
  return group;
};
