import { EntityType } from '../constants.js';
import { EntityValidationError } from '../errors.js';
import type { AttributeValue, DynamoDBItem } from '../types.js';
import { parsePythonInt } from '../validation/validators.js';

/** The identifiers and delta prefixes of a compaction run, read from its INSERT image. */
export interface CompactionRunInfo {
  /** The run id: the `run_id` attribute, or else the last sort-key segment. */
  readonly run_id: string;
  /** The image id: the partition key after `IMAGE#`. */
  readonly image_id: string;
  /** The receipt number: from the sort key, or else the `receipt_id` attribute. */
  readonly receipt_id: number;
  /** The S3 prefix of the lines delta; `null` when the image has no string for it. */
  readonly lines_delta_prefix: string | null;
  /** The S3 prefix of the words delta; `null` when the image has no string for it. */
  readonly words_delta_prefix: string | null;
}

/**
 * True when the keys belong to a compaction run: an `IMAGE#` partition and a
 * `#COMPACTION_RUN#` sort key.
 *
 * @param pk - the record's partition key
 * @param sk - the record's sort key
 */
export const isCompactionRun = (pk: string, sk: string): boolean =>
  pk.startsWith('IMAGE#') && sk.includes('#COMPACTION_RUN#');

const stringOf = (value: AttributeValue | undefined): string | null =>
  typeof value?.S === 'string' ? value.S : null;

const fail = (path: string, message: string): EntityValidationError =>
  new EntityValidationError(EntityType.COMPACTION_RUN, [{ code: 'custom', path: [path], message }]);

const receiptIdOf = (sk: string, image: DynamoDBItem): number => {
  const segment = (sk.split('#')[1] ?? '').replaceAll('RECEIPT', '').replaceAll('#', '');
  const fromKey = segment === '' ? undefined : parsePythonInt(segment);
  if (fromKey !== undefined) {
    if (fromKey > 0) return fromKey;
    throw fail('SK', `receipt_id must be positive, got ${fromKey} from SK ${sk}`);
  }
  const attribute = image['receipt_id']?.N;
  const fromAttribute = attribute === undefined ? undefined : parsePythonInt(attribute);
  if (fromAttribute === undefined || fromAttribute <= 0) {
    throw fail('receipt_id', `Could not parse receipt_id from SK: ${sk} or new_image`);
  }
  return fromAttribute;
};

/**
 * Reads a compaction run's identifiers and delta prefixes straight from its raw INSERT
 * image, without validating the whole entity: `run_id` from the attribute or else the last
 * sort-key segment, `image_id` from the partition key, `receipt_id` from the sort key or
 * else the attribute.
 *
 * Unlike the Python reader, an empty receipt segment falls back to the attribute instead
 * of yielding 0, and a receipt id or run id that is not positive/non-empty is an error.
 *
 * @param newImage - the run's INSERT image, in DynamoDB JSON
 * @param pk - the record's partition key, `IMAGE#<image_id>`
 * @param sk - the record's sort key, `RECEIPT#<rid>#COMPACTION_RUN#<run_id>`
 * @returns the run's identifiers and delta prefixes
 * @throws {@link EntityValidationError} when the keys are empty or no usable receipt or run
 *   id exists
 * @example
 * ```ts
 * import { type DynamoDBItem, parseCompactionRun } from '@receipt-chroma/dynamo-stream';
 *
 * declare const image: DynamoDBItem;
 * parseCompactionRun(image, 'IMAGE#7e2b…', 'RECEIPT#00042#COMPACTION_RUN#run-abc');
 * // { run_id: 'run-abc', image_id: '7e2b…', receipt_id: 42, lines_delta_prefix: …, words_delta_prefix: … }
 * ```
 */
export const parseCompactionRun = (
  newImage: DynamoDBItem,
  pk: string,
  sk: string,
): CompactionRunInfo => {
  if (pk === '' || sk === '') {
    throw fail(pk === '' ? 'PK' : 'SK', 'PK and SK are required to parse compaction run');
  }
  const runId = stringOf(newImage['run_id']) || (sk.split('#').at(-1) ?? '');
  if (runId === '') throw fail('run_id', `Compaction run has no run_id in its image or SK: ${sk}`);
  const firstHash = pk.indexOf('#');
  return {
    run_id: runId,
    image_id: pk.slice(firstHash + 1),
    receipt_id: receiptIdOf(sk, newImage),
    lines_delta_prefix: stringOf(newImage['lines_delta_prefix']),
    words_delta_prefix: stringOf(newImage['words_delta_prefix']),
  };
};

const isFinishedAt = (value: AttributeValue | undefined): boolean =>
  typeof value?.S === 'string' && value.S !== '';

/**
 * True when both collections of a compaction run are done: both states are exactly
 * `COMPLETED`, or both `*_finished_at` timestamps are non-empty strings. Python also
 * counted `{"S": ""}` as finished; this does not.
 *
 * @param newImage - the run's image, in DynamoDB JSON; a missing image is not completed
 */
export const isEmbeddingsCompleted = (newImage: DynamoDBItem | null | undefined): boolean => {
  if (!newImage) return false;
  if (newImage['lines_state']?.S === 'COMPLETED' && newImage['words_state']?.S === 'COMPLETED') {
    return true;
  }
  return isFinishedAt(newImage['lines_finished_at']) && isFinishedAt(newImage['words_finished_at']);
};
