/**
 * Type-checked (never run) in the scratch project three times: as `esm.mts` and `cjs.cts`
 * under `node16` resolution and as `bundler.ts` under `bundler` resolution, with `strict` and
 * `exactOptionalPropertyTypes`. Each `@ts-expect-error` below is an error only when the real
 * type is there (with `any` it would compile, and the unused directive fails the check), and
 * `Typed<T>` refuses a value typed `any`.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import {
  type ChromaCompactionError,
  type CollectionUpdateResult,
  decodeSqsRecords,
  LockHeldError,
  processCollectionUpdates,
  type VectorCollection,
  wordChromaId,
} from '@receipt-chroma/chroma-compaction';
import {
  type ChromaCloudConfig,
  ChromaCloudConfigError,
  chromaCloudConfigFromEnv,
} from '@receipt-chroma/chroma-compaction/chroma';
import { DynamoLockStore } from '@receipt-chroma/chroma-compaction/dynamodb';
import { S3ObjectStore } from '@receipt-chroma/chroma-compaction/s3';
import {
  InMemoryReceiptStore,
  InMemoryVectorCollection,
} from '@receipt-chroma/chroma-compaction/testing';
import {
  type BuildMessagesResult,
  buildStreamMessages,
  encodeStreamMessage,
  RecordParseError,
  type StreamMessage,
} from '@receipt-chroma/dynamo-stream';

/** `T`, unless it is `any`: then `never`, which no value is assignable to. */
type Typed<T> = 0 extends 1 & T ? never : T;

/** Builds the messages of a stream batch and applies them to an in-memory collection. */
export const compact = async (
  records: Parameters<typeof buildStreamMessages>[0],
): Promise<Typed<CollectionUpdateResult>> => {
  const built: Typed<BuildMessagesResult> = buildStreamMessages(records);
  const first: StreamMessage | undefined = built.messages[0];
  // @ts-expect-error a StreamMessage has no `body`
  first?.body;
  const { inputs } = decodeSqsRecords(
    built.messages.map((message, index) => ({
      messageId: String(index),
      body: encodeStreamMessage(message),
    })),
  );
  const vectors: VectorCollection = new InMemoryVectorCollection('words');
  const receipts = new InMemoryReceiptStore();
  // @ts-expect-error 'sentences' is not one of the collections
  await processCollectionUpdates(inputs, 'sentences', { vectors, receipts });
  return processCollectionUpdates(inputs, 'words', { vectors, receipts });
};

/** The adapters' constructors and functions take their documented options. */
export const adapters = (): Typed<ChromaCloudConfig> | undefined => {
  const store: Typed<S3ObjectStore> = new S3ObjectStore({ client: new S3Client({}), bucket: 'b' });
  // @ts-expect-error the bucket is required
  new S3ObjectStore({ client: new S3Client({}) });
  // @ts-expect-error the client is an S3 client, not a DynamoDB one
  new DynamoLockStore({ client: new S3Client({}), tableName: 'locks' });
  new DynamoLockStore({ client: new DynamoDBClient({}), tableName: 'locks' });
  // @ts-expect-error `bucket` is read-only
  store.bucket = 'other';
  return chromaCloudConfigFromEnv({ CHROMA_CLOUD_ENABLED: undefined });
};

/** The error classes narrow to their typed fields. */
export const describeError = (error: unknown): string => {
  if (error instanceof RecordParseError) {
    const index: number | undefined = error.recordIndex;
    // @ts-expect-error `recordIndex` may be undefined
    const required: number = error.recordIndex;
    return `record ${index ?? required}`;
  }
  if (error instanceof LockHeldError || error instanceof ChromaCloudConfigError) {
    const base: ChromaCompactionError = error;
    return base.message;
  }
  return wordChromaId({ imageId: 'x', receiptId: 1, lineId: 1, wordId: 1 });
};
