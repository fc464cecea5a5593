import { randomUUID } from 'node:crypto';
import { type CompactionLock, formatPythonTimestamp } from '@receipt-chroma/dynamo-stream';
import { describe, expect, it } from 'vitest';
import { LockHeldError, LockLostError, LockStoreError } from '../../src/errors.js';
import type { AcquireLockRequest, LockStore } from '../../src/ports/lockStore.js';

/** A lock store under test plus hooks to act as another writer would. */
export interface LockStoreFixture {
  readonly store: LockStore;
  /** Stores a lock item the way Python's `add_compaction_lock` writes it (no fence). */
  readonly putPythonLock: (lock: CompactionLock) => Promise<void>;
  /** Deletes the lock item, as DynamoDB TTL or Python's cleanup would. */
  readonly deleteLock: (lock: { lockId: string; collection: string }) => Promise<void>;
}

/** Builds a fixture; tests use fresh lock ids, so one table can serve every test. */
export type MakeLockStoreFixture = () => Promise<LockStoreFixture>;

/** 2026-01-04T12:00:00.000000+00:00 in epoch microseconds. */
const T0 = 1_767_528_000_000_000;
/** The fixed-width timestamp `seconds` after T0. */
const at = (seconds: number): string => formatPythonTimestamp(T0 + seconds * 1_000_000);

const request = (
  lockId: string,
  owner: string,
  now: number,
  ttl = 300,
  collection = 'words',
): AcquireLockRequest => ({
  lockId,
  collection,
  owner,
  now: at(now),
  expires: at(now + ttl),
  heartbeat: at(now),
});

const failure = (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );

/**
 * The `LockStore` contract: conditional acquire with expiry takeover, owner-only refresh and
 * release, one winner among concurrent acquires, and a fence that only grows.
 */
