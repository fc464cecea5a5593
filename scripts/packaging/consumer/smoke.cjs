// @ts-check
/**
 * What the scratch project does with the installed tarballs, from `esm.mjs` (through
 * `import`) and from `cjs.cjs` (through `require`): each subpath loads the build for that
 * module system, a stream record becomes a queue message that the compactor applies to an
 * in-memory collection, and errors thrown by one subpath are instances of the classes another
 * exports. Copied into the scratch project by `scratchProject.mjs`; throws on the first
 * difference.
 */
'use strict';
const assert = require('node:assert/strict');
const { randomUUID } = require('node:crypto');

const IMAGE_ID = '3f52804b-2fad-4e00-92c8-b593da3a8ed3';

/** Every specifier the packages export, with the file name each resolves to. */
const SPECIFIERS = {
  '@receipt-chroma/dynamo-stream': 'index',
  '@receipt-chroma/chroma-compaction': 'index',
  '@receipt-chroma/chroma-compaction/chroma': 'chroma',
  '@receipt-chroma/chroma-compaction/s3': 's3',
  '@receipt-chroma/chroma-compaction/dynamodb': 'dynamodb',
  '@receipt-chroma/chroma-compaction/testing': 'testing',
};

/** A REMOVE of one receipt word, as a DynamoDB stream delivers it. */
const removeWordRecord = {
  eventID: 'remove-word',
  eventName: 'REMOVE',
  eventSource: 'aws:dynamodb',
  awsRegion: 'us-east-1',
  dynamodb: {
    Keys: {
      PK: { S: `IMAGE#${IMAGE_ID}` },
      SK: { S: 'RECEIPT#00001#LINE#00002#WORD#00003' },
    },
    SequenceNumber: '100',
    StreamViewType: 'NEW_AND_OLD_IMAGES',
  },
};

/**
 * Throws unless `run` throws an instance of every class in `classes`.
 * @param {() => unknown} run
 * @param {Function[]} classes
 * @param {string} what
 */
const throwsInstanceOf = (run, classes, what) => {
  assert.throws(run, (error) => {
    for (const type of classes) assert.ok(error instanceof type, `${what}: not a ${type.name}`);
    return true;
  });
};

/**
 * @param {Record<string, any>} modules the packages' modules by name, and the AWS clients
 * @param {(specifier: string) => string} resolve the module system's resolver
 * @param {'.js' | '.cjs'} extension the build that module system must load
 * @returns {Promise<void>}
 */
exports.smoke = async (modules, resolve, extension) => {
  const { stream, compaction, chroma, s3, dynamodb, testing, S3Client, DynamoDBClient } = modules;
  for (const [specifier, name] of Object.entries(SPECIFIERS)) {
    const file = resolve(specifier).replaceAll('\\', '/');
    assert.ok(file.endsWith(`/dist/${name}${extension}`), `${specifier} resolved to ${file}`);
    assert.ok(file.includes('/node_modules/'), `${specifier} did not load from node_modules`);
  }

  // The stream side: one message for the word, one typed failure for the broken record.
  const built = stream.buildStreamMessages([removeWordRecord, { eventID: 'broken', dynamodb: {} }]);
  assert.deepEqual(
    built.messages.map((/** @type {any} */ message) => [message.entityType, message.collections]),
    [['RECEIPT_WORD', ['words']]],
  );
  assert.equal(built.failures.length, 1);
  assert.ok(built.failures[0] instanceof stream.RecordParseError);
  assert.ok(built.failures[0] instanceof stream.DynamoStreamError);
  // chroma-compaction re-exports from dynamo-stream rather than bundling a copy.
  assert.equal(compaction.ChromaDBCollection, stream.ChromaDBCollection);

  // The compactor side: the queue body deletes the word's vector, and only that one.
  const body = stream.encodeStreamMessage(built.messages[0]);
  const { inputs, failures } = compaction.decodeSqsRecords([{ messageId: 'm-1', body }]);
  assert.equal(failures.length, 0);
  const vectors = new testing.InMemoryVectorCollection('words');
  const wordId = compaction.wordChromaId({ imageId: IMAGE_ID, receiptId: 1, lineId: 2, wordId: 3 });
  const otherId = compaction.wordChromaId({
    imageId: IMAGE_ID,
    receiptId: 1,
    lineId: 2,
    wordId: 4,
  });
  await vectors.upsert({
    ids: [wordId, otherId],
    embeddings: [
      [1, 0],
      [0, 1],
    ],
  });
  const result = await compaction.processCollectionUpdates(inputs, 'words', {
    vectors,
    receipts: new testing.InMemoryReceiptStore(),
  });
  assert.equal(result.counts.applied, 1);
  assert.deepEqual((await vectors.get({ ids: [wordId, otherId] })).ids, [otherId]);

  // Errors from each subpath are the root's classes.
  throwsInstanceOf(
    () => chroma.chromaCloudConfigFromEnv({ CHROMA_CLOUD_ENABLED: 'true' }),
    [chroma.ChromaCloudConfigError, compaction.ChromaCompactionError],
    'chromaCloudConfigFromEnv',
  );
  const s3Client = new S3Client({ region: 'us-east-1' });
  assert.equal(new s3.S3ObjectStore({ client: s3Client, bucket: 'snapshots' }).bucket, 'snapshots');
  throwsInstanceOf(
    () => new s3.S3ObjectStore({ client: s3Client, bucket: 'snapshots', partSize: 1 }),
    [compaction.ObjectStoreError, compaction.ChromaCompactionError],
    'S3ObjectStore',
  );
  throwsInstanceOf(
    () =>
      new dynamodb.DynamoLockStore({
        client: new DynamoDBClient({ region: 'us-east-1' }),
        tableName: '',
      }),
    [compaction.LockStoreError, compaction.ChromaCompactionError],
    'DynamoLockStore',
  );
  const locks = new testing.InMemoryLockStore();
  const nowMicros = Date.now() * 1000;
  const request = (/** @type {string} */ owner) => ({
    lockId: 'words-compaction',
    collection: 'words',
    owner,
    now: stream.formatPythonTimestamp(nowMicros),
    expires: stream.formatPythonTimestamp(nowMicros + 60_000_000),
    heartbeat: null,
  });
  await locks.acquire(request(randomUUID()));
  await assert.rejects(locks.acquire(request(randomUUID())), compaction.LockHeldError);
};
