import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildStreamMessages } from '../../../src/messages/buildStreamMessages.js';
import type { DynamoDBStreamRecord } from '../../../src/types.js';
import {
  IMAGE_ID,
  legacyReceiptSectionItem,
  placeItem,
  receiptItem,
  receiptLineItem,
  receiptWordItem,
  receiptWordLabelItem,
  runItem,
  streamRecord,
  summaryItem,
} from '../../helpers/factories.js';

/** Valid records of every kind, the seeds that mutations start from. */
const seeds: DynamoDBStreamRecord[] = [
  streamRecord({
    eventName: 'MODIFY',
    oldImage: placeItem({ merchantName: 'A' }),
    newImage: placeItem(),
  }),
  streamRecord({
    eventName: 'MODIFY',
    oldImage: receiptWordLabelItem({ validationStatus: 'PENDING' }),
    newImage: receiptWordLabelItem({ validationStatus: 'VALID' }),
  }),
  streamRecord({ eventName: 'REMOVE', oldImage: receiptWordLabelItem() }),
  streamRecord({ eventName: 'INSERT', newImage: legacyReceiptSectionItem() }),
  streamRecord({
    eventName: 'MODIFY',
    oldImage: summaryItem(),
    newImage: summaryItem({ timestampComputed: '2026-02-01' }),
  }),
  streamRecord({ eventName: 'REMOVE', oldImage: receiptWordItem() }),
  streamRecord({ eventName: 'REMOVE', oldImage: receiptLineItem() }),
  streamRecord({ eventName: 'REMOVE', oldImage: receiptItem() }),
  streamRecord({ eventName: 'INSERT', newImage: runItem() }),
];

/** Every path to a value inside a JSON-like object. */
const pathsOf = (value: unknown, prefix: (string | number)[] = []): (string | number)[][] => {
  if (value === null || typeof value !== 'object') return [prefix];
  const entries = Array.isArray(value)
    ? value.map((item, index) => [index, item] as const)
    : Object.entries(value);
  return [prefix, ...entries.flatMap(([key, item]) => pathsOf(item, [...prefix, key]))];
};

const mutate = (
  record: unknown,
  path: (string | number)[],
  replacement: unknown,
  remove: boolean,
): unknown => {
  if (path.length === 0) return replacement;
  const copy: Record<string | number, unknown> = structuredClone(record) as never;
  let cursor: Record<string | number, unknown> = copy;
  for (const key of path.slice(0, -1)) cursor = cursor[key] as Record<string | number, unknown>;
  const last = path.at(-1) as string | number;
  if (remove) delete cursor[last];
  else cursor[last] = replacement;
  return copy;
};

const mutatedRecord = fc
  .tuple(fc.constantFrom(...seeds), fc.nat(), fc.anything(), fc.boolean())
  .map(([seed, pick, replacement, remove]) => {
    const paths = pathsOf(seed);
    return mutate(seed, paths[pick % paths.length] ?? [], replacement, remove);
  });

const attributeValue = fc.oneof(
  fc.record({ S: fc.string() }),
  fc.record({ N: fc.oneof(fc.integer().map(String), fc.string()) }),
  fc.record({ NULL: fc.constant(true) }),
  fc.record({ BOOL: fc.boolean() }),
  fc.anything(),
);
const randomImage = fc.dictionary(fc.string({ maxLength: 12 }), attributeValue, { maxKeys: 8 });
const sortKey = fc.oneof(
  fc.constantFrom(
    'RECEIPT#00001#PLACE',
    'RECEIPT#00001#LINE#00002#WORD#00003#LABEL#TOTAL',
    'RECEIPT#00001#SECTION#ITEMS',
    'RECEIPT#00001#SUMMARY',
    'RECEIPT#00001#COMPACTION_RUN#r',
    'RECEIPT#00001#LINE#00002#WORD#00003',
    'RECEIPT#00001#LINE#00002',
    'RECEIPT#00001',
  ),
  fc.string(),
);
const randomRecord = fc.record(
  {
    eventID: fc.string(),
    eventName: fc.constantFrom('INSERT', 'MODIFY', 'REMOVE', 'UPDATE'),
    dynamodb: fc.record(
      {
        Keys: fc.record({
          PK: fc.record({
            S: fc.oneof(fc.constant(`IMAGE#${IMAGE_ID}`), fc.string()),
          }),
          SK: fc.record({ S: sortKey }),
        }),
        OldImage: randomImage,
        NewImage: randomImage,
      },
      { requiredKeys: ['Keys'] },
    ),
  },
  { requiredKeys: [] },
);

const anyRecord = fc.oneof(mutatedRecord, randomRecord, fc.anything());

describe('Property: buildStreamMessages on arbitrary input', () => {
  it('never throws, reports each failure once with its index, and builds serialisable messages', () => {
    fc.assert(
      fc.property(fc.array(anyRecord, { maxLength: 12 }), (records) => {
        // Act
        const { messages, failures } = buildStreamMessages(records as DynamoDBStreamRecord[]);

        // Assess
        const indexes = failures.map((failure) => failure.recordIndex);
        expect(new Set(indexes).size).toBe(indexes.length);
        for (const index of indexes) {
          expect(index).toBeGreaterThanOrEqual(0);
          expect(index).toBeLessThan(records.length);
        }
        for (const message of messages) {
          const wire = { entityData: message.entityData, changes: message.changes };
          expect(JSON.parse(JSON.stringify(wire))).toEqual(wire);
          expect(message.collections.length).toBeGreaterThan(0);
          expect(typeof message.entityData.image_id).toBe('string');
          expect(message.entityData.receipt_id).toSatisfy(Number.isInteger);
        }
      }),
      { numRuns: 400 },
    );
  });

  it('gives each valid seed the same messages whatever junk surrounds it', () => {
    fc.assert(
      fc.property(
        fc.array(anyRecord, { maxLength: 5 }),
        fc.constantFrom(...seeds),
        (junk, seed) => {
          // Prepare
          const alone = buildStreamMessages([seed], { now: () => 't' }).messages;

          // Act
          const mixed = buildStreamMessages([...(junk as DynamoDBStreamRecord[]), seed], {
            now: () => 't',
          });

          // Assess
          const last = mixed.messages.slice(mixed.messages.length - alone.length);
          expect(last).toEqual(alone);
          expect(mixed.failures.map((failure) => failure.recordIndex)).not.toContain(junk.length);
        },
      ),
      { numRuns: 200 },
    );
  });
});
