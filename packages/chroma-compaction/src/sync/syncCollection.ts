import { mapWithConcurrency } from '../adapters/fs/objectFiles.js';
import { toError } from '../errors.js';
import { sleep } from '../locks/lockRetry.js';
import { checkedInteger } from '../options/checkedInteger.js';
import type { GetResponse, UpsertRequest, VectorCollection } from '../ports/vectorCollection.js';
import { recordLimitError, type VectorLimitError } from '../vectors/limits.js';

/** Records per page when not given (250): under Chroma Cloud's limit of 300 on one request. */
export const DEFAULT_SYNC_BATCH_SIZE = 250;
/** Pages in flight at once when not given. */
export const DEFAULT_SYNC_CONCURRENCY = 4;
/** Retries of a failed page when not given (so 3 tries in all). */
export const DEFAULT_SYNC_RETRIES = 2;
/** The wait before the first retry when not given; each further retry waits twice as long. */
export const DEFAULT_SYNC_RETRY_DELAY_MS = 1_000;

/** How far a {@link syncCollection} has got, reported after each page. */
export interface SyncProgress {
  /** Records of `from` when the sync started. */
  readonly total: number;
  /** Records written to `to` so far. */
  readonly copied: number;
  /** Pages given up on so far (after their retries). */
  readonly failedBatches: number;
}

/** Options of {@link syncCollection}. */
export interface SyncCollectionOptions {
  /** The collection copied from, e.g. an opened snapshot's. */
  readonly from: VectorCollection;
  /** The collection copied to, e.g. one on a Chroma server or Chroma Cloud. */
  readonly to: VectorCollection;
  /**
   * Records per page read and written; the default, {@link DEFAULT_SYNC_BATCH_SIZE}, is under
   * Chroma Cloud's limit on one request.
   * @default 250
   */
  readonly batchSize?: number | undefined;
  /**
   * Pages in flight at once (default {@link DEFAULT_SYNC_CONCURRENCY}).
   * @default 4
   */
  readonly concurrency?: number | undefined;
  /**
   * Retries of a page whose read or write failed, waiting `retryDelayMs`, then twice that,
   * and so on, before each (default {@link DEFAULT_SYNC_RETRIES}).
   * @default 2
   */
  readonly retries?: number | undefined;
  /**
   * The wait before a page's first retry, in milliseconds (default
   * {@link DEFAULT_SYNC_RETRY_DELAY_MS}).
   * @default 1000
   */
  readonly retryDelayMs?: number | undefined;
  /**
   * Also delete the records of `to` that `from` does not have, once every page of `from` was
   * read (a sync with a failed page deletes nothing, since it cannot know every id of `from`).
   * @default false
   */
  readonly prune?: boolean | undefined;
  /** Called after each page with the progress so far. @default none */
  readonly onProgress?: ((progress: SyncProgress) => void) | undefined;
  /**
   * Stops the sync: no page starts after it aborts, and the call rejects with its reason.
   * @default none (the sync runs to the end)
   */
  readonly signal?: AbortSignal | undefined;
}

/** A page given up on after its retries. */
export interface SyncBatchFailure {
  /** The page's offset in `from` (or, for a prune, in `to`). */
  readonly offset: number;
  /** What was being done: reading from `from`, writing to `to`, or deleting from `to`. */
  readonly step: 'read' | 'write' | 'prune';
  /** The last attempt's error. */
  readonly error: Error;
}

/** A record of `from` that `to` cannot store: over one of its limits. */
export interface SyncRefusal {
  /** The record's id. */
  readonly id: string;
  /** Which limit of `to` the record exceeds. */
  readonly error: VectorLimitError;
}

