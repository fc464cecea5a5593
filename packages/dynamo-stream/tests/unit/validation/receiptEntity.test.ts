import { describe, expect, it } from 'vitest';
import {
  buildMessagesFromRecords,
  DEFAULT_ENTITY_REGISTRY,
  declaredItemSchema,
  declareReceiptEntity,
  defineEntity,
  type EntityOf,
  type Field,
  fields,
} from '../../../src/index.js';
import { IMAGE_ID, streamRecord } from '../../helpers/factories.js';

// The README's user-defined entity: a line item under `RECEIPT#<rid>#ITEM#<iid>`.
const KEY = {
  image_id: fields.imageId() as Field<string>,
  receipt_id: fields.positiveId() as Field<number>,
  item_id: fields.positiveId() as Field<number>,
};
const ATTRIBUTES = {
  description: fields.text() as Field<string>,
  amount: fields.finiteNumber(2) as Field<number>,
};
type LineItem = EntityOf<[typeof KEY, typeof ATTRIBUTES]>;
const LINE_ITEM = declareReceiptEntity({
  type: 'RECEIPT_LINE_ITEM', // SK RECEIPT#<receipt_id>#ITEM#<item_id>, PK IMAGE#<image_id>
  sortKey: { segments: ['RECEIPT', 'ITEM'], ids: ['receipt_id', 'item_id'] },
  keyFields: KEY,
  fields: [ATTRIBUTES],
});
const LineItemDefinition = defineEntity({
  entityType: 'RECEIPT_LINE_ITEM',
  declaration: LINE_ITEM,
  relevantFields: ['description', 'amount'],
  targets: ['line_items'],
});
const registry = [LineItemDefinition, ...DEFAULT_ENTITY_REGISTRY];

const lineItem: LineItem = {
  image_id: IMAGE_ID,
  receipt_id: 1,
  item_id: 2,
  description: 'Milk',
  amount: 2.5,
};

describe('Function: declareReceiptEntity, with defineEntity (a user-declared entity)', () => {
  it('writes the item Python would, and parses it back to the entity', () => {
    // Act
    const item = LINE_ITEM.toItem(lineItem);
    const parsed = declaredItemSchema(LINE_ITEM).safeParse(item);

    // Assess
    expect(item).toEqual({
      PK: { S: `IMAGE#${IMAGE_ID}` },
      SK: { S: 'RECEIPT#00001#ITEM#00002' },
      TYPE: { S: 'RECEIPT_LINE_ITEM' },
      description: { S: 'Milk' },
      amount: { N: '2.50' },
    });
    expect(parsed).toEqual({ success: true, data: lineItem });
  });

  it('reports a bad attribute at its path, with the field in the message', () => {
    // Prepare
    const item = { ...LINE_ITEM.toItem(lineItem), description: { N: '5' } };

    // Act
    const parsed = LINE_ITEM.itemParser.safeParse(item);

    // Assess
    expect(parsed).toMatchObject({ success: false });
    expect(parsed.success ? [] : parsed.error.issues.map((issue) => issue.path)).toEqual([
      ['description', 'S'],
    ]);
  });

  it('streams a change of a relevant field, and a REMOVE from the keys alone', () => {
    // Prepare
    const oldImage = LINE_ITEM.toItem(lineItem);
    const newImage = LINE_ITEM.toItem({ ...lineItem, amount: 3 });
    const records = [
      streamRecord({ eventName: 'MODIFY', oldImage, newImage }),
      streamRecord({ eventName: 'REMOVE', oldImage, viewType: 'KEYS_ONLY' }),
      streamRecord({ eventName: 'MODIFY', oldImage, newImage: oldImage }),
    ];

    // Act
    const messages = buildMessagesFromRecords(records, { registry });

    // Assess: the message names the key fields, from the image and from the keys alike.
    const entityData = {
      entity_type: 'RECEIPT_LINE_ITEM',
      image_id: IMAGE_ID,
      receipt_id: 1,
      item_id: 2,
    };
    expect(messages.map((entry) => [entry.eventName, entry.changes, entry.collections])).toEqual([
      ['MODIFY', { amount: { old: 2.5, new: 3 } }, ['line_items']],
      ['REMOVE', {}, ['line_items']],
    ]);
    expect(messages.map((entry) => entry.entityData)).toEqual([entityData, entityData]);
    expect(messages.map((entry) => Object.keys(entry.entityData))).toEqual([
      Object.keys(entityData),
      Object.keys(entityData),
    ]);
  });

  it('reports a malformed sort key under the entity type, the layout being exact', () => {
    // Prepare
    const item = { ...LINE_ITEM.toItem(lineItem), SK: { S: 'RECEIPT#00001#ITEM#x' } };

    // Act
    const parsed = LINE_ITEM.itemParser.safeParse(item);

    // Assess
    expect(parsed.success ? [] : parsed.error.issues.map((issue) => issue.message)).toEqual([
      'item_id in SK must be an integer, got "x"',
    ]);
  });

  it('takes an extract of its own, typed by the declaration, in place of the key-field message', () => {
    // Prepare
    const LineItemReadme = defineEntity({
      entityType: 'RECEIPT_LINE_ITEM',
      declaration: LINE_ITEM,
      relevantFields: ['description', 'amount'],
      extract: ({ image_id, receipt_id }) => ({
        entityData: { entity_type: 'RECEIPT_LINE_ITEM', image_id, receipt_id },
        targets: ['line_items'],
      }),
    });

    // Act
    const extraction = LineItemReadme.extract?.(lineItem);

    // Assess
    expect(extraction).toEqual({
      entityData: { entity_type: 'RECEIPT_LINE_ITEM', image_id: IMAGE_ID, receipt_id: 1 },
      targets: ['line_items'],
    });
  });

  it('matches only sort keys of its exact layout', () => {
    // Act
    const matches = ['RECEIPT#00001#ITEM#00002', 'RECEIPT#00001#ITEM#00002#X', 'RECEIPT#00001'].map(
      (sk) => LineItemDefinition.matchesSortKey(sk),
    );

    // Assess
    expect(matches).toEqual([true, false, false]);
  });
});
