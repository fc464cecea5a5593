import { describe, expect, it } from 'vitest';
import {
  buildMessagesFromRecords,
  buildStreamMessages,
} from '../../../src/messages/buildStreamMessages.js';
import { DEFAULT_ENTITY_REGISTRY } from '../../../src/parsing/entityDefinitions.js';
import { defineEntity } from '../../../src/parsing/registry.js';
import type { DynamoDBStreamRecord } from '../../../src/types.js';
import {
  IMAGE_ID,
  legacyReceiptSectionItem,
  placeItem,
  RUN_ID,
  receiptItem,
  receiptLineItem,
  receiptWordItem,
  receiptWordLabelItem,
  runItem,
  streamRecord,
  summaryItem,
} from '../../helpers/factories.js';
import { FIXED_NOW, recordingLogger, recordingMetrics } from '../../helpers/recorders.js';

const build = (records: DynamoDBStreamRecord[]) => {
  const metrics = recordingMetrics();
  const logger = recordingLogger();
  const result = buildStreamMessages(records, { metrics, logger, now: FIXED_NOW });
  return { ...result, metrics, logger };
};

describe('Function: buildStreamMessages', () => {
  describe('places', () => {
    it('turns a merchant rename into one message for lines, words and the summary queue', () => {
      // Prepare
      const record = streamRecord({
        eventName: 'MODIFY',
        eventID: '16a9dd5e2f0213450b6df980241160f0',
        oldImage: placeItem({ merchantName: '30740 Russell Ranch Rd (Westlake Village)' }),
        newImage: placeItem({ merchantName: 'Target' }),
      });

      // Act
      const { messages, failures, metrics } = build([record]);

      // Assess
      expect(failures).toEqual([]);
      expect(messages).toHaveLength(1);
      expect(messages[0]).toMatchObject({
        entityType: 'RECEIPT_PLACE',
        entityData: { entity_type: 'RECEIPT_PLACE', image_id: IMAGE_ID, receipt_id: 1 },
        changes: {
          merchant_name: { old: '30740 Russell Ranch Rd (Westlake Village)', new: 'Target' },
        },
        eventName: 'MODIFY',
        collections: ['lines', 'words', 'receipt_summary'],
        context: {
          source: 'dynamodb_stream',
          timestamp: '2026-01-04T12:34:56.123456+00:00',
          recordId: '16a9dd5e2f0213450b6df980241160f0',
          awsRegion: 'us-east-1',
        },
      });
      expect(messages[0]?.recordSnapshot).toMatchObject({ merchant_name: 'Target' });
      expect(metrics.calls).toEqual([
        ['ChromaDBRelevantChanges', 1, { entity_type: 'RECEIPT_PLACE' }],
        ['StreamMessageCreated', 1, { entity_type: 'RECEIPT_PLACE', collection: 'lines' }],
        ['StreamMessageCreated', 1, { entity_type: 'RECEIPT_PLACE', collection: 'words' }],
        [
          'StreamMessageCreated',
          1,
          { entity_type: 'RECEIPT_PLACE', collection: 'receipt_summary' },
        ],
      ]);
    });

    it('ignores a MODIFY that only changes irrelevant fields, but counts the empty diff', () => {
      // Prepare
      const record = streamRecord({
        eventName: 'MODIFY',
        oldImage: placeItem(),
        newImage: placeItem(
          {},
          { confidence: { N: '0.99' }, timestamp: { S: '2026-02-01T00:00:00' } },
        ),
      });

      // Act
      const { messages, failures, metrics } = build([record]);

      // Assess
      expect(messages).toEqual([]);
      expect(failures).toEqual([]);
      expect(metrics.calls).toEqual([
        ['ChromaDBRelevantChanges', 0, { entity_type: 'RECEIPT_PLACE' }],
      ]);
    });

    it('does not parse a MODIFY whose relevant attributes are unchanged', () => {
      // Prepare: an old image that would fail validation (confidence out of range)
      const record = streamRecord({
        eventName: 'MODIFY',
        oldImage: placeItem({}, { confidence: { N: '7' } }),
        newImage: placeItem({}, { confidence: { N: '0.97' } }),
      });

      // Act
      const { messages, failures, metrics } = build([record]);

      // Assess
      expect(messages).toEqual([]);
      expect(failures).toEqual([]);
      expect(metrics.calls).toEqual([
        ['ChromaDBRelevantChanges', 0, { entity_type: 'RECEIPT_PLACE' }],
      ]);
    });

    it('reads a older-layout place whose GSI4 still holds a geohash (fix)', () => {
      // Prepare
      const legacy = {
        GSI4PK: { S: 'GEOHASH#9q5ctr' },
        GSI4SK: { S: 'PLACE#ChIJ-target-123' },
      };
      const record = streamRecord({
        eventName: 'MODIFY',
        oldImage: placeItem({ merchantName: 'Old Name' }, legacy),
        newImage: placeItem({ merchantName: 'New Name' }, legacy),
      });

      // Act
      const { messages, failures } = build([record]);

      // Assess
      expect(failures).toEqual([]);
      expect(messages.map((message) => message.changes)).toEqual([
        { merchant_name: { old: 'Old Name', new: 'New Name' } },
      ]);
    });

    it('sends a place INSERT, so a place added after the embeddings reaches them (fix)', () => {
      // Act
      const { messages } = build([streamRecord({ eventName: 'INSERT', newImage: placeItem() })]);

      // Assess
      expect(messages).toHaveLength(1);
      expect(messages[0]).toMatchObject({
        entityType: 'RECEIPT_PLACE',
        eventName: 'INSERT',
        collections: ['lines', 'words', 'receipt_summary'],
        changes: { merchant_name: { old: null, new: 'Target' } },
      });
    });
  });

  describe('word labels', () => {
    it('routes a validation to words, lines and the summary queue with the word ids', () => {
      // Prepare
      const record = streamRecord({
        eventName: 'MODIFY',
        oldImage: receiptWordLabelItem({ validationStatus: 'PENDING' }),
        newImage: receiptWordLabelItem({ validationStatus: 'VALID' }),
      });

      // Act
      const { messages } = build([record]);

      // Assess
      expect(messages).toHaveLength(1);
      expect(messages[0]?.entityData).toEqual({
        entity_type: 'RECEIPT_WORD_LABEL',
        image_id: IMAGE_ID,
        receipt_id: 1,
        line_id: 2,
        word_id: 3,
        label: 'GRAND_TOTAL',
      });
      expect(messages[0]?.changes).toEqual({ validation_status: { old: 'PENDING', new: 'VALID' } });
      expect(messages[0]?.collections).toEqual(['words', 'lines', 'receipt_summary']);
    });

    it('sends an INSERT (fix: a label added after the embeddings reaches them) and every REMOVE', () => {
      // Prepare
      const records = [
        streamRecord({ eventName: 'INSERT', newImage: receiptWordLabelItem() }),
        streamRecord({ eventName: 'REMOVE', oldImage: receiptWordLabelItem({ label: 'TAX' }) }),
      ];

      // Act
      const { messages } = build(records);

      // Assess
      expect(messages.map(({ eventName }) => eventName)).toEqual(['INSERT', 'REMOVE']);
      expect(messages[0]?.changes).toMatchObject({ label: { old: null, new: 'GRAND_TOTAL' } });
      expect(messages[1]?.recordSnapshot).toBeUndefined();
      expect(messages[1]?.changes).toEqual({
        label: { old: 'TAX', new: null },
        reasoning: { old: 'Largest amount after TOTAL', new: null },
        validation_status: { old: 'VALID', new: null },
        label_proposed_by: { old: 'label_harmonizer', new: null },
      });
    });

    it('takes the label name from the record keys, not the image', () => {
      // Prepare
      const image = receiptWordLabelItem({ label: 'TOTAL' });
      const record = streamRecord({
        eventName: 'REMOVE',
        oldImage: image,
        keys: { PK: `IMAGE#${IMAGE_ID}`, SK: 'RECEIPT#00001#LINE#00002#WORD#00003#LABEL#tip' },
      });

      // Act
      const { messages } = build([record]);

      // Assess
      expect(messages[0]?.entityData.label).toBe('TIP');
    });

    it('keeps a label named PLACE… a label (fix)', () => {
      // Act
      const { messages } = build([
        streamRecord({
          eventName: 'REMOVE',
          oldImage: receiptWordLabelItem({ label: 'PLACE_NAME' }),
        }),
      ]);

      // Assess
      expect(messages.map((message) => message.entityType)).toEqual(['RECEIPT_WORD_LABEL']);
    });
  });

  describe('sections and summaries', () => {
    it.each([
      ['ITEMS', ['lines', 'line_items']],
      ['HEADER', ['lines']],
      ['ITEMS_VALUE', ['lines']],
    ])('sends a %s section INSERT to %j', (sectionType, targets) => {
      // Act
      const { messages } = build([
        streamRecord({ eventName: 'INSERT', newImage: legacyReceiptSectionItem({ sectionType }) }),
      ]);

      // Assess
      expect(messages).toHaveLength(1);
      expect(messages[0]?.collections).toEqual(targets);
      expect(messages[0]?.entityData).toEqual({
        entity_type: 'RECEIPT_SECTION',
        image_id: IMAGE_ID,
        receipt_id: 1,
        section_type: sectionType,
      });
      expect(messages[0]?.changes['line_ids']).toEqual({ old: null, new: [0, 1, 2] });
    });

    it('sends a section MODIFY only when line_ids change', () => {
      // Prepare
      const same = streamRecord({
        eventName: 'MODIFY',
        oldImage: legacyReceiptSectionItem(),
        newImage: legacyReceiptSectionItem(),
      });
      const moved = streamRecord({
        eventName: 'MODIFY',
        oldImage: legacyReceiptSectionItem(),
        newImage: legacyReceiptSectionItem({ lineIds: [0, 1] }),
      });

      // Act
      const { messages } = build([same, moved]);

      // Assess
      expect(messages.map((message) => message.changes)).toEqual([
        { line_ids: { old: [0, 1, 2], new: [0, 1] } },
      ]);
    });

    it('routes SECTION#SUMMARY as a section, not a summary', () => {
      // Act
      const { messages } = build([
        streamRecord({
          eventName: 'INSERT',
          newImage: legacyReceiptSectionItem({ sectionType: 'SUMMARY' }),
        }),
      ]);

      // Assess
      expect(messages.map((message) => message.entityType)).toEqual(['RECEIPT_SECTION']);
    });

    it('sends summary INSERTs and rewrites to line_items, watching only timestamp_computed', () => {
      // Prepare
      const records = [
        streamRecord({ eventName: 'INSERT', newImage: summaryItem() }),
        streamRecord({
          eventName: 'MODIFY',
          oldImage: summaryItem(),
          newImage: summaryItem({}, { grand_total: { N: '99.0' } }),
        }),
        streamRecord({
          eventName: 'MODIFY',
          oldImage: summaryItem(),
          newImage: summaryItem({ timestampComputed: '2026-01-29T00:00:00+00:00' }),
        }),
      ];

      // Act
      const { messages } = build(records);

      // Assess
      expect(messages.map((message) => [message.eventName, message.collections])).toEqual([
        ['INSERT', ['line_items']],
        ['MODIFY', ['line_items']],
      ]);
      expect(messages[1]?.changes).toEqual({
        timestamp_computed: {
          old: '2026-01-28T09:00:00.000001+00:00',
          new: '2026-01-29T00:00:00+00:00',
        },
      });
    });
  });

  describe('receipts, lines and words', () => {
    it('sends removals with empty changes to the right collections', () => {
      // Prepare
      const records = [
        streamRecord({ eventName: 'REMOVE', oldImage: receiptItem() }),
        streamRecord({ eventName: 'REMOVE', oldImage: receiptLineItem() }),
        streamRecord({ eventName: 'REMOVE', oldImage: receiptWordItem() }),
      ];

      // Act
      const { messages } = build(records);

      // Assess
      expect(
        messages.map((message) => [message.entityType, message.collections, message.changes]),
      ).toEqual([
        ['RECEIPT', ['lines', 'words'], {}],
        ['RECEIPT_LINE', ['lines'], {}],
        ['RECEIPT_WORD', ['words'], {}],
      ]);
      expect(messages[2]?.entityData).toEqual({
        entity_type: 'RECEIPT_WORD',
        image_id: IMAGE_ID,
        receipt_id: 1,
        line_id: 2,
        word_id: 3,
      });
    });

    it('builds a removal from the keys, so a missing or invalid old image never loses it', () => {
      // Prepare: a KEYS_ONLY record and a word whose geometry no longer validates
      const records = [
        streamRecord({
          eventName: 'REMOVE',
          keys: { PK: `IMAGE#${IMAGE_ID}`, SK: 'RECEIPT#00004#LINE#00005' },
        }),
        streamRecord({ eventName: 'REMOVE', oldImage: receiptWordItem({}, { text: { N: '1' } }) }),
      ];

      // Act
      const { messages, failures, metrics } = build(records);

      // Assess
      expect(failures).toEqual([]);
      expect(messages.map((message) => message.entityData)).toEqual([
        { entity_type: 'RECEIPT_LINE', image_id: IMAGE_ID, receipt_id: 4, line_id: 5 },
        {
          entity_type: 'RECEIPT_WORD',
          image_id: IMAGE_ID,
          receipt_id: 1,
          line_id: 2,
          word_id: 3,
        },
      ]);
      expect(metrics.names()).not.toContain('EntityParsingError');
    });

    it.each([
      ['an image id that is not a UUID', 'IMAGE#not-a-uuid', 'RECEIPT#00001#LINE#00002#WORD#00003'],
      ['a zero receipt id', `IMAGE#${IMAGE_ID}`, 'RECEIPT#00000#LINE#00002#WORD#00003'],
      ['a non-integer line id', `IMAGE#${IMAGE_ID}`, 'RECEIPT#00001#LINE#2.5#WORD#00003'],
    ])('reports a removal whose keys break the entity rules (%s)', (_case, pk, sk) => {
      // Act
      const { messages, failures } = build([
        streamRecord({
          eventName: 'REMOVE',
          oldImage: receiptWordItem({}, { PK: { S: pk }, SK: { S: sk } }),
          keys: { PK: pk, SK: sk },
        }),
      ]);

      // Assess
      expect(messages).toEqual([]);
      expect(failures.map((failure) => failure.reason)).toEqual(['invalid-entity']);
    });

    it('ignores their INSERTs and MODIFYs without parsing them', () => {
      // Prepare: invalid images prove they are not even parsed
      const broken = { text: { N: '1' } };
      const records = [
        streamRecord({ eventName: 'INSERT', newImage: receiptWordItem({}, broken) }),
        streamRecord({
          eventName: 'MODIFY',
          oldImage: receiptLineItem(),
          newImage: receiptLineItem({}, broken),
        }),
      ];

      // Act
      const { messages, failures } = build(records);

      // Assess
      expect(messages).toEqual([]);
      expect(failures).toEqual([]);
    });

    it.each([
      'RECEIPT#00001#LINE#00002#WORD#00003#LETTER#00001',
      'RECEIPT#00001#LINE#00002#WORD#00003#SPATIAL_ANALYSIS',
    ])('never deletes a word embedding for the REMOVE of %s (fix)', (sk) => {
      // Act
      const { messages, failures } = build([
        streamRecord({
          eventName: 'REMOVE',
          oldImage: receiptWordItem({}, { SK: { S: sk } }),
          keys: { PK: `IMAGE#${IMAGE_ID}`, SK: sk },
        }),
      ]);

      // Assess
      expect(messages).toEqual([]);
      expect(failures).toEqual([]);
    });
  });

  describe('compaction runs', () => {
    it('turns an INSERT into one delta-merge message per collection', () => {
      // Prepare
      const image = runItem();
      const record = streamRecord({ eventName: 'INSERT', newImage: image });

      // Act
      const { messages } = build([record]);

      // Assess
      expect(messages).toHaveLength(2);
      const [lines, words] = messages;
      expect(lines?.collections).toEqual(['lines']);
      expect(words?.collections).toEqual(['words']);
      expect(Object.keys(lines?.entityData ?? {})).toEqual([
        'entity_type',
        'run_id',
        'image_id',
        'receipt_id',
        'lines_delta_prefix',
        'words_delta_prefix',
        'delta_s3_prefix',
      ]);
      expect(lines?.entityData).toMatchObject({
        run_id: RUN_ID,
        image_id: IMAGE_ID,
        receipt_id: 42,
        delta_s3_prefix: `lines/delta/${RUN_ID}/`,
      });
      expect(words?.entityData.delta_s3_prefix).toBe(`words/delta/${RUN_ID}/`);
      expect(lines).toMatchObject({
        entityType: 'COMPACTION_RUN',
        eventName: 'INSERT',
        changes: {},
      });
      expect(lines?.recordSnapshot).toBe(image);
    });

    it('ignores completion MODIFYs and REMOVEs', () => {
      // Prepare
      const completed = runItem(
        {},
        {
          lines_state: { S: 'COMPLETED' },
          words_state: { S: 'COMPLETED' },
        },
      );

      // Act
      const { messages, failures, logger } = build([
        streamRecord({ eventName: 'MODIFY', oldImage: runItem(), newImage: completed }),
        streamRecord({ eventName: 'REMOVE', oldImage: completed }),
      ]);

      // Assess
      expect(messages).toEqual([]);
      expect(failures).toEqual([]);
      expect(logger.lines.filter((line) => line.level !== 'debug')).toEqual([]);
    });

    it('reports a run whose receipt id cannot be read, and keeps going', () => {
      // Prepare
      const bad = runItem({}, { receipt_id: undefined, SK: { S: 'RECEIPT#X#COMPACTION_RUN#r' } });

      // Act
      const { messages, failures, metrics } = build([
        streamRecord({
          eventName: 'INSERT',
          newImage: bad,
          keys: { PK: `IMAGE#${IMAGE_ID}`, SK: 'RECEIPT#X#COMPACTION_RUN#r' },
        }),
        streamRecord({ eventName: 'INSERT', newImage: runItem() }),
      ]);

      // Assess
      expect(messages).toHaveLength(2);
      expect(failures.map((failure) => [failure.reason, failure.recordIndex])).toEqual([
        ['invalid-entity', 0],
      ]);
      expect(metrics.names()).toEqual(['CompactionRunMessageBuildError']);
    });
  });

  describe('bad input', () => {
    it('counts, logs and skips malformed records while processing the rest', () => {
      // Prepare
      const good = streamRecord({ eventName: 'REMOVE', oldImage: receiptWordItem() });
      const records = [
        { eventID: 'no-dynamodb', eventName: 'MODIFY' },
        { eventID: 'empty-dynamodb', eventName: 'MODIFY', dynamodb: {} },
        {
          eventID: 'no-sk',
          eventName: 'MODIFY',
          dynamodb: { Keys: { PK: { S: `IMAGE#${IMAGE_ID}` } } },
        },
        {
          eventID: 'bare-pk',
          eventName: 'MODIFY',
          dynamodb: { Keys: { PK: 'IMAGE#x', SK: { S: 'RECEIPT#00001' } } },
        },
        { eventID: 'insert-without-dynamodb', eventName: 'INSERT' },
        { eventID: 'update', eventName: 'UPDATE', dynamodb: good.dynamodb },
        null,
        'not a record',
        good,
      ] as unknown as DynamoDBStreamRecord[];

      // Act
      const { messages, failures, metrics, logger } = build(records);

      // Assess
      expect(messages.map((message) => message.entityType)).toEqual(['RECEIPT_WORD']);
      expect(
        failures.map((failure) => [failure.reason, failure.recordIndex, failure.eventId]),
      ).toEqual([
        ['malformed-record', 0, 'no-dynamodb'],
        ['malformed-record', 1, 'empty-dynamodb'],
        ['malformed-record', 2, 'no-sk'],
        ['malformed-record', 3, 'bare-pk'],
        ['malformed-record', 4, 'insert-without-dynamodb'],
        ['malformed-record', 5, 'update'],
        ['malformed-record', 6, undefined],
        ['malformed-record', 7, undefined],
      ]);
      expect(failures[2]?.issues[0]?.path).toEqual(['Records', 2, 'dynamodb', 'Keys', 'SK', 'S']);
      expect(metrics.names().filter((name) => name === 'StreamRecordParsingError')).toHaveLength(8);
      expect(
        logger.lines.filter((line) => line.level === 'warn').map((line) => line.extra?.['eventId']),
      ).toContain('no-dynamodb');
    });

    it('skips other partitions and unknown sort keys without calling them failures', () => {
      // Prepare
      const records = [
        streamRecord({
          eventName: 'REMOVE',
          oldImage: {},
          keys: { PK: 'LOCK#lines#main', SK: 'LOCK' },
        }),
        streamRecord({
          eventName: 'MODIFY',
          oldImage: {},
          keys: { PK: 'BATCH#1', SK: 'RECEIPT#00001#PLACE' },
        }),
        streamRecord({
          eventName: 'REMOVE',
          oldImage: {},
          keys: { PK: `IMAGE#${IMAGE_ID}`, SK: 'LINE#00001' },
        }),
      ];

      // Act
      const { messages, failures, metrics } = build(records);

      // Assess
      expect(messages).toEqual([]);
      expect(failures).toEqual([]);
      expect(metrics.calls).toEqual([]);
    });

    it('reports an invalid image with record-prefixed issue paths and keeps the rest', () => {
      // Prepare
      const invalid = receiptWordLabelItem({}, { validation_status: { S: 'BOGUS' } });
      const records = [
        streamRecord({ eventName: 'REMOVE', oldImage: receiptWordItem() }),
        streamRecord({
          eventName: 'MODIFY',
          oldImage: receiptWordLabelItem(),
          newImage: invalid,
          eventID: 'bad-label',
        }),
        streamRecord({ eventName: 'REMOVE', oldImage: receiptWordLabelItem() }),
      ];

      // Act
      const { messages, failures, metrics } = build(records);

      // Assess
      expect(messages.map((message) => message.entityType)).toEqual([
        'RECEIPT_WORD',
        'RECEIPT_WORD_LABEL',
      ]);
      expect(failures).toHaveLength(1);
      expect(failures[0]).toMatchObject({
        reason: 'invalid-entity',
        image: 'new',
        recordIndex: 1,
        eventId: 'bad-label',
      });
      expect(failures[0]?.issues[0]?.path.slice(0, 5)).toEqual([
        'Records',
        1,
        'dynamodb',
        'NewImage',
        'validation_status',
      ]);
      expect(metrics.calls).toContainEqual([
        'EntityParsingError',
        1,
        { entity_type: 'RECEIPT_WORD_LABEL', image_type: 'new' },
      ]);
    });

    it('still sends a MODIFY whose old image is invalid, with every new value as a change', () => {
      // Prepare
      const record = streamRecord({
        eventName: 'MODIFY',
        oldImage: receiptWordLabelItem({}, { reasoning: { S: '' } }),
        newImage: receiptWordLabelItem(),
      });

      // Act
      const { messages, failures, logger } = build([record]);

      // Assess
      expect(failures).toEqual([]);
      expect(Object.keys(messages[0]?.changes ?? {})).toEqual([
        'label',
        'reasoning',
        'validation_status',
        'label_proposed_by',
      ]);
      expect(logger.lines.map((line) => line.level)).toContain('warn');
    });

    it('isolates a custom definition that throws', () => {
      // Prepare
      const exploding = defineEntity({
        entityType: 'EXPLODING',
        matchesSortKey: (sk) => sk.endsWith('#BOOM'),
        itemSchema: { safeParse: (item: unknown) => ({ success: true, data: item }) } as never,
        relevantFields: [],
        extract: () => {
          throw new TypeError('extractor bug');
        },
      });
      const records = [
        streamRecord({
          eventName: 'REMOVE',
          oldImage: receiptWordLabelItem(),
          keys: { PK: `IMAGE#${IMAGE_ID}`, SK: 'RECEIPT#00001#LINE#00002#WORD#00003#LABEL#X#BOOM' },
        }),
        streamRecord({ eventName: 'REMOVE', oldImage: receiptWordItem() }),
      ];
      const metrics = recordingMetrics();
      const logger = recordingLogger();

      // Act
      const result = buildStreamMessages(records, {
        registry: [exploding, ...DEFAULT_ENTITY_REGISTRY],
        metrics,
        logger,
      });

      // Assess
      expect(result.messages.map((message) => message.entityType)).toEqual(['RECEIPT_WORD']);
      expect(result.failures[0]).toMatchObject({ reason: 'build-error', recordIndex: 0 });
      expect(result.failures[0]?.cause).toBeInstanceOf(TypeError);
      expect(metrics.names()).toContain('EntityMessageBuildError');
    });

    it('returns nothing for an empty batch', () => {
      // Act
      const { messages, failures } = build([]);

      // Assess
      expect(messages).toEqual([]);
      expect(failures).toEqual([]);
    });
  });

  it('lets a user register an extra entity type', () => {
    // Prepare
    const lineItemDefinition = defineEntity<{
      image_id: string;
      receipt_id: number;
      amount: string;
    }>({
      entityType: 'RECEIPT_LINE_ITEM',
      matchesSortKey: (sk) => sk.includes('#LINE_ITEM#'),
      itemSchema: {
        safeParse: (item: Record<string, { S?: string; N?: string }>) => ({
          success: true,
          data: { image_id: IMAGE_ID, receipt_id: 1, amount: item['amount']?.N ?? '' },
        }),
      } as never,
      relevantFields: ['amount'],
      extract: (entity) => ({
        entityData: {
          entity_type: 'RECEIPT_LINE_ITEM',
          image_id: entity.image_id,
          receipt_id: entity.receipt_id,
        },
        targets: ['line_items'],
      }),
    });
    const keys = { PK: `IMAGE#${IMAGE_ID}`, SK: 'RECEIPT#00001#LINE_ITEM#00001' };
    const record = streamRecord({
      eventName: 'MODIFY',
      keys,
      oldImage: { amount: { N: '1.00' } },
      newImage: { amount: { N: '2.00' } },
    });

    // Act
    const messages = buildMessagesFromRecords([record], {
      registry: [lineItemDefinition, ...DEFAULT_ENTITY_REGISTRY],
    });

    // Assess
    expect(
      messages.map((message) => [message.entityType, message.collections, message.changes]),
    ).toEqual([['RECEIPT_LINE_ITEM', ['line_items'], { amount: { old: '1.00', new: '2.00' } }]]);
  });

  it('only ever builds JSON-serialisable changes and entity data', () => {
    // Prepare
    const records = [
      streamRecord({
        eventName: 'MODIFY',
        oldImage: placeItem({ merchantName: 'A' }),
        newImage: placeItem({ merchantName: 'B' }),
      }),
      streamRecord({ eventName: 'INSERT', newImage: legacyReceiptSectionItem() }),
      streamRecord({ eventName: 'INSERT', newImage: summaryItem() }),
      streamRecord({ eventName: 'INSERT', newImage: runItem() }),
    ];

    // Act
    const { messages } = build(records);

    // Assess
    for (const message of messages) {
      const payload = { changes: message.changes, entityData: message.entityData };
      expect(JSON.parse(JSON.stringify(payload))).toEqual(payload);
    }
    expect(messages).toHaveLength(5);
  });
});
