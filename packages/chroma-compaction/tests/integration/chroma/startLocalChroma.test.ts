import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChromaClient } from 'chromadb';
import { afterAll, describe, expect, it } from 'vitest';
import { startLocalChroma } from '../../../src/adapters/chroma/startLocalChroma.js';
import { chromaCommand, sharedChromaClient } from '../helpers/localChroma.js';

const WORD_ID = 'IMAGE#3f52804b-2fad-4e00-92c8-b593da3a8ed3#RECEIPT#00001#LINE#00002#WORD#00003';

const dirs: string[] = [];
const tempDir = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'start-local-chroma-'));
  dirs.push(dir);
  return dir;
};

const readWord = async (client: ChromaClient) => {
  const words = await client.getCollection({ name: 'words' });
  return words.get({ ids: [WORD_ID], include: ['documents', 'metadatas', 'embeddings'] });
};

afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('Function: startLocalChroma', () => {
  it('keeps records in the persist directory across a restart', async () => {
    // Prepare
    const path = tempDir();
    const first = await startLocalChroma({ path, command: chromaCommand() });
    try {
      const words = await first.client.createCollection({ name: 'words', embeddingFunction: null });
      await words.add({
        ids: [WORD_ID],
        embeddings: [[0.25, 0.5, 0.75]],
        documents: ['TOTAL'],
        metadatas: [{ text: 'TOTAL', label_status: 'validated' }],
      });
    } finally {
      await first.stop();
    }

    // Act
    const second = await startLocalChroma({ path, command: chromaCommand() });
    let found: Awaited<ReturnType<typeof readWord>>;
    try {
      found = await readWord(second.client);
    } finally {
      await second.stop();
    }

    // Assess
    expect(found.ids).toEqual([WORD_ID]);
    expect(found.documents).toEqual(['TOTAL']);
    expect(found.metadatas).toEqual([{ text: 'TOTAL', label_status: 'validated' }]);
    expect(found.embeddings).toEqual([[0.25, 0.5, 0.75]]);
  });

  it('stops the server for good, and a second stop() resolves', async () => {
    // Prepare
    const chroma = await startLocalChroma({ path: tempDir(), command: chromaCommand() });
    await expect(chroma.client.heartbeat()).resolves.toBeGreaterThan(0);

    // Act
    await chroma.stop();

    // Assess
    await expect(chroma.stop()).resolves.toEqual({ code: 0, signal: null });
    await expect(fetch(`${chroma.url}/api/v2/heartbeat`)).rejects.toThrow();
    expect(() => process.kill(chroma.pid, 0)).toThrow();
  });
});

describe('Global setup: chromaUrl', () => {
  it('points at a running Chroma server that accepts writes', async () => {
    // Prepare
    const client = sharedChromaClient();
    const name = `start-local-chroma-${randomUUID()}`;

    // Act
    const collection = await client.createCollection({ name, embeddingFunction: null });
    await collection.add({
      ids: ['a', 'b'],
      embeddings: [
        [1, 0],
        [0, 1],
      ],
    });

    // Assess
    await expect(client.heartbeat()).resolves.toBeGreaterThan(0);
    await expect(collection.count()).resolves.toBe(2);
  });
});
