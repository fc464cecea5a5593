import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LockLostError, LockStoreError } from '../../../src/errors.js';
import { LockStateError } from '../../../src/locks/errors.js';
import { LockManager } from '../../../src/locks/LockManager.js';
import type { LockManagerOptions } from '../../../src/locks/lockManagerOptions.js';
import type { SnapshotLock } from '../../../src/snapshots/types.js';
import { RecordingMetrics } from '../../helpers/compactionFixture.js';
import { LOCK_T0, lockAt, RecordingLogger, ScriptedLockStore } from '../../helpers/lockDoubles.js';

const LOCK = { lockId: 'chroma-words-compaction', collection: 'words' } as const;

interface Fixture {
  readonly store: ScriptedLockStore;
  readonly logger: RecordingLogger;
  readonly metrics: RecordingMetrics;
  readonly manager: LockManager;
}

/** A manager over a scripted in-memory store: lease 60 s, heartbeat 10 s, 3 failures. */
const makeFixture = (options: Partial<LockManagerOptions> = {}): Fixture => {
  const store = new ScriptedLockStore();
  const logger = new RecordingLogger();
  const metrics = new RecordingMetrics();
  const manager = new LockManager({
    store,
    collection: 'words',
    leaseMs: 60_000,
    heartbeatMs: 10_000,
    logger,
    metrics,
    ...options,
  });
  return { store, logger, metrics, manager };
};

const failure = (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );

const thrown = (act: () => unknown): unknown => {
  try {
    act();
  } catch (error) {
    return error;
  }
  return undefined;
};

const storeDown = (): LockStoreError => new LockStoreError('throttled');

beforeEach(() => {
  vi.useFakeTimers({ now: LOCK_T0 });
});

afterEach(() => {
  vi.useRealTimers();
});

