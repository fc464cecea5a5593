import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LockManager } from '../../../src/locks/LockManager.js';
import {
  type LockManagerOptions,
  resolveLockManagerOptions,
  resolveRetry,
} from '../../../src/locks/lockManagerOptions.js';
import { retryDelay } from '../../../src/locks/lockRetry.js';
import { InMemoryLockStore } from '../../../src/testing/InMemoryLockStore.js';

const store = new InMemoryLockStore();

describe('Function: resolveLockManagerOptions', () => {
  it("uses Python's defaults: the compactor's lock id, a 5 minute lease, 60 s heartbeats, 3 failures", () => {
    // Act
    const options = resolveLockManagerOptions({ store, collection: 'lines' });

    // Assess
    expect(options).toMatchObject({
      lockId: 'chroma-lines-compaction',
      leaseMs: 300_000,
      heartbeatMs: 60_000,
      maxHeartbeatFailures: 3,
    });
  });

  it('heartbeats at a third of a lease shorter than 3 minutes', () => {
    // Act
    const options = resolveLockManagerOptions({ store, collection: 'words', leaseMs: 90_000 });

    // Assess
    expect(options.heartbeatMs).toBe(30_000);
  });

  it.each([
    ['an unknown collection', { collection: 'receipts' }, TypeError],
    ['an empty lock id', { lockId: ' ' }, TypeError],
    ['a zero lease', { leaseMs: 0 }, RangeError],
    ['a fractional heartbeat', { heartbeatMs: 1.5 }, RangeError],
    ['a heartbeat as long as the lease', { leaseMs: 1000, heartbeatMs: 1000 }, RangeError],
    ['zero allowed failures', { maxHeartbeatFailures: 0 }, RangeError],
  ])('rejects %s', (_name, change, type) => {
    // Prepare
    const options = { store, collection: 'words', ...change } as LockManagerOptions;

    // Act & Assess
    expect(() => new LockManager(options)).toThrow(type);
  });
});

describe('Function: retryDelay', () => {
  it('waits between minDelayMs and the doubling window capped at maxDelayMs', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 40 }),
        fc.integer({ min: 0, max: 10_000 }),
        fc.integer({ min: 0, max: 100_000 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (retry, minDelayMs, extra, random) => {
          // Prepare
          const policy = resolveRetry({ minDelayMs, maxDelayMs: minDelayMs + extra });

          // Act
          const delay = retryDelay(retry, policy, () => random);

          // Assess
          const window = Math.min(policy.maxDelayMs, minDelayMs * 2 ** (retry + 1));
          expect(delay).toBeGreaterThanOrEqual(minDelayMs);
          expect(delay).toBeLessThanOrEqual(window);
        },
      ),
    );
  });

  it('spreads over the whole window with the random number', () => {
    // Prepare
    const policy = resolveRetry({ minDelayMs: 100, maxDelayMs: 5000 });

    // Act
    const delays = [0, 0.5, 0.999].map((random) => retryDelay(2, policy, () => random));

    // Assess
    expect(delays).toEqual([100, 450, 100 + 0.999 * 700]);
  });

  it.each([
    ['negative retries', { retries: -1 }],
    ['a maximum below the minimum', { minDelayMs: 500, maxDelayMs: 100 }],
  ])('rejects %s', (_name, options) => {
    // Act & Assess
    expect(() => resolveRetry(options)).toThrow(RangeError);
  });
});
