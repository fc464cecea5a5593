/**
 * The package's errors: one base class, {@link ChromaCompactionError}, and subclasses that
 * carry the context a caller needs to decide what to do (retry, fail the message, alert).
 * Adapters wrap vendor errors in these and keep the original as `cause`.
 */

/** Fields every error of this package can carry, for logs. */
export type ErrorContext = Readonly<Record<string, string | number | boolean | undefined>>;

/** Options of {@link ChromaCompactionError} and its subclasses. */
export interface ChromaCompactionErrorOptions {
  /** The underlying error (a vendor SDK error, a zod error, …). @default none */
  readonly cause?: unknown;
  /** Structured context for logs: collection, key, operation, … @default `{}` */
  readonly context?: ErrorContext | undefined;
}

/** Base class of every error this package throws. */
export class ChromaCompactionError extends Error {
  /** Structured context for logs. */
  readonly context: ErrorContext;

  /**
   * Creates the error; `name` is the class's name.
   * @param message - what went wrong and what to change
   * @param options - the cause and the context for logs
   */
  constructor(message: string, options: ChromaCompactionErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.context = options.context ?? {};
  }
}

/**
 * Why a vector store failed, when it said: `rate-limited` (too many requests), `quota-exceeded`
 * (a limit of the account or database, e.g. Chroma Cloud's), `unavailable` (the server could
 * not be reached or failed). Each is worth retrying later.
 */
export type VectorStoreFailure = 'rate-limited' | 'quota-exceeded' | 'unavailable';

/** A vector collection (Chroma or a double) refused or failed an operation. */
export class VectorStoreError extends ChromaCompactionError {
  /** The collection's name. */
  readonly collection: string;
  /** The operation that failed, e.g. `get`, `upsert`, `update`, `delete` or `count`. */
  readonly operation: string;
  /** Why the store failed, when it said (see {@link VectorStoreFailure}). */
  readonly failure: VectorStoreFailure | undefined;
  /** True when retrying the operation later may succeed (the store said why it failed). */
  readonly retryable: boolean;

  /**
   * Creates the error; `retryable` is true when a `failure` kind is given.
   * @param message - what went wrong and what to change
   * @param options - the cause, the context, and the collection, operation and failure kind
   */
  constructor(
    message: string,
    options: ChromaCompactionErrorOptions & {
      /** The collection's name. */
      collection: string;
      /** The operation that failed. */
      operation: string;
      /** Why the store failed, when it said. */
      failure?: VectorStoreFailure | undefined;
    },
  ) {
    super(message, {
      cause: options.cause,
      context: {
        ...options.context,
        collection: options.collection,
        operation: options.operation,
        ...(options.failure === undefined ? {} : { failure: options.failure }),
      },
    });
    this.collection = options.collection;
    this.operation = options.operation;
    this.failure = options.failure;
    this.retryable = options.failure !== undefined;
  }
}

/** An object store operation failed (network, permissions, bad key, …). */
export class ObjectStoreError extends ChromaCompactionError {
  /** The operation that failed, e.g. `get`, `put`, `head`, `list` or `delete`. */
  readonly operation: string;
  /** The key (or, for `list`, the prefix) the operation was given, when it had one. */
  readonly key: string | undefined;

  /**
   * Creates the error, adding the operation and key to its `context`.
   * @param message - what went wrong and what to change
   * @param options - the cause, the context, and the operation and key
   */
  constructor(
    message: string,
    options: ChromaCompactionErrorOptions & {
      /** The operation that failed. */
      operation: string;
      /** The key the operation was given. */
      key?: string | undefined;
    },
  ) {
    super(message, {
      cause: options.cause,
      context: { ...options.context, operation: options.operation, key: options.key },
    });
    this.operation = options.operation;
    this.key = options.key;
  }
}

/** The object does not exist (S3 `NoSuchKey` / 404, or a missing file). */
export class ObjectNotFoundError extends ObjectStoreError {}

/** A conditional write or read failed: `ifMatch` / `ifNoneMatch` did not hold (S3 412/409). */
export class PreconditionFailedError extends ObjectStoreError {}

/** Options of {@link DeleteFailedError}. */
export interface DeleteFailedErrorOptions extends ChromaCompactionErrorOptions {
  /** Every key whose delete failed, in the order they were requested. */
  readonly failedKeys: readonly string[];
  /** How many of the requested distinct keys were deleted (or were already absent). */
  readonly deleted: number;
}

