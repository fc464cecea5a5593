import { describe, expect, it } from 'vitest';
import { RecordParseError } from '../../../src/errors.js';
import {
  buildMessagesFromRecords,
  buildStreamMessages,
} from '../../../src/messages/buildStreamMessages.js';
import type { DynamoDBItem, DynamoDBStreamRecord } from '../../../src/types.js';
import {
  IMAGE_ID,
  legacyReceiptSectionItem,
  placeItem,
  receiptLineItem,
  receiptWordItem,
  receiptWordLabelItem,
  type StreamViewType,
  streamRecord,
  summaryItem,
} from '../../helpers/factories.js';
import { FIXED_NOW, recordingLogger, recordingMetrics } from '../../helpers/recorders.js';

const build = (records: readonly unknown[]) => {
  const metrics = recordingMetrics();
  const logger = recordingLogger();
  const result = buildStreamMessages(records as DynamoDBStreamRecord[], {
    metrics,
    logger,
    now: FIXED_NOW,
  });
  return { ...result, metrics, logger };
};

/** A word REMOVE that always yields one message, to show the rest of a batch goes on. */
const goodRecord = (): DynamoDBStreamRecord =>
  streamRecord({ eventName: 'REMOVE', oldImage: receiptWordItem(), eventID: 'good' });

const WORD_ENTITY_DATA = {
  entity_type: 'RECEIPT_WORD',
  image_id: IMAGE_ID,
  receipt_id: 1,
  line_id: 2,
  word_id: 3,
};

