import { ChromaCompactionError, type ChromaCompactionErrorOptions } from '../errors.js';
import type { writeDelta } from './writeDelta.js';

/** Options of {@link DeltaError} and its subclasses. */
export interface DeltaErrorOptions extends ChromaCompactionErrorOptions {
  /** The delta's key prefix in its store (normalised, ending in `/`) or as given. */
  readonly prefix: string;
}

/** Base class of the errors about one delta: where it is, what it holds, whether it is whole. */
export class DeltaError extends ChromaCompactionError {
  /** The delta's key prefix (normalised to one trailing `/` once it was resolved). */
  readonly prefix: string;

  constructor(message: string, options: DeltaErrorOptions) {
    super(message, {
      cause: options.cause,
      context: { ...options.context, prefix: options.prefix },
    });
    this.prefix = options.prefix;
  }
}

/**
 * No delta exists under the prefix: no `delta.tar.gz` and no object below it. The producer
 * has not written it yet, or it was deleted.
 */
export class DeltaNotFoundError extends DeltaError {}

/**
 * The prefix cannot be read from this store: an `s3://` URI naming another bucket (or any
 * bucket, for a store that is not a bucket), or a prefix with no key in it.
 */
export class DeltaLocationError extends DeltaError {}

/**
 * Which check a delta failed while it was read:
 * - `archive`: the gzip or tar stream is truncated or corrupt;
 * - `manifest-missing`: the first entry is not `manifest.json`;
 * - `manifest-invalid`: the manifest is not JSON, lacks a field, has an unknown format or
 *   version, or is larger than a manifest can be;
 * - `entry-path`: an entry name with `..`, an absolute path or a NUL byte;
 * - `entry-type`: a link, device file, FIFO or directory where a file belongs;
 * - `entry-unknown`: a file the manifest does not list;
 * - `entry-duplicate`: a file that appears twice;
 * - `entry-missing`: a file the manifest lists and the archive lacks;
 * - `entry-size` / `entry-sha256`: a file whose size or SHA-256 differs from the manifest's;
 * - `count`: `records.ndjson` holds another number of records than the manifest says;
 * - `dimension`: `embeddings.f32` does not hold count x dimension float32 values, or a
 *   Python-era record's vector differs in length from the others;
 * - `record`: a record is not valid JSON, has an id that is not a Chroma id of the
 *   collection, a metadata value Chroma cannot store, or a non-finite vector component;
 * - `duplicate-id`: an id appears twice;
 * - `collection`: the delta was written for the other collection;
 * - `receipt`: the delta holds records of another receipt than the one it is merged for;
 * - `too-large`: the delta exceeds the reader's byte limit, or inflates to more header
 *   and padding bytes than a delta has (a gzip bomb);
 * - `python-delta`: a Python-era delta (a Chroma persist directory) that Chroma cannot open,
 *   or that lacks the collection.
 */
export type DeltaCheck =
  | 'archive'
  | 'manifest-missing'
  | 'manifest-invalid'
  | 'entry-path'
  | 'entry-type'
  | 'entry-unknown'
  | 'entry-duplicate'
  | 'entry-missing'
  | 'entry-size'
  | 'entry-sha256'
  | 'count'
  | 'dimension'
  | 'record'
  | 'duplicate-id'
  | 'collection'
  | 'receipt'
  | 'too-large'
  | 'python-delta';

/** Options of {@link DeltaIntegrityError}. */
export interface DeltaIntegrityErrorOptions extends DeltaErrorOptions {
  /** The check that failed. */
  readonly check: DeltaCheck;
  /**
   * The archive entry at fault, e.g. `embeddings.f32`.
   * @default none: the delta as a whole is at fault
   */
  readonly entry?: string | undefined;
}

/**
 * A delta failed a check while it was read: it is incomplete, corrupt, or not what it
 * claims to be. Nothing of it was handed to the caller; merging it again will fail again
 * until the producer writes it anew.
 */
export class DeltaIntegrityError extends DeltaError {
  /** The check that failed. */
  readonly check: DeltaCheck;
  /** The archive entry at fault, when one is. */
  readonly entry: string | undefined;

  constructor(message: string, options: DeltaIntegrityErrorOptions) {
    super(message, {
      cause: options.cause,
      prefix: options.prefix,
      context: { ...options.context, check: options.check, entry: options.entry },
    });
    this.check = options.check;
    this.entry = options.entry;
  }
}

/** Options of {@link InvalidDeltaRecordError}. */
export interface InvalidDeltaRecordErrorOptions extends DeltaErrorOptions {
  /** The record's position in the input, from 0. */
  readonly index: number;
  /**
   * The record's id, when it has a string one.
   * @default none
   */
  readonly id?: string | undefined;
}

/**
 * {@link writeDelta} refused a record (a bad id, a vector of another dimension, a non-finite
 * number, a duplicate id, metadata Chroma cannot store). Nothing was stored.
 */
export class InvalidDeltaRecordError extends DeltaError {
  /** The record's position in the input, from 0. */
  readonly index: number;
  /** The record's id, when it has a string one. */
  readonly id: string | undefined;

  constructor(message: string, options: InvalidDeltaRecordErrorOptions) {
    super(message, {
      cause: options.cause,
      prefix: options.prefix,
      context: { ...options.context, index: options.index, id: options.id },
    });
    this.index = options.index;
    this.id = options.id;
  }
}

/** A record broke a rule of the delta record rules (`recordChecks.ts`). @internal */
export class RecordRejection extends Error {
  readonly check: DeltaCheck;
  readonly index: number;
  readonly id: string | undefined;

  constructor(check: DeltaCheck, problem: string, index: number, id: unknown) {
    super(`record ${index}: ${problem}`);
    this.check = check;
    this.index = index;
    this.id = typeof id === 'string' ? id : undefined;
  }
}
