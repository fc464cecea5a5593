/**
 * Cross-process locks of the snapshot cache, on proper-lockfile: a lock is a directory
 * created with `mkdir` (atomic on NFS and EFS as on a local disk) whose mtime its owner
 * refreshes. A lock whose mtime is older than `staleMs` belongs to a process that died (or
 * stalled past the threshold) and is taken over.
 *
 * Within one process a set of the paths held or being taken comes first: proper-lockfile
 * keeps one record per path for the whole process, so two callers of one process must never
 * compete for the same directory (both could take over one stale lock, and the first
 * release would then remove the second caller's lock).
 * @packageDocumentation
 */
import { mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { errorCode } from './cacheFiles.js';

/** How locks behave. @internal */
export interface CacheLockSettings {
  /** A lock not refreshed for this long is abandoned (proper-lockfile's minimum is 2000). */
  readonly staleMs: number;
  /** How long to wait for a live lock before giving up. */
  readonly waitMs: number;
  /**
   * Called when this process finds it lost a lock it held: its directory was removed or
   * taken over (its refresh was late by more than `staleMs`).
   */
  readonly onCompromised: (path: string, error: Error) => void;
}

/** A lock this process holds. @internal */
export interface HeldLock {
  readonly path: string;
  /** Removes the lock directory; later calls do nothing. */
  release(): Promise<void>;
}

type ProperLockfile = typeof import('proper-lockfile');
let properLockfile: Promise<ProperLockfile> | undefined;
/**
 * proper-lockfile, loaded on first use: loading it installs process exit and signal
 * handlers (to remove this process's locks), which an importer of the package that never
 * uses the cache should not get.
 */
const lockfile = (): Promise<ProperLockfile> => {
  properLockfile ??= import('proper-lockfile');
  return properLockfile;
};

/** Lock paths (resolved) this process holds or is taking. */
const taken = new Set<string>();

/** Waiting for a live lock polls from this interval up to {@link MAX_POLL_MS}. */
const FIRST_POLL_MS = 20;
const MAX_POLL_MS = 500;

/**
 * Takes the lock at `path` (a directory) if no live owner has it, taking over an abandoned
 * one.
 * @returns the lock, or `undefined` when a live owner (in any process) holds it
 * @internal
 */
export async function tryLock(
  path: string,
  settings: CacheLockSettings,
): Promise<HeldLock | undefined> {
  const key = resolve(path);
  if (taken.has(key)) return undefined;
  taken.add(key);
  let unlock: () => Promise<void>;
  try {
    await mkdir(dirname(path), { recursive: true });
    unlock = await (await lockfile()).lock(path, {
      lockfilePath: path,
      realpath: false,
      retries: 0,
      stale: settings.staleMs,
      // Three refreshes per stale period: one late refresh does not lose the lock.
      update: Math.max(1000, Math.floor(settings.staleMs / 3)),
      onCompromised: (error) => settings.onCompromised(path, error),
    });
  } catch (error) {
    taken.delete(key);
    if (errorCode(error) === 'ELOCKED') return undefined;
    throw error;
  }
  let released = false;
  return {
    path,
    release: async () => {
      if (released) return;
      released = true;
      try {
        await unlock();
      } catch (error) {
        // Compromised (already reported) or removed: either way it is no longer ours.
        const code = errorCode(error);
        if (code !== 'ERELEASED' && code !== 'ENOTACQUIRED' && code !== 'ENOENT') throw error;
      } finally {
        taken.delete(key);
      }
    },
  };
}

/**
 * Waits until the lock at `path` can be taken, polling while a live owner refreshes it.
 * @returns the lock, or `undefined` when it stayed held for `settings.waitMs`
 * @internal
 */
export async function waitForLock(
  path: string,
  settings: CacheLockSettings,
): Promise<HeldLock | undefined> {
  const deadline = Date.now() + settings.waitMs;
  let pause = FIRST_POLL_MS;
  for (;;) {
    const held = await tryLock(path, settings);
    if (held !== undefined) return held;
    const left = deadline - Date.now();
    if (left <= 0) return undefined;
    await sleep(Math.min(pause, left));
    pause = Math.min(pause * 2, MAX_POLL_MS);
  }
}

/**
 * `true` while a live owner holds the lock at `path`: the directory exists and was
 * refreshed within `staleMs`.
 * @internal
 */
export const isLockLive = async (path: string, staleMs: number): Promise<boolean> =>
  (await lockfile()).check(path, { lockfilePath: path, realpath: false, stale: staleMs });
