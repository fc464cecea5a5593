import type { DecodedStreamMessage } from '@receipt-chroma/dynamo-stream';
import { NOOP_LOGGER, type ObservabilityOptions } from '../ports/observability.js';

/** The parts of a message the ordering reads. */
export type OrderableMessage = Pick<
  DecodedStreamMessage,
  'entityType' | 'entityData' | 'eventName'
> & {
  /** Where the message came from; only its time is read. */
  readonly context: {
    /** When the stream processor built the message, or `null` when unknown. */
    readonly timestamp: string | null;
  };
};

/** Anything that carries a message: a `CollectionUpdateInput`, or `{ message }`. */
export interface WithOrderableMessage {
  /** The message to order. */
  readonly message: OrderableMessage;
}

/** A message left out because a removal in the same batch supersedes it. */
export interface SupersededMessage<Item> {
  /** The item left out. */
  readonly item: Item;
  /** The removal that supersedes it. */
  readonly supersededBy: Item;
}

/** What {@link sortAndDeduplicateMessages} returns. */
export interface DeduplicatedMessages<Item> {
  /** The items to apply, removals first, then by timestamp (stable). */
  readonly kept: Item[];
  /** The items left out, in sorted order. */
  readonly dropped: SupersededMessage<Item>[];
}

const TIMESTAMP = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,6}))?(?:\+00:00|Z)?$/;

/**
 * A timestamp as a fixed-width string that sorts in time order: Python omits the fraction
 * when the microseconds are 0 and JS writes `Z` with milliseconds; both become
 * `YYYY-MM-DDTHH:MM:SS.ffffff`. Anything else is compared as given.
 * @internal
 */
export function timestampSortKey(timestamp: string | null): string {
  if (timestamp === null) return '';
  const match = TIMESTAMP.exec(timestamp);
  if (match === null) return timestamp;
  return `${match[1]}.${(match[2] ?? '').padEnd(6, '0')}`;
}

/** The key parts, or `undefined` when one is missing (such a message is never matched). */
const parts = (...values: unknown[]): string | undefined =>
  values.some((value) => value === undefined || value === null)
    ? undefined
    : values.map((value) => JSON.stringify(value)).join('|');

/** A stable text form of an object, keys sorted (the role of Python's `str(sorted(items()))`). */
const stableText = (data: Readonly<Record<string, unknown>>): string =>
  JSON.stringify(
    Object.keys(data)
      .sort()
      .map((key) => [key, data[key]]),
  );

const prefixed = (prefix: string, key: string | undefined): string | undefined =>
  key === undefined ? undefined : `${prefix}|${key}`;

function wordKey(message: OrderableMessage): string | undefined {
  const data = message.entityData;
  return prefixed('word', parts(data.image_id, data.receipt_id, data.line_id, data.word_id));
}

// spec §10 step 3, with the label in a word label's key (§18.5).
/**
 * The entity a message is about. `RECEIPT` and `RECEIPT_PLACE` share a key, as do
 * `RECEIPT_LINE` and `RECEIPT_LINE_LABEL`. `undefined` when an id of the key is missing:
 * such a message neither supersedes nor is superseded (its own step fails it).
 */
function entityKey(message: OrderableMessage): string | undefined {
  const data = message.entityData;
  switch (message.entityType) {
    case 'RECEIPT':
    case 'RECEIPT_PLACE':
      return prefixed('receipt', parts(data.image_id, data.receipt_id));
    case 'RECEIPT_LINE':
    case 'RECEIPT_LINE_LABEL':
      return prefixed('line', parts(data.image_id, data.receipt_id, data.line_id));
    case 'RECEIPT_WORD':
      return wordKey(message);
    case 'RECEIPT_WORD_LABEL': {
      const word = wordKey(message);
      const label = parts(data.label);
      return word === undefined || label === undefined ? undefined : `${word}|label|${label}`;
    }
    case 'RECEIPT_SECTION':
      return prefixed('section', parts(data.image_id, data.receipt_id, data.section_type));
    default:
      return `other|${message.entityType}|${stableText(data)}`;
  }
}

/**
 * The keys whose removal supersedes a message: its own entity's, and for a word label
 * also its word's (a removed word takes its labels with it).
 */
function supersedingKeys(message: OrderableMessage): string[] {
  const keys = [entityKey(message)];
  if (message.entityType === 'RECEIPT_WORD_LABEL') keys.push(wordKey(message));
  return keys.filter((key): key is string => key !== undefined);
}