describe('Class: LockManager', () => {
  describe('Method: acquire', () => {
    it('takes a free lock with the lease in the fixed-width format and exposes its fence', async () => {
      // Prepare
      const { store, manager } = makeFixture();

      // Act
      const taken = await manager.acquire();

      // Assess
      expect(taken).toBe(true);
      const stored = await store.inner.read(LOCK);
      expect(stored).toMatchObject({ expires: lockAt(60_000), heartbeat: lockAt(0) });
      expect(manager.fence).toBe(stored?.fence);
      expect(manager.isHeld).toBe(true);
      expect(manager.remainingMs()).toBe(60_000);
    });

    it('answers false when another owner holds the lock, and holds nothing', async () => {
      // Prepare
      const { store, manager } = makeFixture();
      const other = new LockManager({ store: store.inner, collection: 'words' });
      await other.acquire();
      const before = await store.inner.read(LOCK);

      // Act
      const taken = await manager.acquire();

      // Assess
      expect(taken).toBe(false);
      expect(await store.inner.read(LOCK)).toEqual(before);
      expect(manager.isHeld).toBe(false);
      expect(thrown(() => manager.fence)).toBeInstanceOf(LockStateError);
    });

    it('is not re-entrant: a second acquire while held throws LockStateError', async () => {
      // Prepare
      const { manager } = makeFixture();
      await manager.acquire();

      // Act
      const error = await failure(manager.acquire());

      // Assess
      expect(error).toBeInstanceOf(LockStateError);
      expect(error).toMatchObject({ state: 'held' });
    });

    it('rethrows a store failure other than a held lock', async () => {
      // Prepare
      const { store, manager } = makeFixture();
      const down = storeDown();
      store.script('acquire', { error: down });

      // Act
      const error = await failure(manager.acquire());

      // Assess
      expect(error).toBe(down);
      expect(manager.isHeld).toBe(false);
    });

    it('is kept out by a live Python-written lock item (no fence) under the default id', async () => {
      // Prepare
      const { store, manager } = makeFixture();
      store.inner.put({
        lock_id: 'chroma-words-compaction',
        owner: randomUUID(),
        expires: lockAt(1000),
        collection: 'words',
        heartbeat: null,
        fence: null,
        time_to_live: null,
      });

      // Act
      const taken = await manager.acquire();

      // Assess
      expect(taken).toBe(false);
    });
  });

  describe('Method: release', () => {
    it('frees the lock for the next owner, whose fence is larger', async () => {
      // Prepare
      const { store, manager } = makeFixture();
      await manager.acquire();
      const fence = manager.fence;
      const next = new LockManager({ store: store.inner, collection: 'words' });

      // Act
      await manager.release();
      const taken = await next.acquire();

      // Assess
      expect(taken).toBe(true);
      expect(next.fence).toBe(fence + 1);
      expect(manager.isHeld).toBe(false);
      expect(manager.remainingMs()).toBe(0);
      expect(thrown(() => manager.fence)).toBeInstanceOf(LockStateError);
    });

    it('does nothing without a tenure, and nothing the second time', async () => {
      // Prepare
      const { store, manager } = makeFixture();
      await manager.release();
      await manager.acquire();
      await manager.release();

      // Act
      await manager.release();

      // Assess
      expect(store.count('release')).toBe(1);
    });

    it('never releases after a loss, so the new owner keeps the lock', async () => {
      // Prepare
      const { store, manager } = makeFixture();
      await manager.acquire();
      await vi.advanceTimersByTimeAsync(60_000);
      const next = new LockManager({ store: store.inner, collection: 'words' });
      await vi.advanceTimersByTimeAsync(1);
      await next.acquire();
      const successor = await store.inner.read(LOCK);

      // Act
      await manager.release();

      // Assess
      expect(store.count('release')).toBe(0);
      expect(await store.inner.read(LOCK)).toEqual(successor);
    });

    it('counts a release the store refuses (someone else holds it) as a loss', async () => {
      // Prepare
      const { store, logger, manager } = makeFixture();
      await manager.acquire();
      store.inner.put({
        lock_id: LOCK.lockId,
        owner: randomUUID(),
        expires: lockAt(90_000),
        collection: 'words',
        heartbeat: null,
        fence: null,
        time_to_live: null,
      });

      // Act
      await manager.release();

      // Assess
      expect(logger.named('compaction lock lost')).toMatchObject([
        { level: 'warn', extra: { reason: 'release-rejected' } },
      ]);
    });
  });

  describe('Method: startHeartbeat', () => {
    it('refreshes every heartbeatMs, keeping the lock past its first lease', async () => {
      // Prepare
      const { store, manager } = makeFixture();
      await manager.acquire();

      // Act
      manager.startHeartbeat();
      await vi.advanceTimersByTimeAsync(70_000);

      // Assess
      expect(store.count('refresh')).toBe(7);
      expect(await store.inner.read(LOCK)).toMatchObject({
        expires: lockAt(130_000),
        heartbeat: lockAt(70_000),
      });
      expect(manager.remainingMs()).toBe(60_000);
      expect(await manager.validateOwnership()).toBe(true);
    });

    it('stops refreshing after stopHeartbeat', async () => {
      // Prepare
      const { store, manager } = makeFixture();
      await manager.acquire();
      manager.startHeartbeat();
      await vi.advanceTimersByTimeAsync(10_000);

      // Act
      await manager.stopHeartbeat();
      await vi.advanceTimersByTimeAsync(30_000);

      // Assess
      expect(store.count('refresh')).toBe(1);
    });

    it('throws LockStateError without a lock', () => {
      // Prepare
      const { manager } = makeFixture();

      // Act
      const error = thrown(() => manager.startHeartbeat());

      // Assess
      expect(error).toBeInstanceOf(LockStateError);
      expect(error).toMatchObject({ state: 'idle' });
    });
  });

  describe('Loss', () => {
    it('is declared after maxHeartbeatFailures failed refreshes in a row, logged and counted once', async () => {
      // Prepare
      const { store, logger, metrics, manager } = makeFixture();
      await manager.acquire();
      const fence = manager.fence;
      const down = storeDown();
      store.script('refresh', { error: down }, { error: down }, { error: down });
      manager.startHeartbeat();

      // Act
      await vi.advanceTimersByTimeAsync(30_000);

      // Assess
      expect(logger.named('compaction lock refresh failed')).toHaveLength(3);
      expect(logger.named('compaction lock lost')).toEqual([
        {
          level: 'warn',
          message: 'compaction lock lost',
          extra: expect.objectContaining({
            ...LOCK,
            fence,
            reason: 'heartbeat-failures',
            failures: 3,
            error: 'throttled',
          }),
        },
      ]);
      expect(metrics.recorded).toEqual([
        {
          kind: 'count',
          name: 'CompactionLockLost',
          value: 1,
          dimensions: { collection: 'words' },
        },
      ]);
      expect(await manager.validateOwnership()).toBe(false);
      await expect(manager.assertOwnership()).rejects.toBeInstanceOf(LockLostError);
      expect(thrown(() => manager.fence)).toBeInstanceOf(LockLostError);
      expect(manager.remainingMs()).toBe(0);
    });

    it('never refreshes or releases once lost', async () => {
      // Prepare
      const { store, manager } = makeFixture({ maxHeartbeatFailures: 1 });
      await manager.acquire();
      store.script('refresh', { error: storeDown() });
      manager.startHeartbeat();
      await vi.advanceTimersByTimeAsync(10_000);

      // Act
      await vi.advanceTimersByTimeAsync(40_000);
      const refreshed = await manager.refresh();
      await manager.release();

      // Assess
      expect(refreshed).toBe(false);
      expect(store.count('refresh')).toBe(1);
      expect(store.count('release')).toBe(0);
    });

    it('restarts the count after a successful refresh', async () => {
      // Prepare
      const { store, logger, manager } = makeFixture();
      await manager.acquire();
      const down = storeDown();
      store.script('refresh', { error: down }, { error: down });
      manager.startHeartbeat();
      await vi.advanceTimersByTimeAsync(30_000);
      store.script('refresh', { error: down }, { error: down });

      // Act
      await vi.advanceTimersByTimeAsync(20_000);

      // Assess
      expect(logger.named('compaction lock refresh failed')).toHaveLength(4);
      expect(logger.named('compaction lock lost')).toEqual([]);
      expect(manager.isHeld).toBe(true);
    });

    it('is declared at once when the store refuses a refresh (LockLostError)', async () => {
      // Prepare
      const { store, logger, manager } = makeFixture();
      await manager.acquire();
      store.script('refresh', { error: new LockLostError('held by someone else') });
      manager.startHeartbeat();

      // Act
      await vi.advanceTimersByTimeAsync(10_000);

      // Assess
      expect(logger.named('compaction lock lost')).toMatchObject([
        { extra: { reason: 'refresh-rejected', failures: 0 } },
      ]);
      expect(manager.isHeld).toBe(false);
    });

    it('is declared when the lease runs out by our clock without a refresh', async () => {
      // Prepare
      const { store, logger, metrics, manager } = makeFixture();
      await manager.acquire();
      await vi.advanceTimersByTimeAsync(59_999);
      expect(manager.remainingMs()).toBe(1);

      // Act
      await vi.advanceTimersByTimeAsync(1);

      // Assess
      expect(logger.named('compaction lock lost')).toMatchObject([
        { extra: { reason: 'lease-expired' } },
      ]);
      expect(metrics.names()).toEqual(['CompactionLockLost']);
      expect(store.calls).toEqual(['acquire']);
      expect(await manager.validateOwnership()).toBe(false);
    });

    it('is declared at the lease end while refreshes hang, and a late answer does not undo it', async () => {
      // Prepare
      const { store, logger, manager } = makeFixture();
      await manager.acquire();
      store.script('refresh', 'hang');
      manager.startHeartbeat();

      // Act
      await vi.advanceTimersByTimeAsync(60_000);

      // Assess
      expect(store.count('refresh')).toBe(1);
      expect(logger.named('compaction lock lost')).toMatchObject([
        { extra: { reason: 'lease-expired' } },
      ]);
      expect(manager.isHeld).toBe(false);
    });
  });

  describe('Method: validateOwnership', () => {
    it('reads the store and marks the lock lost when another owner wrote it', async () => {
      // Prepare
      const { store, logger, manager } = makeFixture();
      await manager.acquire();
      expect(await manager.validateOwnership()).toBe(true);
      store.inner.put({
        lock_id: LOCK.lockId,
        owner: randomUUID(),
        expires: lockAt(90_000),
        collection: 'words',
        heartbeat: lockAt(1),
        fence: null,
        time_to_live: null,
      });

      // Act
      const owned = await manager.validateOwnership();

      // Assess
      expect(owned).toBe(false);
      expect(store.count('read')).toBe(2);
      expect(logger.named('compaction lock lost')).toMatchObject([
        { extra: { reason: 'taken-over' } },
      ]);
    });

    it('answers false when the store cannot be read, without declaring a loss, then true again', async () => {
      // Prepare
      const { store, logger, manager } = makeFixture();
      await manager.acquire();
      const down = storeDown();
      store.script('read', { error: down });

      // Act
      const owned = await manager.validateOwnership();
      const again = await manager.validateOwnership();

      // Assess
      expect(owned).toBe(false);
      expect(again).toBe(true);
      expect(logger.named('compaction lock lost')).toEqual([]);
      expect(manager.isHeld).toBe(true);
    });

    it('lets assertOwnership reject with the store error when it cannot be read', async () => {
      // Prepare
      const { store, manager } = makeFixture();
      await manager.acquire();
      const down = storeDown();
      store.script('read', { error: down });

      // Act
      const error = await failure(manager.assertOwnership());

      // Assess
      expect(error).toBe(down);
    });

    it('answers false and assertOwnership throws LockStateError without a lock', async () => {
      // Prepare
      const { store, manager } = makeFixture();

      // Act
      const owned = await manager.validateOwnership();
      const error = await failure(manager.assertOwnership());

      // Assess
      expect(owned).toBe(false);
      expect(error).toBeInstanceOf(LockStateError);
      expect(store.calls).toEqual([]);
    });
  });

  it('serves as the SnapshotLock of publishSnapshot', async () => {
    // Prepare
    const { manager } = makeFixture();
    const lock: SnapshotLock = manager;
    await manager.acquire();

    // Act
    const owned = await lock.validateOwnership();

    // Assess
    expect(owned).toBe(true);
    expect(lock.fence).toBe(manager.fence);
  });
});