describe('Function: buildStreamMessages (images a record needs)', () => {
  describe('invalid images', () => {
    it.each([
      ['a place whose merchant_name is a number', placeItem(), { merchant_name: { N: '42' } }],
      [
        'a label whose validation_status is unknown',
        receiptWordLabelItem(),
        { validation_status: { S: 'BOGUS' } },
      ],
      ['a label whose reasoning is empty', receiptWordLabelItem(), { reasoning: { S: '' } }],
    ])('sends nothing for a MODIFY to %s, and reports the NewImage', (_case, item, overrides) => {
      // Prepare
      const records = [
        goodRecord(),
        streamRecord({
          eventName: 'MODIFY',
          oldImage: item,
          newImage: { ...item, ...overrides },
          eventID: 'bad',
        }),
      ];

      // Act
      const { messages, failures, metrics } = build(records);

      // Assess
      expect(messages.map((message) => message.entityData)).toEqual([WORD_ENTITY_DATA]);
      expect(failures).toHaveLength(1);
      expect(failures[0]).toBeInstanceOf(RecordParseError);
      expect(failures[0]).toMatchObject({
        reason: 'invalid-entity',
        image: 'new',
        recordIndex: 1,
        eventId: 'bad',
      });
      expect(failures[0]?.issues[0]?.path.slice(0, 5)).toEqual([
        'Records',
        1,
        'dynamodb',
        'NewImage',
        Object.keys(overrides)[0],
      ]);
      expect(metrics.calls).toContainEqual([
        'EntityParsingError',
        1,
        { entity_type: failures[0]?.entityType ?? '', image_type: 'new' },
      ]);
    });

    it.each([
      ['a string', 'not an image'],
      ['an array', [placeItem()]],
      ['a number', 42],
    ])('treats a NewImage that is %s as present and invalid, not missing', (_case, image) => {
      // Prepare
      const record = streamRecord({ eventName: 'MODIFY', oldImage: placeItem() });
      (record.dynamodb as { NewImage?: unknown }).NewImage = image;

      // Act
      const { messages, failures } = build([record, goodRecord()]);

      // Assess
      expect(messages.map((message) => message.entityData)).toEqual([WORD_ENTITY_DATA]);
      expect(failures[0]).toBeInstanceOf(RecordParseError);
      expect(failures[0]).toMatchObject({ reason: 'invalid-entity', image: 'new', recordIndex: 0 });
      expect(failures[0]?.issues[0]?.path).toEqual(['Records', 0, 'dynamodb', 'NewImage']);
    });

    it('sends nothing for a section INSERT whose NewImage is invalid', () => {
      // Prepare
      const record = streamRecord({
        eventName: 'INSERT',
        newImage: legacyReceiptSectionItem({}, { line_ids: { L: [] } }),
      });

      // Act
      const { messages, failures } = build([record]);

      // Assess
      expect(messages).toEqual([]);
      expect(failures[0]).toBeInstanceOf(RecordParseError);
      expect(failures[0]).toMatchObject({ reason: 'invalid-entity', image: 'new' });
    });

    it('still deletes by keys when a REMOVE has an invalid OldImage, with empty changes', () => {
      // Prepare
      const records = [
        streamRecord({
          eventName: 'REMOVE',
          oldImage: placeItem({}, { merchant_name: { N: '1' } }),
        }),
        streamRecord({
          eventName: 'REMOVE',
          oldImage: receiptWordLabelItem({}, { reasoning: { S: '' } }),
        }),
      ];

      // Act
      const { messages, failures, metrics, logger } = build(records);

      // Assess
      expect(failures).toEqual([]);
      expect(messages.map((message) => [message.entityData, message.changes])).toEqual([
        [{ entity_type: 'RECEIPT_PLACE', image_id: IMAGE_ID, receipt_id: 1 }, {}],
        [
          {
            entity_type: 'RECEIPT_WORD_LABEL',
            image_id: IMAGE_ID,
            receipt_id: 1,
            line_id: 2,
            word_id: 3,
            label: 'GRAND_TOTAL',
          },
          {},
        ],
      ]);
      expect(metrics.calls.filter(([name]) => name === 'EntityParsingError')).toEqual([
        ['EntityParsingError', 1, { entity_type: 'RECEIPT_PLACE', image_type: 'old' }],
        ['EntityParsingError', 1, { entity_type: 'RECEIPT_WORD_LABEL', image_type: 'old' }],
      ]);
      expect(logger.lines.filter((line) => line.level === 'warn')).toHaveLength(2);
    });
  });

  describe('stream view types', () => {
    it.each([
      ['OLD_IMAGE', 'NewImage'],
      ['NEW_IMAGE', 'OldImage'],
      ['KEYS_ONLY', 'OldImage and NewImage'],
    ] as const)(
      'sends nothing for a place MODIFY under %s, naming the view type',
      (viewType, missing) => {
        // Prepare: only the confidence changed, which must never reach Chroma
        const record = streamRecord({
          eventName: 'MODIFY',
          oldImage: placeItem(),
          newImage: placeItem({}, { confidence: { N: '0.5' } }),
          viewType,
        });

        // Act
        const { messages, failures, metrics, logger } = build([record, goodRecord()]);

        // Assess
        expect(messages.map((message) => message.entityData)).toEqual([WORD_ENTITY_DATA]);
        expect(failures).toHaveLength(1);
        expect(failures[0]).toBeInstanceOf(RecordParseError);
        expect(failures[0]?.reason).toBe('malformed-record');
        expect(failures[0]?.message).toContain(`has no ${missing} (StreamViewType ${viewType})`);
        expect(failures[0]?.message).toContain('NEW_AND_OLD_IMAGES');
        expect(metrics.names()).toContain('StreamRecordParsingError');
        expect(logger.lines.map((line) => line.level)).toContain('warn');
      },
    );

    it('sends nothing for a section INSERT without its NewImage', () => {
      // Prepare
      const record = streamRecord({
        eventName: 'INSERT',
        newImage: legacyReceiptSectionItem(),
        viewType: 'KEYS_ONLY',
      });

      // Act
      const { messages, failures } = build([record]);

      // Assess
      expect(messages).toEqual([]);
      expect(failures[0]).toMatchObject({ reason: 'malformed-record' });
      expect(failures[0]?.message).toContain('StreamViewType KEYS_ONLY');
    });

    const removals: [string, DynamoDBItem][] = [
      ['place', placeItem()],
      ['label', receiptWordLabelItem()],
      ['section', legacyReceiptSectionItem({ sectionType: 'ITEMS' })],
      ['summary', summaryItem()],
      ['line', receiptLineItem()],
      ['word', receiptWordItem()],
    ];
    it.each(
      (['NEW_IMAGE', 'KEYS_ONLY'] as StreamViewType[]).flatMap((viewType) =>
        removals.map(([name, item]) => [name, viewType, item] as const),
      ),
    )('sends the REMOVE of a %s under %s, as with the old image', (_name, viewType, item) => {
      // Prepare
      const withImage = build([streamRecord({ eventName: 'REMOVE', oldImage: item })]);
      const record = streamRecord({ eventName: 'REMOVE', oldImage: item, viewType });

      // Act
      const { messages, failures } = build([record]);

      // Assess
      expect(failures).toEqual([]);
      expect(messages).toHaveLength(1);
      expect(messages[0]?.entityData).toEqual(withImage.messages[0]?.entityData);
      expect(Object.keys(messages[0]?.entityData ?? {})).toEqual(
        Object.keys(withImage.messages[0]?.entityData ?? {}),
      );
      expect(messages[0]?.collections).toEqual(withImage.messages[0]?.collections);
      expect(messages[0]?.changes).toEqual({});
    });

    it('routes a section REMOVE built from the keys by the SK type (ITEMS adds line_items)', () => {
      // Prepare
      const keys = (type: string) => ({
        PK: `IMAGE#${IMAGE_ID}`,
        SK: `RECEIPT#00001#SECTION#${type}`,
      });
      const records = [
        streamRecord({ eventName: 'REMOVE', keys: keys('ITEMS'), viewType: 'KEYS_ONLY' }),
        streamRecord({ eventName: 'REMOVE', keys: keys('HEADER'), viewType: 'KEYS_ONLY' }),
      ];

      // Act
      const { messages, failures } = build(records);

      // Assess
      expect(failures).toEqual([]);
      expect(
        messages.map((message) => [message.entityData['section_type'], message.collections]),
      ).toEqual([
        ['ITEMS', ['lines', 'line_items']],
        ['HEADER', ['lines']],
      ]);
    });
  });

  describe('ids of 0', () => {
    it.each([
      ['a word on line 0', receiptWordItem({ lineId: 0, wordId: 5 }), { line_id: 0, word_id: 5 }],
      ['word 0', receiptWordItem({ lineId: 4, wordId: 0 }), { line_id: 4, word_id: 0 }],
      ['line 0', receiptLineItem({ lineId: 0 }), { line_id: 0 }],
    ])('deletes %s, from the keys alone or with the old image', (_case, item, ids) => {
      // Prepare
      const records = [
        streamRecord({ eventName: 'REMOVE', oldImage: item, viewType: 'KEYS_ONLY' }),
        streamRecord({ eventName: 'REMOVE', oldImage: item }),
      ];

      // Act
      const { messages, failures } = build(records);

      // Assess
      expect(failures).toEqual([]);
      expect(messages).toHaveLength(2);
      for (const message of messages) expect(message.entityData).toMatchObject(ids);
    });
  });

  describe('input that is not a batch of records', () => {
    it.each([
      ['undefined', undefined],
      ['null', null],
      ['an object', { Records: [] }],
      ['a string', 'records'],
    ])('throws a TypeError for %s', (_case, input) => {
      // Act & Assess
      expect(() => buildStreamMessages(input as unknown as DynamoDBStreamRecord[])).toThrow(
        TypeError,
      );
      expect(() => buildMessagesFromRecords(input as unknown as DynamoDBStreamRecord[])).toThrow(
        /Expected an array of DynamoDB stream records/,
      );
    });

    it('reports a record that is not an object as such, and keeps going', () => {
      // Prepare
      const records = [null, 'record', 42, [goodRecord()], goodRecord()];

      // Act
      const { messages, failures } = build(records);

      // Assess
      expect(messages).toHaveLength(1);
      for (const failure of failures) expect(failure).toBeInstanceOf(RecordParseError);
      expect(
        failures.map((failure) => [failure.reason, failure.recordIndex, failure.message]),
      ).toEqual([
        ['malformed-record', 0, 'Stream record must be an object, got null'],
        ['malformed-record', 1, 'Stream record must be an object, got string'],
        ['malformed-record', 2, 'Stream record must be an object, got number'],
        ['malformed-record', 3, 'Stream record must be an object, got array'],
      ]);
    });
  });
});
