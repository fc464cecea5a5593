import { text } from 'node:stream/consumers';
import {
  ChromaCompactionError,
  errorMessage,
  ObjectNotFoundError,
  PreconditionFailedError,
} from '../errors.js';
import type { ObjectStore } from '../ports/objectStore.js';

/** A mirror marked stale: some messages failed on it, so it may differ from the table. */
export interface StaleMirrorMark {
  /** The collection mirrored, e.g. `lines`. */
  readonly collection: string;
  /** The mirror's place in the compactor's `mirrors`. */
  readonly mirror: number;
  /** When the mirror was first marked (since the last repair). */
  readonly markedAt: string;
  /** When it was last marked. */
  readonly updatedAt: string;
  /** Messages that failed on the mirror since the first mark. */
  readonly failedMessages: number;
  /** The last failure's reason. */
  readonly reason: string;
}

/** A mark as read: the mark and the version of its object, for a conditional clear. */
export interface StaleMirrorMarkRead {
  /** The mark. */
  readonly mark: StaleMirrorMark;
  /** The ETag of the mark's object, to pass to {@link StaleMirrorMarks.clear}. */
  readonly etag: string;
}

/** What one batch adds to a mirror's mark. */
export interface StaleMirrorFailure {
  /** The collection mirrored, e.g. `lines`. */
  readonly collection: string;
  /** The mirror's place in the compactor's `mirrors`. */
  readonly mirror: number;
  /** Messages of the batch that failed on the mirror. */
  readonly failedMessages: number;
  /** Why they failed (the first failure's reason), for the operator who repairs the mirror. */
  readonly reason: string;
}

/** A mark could not be written or read (the object store failed, or kept changing). */
export class StaleMirrorMarkError extends ChromaCompactionError {}

/** The object body of a mark, and of a cleared one (`stale: false`). */
type MarkBody = (StaleMirrorMark & { readonly stale: true }) | { readonly stale: false };

/** Optimistic writes tried before giving up when other writers keep changing the mark. */
const ATTEMPTS = 5;

/**
 * Marks of stale mirrors, kept in an object store so that they outlive the invocation that
 * saw a mirror fail: `{prefix}{collection}/mirrors/{index}/stale.json`, JSON. A compactor
 * given `staleMirrorMarks` marks each mirror a batch left stale; `repairStaleMirror` syncs a
 * marked mirror and clears its mark, unless the mirror was marked again meanwhile (every
 * write is conditional on the version read, so no mark is lost to a concurrent writer).
 *
 * A mirror is named by its place in `mirrors`: keep that order stable.
 *
 * @example
 * ```ts
 * import {
 *   type ObjectStore,
 *   type ReceiptStore,
 *   StaleMirrorMarks,
 *   type VectorCollection,
 * } from '@receipt-chroma/chroma-compaction';
 * import { compactCollection } from '@receipt-chroma/chroma-compaction/chroma';
 *
 * declare const store: ObjectStore;
 * declare const receipts: ReceiptStore;
 * declare const lines: VectorCollection; // the primary, on a Chroma server
 * declare const cloudLines: VectorCollection; // a mirror, on Chroma Cloud
 * declare const records: readonly { messageId: string; body: string }[];
 *
 * const marks = new StaleMirrorMarks(store);
 * await compactCollection({
 *   collectionName: 'lines',
 *   records,
 *   store,
 *   receipts,
 *   target: { vectors: lines },
 *   deadline: () => 60_000,
 *   mirrors: [cloudLines],
 *   staleMirrorMarks: marks,
 * });
 * const stale = await marks.read('lines', 0); // a StaleMirrorMarkRead, or undefined
 * ```
 */
export class StaleMirrorMarks {
  readonly #store: ObjectStore;
  readonly #prefix: string;

  /**
   * Keeps the marks in `store`.
   * @param store - Where the marks live (the snapshots' bucket is a good place).
   * @param options - `prefix` before each key.
   */
  constructor(
    store: ObjectStore,
    options: {
      /** Put before each key, e.g. `compaction/`. @default '' */
      readonly prefix?: string | undefined;
    } = {},
  ) {
    this.#store = store;
    this.#prefix = options.prefix ?? '';
  }

  /**
   * The object key of a mirror's mark, `{prefix}{collection}/mirrors/{mirror}/stale.json`.
   * @param collection - the collection mirrored
   * @param mirror - the mirror's place in `mirrors`
   */
  key(collection: string, mirror: number): string {
    return `${this.#prefix}${collection}/mirrors/${mirror}/stale.json`;
  }