/** What {@link syncCollection} did. */
export interface SyncCollectionResult {
  /** Records of `from` when the sync started. */
  readonly total: number;
  /** Records written to `to`. */
  readonly copied: number;
  /** Records of `to` deleted because `from` does not have them (with `prune`). */
  readonly removed: number;
  /** Pages given up on after their retries; rerun the sync to converge. */
  readonly failedBatches: number;
  /** The pages given up on, with the last error of each. */
  readonly failures: readonly SyncBatchFailure[];
  /**
   * Records of `from` that `to` cannot store (over `to.limits`): not written, not retried.
   * Change them, or raise the limit, then sync again.
   */
  readonly refused: readonly SyncRefusal[];
  /** Records of `to` when the sync ended. */
  readonly targetCount: number;
  /** How long the sync took, in milliseconds. */
  readonly durationMs: number;
}

/**
 * An upsert of the records of a page that `to` can store (a page holds embeddings for every
 * id), and the records over its limits.
 */
const upsertOf = (
  page: GetResponse,
  to: VectorCollection,
): { upsert: UpsertRequest; refused: SyncRefusal[] } => {
  const upsert = {
    ids: page.ids,
    embeddings: page.embeddings ?? [],
    documents: page.documents,
    metadatas: page.metadatas,
  };
  if (to.limits === undefined) return { upsert, refused: [] };
  const refused: SyncRefusal[] = [];
  const keep: number[] = [];
  for (const [index, id] of page.ids.entries()) {
    const error = recordLimitError(to, {
      id,
      embedding: upsert.embeddings[index],
      document: upsert.documents?.[index],
      metadata: upsert.metadatas?.[index],
    });
    if (error === undefined) keep.push(index);
    else refused.push({ id, error });
  }
  if (refused.length === 0) return { upsert, refused };
  const pick = <T>(values: readonly T[] | undefined): T[] | undefined =>
    values === undefined ? undefined : keep.map((index) => values[index] as T);
  return {
    upsert: {
      ids: pick(upsert.ids) as string[],
      embeddings: pick(upsert.embeddings) as number[][],
      documents: pick(upsert.documents),
      metadatas: pick(upsert.metadatas),
    },
    refused,
  };
};

/**
 * Copies every record of `from` (ids, embeddings, documents, metadata) to `to`, page by page,
 * several pages at once, retrying a failed page with backoff. Records `to` already holds are
 * overwritten (an upsert), so rerunning a sync after a failure converges. With `prune`, the
 * records of `to` that `from` no longer has are deleted too. This is how a Chroma server or
 * Chroma Cloud collection is seeded from a published snapshot (open it with `openSnapshot`),
 * and how a stale mirror is repaired.
 *
 * A record `to` cannot store (over `to.limits`, e.g. Chroma Cloud's 36-byte metadata keys) is
 * not written and is listed in `refused`; nothing is dropped from a record on the way.
 *
 * `from` should not change during the sync: pages are read by offset.
 *
 * @param options - the two collections, page size, concurrency, retries, prune, progress
 *   and abort signal
 * @returns the counts, the pages given up on, and the records `to` holds at the end
 * @throws {RangeError} when `batchSize`, `concurrency` or `retryDelayMs` is not a positive
 *   integer, or `retries` is not an integer >= 0
 * @throws {VectorStoreError} when counting the records of `from` or `to` fails (a failed
 *   page is retried and reported in `failures` instead)
 * @throws the signal's reason once `signal` aborts
 * @example
 * ```ts
 * import { syncCollection, type VectorCollection } from '@receipt-chroma/chroma-compaction';
 * import { openSnapshot } from '@receipt-chroma/chroma-compaction/chroma';
 *
 * declare const snapshotDir: string; // a downloaded snapshot
 * declare const cloudWords: VectorCollection; // e.g. a Chroma Cloud collection
 *
 * const snapshot = await openSnapshot(snapshotDir);
 * try {
 *   const from = await snapshot.collection('words');
 *   const result = await syncCollection({ from, to: cloudWords, prune: true });
 *   if (result.failedBatches > 0) throw new Error('sync incomplete; run it again');
 * } finally {
 *   await snapshot.close();
 * }
 * ```
 */
