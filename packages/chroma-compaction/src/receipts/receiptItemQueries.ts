import {
  COMPACTION_RUN_SORT_KEY,
  type CompactionRun,
  CompactionRunItemSchema,
  type DynamoDBItem,
  imagePk,
  isValidUuid,
  LABEL_SORT_KEY,
  LINE_SORT_KEY,
  matchesReceiptSortKey,
  padId,
  type Receipt,
  ReceiptItemSchema as ReceiptEntityItemSchema,
  type ReceiptKeyLayout,
  type ReceiptLine,
  ReceiptLineItemSchema,
  type ReceiptMetadata,
  ReceiptMetadataItemSchema,
  type ReceiptPlace,
  ReceiptPlaceItemSchema,
  type ReceiptSection,
  ReceiptSectionItemSchema,
  type ReceiptWord,
  ReceiptWordItemSchema,
  type ReceiptWordLabel,
  ReceiptWordLabelItemSchema,
  receiptSkPrefix,
  SECTION_SORT_KEY,
  WORD_SORT_KEY,
} from '@receipt-chroma/dynamo-stream';
import {
  type ErrorContext,
  type InvalidReceiptItem,
  InvalidReceiptItemError,
  ReceiptStoreError,
} from '../errors.js';
import type { ReceiptRef, WordRef } from '../ports/receiptStore.js';

/**
 * The `ReceiptStore` reads as key queries on the receipts table, shared by the DynamoDB
 * adapter and the in-memory double so that both select, order and validate items the same
 * way. Every read is a query on `PK = IMAGE#{imageId}` with `begins_with(SK, prefix)`;
 * the items under the prefix are then kept only when their SK has the exact shape of the
 * wanted entity (letters and labels live under word keys, words under line keys), and each
 * kept item is parsed with the `@receipt-chroma/dynamo-stream` item schema.
 * @internal
 */

/** What a read needs of a dynamo-stream item schema (zod classic or zod mini). @internal */
export interface ReceiptItemSchema<Entity> {
  safeParse(item: DynamoDBItem):
    | { readonly success: true; readonly data: Entity }
    | {
        readonly success: false;
        readonly error: {
          readonly issues: readonly {
            readonly path: readonly PropertyKey[];
            readonly message: string;
          }[];
        };
      };
}

/** One `ReceiptStore` read as a key query. @internal */
export interface ReceiptItemQuery<Entity> {
  /** The port method, for errors. */
  readonly operation: string;
  /** `IMAGE#{imageId}`. */
  readonly pk: string;
  /** The SK prefix for `begins_with`. */
  readonly skPrefix: string;
  /** True when an SK under the prefix is exactly the key shape of the wanted entity. */
  readonly matches: (sk: string) => boolean;
  /** Parses a raw item into the entity. */
  readonly schema: ReceiptItemSchema<Entity>;
}

/** One item read by its exact key (`GetItem`), for entities that are one item per receipt. @internal */
export interface ReceiptItemKey<Entity> {
  /** The port method, for errors. */
  readonly operation: string;
  /** `IMAGE#{imageId}`. */
  readonly pk: string;
  /** The exact sort key. */
  readonly sk: string;
  /** Parses the raw item into the entity. */
  readonly schema: ReceiptItemSchema<Entity>;
}

const fail = (operation: string, message: string, ref: Partial<WordRef>): ReceiptStoreError =>
  new ReceiptStoreError(`${operation}: ${message}`, {
    operation,
    context: {
      imageId: typeof ref.imageId === 'string' ? ref.imageId : String(ref.imageId),
      receiptId: String(ref.receiptId),
      lineId: ref.lineId === undefined ? undefined : String(ref.lineId),
      wordId: ref.wordId === undefined ? undefined : String(ref.wordId),
    },
  });

/**
 * Checks a receipt reference before any call: `imageId` a version 4/5 UUID and `receiptId`
 * an integer `> 0` (as the Python list calls require).
 * @throws {ReceiptStoreError} when a part is invalid
 */
const checkReceiptRef = (operation: string, ref: ReceiptRef): void => {
  if (!isValidUuid(ref.imageId)) {
    throw fail(operation, `imageId must be a UUID, got ${JSON.stringify(ref.imageId)}`, ref);
  }
  if (!Number.isSafeInteger(ref.receiptId) || ref.receiptId <= 0) {
    throw fail(operation, `receiptId must be an integer > 0, got ${String(ref.receiptId)}`, ref);
  }
};

