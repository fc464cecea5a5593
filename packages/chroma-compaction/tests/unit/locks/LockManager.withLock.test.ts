import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LockHeldError, LockLostError, LockStoreError } from '../../../src/errors.js';
import { LockStateError } from '../../../src/locks/errors.js';
import { LockManager } from '../../../src/locks/LockManager.js';
import type { LockManagerOptions } from '../../../src/locks/lockManagerOptions.js';
import { LOCK_T0, RecordingLogger, ScriptedLockStore } from '../../helpers/lockDoubles.js';

const LOCK = { lockId: 'chroma-lines-compaction', collection: 'lines' } as const;

/** Uniform numbers for the jitter, in order. */
const randomFrom = (...values: number[]): (() => number) => {
  const queue = [...values];
  return () => queue.shift() ?? 0;
};

const makeFixture = (options: Partial<LockManagerOptions> = {}) => {
  const store = new ScriptedLockStore();
  const logger = new RecordingLogger();
  const manager = new LockManager({
    store,
    collection: 'lines',
    leaseMs: 60_000,
    heartbeatMs: 10_000,
    logger,
    ...options,
  });
  return { store, logger, manager };
};

const held = (): LockHeldError =>
  new LockHeldError('held', { context: { ...LOCK, currentOwner: 'python-worker' } });

const settled = <T>(promise: Promise<T>) => {
  const state: { done: boolean; value?: T; error?: unknown } = { done: false };
  promise.then(
    (value) => Object.assign(state, { done: true, value }),
    (error: unknown) => Object.assign(state, { done: true, error }),
  );
  return state;
};

beforeEach(() => {
  vi.useFakeTimers({ now: LOCK_T0 });
});

afterEach(() => {
  vi.useRealTimers();
});

