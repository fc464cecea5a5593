/**
 * A batched write (`vectors/writeBatches.ts`) stopped part-way; `cause` is the collection's
 * error. Internal: the operations unwrap it into their result (`error` = the cause, `reason`
 * names the counts).
 * @internal
 */
export class BatchWriteError extends Error {
  /** Records written by the batches before the one that failed. */
  readonly written: number;
  /** Records in the whole write. */
  readonly total: number;

  constructor(cause: unknown, written: number, total: number) {
    super(`Write stopped after ${written} of ${total} records`, { cause });
    this.name = 'BatchWriteError';
    this.written = written;
    this.total = total;
  }
}
