import { describe, expectTypeOf, it } from 'vitest';
import type { ReceiptPlace } from '../../src/entities/receiptPlace.js';
import type { ReceiptSection } from '../../src/entities/receiptSection.js';
import type { ReceiptWordLabel } from '../../src/entities/receiptWordLabel.js';
import type { ImageName } from '../../src/errors.js';
import { DEFAULT_ENTITY_REGISTRY } from '../../src/parsing/entityDefinitions.js';
import { parseStreamRecord, safeParseStreamRecord } from '../../src/parsing/parseStreamRecord.js';
import { defineEntity, type EntityDefinition } from '../../src/parsing/registry.js';
import type { ParsedStreamRecord } from '../../src/parsing/types.js';
import type { DynamoDBStreamRecord } from '../../src/types.js';

declare const record: DynamoDBStreamRecord;

interface LineItem {
  readonly image_id: string;
  readonly receipt_id: number;
  readonly amount: string;
}
declare const lineItemSchema: {
  safeParse(
    item: unknown,
  ): { success: true; data: LineItem } | { success: false; error: { issues: [] } };
};

const LineItemDefinition = defineEntity({
  entityType: 'RECEIPT_LINE_ITEM',
  matchesSortKey: (sk) => sk.includes('#LINE_ITEM#'),
  itemSchema: lineItemSchema,
  relevantFields: ['amount'],
});

describe('Type: ParsedStreamRecord', () => {
  it('narrows the entities of a built-in type by entityType', () => {
    const parsed = parseStreamRecord(record);

    if (parsed.entityType === 'RECEIPT_PLACE') {
      expectTypeOf(parsed.newEntity).toEqualTypeOf<ReceiptPlace | null>();
      expectTypeOf(parsed.oldEntity).toEqualTypeOf<ReceiptPlace | null>();
    }
    switch (parsed.entityType) {
      case 'RECEIPT_WORD_LABEL':
        expectTypeOf(parsed.newEntity).toEqualTypeOf<ReceiptWordLabel | null>();
        break;
      case 'RECEIPT_SECTION':
        expectTypeOf(parsed.oldEntity).toEqualTypeOf<ReceiptSection | null>();
        break;
      case 'COMPACTION_RUN':
        expectTypeOf(parsed.newEntity).toEqualTypeOf<null>();
        break;
    }
    expectTypeOf(parsed.imageErrors[0]?.image).toEqualTypeOf<ImageName | undefined>();
  });

  it('rejects a comparison with a type the default registry does not have', () => {
    const parsed = parseStreamRecord(record);

    // @ts-expect-error: no built-in entity type is called RECEIPT_LINE_ITEM
    expectTypeOf(parsed.entityType === 'RECEIPT_LINE_ITEM').toBeBoolean();
  });

  it('narrows through a safe parse result too', () => {
    const result = safeParseStreamRecord(record, { recordIndex: 3 });

    if (result.success && result.data.entityType === 'RECEIPT_PLACE') {
      expectTypeOf(result.data.newEntity).toEqualTypeOf<ReceiptPlace | null>();
    }
  });

  it('types the records of a custom definition as unknown, keeping the built-in narrowing', () => {
    const parsed = parseStreamRecord(record, {
      registry: [LineItemDefinition, ...DEFAULT_ENTITY_REGISTRY],
    });

    if (parsed.entityType === 'RECEIPT_LINE_ITEM') {
      expectTypeOf(parsed.newEntity).toBeUnknown();
    }
    if (parsed.entityType === 'RECEIPT_PLACE') {
      expectTypeOf(parsed.newEntity).toEqualTypeOf<ReceiptPlace | null>();
    }
    expectTypeOf(parsed).toEqualTypeOf<
      ParsedStreamRecord<
        'RECEIPT_LINE_ITEM' | (typeof DEFAULT_ENTITY_REGISTRY)[number]['entityType']
      >
    >();
  });

  it('still type-checks a registry whose definitions are typed only as EntityDefinition', () => {
    const registry: readonly EntityDefinition[] = [LineItemDefinition, ...DEFAULT_ENTITY_REGISTRY];
    const parsed = parseStreamRecord(record, { registry });

    expectTypeOf(parsed.entityType).toEqualTypeOf<string>();
    if (parsed.entityType === 'ANY_TYPE') expectTypeOf(parsed.newEntity).toBeUnknown();
  });
});