describe('Method: LockManager.withLock', () => {
  it('runs fn under the lock, returns its result and releases', async () => {
    // Prepare
    const { store, manager } = makeFixture();
    let seen: { fence: number; owned: boolean } | undefined;

    // Act
    const result = await manager.withLock(async (lock) => {
      seen = { fence: lock.fence, owned: await lock.validateOwnership() };
      return 'done';
    });

    // Assess
    expect(result).toBe('done');
    expect(seen).toEqual({ fence: 1, owned: true });
    expect(store.calls).toEqual(['acquire', 'read', 'release']);
    expect(manager.isHeld).toBe(false);
  });

  it('releases when fn throws and rethrows its error', async () => {
    // Prepare
    const { store, manager } = makeFixture();
    const boom = new Error('merge failed');

    // Act
    const error = await manager
      .withLock(async () => {
        throw boom;
      })
      .catch((reason: unknown) => reason);

    // Assess
    expect(error).toBe(boom);
    expect(store.calls).toEqual(['acquire', 'release']);
  });

  it('retries a held lock after jittered, growing waits', async () => {
    // Prepare
    const { store, manager } = makeFixture({ random: randomFrom(0.5, 0.25) });
    store.script('acquire', { error: held() }, { error: held() });
    const ran = vi.fn(async () => 'merged');

    // Act
    const outcome = settled(
      manager.withLock(ran, { retries: 3, minDelayMs: 100, maxDelayMs: 1000 }),
    );

    // Assess: retry 0 waits 100 + 0.5 × (200 - 100); retry 1 waits 100 + 0.25 × (400 - 100).
    await vi.advanceTimersByTimeAsync(149);
    expect(store.count('acquire')).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(store.count('acquire')).toBe(2);
    await vi.advanceTimersByTimeAsync(174);
    expect(store.count('acquire')).toBe(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(store.count('acquire')).toBe(3);
    expect(outcome).toEqual({ done: true, value: 'merged' });
    expect(ran).toHaveBeenCalledTimes(1);
  });

  it('throws LockHeldError naming the holder after the last retry, without running fn', async () => {
    // Prepare
    const { store, manager } = makeFixture({ random: () => 0.99 });
    store.script('acquire', { error: held() }, { error: held() }, { error: held() });
    const ran = vi.fn(async () => 'merged');

    // Act
    const outcome = settled(manager.withLock(ran, { retries: 2, minDelayMs: 10 }));
    await vi.advanceTimersByTimeAsync(1000);

    // Assess
    expect(outcome.error).toBeInstanceOf(LockHeldError);
    expect(outcome.error).toMatchObject({
      context: { ...LOCK, currentOwner: 'python-worker', attempts: 3 },
    });
    expect(store.count('acquire')).toBe(3);
    expect(ran).not.toHaveBeenCalled();
  });

  it('stops waiting when the signal aborts', async () => {
    // Prepare
    const { store, manager } = makeFixture();
    store.script('acquire', { error: held() });
    const controller = new AbortController();
    const outcome = settled(manager.withLock(async () => 1, { signal: controller.signal }));
    await vi.advanceTimersByTimeAsync(0);

    // Act
    controller.abort(new Error('invocation ending'));
    await vi.advanceTimersByTimeAsync(10_000);

    // Assess
    expect(outcome.error).toMatchObject({ message: 'invocation ending' });
    expect(store.count('acquire')).toBe(1);
  });

  it('does not even try with a signal already aborted', async () => {
    // Prepare
    const { store, manager } = makeFixture();

    // Act
    const error = await manager
      .withLock(async () => 1, { signal: AbortSignal.abort(new Error('gone')) })
      .catch((reason: unknown) => reason);

    // Assess
    expect(error).toMatchObject({ message: 'gone' });
    expect(store.calls).toEqual([]);
  });

  it('heartbeats while fn runs', async () => {
    // Prepare
    const { store, manager } = makeFixture();
    let finish: () => void = () => {};
    const outcome = settled(
      manager.withLock(
        () =>
          new Promise<string>((resolve) => {
            finish = () => resolve('long merge');
          }),
      ),
    );

    // Act
    await vi.advanceTimersByTimeAsync(125_000);
    finish();
    await vi.advanceTimersByTimeAsync(0);

    // Assess
    expect(outcome).toEqual({ done: true, value: 'long merge' });
    expect(store.count('refresh')).toBe(12);
    expect(store.calls.at(-1)).toBe('release');
  });

  it('rejects with LockLostError after fn settles when the lock was lost meanwhile', async () => {
    // Prepare
    const { store, manager } = makeFixture();
    store.script('refresh', { error: new LockLostError('taken over') });
    let finish: () => void = () => {};
    const outcome = settled(
      manager.withLock(
        () =>
          new Promise<string>((resolve) => {
            finish = () => resolve('stale work');
          }),
      ),
    );
    await vi.advanceTimersByTimeAsync(10_000);
    expect(outcome.done).toBe(false);

    // Act
    finish();
    await vi.advanceTimersByTimeAsync(0);

    // Assess
    expect(outcome.error).toBeInstanceOf(LockLostError);
    expect(outcome.error).toMatchObject({ context: { reason: 'refresh-rejected' } });
    expect(store.count('release')).toBe(0);
  });

  it("keeps fn's own error when the lock was lost too", async () => {
    // Prepare
    const { store, manager } = makeFixture();
    store.script('refresh', { error: new LockLostError('taken over') });
    const boom = new Error('merge failed');
    let fail: () => void = () => {};
    const outcome = settled(
      manager.withLock(
        () =>
          new Promise<string>((_resolve, reject) => {
            fail = () => reject(boom);
          }),
      ),
    );
    await vi.advanceTimersByTimeAsync(10_000);
    expect(manager.isHeld).toBe(false);

    // Act
    fail();
    await vi.advanceTimersByTimeAsync(0);

    // Assess
    expect(outcome.error).toBe(boom);
    expect(store.count('release')).toBe(0);
  });

  it('returns the result when only the release fails, and logs it', async () => {
    // Prepare
    const { store, logger, manager } = makeFixture();
    store.script('release', { error: new LockStoreError('network down') });

    // Act
    const result = await manager.withLock(async () => 42);

    // Assess
    expect(result).toBe(42);
    expect(logger.named('compaction lock release failed; it lapses after its lease')).toHaveLength(
      1,
    );
  });

  it('refuses to nest on the same manager', async () => {
    // Prepare
    const { manager } = makeFixture();

    // Act
    const error = await manager
      .withLock(async (lock) => lock.withLock(async () => 1))
      .catch((reason: unknown) => reason);

    // Assess
    expect(error).toBeInstanceOf(LockStateError);
  });
});
