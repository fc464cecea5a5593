import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { initializeEmptySnapshot } from '../../../src/adapters/chroma/initializeEmptySnapshot.js';
import { openSnapshot } from '../../../src/adapters/chroma/openSnapshot.js';
import { S3ObjectStore } from '../../../src/adapters/s3/S3ObjectStore.js';
import { downloadSnapshot } from '../../../src/snapshots/downloadSnapshot.js';
import {
  NoSnapshotError,
  SnapshotConflictError,
  type SnapshotIntegrityError,
} from '../../../src/snapshots/errors.js';
import { publishSnapshot } from '../../../src/snapshots/publishSnapshot.js';
import { snapshotKeys } from '../../../src/snapshots/snapshotKeys.js';
import { interceptStore, objectText } from '../../helpers/snapshotStores.js';
import { readTree, writeChromaLikeTree } from '../../helpers/snapshotTrees.js';
import { chromaCommand } from '../helpers/localChroma.js';
import {
  createBucket,
  deleteBucket,
  motoS3Client,
  type RecordingS3Client,
} from '../helpers/motoS3.js';

const keys = snapshotKeys('words');
let admin: RecordingS3Client;
let bucket: string;

beforeAll(async () => {
  admin = motoS3Client();
  bucket = await createBucket(admin.client, 'snapshots');
});

afterAll(async () => {
  await deleteBucket(admin.client, bucket);
  admin.client.destroy();
});

describe('Snapshots on S3 (moto) with a real local Chroma', () => {
  let store: S3ObjectStore;
  let work: string;
  let collectionPrefix: string;

  beforeEach(async () => {
    // Each test uses its own bucket prefix through a fresh bucket-wide cleanup.
    store = new S3ObjectStore({ client: admin.client, bucket });
    work = await mkdtemp(join(tmpdir(), 'snapshots-s3-'));
    collectionPrefix = 'words/';
  });

  afterEach(async () => {
    const { objects } = await store.list({ prefix: collectionPrefix });
    await store.delete(objects.map((object) => object.key));
    await rm(work, { recursive: true, force: true });
  });

  it('round-trips a persist directory through publish and download', async () => {
    // Prepare
    const dir = join(work, 'persist');
    await writeChromaLikeTree(dir);

    // Act
    const published = await publishSnapshot({
      store,
      collection: 'words',
      dir,
      pack: { workers: 2, memberBytes: 64 * 1024 },
    });
    const downloaded = await downloadSnapshot({
      store,
      collection: 'words',
      dest: join(work, 'dest'),
    });

    // Assess
    expect(downloaded.version).toBe(published.version);
    expect(await readTree(join(work, 'dest'))).toEqual(await readTree(dir));
    expect(await objectText(store, keys.pointer)).toBe(published.version);
  });

  it('lets exactly one of two publishers racing on the pointer win (moto enforces the ETag)', async () => {
    // Prepare
    const dir = join(work, 'persist');
    await writeChromaLikeTree(dir);
    await publishSnapshot({ store, collection: 'words', dir });
    let winner: string | undefined;
    const racing = interceptStore(store, {
      async beforePut(key) {
        if (key === keys.pointer && winner === undefined) {
          winner = (await publishSnapshot({ store, collection: 'words', dir })).version;
        }
      },
    });

    // Act
    const error = await publishSnapshot({ store: racing, collection: 'words', dir }).catch(
      (caught: unknown) => caught,
    );

    // Assess
    expect(error).toBeInstanceOf(SnapshotConflictError);
    const loser = (error as SnapshotConflictError).version ?? '';
    expect(await objectText(store, keys.pointer)).toBe(winner);
    expect((await store.list({ prefix: keys.version(loser) })).objects).toEqual([]);
  });

  it('detects a corrupt tarball on S3 and leaves nothing at the destination', async () => {
    // Prepare
    const dir = join(work, 'persist');
    await writeChromaLikeTree(dir);
    const published = await publishSnapshot({ store, collection: 'words', dir });
    const bytes = Buffer.concat(await (await store.get(published.key)).body.toArray());
    bytes[100] = (bytes[100] ?? 0) ^ 0xff;
    await store.put(published.key, bytes);

    // Act
    const error = await downloadSnapshot({
      store,
      collection: 'words',
      dest: join(work, 'dest'),
    }).catch((caught: unknown) => caught);

    // Assess
    expect((error as SnapshotIntegrityError).check).toBe('sha256');
    expect(await readTree(work)).not.toContainEqual(expect.objectContaining({ path: 'dest' }));
  });

  it('initialises an empty collection only when there is no pointer, and Chroma opens it', async () => {
    // Prepare
    const server = { command: chromaCommand() };
    const before = await downloadSnapshot({
      store,
      collection: 'words',
      dest: join(work, 'none'),
    }).catch((caught: unknown) => caught);

    // Act
    const published = await initializeEmptySnapshot({ store, collection: 'words', server });
    const again = await initializeEmptySnapshot({ store, collection: 'words', server }).catch(
      (caught: unknown) => caught,
    );
    const dest = join(work, 'empty');
    await downloadSnapshot({ store, collection: 'words', dest });
    const opened = await openSnapshot(dest, server);
    let count: number;
    try {
      count = await (await opened.collection('words')).count();
    } finally {
      await opened.close();
    }

    // Assess
    expect(before).toBeInstanceOf(NoSnapshotError);
    expect(published.parent).toBeNull();
    expect(again).toBeInstanceOf(SnapshotConflictError);
    expect(count).toBe(0);
  }, 60_000);

  it('publishes what a local Chroma server wrote, once it is closed', async () => {
    // Prepare
    const server = { command: chromaCommand() };
    const dir = join(work, 'chroma');
    const opened = await openSnapshot(dir, server);
    try {
      const words = await opened.collection('words', true);
      await words.upsert({
        ids: ['a', 'b'],
        embeddings: [
          [0.1, 0.2],
          [0.3, 0.4],
        ],
        metadatas: [{ text: 'a' }, { text: 'b' }],
      });
    } finally {
      await opened.close();
    }

    // Act
    await publishSnapshot({ store, collection: 'words', dir, recordCounts: { words: 2 } });
    const dest = join(work, 'copy');
    await downloadSnapshot({ store, collection: 'words', dest });
    const reopened = await openSnapshot(dest, server);
    let got: string[];
    try {
      got = (await (await reopened.collection('words')).get({ ids: ['a', 'b'] })).ids;
    } finally {
      await reopened.close();
    }

    // Assess
    expect(got.sort()).toEqual(['a', 'b']);
  }, 60_000);
});
