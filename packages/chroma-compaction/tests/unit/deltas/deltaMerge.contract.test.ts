import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { FileSystemObjectStore } from '../../../src/adapters/fs/FileSystemObjectStore.js';
import { describeDeltaMergeContract } from '../../contracts/deltaMerge.contract.js';
import { makeInMemoryLabelFixture } from '../../helpers/compactionFixture.js';

let root: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'delta-merge-contract-'));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describeDeltaMergeContract('FileSystemObjectStore and in-memory doubles', async () => ({
  ...makeInMemoryLabelFixture(),
  store: new FileSystemObjectStore({ root }),
}));
