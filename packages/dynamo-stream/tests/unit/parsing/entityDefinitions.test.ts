import { describe, expect, it } from 'vitest';
import {
  DEFAULT_ENTITY_REGISTRY,
  ReceiptSectionDefinition,
  ReceiptWordDefinition,
  ReceiptWordLabelDefinition,
} from '../../../src/parsing/entityDefinitions.js';
import { parseEntity } from '../../../src/parsing/parseEntity.js';
import type { DynamoDBItem } from '../../../src/types.js';
import {
  IMAGE_ID,
  legacyReceiptSectionItem,
  placeItem,
  receiptItem,
  receiptLineItem,
  receiptWordItem,
  receiptWordLabelItem,
  summaryItem,
} from '../../helpers/factories.js';

const keysOf = (item: DynamoDBItem) => ({ pk: item['PK']?.S ?? '', sk: item['SK']?.S ?? '' });

const PK = `IMAGE#${IMAGE_ID}`;

describe('Method: EntityDefinition.extractFromKeys (built-in types)', () => {
  it.each([
    ['RECEIPT', receiptItem({ receiptId: 7 })],
    ['RECEIPT_LINE', receiptLineItem({ lineId: 0 })],
    ['RECEIPT_WORD', receiptWordItem({ lineId: 0, wordId: 0 })],
    ['RECEIPT_WORD_LABEL', receiptWordLabelItem({ label: 'grand_total' })],
    ['RECEIPT_PLACE', placeItem({ receiptId: 12 })],
    ['RECEIPT_SECTION', legacyReceiptSectionItem({ sectionType: 'ITEMS' })],
    ['RECEIPT_SUMMARY', summaryItem({ receiptId: 3 })],
  ])('builds the same message from the keys of a %s as from its parsed item', (type, item) => {
    // Prepare
    const definition = DEFAULT_ENTITY_REGISTRY.find((entry) => entry.entityType === type);
    const keys = keysOf(item);
    const entity = parseEntity(item, type, keys);

    // Act
    const fromKeys = definition?.extractFromKeys?.(keys);

    // Assess
    expect(fromKeys).toBeDefined();
    expect(fromKeys).toEqual(definition?.extract?.(entity));
    expect(Object.keys(fromKeys?.entityData ?? {})).toEqual(
      Object.keys(definition?.extract?.(entity)?.entityData ?? {}),
    );
  });

  it.each([
    ['an image id that is not a UUID', 'IMAGE#not-a-uuid', 'RECEIPT#00001#LINE#00002#WORD#00003'],
    ['a partition key with more segments', `${PK}#X`, 'RECEIPT#00001#LINE#00002#WORD#00003'],
    ['a receipt id of 0', PK, 'RECEIPT#00000#LINE#00002#WORD#00003'],
    ['a negative word id', PK, 'RECEIPT#00001#LINE#00002#WORD#-0001'],
    ['a word id that is not an integer', PK, 'RECEIPT#00001#LINE#00002#WORD#3.5'],
  ])('reads no word from keys with %s', (_case, pk, sk) => {
    // Act & Assess
    expect(ReceiptWordDefinition.extractFromKeys?.({ pk, sk })).toBeUndefined();
  });

  it('keeps the word-label rule that ids are > 0, as the Python entity has it', () => {
    // Act & Assess
    expect(
      ReceiptWordLabelDefinition.extractFromKeys?.({
        pk: PK,
        sk: 'RECEIPT#00001#LINE#00000#WORD#00003#LABEL#TOTAL',
      }),
    ).toBeUndefined();
  });

  it('reads no section from a key whose type is not a section type', () => {
    // Act & Assess
    expect(
      ReceiptSectionDefinition.extractFromKeys?.({ pk: PK, sk: 'RECEIPT#00001#SECTION#NOPE' }),
    ).toBeUndefined();
  });
});