export const describeLockStoreContract = (
  label: string,
  makeFixture: MakeLockStoreFixture,
): void => {
  describe(`LockStore contract: ${label}`, () => {
    describe('Method: acquire', () => {
      it('takes a free lock and returns the stored record with a fence', async () => {
        // Prepare
        const { store } = await makeFixture();
        const lockId = `lock-${randomUUID()}`;
        const owner = randomUUID();

        // Act
        const lock = await store.acquire(request(lockId, owner, 0));

        // Assess
        expect(lock).toEqual({
          lockId,
          collection: 'words',
          owner,
          expires: at(300),
          heartbeat: at(0),
          fence: expect.any(Number),
        });
        expect(lock.fence).toSatisfy(Number.isSafeInteger);
        expect(lock.fence).toBeGreaterThan(0);
        expect(await store.read({ lockId, collection: 'words' })).toEqual(lock);
      });

      it('rejects a second acquire while the lock is held, naming the holder', async () => {
        // Prepare
        const { store } = await makeFixture();
        const lockId = `lock-${randomUUID()}`;
        const holder = randomUUID();
        const first = await store.acquire(request(lockId, holder, 0));

        // Act
        const error = await failure(store.acquire(request(lockId, randomUUID(), 299)));

        // Assess
        expect(error).toBeInstanceOf(LockHeldError);
        expect((error as LockHeldError).context).toMatchObject({
          lockId,
          collection: 'words',
          currentOwner: holder,
          currentExpires: at(300),
        });
        expect(await store.read({ lockId, collection: 'words' })).toEqual(first);
      });

      it('rejects the holder itself too (the lock is not re-entrant)', async () => {
        // Prepare
        const { store } = await makeFixture();
        const lockId = `lock-${randomUUID()}`;
        const owner = randomUUID();
        await store.acquire(request(lockId, owner, 0));

        // Act
        const acquire = store.acquire(request(lockId, owner, 10));

        // Assess
        await expect(acquire).rejects.toBeInstanceOf(LockHeldError);
      });

      it('keeps the lock held at exactly its expiry time (expires < now frees it)', async () => {
        // Prepare
        const { store } = await makeFixture();
        const lockId = `lock-${randomUUID()}`;
        await store.acquire(request(lockId, randomUUID(), 0));

        // Act
        const acquire = store.acquire(request(lockId, randomUUID(), 300));

        // Assess
        await expect(acquire).rejects.toBeInstanceOf(LockHeldError);
      });

      it('takes over an expired lock with a higher fence', async () => {
        // Prepare
        const { store } = await makeFixture();
        const lockId = `lock-${randomUUID()}`;
        const first = await store.acquire(request(lockId, randomUUID(), 0));
        const successor = randomUUID();

        // Act
        const second = await store.acquire(request(lockId, successor, 301));

        // Assess
        expect(second.owner).toBe(successor);
        expect(second.fence).toBeGreaterThan(first.fence);
        expect(await store.read({ lockId, collection: 'words' })).toEqual(second);
      });

      it('lets exactly one of five concurrent acquires win', async () => {
        // Prepare
        const { store } = await makeFixture();
        const lockId = `lock-${randomUUID()}`;
        const owners = Array.from({ length: 5 }, () => randomUUID());

        // Act
        const results = await Promise.allSettled(
          owners.map((owner) => store.acquire(request(lockId, owner, 0))),
        );

        // Assess
        const winners = results.flatMap((result) =>
          result.status === 'fulfilled' ? [result.value] : [],
        );
        const losers = results.flatMap((result) =>
          result.status === 'rejected' ? [result.reason] : [],
        );
        expect(winners).toHaveLength(1);
        expect(losers).toHaveLength(4);
        for (const reason of losers) expect(reason).toBeInstanceOf(LockHeldError);
        expect((await store.read({ lockId, collection: 'words' }))?.owner).toBe(winners[0]?.owner);
      });

      it('keeps locks of different collections and ids apart, including ids with #', async () => {
        // Prepare
        const { store } = await makeFixture();
        const lockId = `a#b#${randomUUID()}`;
        const words = await store.acquire(request(lockId, randomUUID(), 0, 300, 'words'));

        // Act
        const lines = await store.acquire(request(lockId, randomUUID(), 0, 300, 'lines'));

        // Assess
        expect(await store.read({ lockId, collection: 'words' })).toEqual(words);
        expect(await store.read({ lockId, collection: 'lines' })).toEqual(lines);
        expect(await store.read({ lockId: `${lockId}#c`, collection: 'words' })).toBeUndefined();
      });

      it('accepts a null heartbeat', async () => {
        // Prepare
        const { store } = await makeFixture();
        const lockId = `lock-${randomUUID()}`;

        // Act
        const lock = await store.acquire({ ...request(lockId, randomUUID(), 0), heartbeat: null });

        // Assess
        expect(lock.heartbeat).toBeNull();
        expect((await store.read({ lockId, collection: 'words' }))?.heartbeat).toBeNull();
      });

      it.each([
        ['an owner that is not a UUID', { owner: 'worker-1' }],
        ['an empty lock id', { lockId: ' ' }],
        ['an unknown collection', { collection: 'receipts' }],
        ['a millisecond ISO timestamp', { now: '2026-01-04T12:00:00.000Z' }],
        ['a timestamp without microseconds', { expires: '2026-01-04T12:05:00+00:00' }],
        ['an impossible date', { expires: '2026-02-30T12:05:00.000000+00:00' }],
        ['a malformed heartbeat', { heartbeat: 'yesterday' }],
        ['expires not after now', { expires: at(0) }],
      ])('rejects %s with LockStoreError and stores nothing', async (_name, change) => {
        // Prepare
        const { store } = await makeFixture();
        const lockId = `lock-${randomUUID()}`;

        // Act
        const error = await failure(
          store.acquire({ ...request(lockId, randomUUID(), 0), ...change }),
        );

        // Assess
        expect(error).toBeInstanceOf(LockStoreError);
        expect(error).not.toBeInstanceOf(LockHeldError);
        expect(await store.read({ lockId, collection: 'words' })).toBeUndefined();
      });
    });

    describe('Method: refresh', () => {
      it('extends the expiry and heartbeat for the owner, keeping the fence', async () => {
        // Prepare
        const { store } = await makeFixture();
        const lockId = `lock-${randomUUID()}`;
        const owner = randomUUID();
        const lock = await store.acquire(request(lockId, owner, 0));

        // Act
        const refreshed = await store.refresh({
          lockId,
          collection: 'words',
          owner,
          expires: at(360),
          heartbeat: at(60),
        });

        // Assess
        expect(refreshed).toEqual({ ...lock, expires: at(360), heartbeat: at(60) });
        expect(await store.read({ lockId, collection: 'words' })).toEqual(refreshed);
        await expect(store.acquire(request(lockId, randomUUID(), 301))).rejects.toBeInstanceOf(
          LockHeldError,
        );
      });

      it('lets the owner refresh a lock that expired but was not taken over', async () => {
        // Prepare
        const { store } = await makeFixture();
        const lockId = `lock-${randomUUID()}`;
        const owner = randomUUID();
        const lock = await store.acquire(request(lockId, owner, 0));

        // Act
        const refreshed = await store.refresh({
          lockId,
          collection: 'words',
          owner,
          expires: at(900),
          heartbeat: at(600),
        });

        // Assess
        expect(refreshed.fence).toBe(lock.fence);
      });

      it('rejects a stale holder after a takeover and leaves the new owner untouched', async () => {
        // Prepare
        const { store } = await makeFixture();
        const lockId = `lock-${randomUUID()}`;
        const stale = randomUUID();
        await store.acquire(request(lockId, stale, 0));
        const current = await store.acquire(request(lockId, randomUUID(), 301));

        // Act
        const error = await failure(
          store.refresh({
            lockId,
            collection: 'words',
            owner: stale,
            expires: at(999),
            heartbeat: at(400),
          }),
        );

        // Assess
        expect(error).toBeInstanceOf(LockLostError);
        expect((error as LockLostError).context).toMatchObject({ currentOwner: current.owner });
        expect(await store.read({ lockId, collection: 'words' })).toEqual(current);
      });

      it('rejects a refresh of a missing lock', async () => {
        // Prepare
        const { store } = await makeFixture();
        const lockId = `lock-${randomUUID()}`;

        // Act
        const refresh = store.refresh({
          lockId,
          collection: 'words',
          owner: randomUUID(),
          expires: at(300),
          heartbeat: null,
        });

        // Assess
        await expect(refresh).rejects.toBeInstanceOf(LockLostError);
        expect(await store.read({ lockId, collection: 'words' })).toBeUndefined();
      });

      it('rejects a refresh after release', async () => {
        // Prepare
        const { store } = await makeFixture();
        const lockId = `lock-${randomUUID()}`;
        const owner = randomUUID();
        await store.acquire(request(lockId, owner, 0));
        await store.release({ lockId, collection: 'words', owner });

        // Act
        const refresh = store.refresh({
          lockId,
          collection: 'words',
          owner,
          expires: at(600),
          heartbeat: at(60),
        });

        // Assess
        await expect(refresh).rejects.toBeInstanceOf(LockLostError);
      });
    });

    describe('Method: release', () => {
      it('frees the lock for the next acquirer before its expiry', async () => {
        // Prepare
        const { store } = await makeFixture();
        const lockId = `lock-${randomUUID()}`;
        const owner = randomUUID();
        const first = await store.acquire(request(lockId, owner, 0));

        // Act
        await store.release({ lockId, collection: 'words', owner });
        const next = await store.acquire(request(lockId, randomUUID(), 10));

        // Assess
        expect(next.fence).toBeGreaterThan(first.fence);
      });

      it('rejects a release by another owner and keeps the lock held', async () => {
        // Prepare
        const { store } = await makeFixture();
        const lockId = `lock-${randomUUID()}`;
        const lock = await store.acquire(request(lockId, randomUUID(), 0));

        // Act
        const release = store.release({ lockId, collection: 'words', owner: randomUUID() });

        // Assess
        await expect(release).rejects.toBeInstanceOf(LockLostError);
        expect(await store.read({ lockId, collection: 'words' })).toEqual(lock);
      });

      it('rejects a release of a missing lock and a second release', async () => {
        // Prepare
        const { store } = await makeFixture();
        const lockId = `lock-${randomUUID()}`;
        const owner = randomUUID();
        const missing = store.release({ lockId, collection: 'words', owner });
        await expect(missing).rejects.toBeInstanceOf(LockLostError);
        await store.acquire(request(lockId, owner, 0));
        await store.release({ lockId, collection: 'words', owner });

        // Act
        const again = store.release({ lockId, collection: 'words', owner });

        // Assess
        await expect(again).rejects.toBeInstanceOf(LockLostError);
      });
    });

    describe('Fence', () => {
      it('grows strictly across takeovers, releases and re-acquires', async () => {
        // Prepare
        const { store } = await makeFixture();
        const lockId = `lock-${randomUUID()}`;
        const [a, b, c] = [randomUUID(), randomUUID(), randomUUID()];
        const fences: number[] = [];

        // Act
        fences.push((await store.acquire(request(lockId, a, 0))).fence);
        await store.release({ lockId, collection: 'words', owner: a });
        fences.push((await store.acquire(request(lockId, b, 1))).fence);
        fences.push((await store.acquire(request(lockId, c, 400))).fence);
        await store.release({ lockId, collection: 'words', owner: c });
        fences.push((await store.acquire(request(lockId, a, 401))).fence);

        // Assess
        const first = fences[0] ?? 0;
        expect(fences).toEqual([first, first + 1, first + 2, first + 3]);
      });

      it('keeps growing after the item was deleted (TTL) and re-created later', async () => {
        // Prepare
        const fixture = await makeFixture();
        const lockId = `lock-${randomUUID()}`;
        const owner = randomUUID();
        let last = 0;
        for (let round = 0; round < 3; round += 1) {
          last = (await fixture.store.acquire(request(lockId, owner, round * 1000))).fence;
        }
        await fixture.deleteLock({ lockId, collection: 'words' });

        // Act
        const next = await fixture.store.acquire(request(lockId, owner, 86_400));

        // Assess
        expect(next.fence).toBeGreaterThan(last);
      });

      it('grows by one across a deleted lock item when the next clock is 2 s behind', async () => {
        // Prepare
        const fixture = await makeFixture();
        const lockId = `lock-${randomUUID()}`;
        const ahead = randomUUID();
        const first = await fixture.store.acquire(request(lockId, ahead, 100));
        await fixture.store.release({ lockId, collection: 'words', owner: ahead });
        await fixture.deleteLock({ lockId, collection: 'words' });

        // Act
        const behind = await fixture.store.acquire(request(lockId, randomUUID(), 98));

        // Assess
        expect(behind.fence).toBe(first.fence + 1);
        expect((await fixture.store.read({ lockId, collection: 'words' }))?.fence).toBe(
          first.fence + 1,
        );
      });

      it('grows by one across a Python overwrite without fence, whatever the clocks', async () => {
        // Prepare
        const fixture = await makeFixture();
        const lockId = `lock-${randomUUID()}`;
        const first = await fixture.store.acquire(request(lockId, randomUUID(), 100, 5));
        await fixture.putPythonLock({
          lock_id: lockId,
          owner: randomUUID(),
          expires: at(97),
          collection: 'words',
          heartbeat: at(96),
          fence: null,
          time_to_live: null,
        });

        // Act
        const next = await fixture.store.acquire(request(lockId, randomUUID(), 98));

        // Assess
        expect(next.fence).toBe(first.fence + 1);
      });

      it('treats a Python-written lock (no fence) as held, and gives its taker a fence', async () => {
        // Prepare
        const fixture = await makeFixture();
        const lockId = `lock-${randomUUID()}`;
        const pythonOwner = randomUUID();
        await fixture.putPythonLock({
          lock_id: lockId,
          owner: pythonOwner,
          expires: at(300),
          collection: 'words',
          heartbeat: null,
          fence: null,
          time_to_live: null,
        });
        expect(await fixture.store.read({ lockId, collection: 'words' })).toEqual({
          lockId,
          collection: 'words',
          owner: pythonOwner,
          expires: at(300),
          heartbeat: null,
          fence: 0,
        });
        await expect(
          fixture.store.acquire(request(lockId, randomUUID(), 100)),
        ).rejects.toBeInstanceOf(LockHeldError);

        // Act
        const taken = await fixture.store.acquire(request(lockId, randomUUID(), 301));

        // Assess
        expect(taken.fence).toBeGreaterThan(0);
      });
    });

    describe('Method: read', () => {
      it('returns undefined for a lock that was never taken', async () => {
        // Prepare
        const { store } = await makeFixture();

        // Act
        const lock = await store.read({ lockId: `lock-${randomUUID()}`, collection: 'lines' });

        // Assess
        expect(lock).toBeUndefined();
      });

      it('rejects an unknown collection with LockStoreError', async () => {
        // Prepare
        const { store } = await makeFixture();

        // Act
        const read = store.read({ lockId: 'x', collection: 'receipts' });

        // Assess
        await expect(read).rejects.toBeInstanceOf(LockStoreError);
      });
    });
  });
};
