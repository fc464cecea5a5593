import { describe, expect, it } from 'vitest';
import { EntityValidationError, RecordParseError } from '../../../src/errors.js';
import { DEFAULT_ENTITY_REGISTRY } from '../../../src/parsing/entityDefinitions.js';
import {
  parseStreamRecord,
  safeParseStreamRecord,
} from '../../../src/parsing/parseStreamRecord.js';
import { defineEntity } from '../../../src/parsing/registry.js';
import {
  IMAGE_ID,
  placeItem,
  receiptWordLabelItem,
  streamRecord,
} from '../../helpers/factories.js';

describe('Function: safeParseStreamRecord', () => {
  it('parses both images of a MODIFY', () => {
    // Prepare
    const record = streamRecord({
      eventName: 'MODIFY',
      oldImage: placeItem({ merchantName: 'Target Store' }),
      newImage: placeItem({ merchantName: 'Target' }),
    });

    // Act
    const result = safeParseStreamRecord(record);

    // Assess
    expect(result).toMatchObject({ success: true });
    expect(result.success && result.data).toMatchObject({
      entityType: 'RECEIPT_PLACE',
      oldEntity: { merchant_name: 'Target Store' },
      newEntity: { merchant_name: 'Target' },
      imageErrors: [],
    });
  });

  it('fails a MODIFY whose NewImage is invalid instead of reading it as null', () => {
    // Prepare
    const record = streamRecord({
      eventName: 'MODIFY',
      oldImage: placeItem(),
      newImage: placeItem({}, { merchant_name: { N: '42' } }),
    });

    // Act
    const result = safeParseStreamRecord(record, { recordIndex: 3 });

    // Assess
    expect(result).toMatchObject({ success: false });
    const error = result.success ? undefined : result.error;
    expect(error).toBeInstanceOf(RecordParseError);
    expect(error).toMatchObject({ reason: 'invalid-entity', image: 'new', recordIndex: 3 });
    expect(error?.cause).toBeInstanceOf(EntityValidationError);
    expect(error?.issues[0]?.path).toEqual([
      'Records',
      3,
      'dynamodb',
      'NewImage',
      'merchant_name',
      'S',
    ]);
  });

  it('keeps a MODIFY whose OldImage alone is invalid, listing it in imageErrors', () => {
    // Prepare
    const record = streamRecord({
      eventName: 'MODIFY',
      oldImage: receiptWordLabelItem({}, { reasoning: { S: '' } }),
      newImage: receiptWordLabelItem(),
    });

    // Act
    const parsed = parseStreamRecord(record);

    // Assess
    expect(parsed.oldEntity).toBeNull();
    expect(parsed.newEntity).toMatchObject({ label: 'GRAND_TOTAL' });
    expect(parsed.imageErrors.map((entry) => entry.image)).toEqual(['old']);
    expect(parsed.imageErrors[0]?.error).toBeInstanceOf(EntityValidationError);
  });

  it('fails a MODIFY without its OldImage, naming the stream view type', () => {
    // Prepare
    const record = streamRecord({
      eventName: 'MODIFY',
      oldImage: placeItem(),
      newImage: placeItem(),
      viewType: 'NEW_IMAGE',
    });

    // Act & Assess
    expect(() => parseStreamRecord(record)).toThrow(RecordParseError);
    expect(() => parseStreamRecord(record)).toThrow(
      "MODIFY record of RECEIPT_PLACE has no OldImage (StreamViewType NEW_IMAGE); the table's stream must use NEW_AND_OLD_IMAGES",
    );
  });

  it('accepts a KEYS_ONLY REMOVE of a built-in type, whose keys identify the entity', () => {
    // Prepare
    const record = streamRecord({
      eventName: 'REMOVE',
      oldImage: receiptWordLabelItem(),
      viewType: 'KEYS_ONLY',
    });

    // Act
    const parsed = parseStreamRecord(record);

    // Assess
    expect(parsed).toMatchObject({
      entityType: 'RECEIPT_WORD_LABEL',
      oldEntity: null,
      newEntity: null,
      imageErrors: [],
    });
  });

  it('fails a KEYS_ONLY REMOVE of a custom type whose keys alone do not suffice', () => {
    // Prepare
    const custom = defineEntity({
      entityType: 'RECEIPT_LINE_ITEM',
      matchesSortKey: (sk) => sk.includes('#LINE_ITEM#'),
      itemSchema: { safeParse: (item) => ({ success: true, data: item }) },
      relevantFields: ['amount'],
    });
    const record = streamRecord({
      eventName: 'REMOVE',
      keys: { PK: `IMAGE#${IMAGE_ID}`, SK: 'RECEIPT#00001#LINE_ITEM#00001' },
      viewType: 'KEYS_ONLY',
    });

    // Act
    const result = safeParseStreamRecord(record, {
      registry: [custom, ...DEFAULT_ENTITY_REGISTRY],
    });

    // Assess
    expect(result).toMatchObject({ success: false });
    expect(result.success ? undefined : result.error).toMatchObject({
      reason: 'malformed-record',
      entityType: 'RECEIPT_LINE_ITEM',
    });
  });

  it('says a record that is not an object is not one', () => {
    // Act
    const result = safeParseStreamRecord('a record');

    // Assess
    expect(result.success ? undefined : result.error).toMatchObject({
      reason: 'malformed-record',
      message: 'Stream record must be an object, got string',
    });
  });
});