  /**
   * The mirror's mark, or `undefined` when it is not marked. A mark that cannot be parsed
   * reads as stale, so the mirror stays marked until it is repaired.
   * @param collection - the collection mirrored
   * @param mirror - the mirror's place in `mirrors`
   * @throws {StaleMirrorMarkError} when the store fails
   */
  async read(collection: string, mirror: number): Promise<StaleMirrorMarkRead | undefined> {
    const read = await this.#readBody(collection, mirror);
    return read?.body.stale === true ? { mark: markOf(read.body), etag: read.etag } : undefined;
  }

  /**
   * Marks the mirror stale, or adds to its mark (`failedMessages`, `updatedAt`, `reason`).
   * @param failure - the mirror and what failed on it
   * @param now - the time of the mark; by default the current time
   * @returns the mark as written
   * @throws {StaleMirrorMarkError} when the store fails, or the mark keeps changing under it
   */
  async mark(failure: StaleMirrorFailure, now: Date = new Date()): Promise<StaleMirrorMark> {
    const { collection, mirror } = failure;
    const key = this.key(collection, mirror);
    for (let attempt = 1; attempt <= ATTEMPTS; attempt += 1) {
      const read = await this.#readBody(collection, mirror);
      const previous = read?.body.stale === true ? markOf(read.body) : undefined;
      const at = now.toISOString();
      const mark: StaleMirrorMark = {
        collection,
        mirror,
        markedAt: previous?.markedAt ?? at,
        updatedAt: at,
        failedMessages: (previous?.failedMessages ?? 0) + failure.failedMessages,
        reason: failure.reason,
      };
      try {
        await this.#store.put(key, JSON.stringify({ stale: true, ...mark }), {
          contentType: 'application/json',
          ...(read === undefined ? { ifNoneMatch: '*' } : { ifMatch: read.etag }),
        });
        return mark;
      } catch (error) {
        if (!(error instanceof PreconditionFailedError)) throw markError(key, error);
      }
    }
    throw new StaleMirrorMarkError(
      `The stale mark ${key} changed under every one of ${ATTEMPTS} writes; it was not updated`,
      { context: { key } },
    );
  }

  /**
   * Clears the mark read as `etag`.
   * @param collection - the collection mirrored
   * @param mirror - the mirror's place in `mirrors`
   * @param etag - the `etag` of the {@link StaleMirrorMarkRead} the repair started from
   * @throws {StaleMirrorMarkError} when the store fails
   * @returns false when the mark changed since it was read (the mirror was marked again: it
   *   stays marked)
   */
  async clear(collection: string, mirror: number, etag: string): Promise<boolean> {
    const key = this.key(collection, mirror);
    try {
      await this.#store.put(key, JSON.stringify({ stale: false }), {
        contentType: 'application/json',
        ifMatch: etag,
      });
      return true;
    } catch (error) {
      if (error instanceof PreconditionFailedError) return false;
      throw markError(key, error);
    }
  }

  async #readBody(
    collection: string,
    mirror: number,
  ): Promise<{ body: MarkBody; etag: string } | undefined> {
    const key = this.key(collection, mirror);
    let raw: string;
    let etag: string;
    try {
      const { info, body } = await this.#store.get(key);
      etag = info.etag;
      raw = await text(body);
    } catch (error) {
      if (error instanceof ObjectNotFoundError) return undefined;
      throw markError(key, error);
    }
    try {
      return { body: JSON.parse(raw) as MarkBody, etag };
    } catch (error) {
      // An unreadable mark still says "stale": keep the mirror marked until it is repaired.
      return {
        body: {
          stale: true,
          collection,
          mirror,
          markedAt: new Date(0).toISOString(),
          updatedAt: new Date(0).toISOString(),
          failedMessages: 0,
          reason: `unreadable mark: ${(error as Error).message}`,
        },
        etag,
      };
    }
  }
}

const markOf = ({ stale: _, ...mark }: StaleMirrorMark & { readonly stale: true }) =>
  mark as StaleMirrorMark;

const markError = (key: string, error: unknown): StaleMirrorMarkError =>
  new StaleMirrorMarkError(
    `The stale mark ${key} could not be read or written: ${errorMessage(error)}`,
    { cause: error, context: { key } },
  );
