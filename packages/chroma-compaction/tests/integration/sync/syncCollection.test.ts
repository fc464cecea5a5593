import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromaVectorCollection } from '../../../src/adapters/chroma/chromaVectorCollection.js';
import {
  type LocalChroma,
  startLocalChroma,
} from '../../../src/adapters/chroma/startLocalChroma.js';
import { VectorStoreError } from '../../../src/errors.js';
import type {
  DeleteRequest,
  GetRequest,
  GetResponse,
  UpdateRequest,
  UpsertRequest,
  VectorCollection,
} from '../../../src/ports/vectorCollection.js';
import { syncCollection } from '../../../src/sync/syncCollection.js';
import { collectionContents } from '../helpers/collectionContents.js';
import { chromaCommand, sharedChromaClient } from '../helpers/localChroma.js';

const RECORDS = 20_000;
const DIMENSION = 8;

/**
 * A collection that fails about `rate` of its requests, before they reach the server, by a
 * seeded sequence, so a run's failures are the same every time.
 */
class FailingRequests implements VectorCollection {
  readonly #inner: VectorCollection;
  readonly #rate: number;
  #state: number;
  failed = 0;

  constructor(inner: VectorCollection, rate: number, seed: number) {
    this.#inner = inner;
    this.#rate = rate;
    this.#state = seed;
  }

  get name(): string {
    return this.#inner.name;
  }

  #maybeFail(operation: string): void {
    this.#state = (this.#state * 1_103_515_245 + 12_345) % 2_147_483_648;
    if (this.#state / 2_147_483_648 < this.#rate) {
      this.failed += 1;
      throw new VectorStoreError('Injected request failure', { collection: this.name, operation });
    }
  }

  async get(request?: GetRequest): Promise<GetResponse> {
    this.#maybeFail('get');
    return this.#inner.get(request);
  }

  async upsert(request: UpsertRequest): Promise<void> {
    this.#maybeFail('upsert');
    return this.#inner.upsert(request);
  }

  async update(request: UpdateRequest): Promise<void> {
    this.#maybeFail('update');
    return this.#inner.update(request);
  }

  async delete(request: DeleteRequest): Promise<void> {
    this.#maybeFail('delete');
    return this.#inner.delete(request);
  }

  count(): Promise<number> {
    return this.#inner.count();
  }
}

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
    const flaky = new FailingRequests(target, 0.05, 7);

    // Act
    const first = await syncCollection({ from: source, to: flaky, retries: 0, retryDelayMs: 1 });
    const rerun = await syncCollection({ from: source, to: target, prune: true });

    // Assess
    expect(flaky.failed).toBeGreaterThan(0);
    expect(first).toMatchObject({ total: RECORDS, failedBatches: flaky.failed });
    expect(first.copied).toBe(RECORDS - first.failures.length * 250);
    expect(rerun).toMatchObject({ total: RECORDS, copied: RECORDS, removed: 1, failedBatches: 0 });
    expect(rerun.targetCount).toBe(RECORDS);
    expect(await collectionContents(target)).toEqual(await collectionContents(source));
  });
});