const isRemove = (message: OrderableMessage): boolean => message.eventName === 'REMOVE';

/** The latest removal recorded for one key. */
interface Removal<Item> {
  readonly item: Item;
  /** The sort key of its timestamp, or `undefined` when it has none. */
  readonly at: string | undefined;
}

// spec §10, with the fixes of §18.5.
/**
 * Orders a batch and drops the messages a removal in the same batch supersedes, as the
 * Python handler did before applying a batch.
 *
 * `processCollectionUpdates` no longer calls it: every operation reads the state it writes
 * from DynamoDB, so a superseded message is harmless to apply, while dropping one can lose
 * the update of an entity deleted and created again.
 *
 * 1. Sort (stable): `REMOVE` messages first, then by `context.timestamp` (the time the
 *    stream processor built the message; a missing one sorts first).
 * 2. Every `REMOVE` is kept. A non-`REMOVE` is dropped when a `REMOVE` of the same entity
 *    is not provably older: dropped unless both timestamps are known and the message's is
 *    strictly later. So an entity re-created after its removal in the same batch keeps the
 *    re-creation (the Python handler dropped it), and applying the kept list in order
 *    (removal, then the re-creation) gives the final state.
 * 3. Entity keys: `RECEIPT` and `RECEIPT_PLACE` share `(image, receipt)`; `RECEIPT_LINE`
 *    `(image, receipt, line)`; `RECEIPT_WORD` `(image, receipt, line, word)`;
 *    `RECEIPT_WORD_LABEL` adds the label (the Python handler left it out, so removing label
 *    X dropped a change of label Y), and a word's removal also supersedes its labels'
 *    changes; `RECEIPT_SECTION` `(image, receipt, section_type)`; anything else (e.g.
 *    `COMPACTION_RUN`) its type and whole `entity_data`.
 *
 * @param items - messages with their records (`{ recordId, message }` or any `{ message }`)
 * @param options - a logger for the `"Within-batch deduplication"` event
 * @returns the items to apply, in order, and the items left out with what superseded them
 * @example
 * ```ts
 * import {
 *   type CollectionUpdateInput,
 *   sortAndDeduplicateMessages,
 * } from '@receipt-chroma/chroma-compaction';
 *
 * declare const inputs: readonly CollectionUpdateInput[];
 *
 * const { kept, dropped } = sortAndDeduplicateMessages(inputs);
 * for (const { item, supersededBy } of dropped) {
 *   console.log(`${item.recordId} is superseded by ${supersededBy.recordId}`);
 * }
 * ```
 * @deprecated Apply every message with `processCollectionUpdates` instead; kept for callers
 *   that order messages for another consumer.
 */
export function sortAndDeduplicateMessages<Item extends WithOrderableMessage>(
  items: readonly Item[],
  options: ObservabilityOptions = {},
): DeduplicatedMessages<Item> {
  const sorted = items
    .map((item, index) => ({
      item,
      index,
      remove: isRemove(item.message),
      at: timestampSortKey(item.message.context.timestamp),
    }))
    .sort(
      (left, right) =>
        Number(right.remove) - Number(left.remove) ||
        (left.at < right.at ? -1 : left.at > right.at ? 1 : 0) ||
        left.index - right.index,
    );

  const removals = new Map<string, Removal<Item>>();
  const kept: Item[] = [];
  const dropped: SupersededMessage<Item>[] = [];
  for (const { item, remove } of sorted) {
    const message = item.message;
    const at =
      message.context.timestamp === null ? undefined : timestampSortKey(message.context.timestamp);
    if (remove) {
      kept.push(item);
      const key = entityKey(message);
      if (key === undefined) continue;
      const previous = removals.get(key);
      // Keep the removal that supersedes the most: an unknown time, else the latest.
      if (
        previous === undefined ||
        (previous.at !== undefined && (at === undefined || at >= previous.at))
      ) {
        removals.set(key, { item, at });
      }
      continue;
    }
    const superseding = supersedingKeys(message)
      .map((key) => removals.get(key))
      .find(
        (removal) =>
          removal !== undefined &&
          (removal.at === undefined || at === undefined || at <= removal.at),
      );
    if (superseding === undefined) kept.push(item);
    else dropped.push({ item, supersededBy: superseding.item });
  }

  if (dropped.length > 0) {
    (options.logger ?? NOOP_LOGGER).info('Within-batch deduplication', {
      total: items.length,
      kept: kept.length,
      dropped: dropped.length,
    });
  }
  return { kept, dropped };
}
