import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { type CompactorHandler, createCompactorHandler } from './compactor.js';
import { readCompactorConfig } from './config.js';

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
});
