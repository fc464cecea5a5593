import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromaVectorCollection } from '../../../src/adapters/chroma/chromaVectorCollection.js';
import {
  type LocalChroma,
  startLocalChroma,
} from '../../../src/adapters/chroma/startLocalChroma.js';
import { syncCollection } from '../../../src/sync/syncCollection.js';
import { FlakyCollection } from '../../helpers/flakyCollection.js';
import { collectionContents } from '../helpers/collectionContents.js';
import { chromaCommand, sharedChromaClient } from '../helpers/localChroma.js';

const RECORDS = 20_000;
const DIMENSION = 8;

/**
 * Picks about `rate` of the calls it is asked about, by a seeded sequence, so a run's
 * failures are the same every time; `failed` counts them.
 */
const seededFailures = (rate: number, seed: number) => {
  let state = seed;
  const picker = {
    failed: 0,
    pick: (): boolean => {
      state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
      const fails = state / 2_147_483_648 < rate;
      if (fails) picker.failed += 1;
      return fails;
    },
  };
  return picker;
};

describe('Function: syncCollection (two Chroma servers)', () => {
  let remote: LocalChroma;
  let remoteDir: string;

  beforeAll(async () => {
    remoteDir = mkdtempSync(join(tmpdir(), 'sync-remote-'));
    remote = await startLocalChroma({ path: remoteDir, command: chromaCommand() });
  });

  afterAll(async () => {
    await remote?.stop();
    rmSync(remoteDir, { recursive: true, force: true });
  });

  it('copies 20,000 records to a server failing 5% of requests, and a rerun with prune converges', async () => {
    // Prepare: the source on the shared server, the target on a second one (the "remote").
    const name = `sync-${Date.now()}`;
    const source = chromaVectorCollection(
      await sharedChromaClient().createCollection({ name, embeddingFunction: null }),
    );
    const ids = Array.from({ length: RECORDS }, (_, index) => `IMAGE#sync#RECEIPT#${index}`);
    await source.upsert({
      ids,
      embeddings: ids.map((_, index) =>
        Array.from({ length: DIMENSION }, (_, axis) => ((index * 31 + axis) % 97) / 97),
      ),
      documents: ids.map((_, index) => `word ${index}`),
      metadatas: ids.map((_, index) => ({
        rank: index,
        even: index % 2 === 0,
        tag: `t${index % 7}`,
      })),
    });
    const target = chromaVectorCollection(
      await remote.client.createCollection({ name, embeddingFunction: null }),
    );
    // A record the source never had: the pruning rerun must delete it.
    await target.upsert({ ids: ['IMAGE#stale'], embeddings: [Array(DIMENSION).fill(0)] });
    // About 5% of the requests fail before they reach the server.
    const failures = seededFailures(0.05, 7);
    const flaky = new FlakyCollection(target)
      .failWhen('get', failures.pick)
      .failWhen('upsert', failures.pick)
      .failWhen('update', failures.pick)
      .failWhen('delete', failures.pick);

    // Act
    const first = await syncCollection({ from: source, to: flaky, retries: 0, retryDelayMs: 1 });
    const rerun = await syncCollection({ from: source, to: target, prune: true });

    // Assess
    expect(failures.failed).toBeGreaterThan(0);
    expect(first).toMatchObject({ total: RECORDS, failedBatches: failures.failed });
    expect(first.copied).toBe(RECORDS - first.failures.length * 250);
    expect(rerun).toMatchObject({ total: RECORDS, copied: RECORDS, removed: 1, failedBatches: 0 });
    expect(rerun.targetCount).toBe(RECORDS);
    expect(await collectionContents(target)).toEqual(await collectionContents(source));
  });
});
