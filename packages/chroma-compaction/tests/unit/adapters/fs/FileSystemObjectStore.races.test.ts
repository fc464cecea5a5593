import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FileSystemObjectStore } from '../../../../src/adapters/fs/FileSystemObjectStore.js';
import { PreconditionFailedError } from '../../../../src/errors.js';
import type { RacerOutcome } from '../../../helpers/objectStoreRacer.js';
import { type RacingProcesses, startRacingProcesses } from '../../../helpers/racingProcesses.js';

/** Processes racing each round: more than two, on a machine with two cores. */
const PROCESSES = 3;
/** Rounds per race test; each round is one put per process on the same key and condition. */
const ROUNDS = 40;

const md5Etag = (text: string): string => `"${createHash('md5').update(text).digest('hex')}"`;

const wonBy = (outcomes: readonly RacerOutcome[]): number[] =>
  outcomes.flatMap((outcome, index) => (outcome.outcome === 'won' ? [index] : []));

/** Files and directories the store keeps for itself that a finished put must not leave. */
const leftovers = async (dir: string): Promise<string[]> =>
  (await readdir(dir)).filter((name) => name.startsWith('.~tmp.') || name.startsWith('.~lock.'));

describe('Class: FileSystemObjectStore, several processes on one root', () => {
  let root: string;
  let racers: RacingProcesses;
  let store: FileSystemObjectStore;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'fs-object-store-races-'));
    racers = await startRacingProcesses(root, PROCESSES);
    store = new FileSystemObjectStore({ root, fsync: false });
  });

  afterAll(async () => {
    await racers.close();
    await rm(root, { recursive: true, force: true });
  });

  it('lets exactly one process per round win puts with the same ifMatch ETag', async () => {
    // Prepare
    let { etag } = await store.put('snapshot/latest-pointer.txt', 'round 0');
    const history: string[] = [];

    for (let round = 1; round <= ROUNDS; round += 1) {
      const bodies = Array.from({ length: PROCESSES }, (_, index) => `round ${round} by ${index}`);

      // Act
      const outcomes = await racers.race(
        bodies.map((body) => ({ key: 'snapshot/latest-pointer.txt', body, ifMatch: etag })),
      );

      // Assess
      const winners = wonBy(outcomes);
      expect(winners, `round ${round}: ${JSON.stringify(outcomes)}`).toHaveLength(1);
      expect(outcomes.filter((outcome) => outcome.outcome === 'lost')).toHaveLength(PROCESSES - 1);
      const winner = bodies[winners[0] as number] as string;
      const current = await store.head('snapshot/latest-pointer.txt');
      expect(current?.etag).toBe(md5Etag(winner));
      history.push(winner);
      etag = current?.etag ?? '';
    }
    expect(await readFile(join(root, 'snapshot', 'latest-pointer.txt'), 'utf8')).toBe(
      history.at(-1),
    );
    expect(await leftovers(join(root, 'snapshot'))).toEqual([]);
  });

  it('lets exactly one process per round create a key with ifNoneMatch "*"', async () => {
    for (let round = 1; round <= ROUNDS; round += 1) {
      // Prepare
      const key = `once/${round}`;
      const bodies = Array.from({ length: PROCESSES }, (_, index) => `created by ${index}`);

      // Act
      const outcomes = await racers.race(bodies.map((body) => ({ key, body, ifNoneMatch: '*' })));

      // Assess
      const winners = wonBy(outcomes);
      expect(winners, `round ${round}: ${JSON.stringify(outcomes)}`).toHaveLength(1);
      expect(outcomes.filter((outcome) => outcome.outcome === 'lost')).toHaveLength(PROCESSES - 1);
      expect((await store.head(key))?.etag).toBe(md5Etag(bodies[winners[0] as number] as string));
    }
  });
});

describe('Class: FileSystemObjectStore, two instances whose roots differ by a symbolic link', () => {
  let dir: string;
  let direct: FileSystemObjectStore;
  let linked: FileSystemObjectStore;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fs-object-store-symlink-'));
    await mkdir(join(dir, 'real'));
    await symlink(join(dir, 'real'), join(dir, 'link'));
    direct = new FileSystemObjectStore({ root: join(dir, 'real'), fsync: false });
    linked = new FileSystemObjectStore({ root: join(dir, 'link'), fsync: false });
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('lets exactly one of them win each round of puts with the same ifMatch ETag', async () => {
    // Prepare
    let { etag } = await direct.put('pointer', 'round 0');

    for (let round = 1; round <= 100; round += 1) {
      // Act
      const [first, second] = await Promise.allSettled([
        direct.put('pointer', `round ${round} direct`, { ifMatch: etag }),
        linked.put('pointer', `round ${round} linked`, { ifMatch: etag }),
      ]);

      // Assess
      const won = [first, second].filter((result) => result?.status === 'fulfilled');
      expect(won, `round ${round}`).toHaveLength(1);
      for (const result of [first, second]) {
        if (result?.status === 'rejected') {
          expect(result.reason).toBeInstanceOf(PreconditionFailedError);
        }
      }
      const current = await linked.head('pointer');
      etag = current?.etag ?? '';
      expect([md5Etag(`round ${round} direct`), md5Etag(`round ${round} linked`)]).toContain(etag);
    }
  });

  it('lets exactly one of them create a key each round with ifNoneMatch "*"', async () => {
    for (let round = 1; round <= 100; round += 1) {
      // Act
      const results = await Promise.allSettled([
        direct.put(`once/${round}`, 'direct', { ifNoneMatch: '*' }),
        linked.put(`once/${round}`, 'linked', { ifNoneMatch: '*' }),
      ]);

      // Assess
      expect(
        results.filter((result) => result.status === 'fulfilled'),
        `round ${round}`,
      ).toHaveLength(1);
    }
  });
});
