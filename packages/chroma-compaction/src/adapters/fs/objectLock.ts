import { mkdir } from 'node:fs/promises';
import { setTimeout as delay } from 'node:timers/promises';
import { KeyedMutex } from './KeyedMutex.js';
import { errorCode, isMissing } from './objectFiles.js';
import type { ObjectPaths } from './objectKeyPath.js';

/**
 * A lock whose directory has not been refreshed for this long is taken to belong to a
 * process that died, and the next process to want it takes it over. The holder refreshes it
 * every half of this (`proper-lockfile`'s timer), so only a process stalled this long loses
 * its lock; hosts sharing a network file system need clocks within a few seconds of each
 * other (NTP).
 * @internal
 */
export const LOCK_STALE_MS = 20_000;
/** How long to wait for a lock another process holds before failing (a stale one included). @internal */
export const LOCK_WAIT_MS = 60_000;

/** A lock this process holds on one object. @internal */
export interface HeldLock {
  /**
   * Throws (code `ECOMPROMISED`) when the lock was lost: its refresh failed for longer than
   * {@link LOCK_STALE_MS}, so another process may hold it now. Called just before the
   * object's files are changed, so a write whose lock was lost changes nothing.
   */
  assertHeld(): void;
}

/** The task's result when the lock was taken; `acquired: false` when the object's directory does not exist. @internal */
export type LockOutcome<T> =
  | { readonly acquired: true; readonly value: T }
  | { readonly acquired: false };

/** Options of {@link withObjectLock}. @internal */
export interface ObjectLockOptions {
  /**
   * Create the object's directory when it is missing (a put). Otherwise a missing directory
   * means there is no object, and the task does not run.
   */
  readonly createDir: boolean;
}

type LockFunction = typeof import('proper-lockfile').lock;
type Release = () => Promise<void>;

/**
 * Loaded on the first lock, not when the package is imported: `proper-lockfile` loads
 * `graceful-fs` (which patches `fs.close` and `process.cwd`) and `signal-exit` (which wraps
 * `process.emit` to remove held locks on exit), and a program that never writes through a
 * `FileSystemObjectStore` should not get either.
 */
let loading: Promise<LockFunction> | undefined;
const loadLock = (): Promise<LockFunction> => {
  loading ??= import('proper-lockfile').then((module) => module.lock);
  return loading;
};

/**
 * Serializes the lock holders in this process before they compete for the lock directory:
 * `proper-lockfile` cannot tell two holders in one process apart.
 */
const inProcess = new KeyedMutex();

/** Waits between attempts grow from ~2 ms to ~250 ms, with jitter so waiters spread out. */
const backOffMs = (attempt: number): number =>
  Math.min(250, 2 * 1.5 ** attempt) * (0.5 + Math.random());

const codedError = (message: string, code: string, cause?: unknown): Error =>
  Object.assign(new Error(message, cause === undefined ? undefined : { cause }), { code });

/**
 * Takes the object's lock: the directory `paths.lock`, made with `mkdir` (atomic on local
 * disks, NFS and EFS). Retries are done here rather than by `proper-lockfile`, which would
 * retry a missing parent directory as if the lock were busy.
 */
const acquire = async (
  paths: ObjectPaths,
  options: ObjectLockOptions,
): Promise<{ release: Release; held: HeldLock } | undefined> => {
  const lock = await loadLock();
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (let attempt = 0; ; attempt += 1) {
    let lost: Error | undefined;
    try {
      const release = await lock(paths.file, {
        lockfilePath: paths.lock,
        realpath: false,
        stale: LOCK_STALE_MS,
        retries: 0,
        onCompromised: (error) => {
          lost = error;
        },
      });
      const held: HeldLock = {
        assertHeld: () => {
          if (lost === undefined) return;
          throw codedError(
            `the lock ${paths.lock} was lost (not refreshed within ${LOCK_STALE_MS} ms, so another process may hold it); this write was stopped before changing the object`,
            'ECOMPROMISED',
            lost,
          );
        },
      };
      return { release, held };
    } catch (error) {
      const code = errorCode(error);
      const waitMore = Date.now() < deadline;
      if (code === 'ELOCKED' && waitMore) {
        await delay(backOffMs(attempt));
      } else if (code === 'ELOCKED') {
        throw codedError(
          `timed out after ${LOCK_WAIT_MS} ms waiting for the lock ${paths.lock}, which another writer holds (a lock left by a process that died is taken over after ${LOCK_STALE_MS} ms)`,
          'ELOCKED',
          error,
        );
      } else if (isMissing(error) && !options.createDir) {
        return undefined;
      } else if (isMissing(error) && waitMore) {
        // A delete in another process may prune the directory at any time: make it again.
        await mkdir(paths.dir, { recursive: true });
      } else {
        throw error;
      }
    }
  }
};

/** Releases a lock; one already lost (see {@link HeldLock.assertHeld}) has nothing to release. */
const release = async (releaseLock: Release): Promise<void> => {
  try {
    await releaseLock();
  } catch (error) {
    if (errorCode(error) !== 'ERELEASED') throw error;
  }
};

/**
 * Runs `task` holding the object's lock, shared by every process (and host) using the same
 * store root, and by every store instance in this process; always releases it. Writers take
 * it to check and commit; readers take it only to settle an object whose sidecar does not
 * match its content.
 * @throws Error with code `ELOCKED` after waiting {@link LOCK_WAIT_MS}; file-system errors
 * (`EROFS`, `EACCES` on a read-only store) as they are
 * @internal
 */
export const withObjectLock = <T>(
  paths: ObjectPaths,
  task: (held: HeldLock) => Promise<T>,
  options: ObjectLockOptions,
): Promise<LockOutcome<T>> =>
  inProcess.run(paths.lock, async () => {
    const acquired = await acquire(paths, options);
    if (acquired === undefined) return { acquired: false };
    let value: T;
    try {
      value = await task(acquired.held);
    } catch (error) {
      // The task's error is the one to report; a failed release leaves a lock that goes
      // stale and is taken over.
      await release(acquired.release).catch(() => undefined);
      throw error;
    }
    await release(acquired.release);
    return { acquired: true, value };
  });
