import {
  type AttributeValue,
  type DynamoDBClient,
  GetItemCommand,
  type GetItemCommandOutput,
  QueryCommand,
  type QueryCommandOutput,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import type { DynamoDBItem } from '@receipt-chroma/dynamo-stream';
import { type InvalidReceiptItemError, ReceiptStoreError } from '../../errors.js';
import type { CompactionRunCompletion, ReceiptStore } from '../../ports/receiptStore.js';
import {
  compactionRunCompletionWrite,
  MARK_RUN_COMPLETED,
} from '../../receipts/compactionRunCompletion.js';
import { ReceiptItemStore } from '../../receipts/ReceiptItemStore.js';
import {
  collectReceiptItems,
  parseReceiptItem,
  type ReceiptItemKey,
  type ReceiptItemQuery,
} from '../../receipts/receiptItemQueries.js';
import { Expression } from './Expression.js';
import type { Item } from './lockItems.js';

/** Options of {@link DynamoReceiptStore}. */
export interface DynamoReceiptStoreOptions {
  /** A DynamoDB client (`@aws-sdk/client-dynamodb`). The store never destroys it. */
  readonly client: DynamoDBClient;
  /** The receipts table (keys `PK` and `SK`, both strings). */
  readonly tableName: string;
  /**
   * Read with `ConsistentRead`, so an item written just before the stream record that
   * triggered the read is always seen (costs twice the read capacity of an eventually
   * consistent read).
   * @default true
   */
  readonly consistentRead?: boolean;
  /**
   * The most items one Query page evaluates (`Limit`); the store keeps paginating with
   * `LastEvaluatedKey` until the end either way.
   * @default none: DynamoDB pages by 1 MB
   */
  readonly pageSize?: number;
}

/**
 * The {@link ReceiptStore} on the receipts table, through the low-level DynamoDB client.
 *
 * The get reads (`getReceipt`, `getReceiptPlace`) are one `GetItem` each (two for a receipt
 * whose place is missing, to look for a legacy row); every list read is a Query on
 * `PK = IMAGE#{imageId}` with `begins_with(SK, …)`, followed to the last page; the store
 * keeps the items whose SK has the exact key shape of the wanted entity (so receipt letters
 * and labels, which live under word keys, are never read as words) and parses each with the
 * `@receipt-chroma/dynamo-stream` item schema. Results are in sort-key order.
 *
 * Reading a receipt's lines walks every item under its `LINE#` keys (words, letters and
 * labels included) and drops all but the lines; Python used GSI3 for this instead.
 *
 * Its one write, `markCompactionRunCompleted`, is an `UpdateItem` on the run's key that sets
 * only the compacted collection's state fields, under the condition that the item exists.
 *
 * Errors: an invalid reference (`imageId` not a UUID, `receiptId` not an integer `> 0`,
 * `lineId`/`wordId` not integers `>= 0`) rejects with {@link ReceiptStoreError} before any
 * call; a failed read or write with `ReceiptStoreError` holding the SDK error as `cause`; an item that
 * fails validation with {@link InvalidReceiptItemError} listing every bad item.
 *
 * @example
 * ```ts
 * import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
 * import { DynamoReceiptStore } from '@receipt-chroma/chroma-compaction/dynamodb';
 *
 * declare const imageId: string;
 *
 * const store = new DynamoReceiptStore({ client: new DynamoDBClient({}), tableName: 'ReceiptsTable' });
 * const words = await store.listReceiptWords({ imageId, receiptId: 1 });
 * console.log(words.length);
 * ```
 */
export class DynamoReceiptStore extends ReceiptItemStore {
  readonly #client: DynamoDBClient;
  readonly #tableName: string;
  readonly #consistentRead: boolean;
  readonly #pageSize: number | undefined;

  /**
   * Creates a store on one table; nothing is read until a method is called.
   * @param options - The client, the table, and how to read it.
   * @throws {ReceiptStoreError} when `tableName` is empty or `pageSize` is not a
   *   positive integer
   */
  constructor(options: DynamoReceiptStoreOptions) {
    super({ query: (build) => this.#read(build), get: (build) => this.#get(build) });
    if (typeof options.tableName !== 'string' || options.tableName === '') {
      throw new ReceiptStoreError('DynamoReceiptStore needs a non-empty tableName', {
        operation: 'constructor',
      });
    }
    if (
      options.pageSize !== undefined &&
      (!Number.isSafeInteger(options.pageSize) || options.pageSize < 1)
    ) {
      throw new ReceiptStoreError(
        `DynamoReceiptStore pageSize must be a positive integer, got ${String(options.pageSize)}`,
        { operation: 'constructor' },
      );
    }
    this.#client = options.client;
    this.#tableName = options.tableName;
    this.#consistentRead = options.consistentRead ?? true;
    this.#pageSize = options.pageSize;
  }

  /**
   * Marks a compaction run's delta merged into one collection: one `UpdateItem` on
   * `PK = IMAGE#{imageId}`, `SK = RECEIPT#{receiptId:05d}#COMPACTION_RUN#{runId}` setting
   * `{collection}_state = "COMPLETED"`, `{collection}_finished_at`, `{collection}_merged_vectors`
   * and `updated_at`, on the condition that the item exists (a run that is gone is never
   * created).
   * @param run - the run, the collection, the merged count and the time
   * @returns `'updated'`, or `'missing'` when the table has no such run item
   * @throws {ReceiptStoreError} when the reference is invalid (before any call), or when the
   *   write fails for another reason than the missing item (the SDK error is its `cause`)
   */
  async markCompactionRunCompleted(run: CompactionRunCompletion): Promise<'updated' | 'missing'> {
    const write = compactionRunCompletionWrite(run);
    const expression = new Expression();
    // The receipt entities hold no binary attributes, so the stream-image shape is the SDK's.
    const assignments = expression.setAll(write.set as unknown as Item);
    try {
      await this.#client.send(
        new UpdateItemCommand({
          TableName: this.#tableName,
          Key: { PK: { S: write.pk }, SK: { S: write.sk } },
          UpdateExpression: `SET ${assignments.join(', ')}`,
          ConditionExpression: `attribute_exists(${expression.name('PK')}) AND attribute_exists(${expression.name('SK')})`,
          ExpressionAttributeNames: expression.names,
          ExpressionAttributeValues: expression.values,
        }),
      );
      return 'updated';
    } catch (error) {
      if ((error as { name?: unknown } | null)?.name === 'ConditionalCheckFailedException') {
        return 'missing';
      }
      throw this.#callError(MARK_RUN_COMPLETED, 'UpdateItem', error, {
        pk: write.pk,
        sk: write.sk,
      });
    }
  }

  async #get<Entity>(build: () => ReceiptItemKey<Entity>): Promise<Entity | undefined> {
    const key = build();
    let output: GetItemCommandOutput;
    try {
      output = await this.#client.send(
        new GetItemCommand({
          TableName: this.#tableName,
          Key: { PK: { S: key.pk }, SK: { S: key.sk } },
          ConsistentRead: this.#consistentRead,
        }),
      );
    } catch (error) {
      throw this.#callError(key.operation, 'GetItem', error, { pk: key.pk, sk: key.sk });
    }
    // The receipt entities hold no binary attributes (see #pages).
    return parseReceiptItem(key, output.Item as unknown as DynamoDBItem | undefined);
  }

  #callError(
    operation: string,
    call: string,
    error: unknown,
    context: Readonly<Record<string, string>>,
  ): ReceiptStoreError {
    return new ReceiptStoreError(
      `${operation}: DynamoDB ${call} on ${this.#tableName} failed: ${(error as Error)?.message ?? String(error)}`,
      { cause: error, operation, context: { tableName: this.#tableName, ...context } },
    );
  }

  async #read<Entity>(build: () => ReceiptItemQuery<Entity>): Promise<Entity[]> {
    const query = build();
    return collectReceiptItems(query, this.#pages(query));
  }

  async *#pages(query: ReceiptItemQuery<unknown>): AsyncGenerator<DynamoDBItem[]> {
    let startKey: Record<string, AttributeValue> | undefined;
    do {
      let output: QueryCommandOutput;
      try {
        output = await this.#client.send(
          new QueryCommand({
            TableName: this.#tableName,
            KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
            ExpressionAttributeNames: { '#pk': 'PK', '#sk': 'SK' },
            ExpressionAttributeValues: { ':pk': { S: query.pk }, ':prefix': { S: query.skPrefix } },
            ConsistentRead: this.#consistentRead,
            Limit: this.#pageSize,
            ExclusiveStartKey: startKey,
          }),
        );
      } catch (error) {
        throw this.#callError(query.operation, 'Query', error, {
          pk: query.pk,
          skPrefix: query.skPrefix,
        });
      }
      // The receipt entities hold no binary attributes, so the SDK's item shape is the
      // stream-image shape the item schemas read.
      yield (output.Items ?? []) as unknown as DynamoDBItem[];
      startKey = output.LastEvaluatedKey;
    } while (startKey !== undefined);
  }
}
