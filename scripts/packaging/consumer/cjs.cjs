// Loads every subpath through `require` from the installed tarballs (see smoke.cjs).
'use strict';
const { DynamoDBClient } = require('@aws-sdk/client-dynamodb');
const { S3Client } = require('@aws-sdk/client-s3');
const { smoke } = require('./smoke.cjs');

const modules = {
  stream: require('@receipt-chroma/dynamo-stream'),
  compaction: require('@receipt-chroma/chroma-compaction'),
  chroma: require('@receipt-chroma/chroma-compaction/chroma'),
  s3: require('@receipt-chroma/chroma-compaction/s3'),
  dynamodb: require('@receipt-chroma/chroma-compaction/dynamodb'),
  testing: require('@receipt-chroma/chroma-compaction/testing'),
  S3Client,
  DynamoDBClient,
};
smoke(modules, require.resolve, '.cjs').catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