/**
 * An `ObjectStore.delete` attempted every key and some could not be deleted. The other keys
 * were deleted; deleting the failed ones again is safe (a missing key is not an error).
 * `cause` is an `AggregateError` whose `errors[i]` says why `failedKeys[i]` failed.
 */
export class DeleteFailedError extends ObjectStoreError {
  /** Every key whose delete failed, in the order they were requested. */
  readonly failedKeys: readonly string[];
  /** How many of the requested distinct keys were deleted (or were already absent). */
  readonly deleted: number;

  /**
   * Creates the error for a `delete` (its `key` is the first failed key).
   * @param message - what went wrong and what to change
   * @param options - the cause, the failed keys and the count deleted
   */
  constructor(message: string, options: DeleteFailedErrorOptions) {
    super(message, {
      cause: options.cause,
      operation: 'delete',
      key: options.failedKeys[0],
      context: { ...options.context, failed: options.failedKeys.length, deleted: options.deleted },
    });
    this.failedKeys = options.failedKeys;
    this.deleted = options.deleted;
  }
}

/** A read of the receipts table, or its one write (a run's state), failed. */
export class ReceiptStoreError extends ChromaCompactionError {
  /** The call that failed, e.g. `listReceiptWords` or `markCompactionRunCompleted`. */
  readonly operation: string;

  /**
   * Creates the error, adding the operation to its `context`.
   * @param message - what went wrong and what to change
   * @param options - the cause, the context, and the read that failed
   */
  constructor(
    message: string,
    options: ChromaCompactionErrorOptions & {
      /** The read that failed. */
      operation: string;
    },
  ) {
    super(message, {
      cause: options.cause,
      context: { ...options.context, operation: options.operation },
    });
    this.operation = options.operation;
  }
}

/** One item the receipts table returned that does not validate as its entity type. */
export interface InvalidReceiptItem {
  /** The item's partition key, e.g. `IMAGE#…`. */
  readonly pk: string;
  /** The item's sort key, e.g. `RECEIPT#00001#LINE#00002#WORD#00003`. */
  readonly sk: string;
  /** Why it failed (zod's issues, flattened to messages). */
  readonly issues: readonly string[];
}

/**
 * A read returned items that fail validation. The read is not used at all (acting on a
 * partial list of words or labels would write wrong metadata), so the message is retried
 * or dead-lettered instead of silently applied.
 */
export class InvalidReceiptItemError extends ReceiptStoreError {
  /** Every item of the read that failed validation, with why. */
  readonly items: readonly InvalidReceiptItem[];

  /**
   * Creates the error for the invalid items of one read.
   * @param message - what went wrong and what to change
   * @param options - the cause, the context, the read, and the items that failed
   */
  constructor(
    message: string,
    options: ChromaCompactionErrorOptions & {
      /** The read that returned the items. */
      operation: string;
      /** The items that failed validation. */
      items: readonly InvalidReceiptItem[];
    },
  ) {
    super(message, options);
    this.items = options.items;
  }
}

/** A lock store operation failed for a reason other than a lost race (network, throttling, …). */
export class LockStoreError extends ChromaCompactionError {}

/** The lock is held by another owner and has not expired; `context` names the current holder. */
export class LockHeldError extends LockStoreError {}

/** The lock is no longer ours: it is missing, or another owner holds it. */
export class LockLostError extends LockStoreError {}

/** A Chroma record id does not have the expected `IMAGE#…#RECEIPT#…` layout. */
export class InvalidChromaIdError extends ChromaCompactionError {}

/**
 * The `error_type` dimension of an error metric: the error's class name (`typeof` for
 * something thrown that is not an `Error`).
 * @param error - the value caught
 * @internal
 */
export const errorType = (error: unknown): string =>
  error instanceof Error ? error.name : typeof error;

/**
 * Turns anything thrown into an `Error` (a thrown string or object becomes the message of
 * a new `Error`, kept as its `cause`), so a failed result always carries an `Error`.
 * @param thrown - the value caught
 * @internal
 */
export function toError(thrown: unknown): Error {
  if (thrown instanceof Error) return thrown;
  const message = typeof thrown === 'string' ? thrown : `Non-error thrown: ${String(thrown)}`;
  return new Error(message, { cause: thrown });
}

/**
 * The message of a caught value: an `Error`'s `message`, anything else as a string. For log
 * fields and one-line reasons; {@link toError} when an `Error` is needed.
 * @param thrown - the value caught
 * @internal
 */
export const errorMessage = (thrown: unknown): string =>
  thrown instanceof Error ? thrown.message : String(thrown);