/**
 * Checks a word reference: a valid receipt reference plus `lineId` and `wordId` integers
 * `>= 0` (a receipt word may have line or word 0; it then simply has no labels).
 * @throws {ReceiptStoreError} when a part is invalid
 */
const checkWordRef = (operation: string, ref: WordRef): void => {
  checkReceiptRef(operation, ref);
  for (const name of ['lineId', 'wordId'] as const) {
    const value = ref[name];
    if (!Number.isSafeInteger(value) || value < 0) {
      throw fail(operation, `${name} must be an integer >= 0, got ${String(value)}`, ref);
    }
  }
};

/** A matcher of the sort keys shaped like `layout`. */
const shape =
  (layout: ReceiptKeyLayout) =>
  (sk: string): boolean =>
    matchesReceiptSortKey(layout, sk);

/**
 * A query builder for a receipt-wide read: `PK = IMAGE#{imageId}`, `SK` under
 * `RECEIPT#r{suffix}`, items kept when `matches` takes their SK.
 */
const receiptQuery =
  <Entity>(
    operation: string,
    suffix: string,
    matches: (sk: string) => boolean,
    schema: ReceiptItemSchema<Entity>,
  ) =>
  (ref: ReceiptRef): ReceiptItemQuery<Entity> => {
    checkReceiptRef(operation, ref);
    return {
      operation,
      pk: imagePk(ref.imageId),
      skPrefix: `${receiptSkPrefix(ref.receiptId)}${suffix}`,
      matches,
      schema,
    };
  };

/** Words of a receipt: SKs under `RECEIPT#r#LINE#` shaped exactly like a word key. @internal */
export const receiptWordsQuery: (ref: ReceiptRef) => ReceiptItemQuery<ReceiptWord> = receiptQuery(
  'listReceiptWords',
  '#LINE#',
  shape(WORD_SORT_KEY),
  ReceiptWordItemSchema,
);

/** Lines of a receipt: SKs under `RECEIPT#r#LINE#` shaped exactly like a line key. @internal */
export const receiptLinesQuery: (ref: ReceiptRef) => ReceiptItemQuery<ReceiptLine> = receiptQuery(
  'listReceiptLines',
  '#LINE#',
  shape(LINE_SORT_KEY),
  ReceiptLineItemSchema,
);

/** Labels of one word: SKs under `RECEIPT#r#LINE#l#WORD#w#LABEL#`. @internal */
export const wordLabelsQuery = (ref: WordRef): ReceiptItemQuery<ReceiptWordLabel> => {
  const operation = 'listWordLabels';
  checkWordRef(operation, ref);
  return {
    operation,
    pk: imagePk(ref.imageId),
    skPrefix: `${receiptSkPrefix(ref.receiptId)}#LINE#${padId(ref.lineId)}#WORD#${padId(ref.wordId)}#LABEL#`,
    matches: shape(LABEL_SORT_KEY),
    schema: ReceiptWordLabelItemSchema,
  };
};

/** Every word label of a receipt: SKs under `RECEIPT#r#LINE#` shaped like a label key. @internal */
export const receiptWordLabelsQuery: (ref: ReceiptRef) => ReceiptItemQuery<ReceiptWordLabel> =
  receiptQuery(
    'listReceiptWordLabels',
    '#LINE#',
    shape(LABEL_SORT_KEY),
    ReceiptWordLabelItemSchema,
  );

/** Sections of a receipt: SKs under `RECEIPT#r#SECTION#`. @internal */
export const receiptSectionsQuery: (ref: ReceiptRef) => ReceiptItemQuery<ReceiptSection> =
  receiptQuery(
    'listReceiptSections',
    '#SECTION#',
    shape({ ...SECTION_SORT_KEY, exact: true }),
    ReceiptSectionItemSchema,
  );

/** Compaction runs of a receipt: SKs under `RECEIPT#r#COMPACTION_RUN#`. @internal */
export const receiptCompactionRunsQuery: (ref: ReceiptRef) => ReceiptItemQuery<CompactionRun> =
  receiptQuery(
    'listCompactionRuns',
    '#COMPACTION_RUN#',
    shape(COMPACTION_RUN_SORT_KEY),
    CompactionRunItemSchema,
  );

