import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { chromaCloudConfigFromEnv } from '@receipt-chroma/chroma-compaction/chroma';
import { CloudClient } from 'chromadb';
import { cloudMirrors } from './cloudMirrors.js';
import { type CompactorHandler, createCompactorHandler } from './compactor.js';
import { readCompactorConfig } from './config.js';

const cloud = chromaCloudConfigFromEnv(process.env);

export { type CompactorDependencies, createCompactorHandler } from './compactor.js';
export { readCompactorConfig } from './config.js';

/**
 * The compactor Lambda (container image, `CMD ["handler.handler"]`): an SQS batch of one
 * collection's queue in, the messages to retry out. The configuration is read and checked,
 * and the clients are created, once per execution environment at init (which Lambda runs at
 * full CPU), then reused by every invocation; a bad setting fails the init with a message
 * naming the variable. Tests build the same handler with `createCompactorHandler`.
 */
export const handler: CompactorHandler = createCompactorHandler({
  s3: new S3Client({}),
  dynamodb: new DynamoDBClient({}),
  config: readCompactorConfig(process.env),
  // CHROMA_CLOUD_ENABLED=true (with _API_KEY, _TENANT, _DATABASE): mirror every batch to Cloud.
  mirrors: cloud === undefined ? undefined : cloudMirrors(new CloudClient(cloud)),
});
