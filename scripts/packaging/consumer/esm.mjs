// Loads every subpath through `import` from the installed tarballs (see smoke.cjs).
import { fileURLToPath } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import * as compaction from '@receipt-chroma/chroma-compaction';
import * as chroma from '@receipt-chroma/chroma-compaction/chroma';
import * as dynamodb from '@receipt-chroma/chroma-compaction/dynamodb';
import * as s3 from '@receipt-chroma/chroma-compaction/s3';
import * as testing from '@receipt-chroma/chroma-compaction/testing';
import * as stream from '@receipt-chroma/dynamo-stream';
import { smoke } from './smoke.cjs';

await smoke(
  { stream, compaction, chroma, s3, dynamodb, testing, S3Client, DynamoDBClient },
  (specifier) => fileURLToPath(import.meta.resolve(specifier)),
  '.js',
);
