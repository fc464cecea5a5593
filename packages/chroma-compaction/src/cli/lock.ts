import { formatPythonTimestamp } from '@receipt-chroma/dynamo-stream';
import { Command } from 'commander';
import type { CollectionName } from '../compaction/types.js';
import { defaultLockId } from '../locks/lockManagerOptions.js';
import { blocksAcquire, parseLockTimestamp, RELEASED_EXPIRES } from '../locks/lockRules.js';
import type { LockRecord } from '../ports/lockStore.js';
import type { CliSession, CommandContext, CommonOptions } from './CliSession.js';
import {
  type AwsOptions,
  addLeaf,
  collectionArgument,
  type LockTableOptions,
} from './commandOptions.js';
import { CliError } from './errors.js';
import { formatFields } from './output.js';
import { openLockStore } from './stores.js';

/** Options of the lock commands. */
interface LockOptions extends CommonOptions, AwsOptions, LockTableOptions {
  readonly table: string;
  readonly yes?: boolean | undefined;
}

/** Whether the lock is free (no item), held, expired, or released by its holder. */
type LockState = 'free' | 'held' | 'expired' | 'released';

/** `held` exactly when the lock would refuse an acquire now (the compactors' own rule). */
const stateOf = (lock: LockRecord | undefined, now: number): LockState => {
  if (lock === undefined) return 'free';
  if (lock.expires === RELEASED_EXPIRES) return 'released';
  return blocksAcquire(lock, formatPythonTimestamp(now * 1000)) ? 'held' : 'expired';
};

/** `4 min 12 s` */
const duration = (ms: number): string => {
  const seconds = Math.max(0, Math.round(ms / 1000));
  return seconds < 60 ? `${seconds} s` : `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
};

/** Reads the lock of the command's collection. */
const readLock = async (
  context: CommandContext,
  collection: CollectionName,
  options: LockOptions,
) => {
  const store = await openLockStore(context, options);
  const lockId = options.lockId ?? defaultLockId(collection);
  const lock = await store.read({ lockId, collection });
  return { store, lockId, lock, state: stateOf(lock, Date.now()) };
};

const showLock = async (
  context: CommandContext,
  collection: CollectionName,
  options: LockOptions,
): Promise<void> => {
  const { lockId, lock, state } = await readLock(context, collection, options);
  const expiresAt = lock === undefined ? undefined : parseLockTimestamp(lock.expires);
  context.result({ lockId, collection, table: options.table, state, lock: lock ?? null }, () => {
    const name = `${lockId} (${collection}) in ${options.table}`;
    if (lock === undefined) return `No lock item for ${name}: the lock is free.\n`;
    const detail =
      state === 'held' && expiresAt !== undefined
        ? `held (expires in ${duration(expiresAt - Date.now())})`
        : state === 'released'
          ? 'released (free)'
          : 'expired (free to take)';
    return formatFields([
      ['lock', name],
      ['state', detail],
      ['owner', lock.owner],
      ['fence', lock.fence],
      ['expires', lock.expires],
      ['heartbeat', lock.heartbeat ?? '-'],
    ]);
  });
};

const breakLock = async (
  context: CommandContext,
  collection: CollectionName,
  options: LockOptions,
): Promise<void> => {
  const { store, lockId, lock, state } = await readLock(context, collection, options);
  const name = `${lockId} (${collection})`;
  if (lock === undefined || state === 'released') {
    context.result(
      { lockId, collection, state, broken: false },
      () => `${name} is not held: nothing to break.\n`,
    );
    return;
  }
  const held = `held by ${lock.owner} (fence ${lock.fence}) until ${lock.expires}`;
  if (options.yes !== true) {
    if (!context.io.stdinIsTTY) {
      throw new CliError(
        `refusing to break ${name} ${held} without --yes (no terminal to confirm on)`,
      );
    }
    if (!(await context.io.confirm(`Break the lock ${name} ${held}? [y/N] `))) {
      throw new CliError(`${name} was not broken: not confirmed`);
    }
  }
  await store.release({ lockId, collection, owner: lock.owner });
  context.result(
    { lockId, collection, state, broken: true, owner: lock.owner, fence: lock.fence },
    () =>
      `Broke ${name}, ${state === 'expired' ? 'expired, ' : ''}${held}. Its holder loses it at its next heartbeat and cannot publish.\n`,
  );
};

/** A lock leaf command. */
const lockLeaf = (name: string, description: string): Command =>
  new Command(name).description(description).addArgument(collectionArgument());

/**
 * The `lock` command group: `show` and `break` a collection's compaction lock in DynamoDB.
 * @param session - The run the commands belong to.
 */
export const lockCommand = (session: CliSession): Command => {
  const group = new Command('lock').description("a collection's compaction lock: show, break");
  addLeaf(
    group,
    lockLeaf('show', 'print the holder, fence and expiry of the lock').action(
      session.action<LockOptions>((context, [collection], options) =>
        showLock(context, collection as CollectionName, options),
      ),
    ),
    { lockTable: 'required' },
    ['receipt-chroma lock show lines --table ReceiptsTable'],
  );
  addLeaf(
    group,
    lockLeaf('break', 'release the lock on behalf of its holder (asks first unless --yes)')
      .option('-y, --yes', 'break without asking (needed when stdin is not a terminal)')
      .action(
        session.action<LockOptions>((context, [collection], options) =>
          breakLock(context, collection as CollectionName, options),
        ),
      ),
    { lockTable: 'required' },
    [
      'receipt-chroma lock break words --table ReceiptsTable',
      'receipt-chroma lock break words --table ReceiptsTable --yes',
    ],
  );
  return group;
};