export async function syncCollection(
  options: SyncCollectionOptions,
): Promise<SyncCollectionResult> {
  const { from, to, prune = false, onProgress, signal } = options;
  const batchSize = checkedInteger('batchSize', options.batchSize ?? DEFAULT_SYNC_BATCH_SIZE, 1);
  const concurrency = checkedInteger(
    'concurrency',
    options.concurrency ?? DEFAULT_SYNC_CONCURRENCY,
    1,
  );
  const retryDelayMs = checkedInteger(
    'retryDelayMs',
    options.retryDelayMs ?? DEFAULT_SYNC_RETRY_DELAY_MS,
    1,
  );
  const retries = checkedInteger('retries', options.retries ?? DEFAULT_SYNC_RETRIES, 0);
  const started = performance.now();
  signal?.throwIfAborted();

  const failures: SyncBatchFailure[] = [];
  const refused: SyncRefusal[] = [];
  /** `attempt()`, retried; the failure recorded (and `undefined` returned) after the last try. */
  const withRetries = async <T>(
    offset: number,
    step: SyncBatchFailure['step'],
    attempt: () => Promise<T>,
  ): Promise<T | undefined> => {
    for (let retry = 0; ; retry += 1) {
      signal?.throwIfAborted();
      try {
        return await attempt();
      } catch (thrown) {
        if (retry >= retries) {
          failures.push({ offset, step, error: toError(thrown) });
          return undefined;
        }
      }
      await sleep(retryDelayMs * 2 ** retry, signal);
    }
  };

  const total = await from.count();
  const sourceIds = new Set<string>();
  let copied = 0;
  let unread = 0;
  const offsets = Array.from(
    { length: Math.ceil(total / batchSize) },
    (_, page) => page * batchSize,
  );
  await mapWithConcurrency(offsets, concurrency, async (offset) => {
    const page = await withRetries(offset, 'read', () =>
      from.get({
        limit: batchSize,
        offset,
        include: ['embeddings', 'documents', 'metadatas'],
      }),
    );
    if (page === undefined) {
      unread += 1;
    } else if (page.ids.length > 0) {
      for (const id of page.ids) sourceIds.add(id);
      const fitting = upsertOf(page, to);
      refused.push(...fitting.refused);
      const written = await withRetries(offset, 'write', async () => {
        await to.upsert(fitting.upsert);
        return true;
      });
      if (written === true) copied += fitting.upsert.ids.length;
    }
    onProgress?.({ total, copied, failedBatches: failures.length });
  });

  let removed = 0;
  if (prune && unread === 0) removed = await pruneTarget(to, sourceIds, batchSize, withRetries);

  return {
    total,
    copied,
    removed,
    failedBatches: failures.length,
    failures,
    refused,
    targetCount: await to.count(),
    durationMs: performance.now() - started,
  };
}

/** Deletes the records of `to` whose ids are not in `keep`; returns how many. */
const pruneTarget = async (
  to: VectorCollection,
  keep: ReadonlySet<string>,
  batchSize: number,
  withRetries: <T>(
    offset: number,
    step: SyncBatchFailure['step'],
    attempt: () => Promise<T>,
  ) => Promise<T | undefined>,
): Promise<number> => {
  const stale: string[] = [];
  const targetTotal = await to.count();
  for (let offset = 0; offset < targetTotal; offset += batchSize) {
    const page = await withRetries(offset, 'prune', () =>
      to.get({ limit: batchSize, offset, include: [] }),
    );
    if (page === undefined) return 0;
    for (const id of page.ids) if (!keep.has(id)) stale.push(id);
  }
  let removed = 0;
  for (let start = 0; start < stale.length; start += batchSize) {
    const ids = stale.slice(start, start + batchSize);
    const done = await withRetries(start, 'prune', async () => {
      await to.delete({ ids });
      return true;
    });
    if (done) removed += ids.length;
  }
  return removed;
};