/** A key read of one item of a receipt: `PK = IMAGE#{imageId}`, `SK = RECEIPT#r{suffix}`. */
const receiptKeyRead =
  <Entity>(operation: string, suffix: string, schema: ReceiptItemSchema<Entity>) =>
  (ref: ReceiptRef): ReceiptItemKey<Entity> => {
    checkReceiptRef(operation, ref);
    return {
      operation,
      pk: imagePk(ref.imageId),
      sk: `${receiptSkPrefix(ref.receiptId)}${suffix}`,
      schema,
    };
  };

/** The receipt item: SK `RECEIPT#r`. @internal */
export const receiptItemKey: (ref: ReceiptRef) => ReceiptItemKey<Receipt> = receiptKeyRead(
  'getReceipt',
  '',
  ReceiptEntityItemSchema,
);

/** The receipt's place: SK `RECEIPT#r#PLACE`. @internal */
export const receiptPlaceItemKey: (ref: ReceiptRef) => ReceiptItemKey<ReceiptPlace> =
  receiptKeyRead('getReceiptPlace', '#PLACE', ReceiptPlaceItemSchema);

// spec §2.6
/**
 * The receipt's legacy place row (older writers' `RECEIPT_METADATA`): SK
 * `RECEIPT#r#METADATA`. @internal
 */
export const receiptMetadataItemKey: (ref: ReceiptRef) => ReceiptItemKey<ReceiptMetadata> =
  receiptKeyRead('getReceiptPlace', '#METADATA', ReceiptMetadataItemSchema);

const keyText = (item: DynamoDBItem, name: string): string => {
  const value = item[name]?.S;
  return typeof value === 'string' ? value : '';
};

const issueText = (issue: { readonly path: readonly PropertyKey[]; readonly message: string }) =>
  issue.path.length === 0 ? issue.message : `${issue.path.map(String).join('.')}: ${issue.message}`;

/** The error for items of one read that failed validation. */
const invalidItemsError = (
  operation: string,
  where: string,
  context: ErrorContext,
  invalidItems: readonly InvalidReceiptItem[],
): InvalidReceiptItemError => {
  const first = invalidItems[0];
  return new InvalidReceiptItemError(
    `${operation}: ${invalidItems.length} item(s) under ${where} failed validation` +
      (first ? ` (first: ${first.sk}: ${first.issues.join('; ')})` : '') +
      '; fix or remove the items, then retry',
    {
      operation,
      items: invalidItems,
      context: { ...context, invalidCount: invalidItems.length },
    },
  );
};

/**
 * Parses the item a key read returned: the entity, or `undefined` when there is no item.
 * @throws {InvalidReceiptItemError} when the item fails validation
 * @internal
 */
export const parseReceiptItem = <Entity>(
  key: ReceiptItemKey<Entity>,
  item: DynamoDBItem | undefined,
): Entity | undefined => {
  if (item === undefined) return undefined;
  const parsed = key.schema.safeParse(item);
  if (parsed.success) return parsed.data;
  throw invalidItemsError(key.operation, `${key.pk} ${key.sk}`, { pk: key.pk, sk: key.sk }, [
    { pk: key.pk, sk: key.sk, issues: parsed.error.issues.map(issueText) },
  ]);
};

/**
 * Reads the pages of a query: keeps the items whose SK matches, parses each, and returns
 * the entities in the order the pages gave them. Every page is read before an invalid item
 * is reported, so the error lists all of them.
 *
 * @throws {InvalidReceiptItemError} when any kept item fails validation (no entity is returned)
 * @throws whatever the page source throws (adapters throw `ReceiptStoreError`)
 * @internal
 */
export const collectReceiptItems = async <Entity>(
  query: ReceiptItemQuery<Entity>,
  pages: AsyncIterable<readonly DynamoDBItem[]>,
): Promise<Entity[]> => {
  const entities: Entity[] = [];
  const invalidItems: InvalidReceiptItem[] = [];
  for await (const page of pages) {
    for (const item of page) {
      const sk = keyText(item, 'SK');
      if (!query.matches(sk)) continue;
      const parsed = query.schema.safeParse(item);
      if (parsed.success) {
        entities.push(parsed.data);
      } else {
        invalidItems.push({
          pk: keyText(item, 'PK'),
          sk,
          issues: parsed.error.issues.map(issueText),
        });
      }
    }
  }
  if (invalidItems.length > 0) {
    throw invalidItemsError(
      query.operation,
      `${query.pk} ${query.skPrefix}`,
      { pk: query.pk, skPrefix: query.skPrefix },
      invalidItems,
    );
  }
  return entities;
};
