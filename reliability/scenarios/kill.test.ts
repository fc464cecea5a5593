/// <reference path="../../scripts/vitest/globalSetup.ts" />
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import {
  AbortMultipartUploadCommand,
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectsCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  S3Client,
} from '@aws-sdk/client-s3';
import {
  downloadSnapshot,
  FileSystemObjectStore,
  NoSnapshotError,
  type ObjectStore,
  SNAPSHOT_HASH,
  SNAPSHOT_MANIFEST,
  SNAPSHOT_TARBALL,
  SnapshotCache,
  snapshotKeys,
} from '@receipt-chroma/chroma-compaction';
import { S3ObjectStore } from '@receipt-chroma/chroma-compaction/s3';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { workspaceSourcePlugin } from '../../scripts/workspaceSources.mjs';
import { recordFigures } from '../lib/figures.js';
import { treeDigest, writePersistTree } from '../lib/fixtures.js';
import type {
  KillChildConfig,
  KillChildEvent,
  KillChildStore,
  PublishPhase,
} from '../lib/killChild.js';
import { profile } from '../lib/profile.js';
import { type Random, seededRandom } from '../lib/random.js';

const SEED = 0x5ead;
const CHILD_SOURCE = fileURLToPath(new URL('../lib/killChild.ts', import.meta.url));
/** Versions each publish keeps: every publish after the second has one to prune. */
const KEEP_VERSIONS = 2;
/** Simulated latency of a store call, each way (see `killChild.ts`). */
const LATENCY_MS = 15;
/** Unkilled publishes that start each store's main collection and time its phases. */
const CALIBRATION_RUNS = 3;
const KEYS = snapshotKeys('lines');

type StoreKind = 'fs' | 's3';
/** Where a killed child was: a phase of the publish, or already finished. */
type KillPoint = PublishPhase | 'finished';
/** The phases the trials aim at (the others count as `other`). */
const AIMED = ['upload', 'promotion', 'pruning'] as const;

/** A store with one collection's snapshots, and the cache its publishers copy into. */
interface World {
  readonly kind: StoreKind;
  readonly store: ObjectStore;
  readonly childStore: KillChildStore;
  readonly cache: SnapshotCache;
  readonly cacheRoot: string;
  /** The version the pointer names after the last converged publish, and its content. */
  current: { readonly version: string; readonly digest: string } | undefined;
}

/** What one trial saw. */
interface Trial {
  readonly index: number;
  readonly kind: StoreKind;
  readonly firstPublish: boolean;
  readonly aimedAt: PublishPhase;
  readonly killedIn: KillPoint;
  /** After the kill: no pointer, or a verified pointer on the previous or the killed version. */
  readonly pointer: 'absent' | 'previous' | 'killed-version' | 'unverified';
  readonly halfWritten: number;
  readonly converged: boolean;
  readonly rerunMs: number;
  readonly problems: readonly string[];
}

/** A publishing child: its events in order, its stderr (captured, never printed). */
class PublishChild {
  readonly process: ChildProcess;
  readonly events: KillChildEvent[] = [];
  readonly closed: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  #stderr = '';
  #done = false;
  readonly #waiting: (() => void)[] = [];

  constructor(bundle: string, config: KillChildConfig, live: Set<ChildProcess>) {
    this.process = spawn(process.execPath, [bundle, JSON.stringify(config)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    live.add(this.process);
    createInterface({ input: this.process.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      try {
        this.events.push(JSON.parse(line) as KillChildEvent);
      } catch {
        this.#stderr += `stdout: ${line}\n`;
      }
      this.#wake();
    });
    this.process.stderr?.on('data', (chunk: Buffer) => {
      this.#stderr += chunk.toString('utf8');
    });
    this.closed = new Promise((resolve) => {
      this.process.once('close', (code, signal) => {
        live.delete(this.process);
        this.#done = true;
        this.#wake();
        resolve({ code, signal });
      });
    });
  }

  get stderr(): string {
    return this.#stderr;
  }

  /** Waits for an event `matches`; `false` when the child ended first. */
  async until(matches: (event: KillChildEvent) => boolean): Promise<boolean> {
    for (;;) {
      if (this.events.some(matches)) return true;
      if (this.#done) return false;
      await new Promise<void>((resolve) => this.#waiting.push(resolve));
    }
  }

  /** Where the child was when it ended: the last phase it printed, or `finished`. */
  killPoint(): KillPoint {
    let point: KillPoint = 'start';
    for (const event of this.events) {
      if (event.event === 'phase') point = event.phase;
      if (event.event === 'done') point = 'finished';
    }
    return point;
  }

  /** The version the child was uploading, once it started the upload. */
  version(): string | undefined {
    for (const event of this.events) {
      if (event.event === 'phase' && event.version !== undefined) return event.version;
    }
    return undefined;
  }

  #wake(): void {
    for (const resolve of this.#waiting.splice(0)) resolve();
  }
}

/** How long each phase of an unkilled publish took, from its events. */
const phaseDurations = (events: readonly KillChildEvent[]): Map<PublishPhase, number> => {
  const durations = new Map<PublishPhase, number>();
  let last: { phase: PublishPhase; at: number } | undefined;
  for (const event of events) {
    if (event.event !== 'phase' && event.event !== 'done') continue;
    if (last !== undefined) durations.set(last.phase, event.at - last.at);
    last = event.event === 'phase' ? { phase: event.phase, at: event.at } : undefined;
  }
  return durations;
};

/** The versions under the collection's prefix, each with the names of its objects. */
const storedVersions = async (store: ObjectStore): Promise<Map<string, string[]>> => {
  const versions = new Map<string, string[]>();
  for (const { key } of (await store.list({ prefix: KEYS.versions })).objects) {
    const [version, name] = key.slice(KEYS.versions.length).split('/');
    if (version === undefined || name === undefined) continue;
    versions.set(version, [...(versions.get(version) ?? []), name]);
  }
  return versions;
};

const s3Client = (): S3Client =>
  new S3Client({
    endpoint: inject('motoEndpoint'),
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });

/** Empties a bucket (objects and unfinished multipart uploads of killed children), then deletes it. */
const deleteBucket = async (client: S3Client, bucket: string): Promise<void> => {
  const uploads = await client.send(new ListMultipartUploadsCommand({ Bucket: bucket }));
  for (const upload of uploads.Uploads ?? []) {
    await client.send(
      new AbortMultipartUploadCommand({
        Bucket: bucket,
        Key: upload.Key,
        UploadId: upload.UploadId,
      }),
    );
  }
  for (;;) {
    const page = await client.send(new ListObjectsV2Command({ Bucket: bucket }));
    const keys = (page.Contents ?? []).flatMap((item) => (item.Key ? [{ Key: item.Key }] : []));
    if (keys.length === 0) break;
    await client.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys } }));
  }
  await client.send(new DeleteBucketCommand({ Bucket: bucket }));
};

describe('Scenario: kill tests', () => {
  let base = '';
  let bundle = '';
  let client: S3Client;
  const buckets: string[] = [];
  const live = new Set<ChildProcess>();
  let worldCount = 0;

  beforeAll(async () => {
    base = await mkdtemp(join(tmpdir(), 'reliability-kill-'));
    bundle = join(base, 'killChild.cjs');
    await mkdir(join(base, 'verify'));
    // One self-contained file from the package's TypeScript source: the children run the
    // code under test, not a build of it.
    await build({
      entryPoints: [CHILD_SOURCE],
      outfile: bundle,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      plugins: [workspaceSourcePlugin()],
      logLevel: 'silent',
    });
    client = s3Client();
  });

  afterAll(async () => {
    for (const child of live) child.kill('SIGKILL');
    for (const bucket of buckets) await deleteBucket(client, bucket).catch(() => undefined);
    client.destroy();
    await rm(base, { recursive: true, force: true });
  });

  /** A new store (a directory, or a bucket on moto) with an empty cache. */
  const newWorld = async (kind: StoreKind): Promise<World> => {
    worldCount += 1;
    const dir = join(base, `world-${worldCount}`);
    const cacheRoot = join(dir, 'cache');
    let store: ObjectStore;
    let childStore: KillChildStore;
    if (kind === 'fs') {
      const root = join(dir, 'store');
      store = new FileSystemObjectStore({ root, fsync: false });
      childStore = { kind, root };
    } else {
      const bucket = `kill-${process.pid}-${worldCount}`;
      await client.send(new CreateBucketCommand({ Bucket: bucket }));
      buckets.push(bucket);
      store = new S3ObjectStore({ client, bucket });
      childStore = { kind, endpoint: inject('motoEndpoint'), bucket };
    }
    await mkdir(join(dir, 'tmp'), { recursive: true });
    const cache = new SnapshotCache({ root: cacheRoot, collection: 'lines', store });
    return { kind, store, childStore, cache, cacheRoot, current: undefined };
  };

  const childConfig = (world: World, dir: string): KillChildConfig => ({
    store: world.childStore,
    dir,
    cacheRoot: world.cacheRoot,
    tempDir: join(world.cacheRoot, '..', 'tmp'),
    keepVersions: KEEP_VERSIONS,
    latencyMs: LATENCY_MS,
  });

  /** A persist tree for `seed`, and its digest. */
  const source = async (name: string, seed: number): Promise<{ dir: string; digest: string }> => {
    const dir = join(base, 'sources', name);
    await writePersistTree(dir, seed);
    return { dir, digest: (await treeDigest(dir)).join('\n') };
  };

  /**
   * The version the pointer names, downloaded through `downloadSnapshot` (which verifies the
   * manifest, sizes and SHA-256 before it unpacks), with the digest of what it unpacked;
   * `undefined` when there is no pointer.
   */
  let verifications = 0;
  const readPointed = async (
    world: World,
  ): Promise<{ version: string; digest: string } | undefined> => {
    verifications += 1;
    const dest = join(base, 'verify', String(verifications));
    try {
      const downloaded = await downloadSnapshot({
        store: world.store,
        collection: 'lines',
        dest,
        tempDir: join(base, 'verify'),
      });
      return { version: downloaded.version, digest: (await treeDigest(dest)).join('\n') };
    } catch (error) {
      if (error instanceof NoSnapshotError) return undefined;
      throw error;
    } finally {
      await rm(dest, { recursive: true, force: true });
    }
  };

  /**
   * Versions visible in the cache whose files are not those of the source they were published
   * from (`known`), and a `.version` naming a version that is not there.
   */
  const cacheProblems = async (world: World, known: Map<string, string>): Promise<string[]> => {
    const problems: string[] = [];
    const entries = await readdir(world.cache.dir, { withFileTypes: true }).catch(() => []);
    const visible = entries.filter((entry) => !entry.name.startsWith('.'));
    for (const entry of visible) {
      const digest = entry.isDirectory()
        ? (await treeDigest(join(world.cache.dir, entry.name))).join('\n')
        : undefined;
      if (digest === undefined || known.get(entry.name) !== digest) {
        problems.push(`cache: ${entry.name} is visible but not a complete published version`);
      }
    }
    const current = await world.cache.currentVersion();
    if (current !== undefined && !visible.some((entry) => entry.name === current)) {
      problems.push(`cache: .version names ${current}, which is not in the cache`);
    }
    return problems;
  };

  /** Runs a publish to its end; its version, or the reason it failed. */
  const publishUnkilled = async (
    world: World,
    dir: string,
  ): Promise<{ child: PublishChild; version?: string; failure?: string }> => {
    const child = new PublishChild(bundle, childConfig(world, dir), live);
    const { code } = await child.closed;
    const done = child.events.find((event) => event.event === 'done');
    const logs = child.events.filter((event) => event.event === 'log');
    if (code !== 0 || done === undefined || logs.length > 0) {
      return {
        child,
        failure: `exit ${code}: ${JSON.stringify([...logs, ...child.events.filter((e) => e.event === 'failed')])} ${child.stderr}`,
      };
    }
    return { child, version: done.version };
  };

  it(`keeps every pointer on a complete version through ${profile.killTrials} SIGKILLs of a publish`, async () => {
    // Prepare: per store, a collection with a few unkilled publishes, which also time the phases
    const random: Random = seededRandom(SEED);
    const known = new Map<string, string>();
    const mains = new Map<StoreKind, World>();
    const timings = new Map<StoreKind, Map<PublishPhase, number>>();
    for (const kind of ['fs', 's3'] as const) {
      const world = await newWorld(kind);
      const shortest = new Map<PublishPhase, number>();
      for (let run = 0; run < CALIBRATION_RUNS; run += 1) {
        const tree = await source(`${kind}-calibration-${run}`, SEED + 1000 + run);
        const { child, version, failure } = await publishUnkilled(world, tree.dir);
        if (version === undefined) throw new Error(`calibration publish failed: ${failure}`);
        known.set(version, tree.digest);
        world.current = { version, digest: tree.digest };
        // The first publish has nothing to prune; the shortest of the others is the range a
        // kill is drawn from, so it lands in the phase aimed at rather than after it.
        if (run === 0) continue;
        for (const [phase, ms] of phaseDurations(child.events)) {
          shortest.set(phase, Math.min(shortest.get(phase) ?? ms, ms));
        }
      }
      mains.set(kind, world);
      timings.set(kind, shortest);
    }
    const killsIn = new Map<string, number>();
    const aimed = (kind: StoreKind): PublishPhase =>
      [...AIMED].sort(
        (a, b) => (killsIn.get(`${kind}/${a}`) ?? 0) - (killsIn.get(`${kind}/${b}`) ?? 0),
      )[0] ?? 'upload';
    const trials: Trial[] = [];

    // Act: kill a publish at a random point of the phase aimed at, check what it left, rerun it
    for (let index = 0; index < profile.killTrials; index += 1) {
      const kind: StoreKind = index % 2 === 0 ? 'fs' : 's3';
      const round = Math.floor(index / 2);
      // Every sixth round is a collection's very first publish; every sixth aims past pruning.
      const firstPublish = round % 6 === 0;
      const aimedAt: PublishPhase = firstPublish
        ? 'upload'
        : round % 6 === 5
          ? 'cache'
          : aimed(kind);
      const world = firstPublish ? await newWorld(kind) : (mains.get(kind) as World);
      const previous = world.current;
      const tree = await source(`trial-${index}`, SEED + index);
      const problems: string[] = [];

      const child = new PublishChild(bundle, childConfig(world, tree.dir), live);
      const reached = await child.until(
        (event) => (event.event === 'phase' && event.phase === aimedAt) || event.event === 'done',
      );
      if (!reached) problems.push(`child ended before ${aimedAt}: ${child.stderr}`);
      await sleep(random.next() * (timings.get(kind)?.get(aimedAt) ?? 0));
      child.process.kill('SIGKILL');
      await child.closed;
      const killedIn = child.killPoint();
      const killedVersion = child.version();
      killsIn.set(`${kind}/${killedIn}`, (killsIn.get(`${kind}/${killedIn}`) ?? 0) + 1);
      if (killedVersion !== undefined) known.set(killedVersion, tree.digest);

      // The pointer: absent only before a first publish was promoted; else a verified version
      let pointer: Trial['pointer'] = 'unverified';
      try {
        const pointed = await readPointed(world);
        if (pointed === undefined) {
          if (previous === undefined) pointer = 'absent';
          else problems.push(`pointer gone; it named ${previous.version}`);
        } else if (previous !== undefined && pointed.version === previous.version) {
          if (pointed.digest === previous.digest) pointer = 'previous';
          else problems.push(`pointer on ${pointed.version}, whose files changed`);
        } else if (pointed.version === killedVersion) {
          if (pointed.digest === tree.digest) pointer = 'killed-version';
          else problems.push(`pointer on the killed ${pointed.version}, with other files`);
        } else {
          problems.push(`pointer on ${pointed.version}, no version published`);
        }
      } catch (error) {
        problems.push(`pointer does not verify: ${String(error)}`);
      }
      const halfWritten = await cacheProblems(world, known);
      problems.push(...halfWritten);

      // The same publish again, unkilled: it succeeds and the pointer names its verified version
      const rerunStarted = performance.now();
      const rerun = await publishUnkilled(world, tree.dir);
      const rerunMs = performance.now() - rerunStarted;
      const before = problems.length;
      if (rerun.version === undefined) {
        problems.push(`rerun failed: ${rerun.failure}`);
      } else {
        known.set(rerun.version, tree.digest);
        const pointed = await readPointed(world).catch((error: unknown) => String(error));
        if (typeof pointed === 'string' || pointed?.version !== rerun.version) {
          problems.push(`after the rerun the pointer is ${JSON.stringify(pointed)}`);
        } else if (pointed.digest !== tree.digest) {
          problems.push(`after the rerun ${pointed.version} has other files than the source`);
        }
        if ((await world.cache.currentVersion()) !== rerun.version) {
          problems.push(`after the rerun the cache's current version is not ${rerun.version}`);
        }
        problems.push(...(await cacheProblems(world, known)));
        // Pruning after the rerun leaves `KEEP_VERSIONS` complete versions, the killed one gone.
        const versions = await storedVersions(world.store);
        const incomplete = [...versions].filter(
          ([, names]) =>
            !names.includes(SNAPSHOT_TARBALL) ||
            !names.includes(SNAPSHOT_HASH) ||
            !names.includes(SNAPSHOT_MANIFEST),
        );
        if (versions.size > KEEP_VERSIONS || incomplete.length > 0) {
          problems.push(`after the rerun the store holds ${JSON.stringify([...versions])}`);
        }
        world.current = { version: rerun.version, digest: tree.digest };
      }
      trials.push({
        index,
        kind,
        firstPublish,
        aimedAt,
        killedIn,
        pointer,
        halfWritten: halfWritten.length,
        converged: problems.length === before,
        rerunMs,
        problems,
      });
    }

    // Assess
    const count = (matches: (trial: Trial) => boolean): number => trials.filter(matches).length;
    const killedIn = (phases: readonly KillPoint[]): number =>
      count((trial) => phases.includes(trial.killedIn));
    const phaseMs = (kind: StoreKind): string =>
      [...(timings.get(kind) ?? [])].map(([phase, ms]) => `${phase} ${Math.round(ms)}`).join(', ');
    recordFigures('kill tests', [
      { figure: 'publishes killed with SIGKILL', value: trials.length },
      { figure: '… on the file-system store', value: count((trial) => trial.kind === 'fs') },
      { figure: '… on S3 (moto)', value: count((trial) => trial.kind === 's3') },
      { figure: '… first publish of a collection', value: count((trial) => trial.firstPublish) },
      { figure: 'killed in upload', value: killedIn(['upload']) },
      { figure: 'killed in promotion', value: killedIn(['promotion']) },
      { figure: 'killed in pruning', value: killedIn(['pruning']) },
      {
        figure: 'killed elsewhere (start, cache copy, finished)',
        value: killedIn(['start', 'cache', 'finished']),
      },
      {
        figure: 'pointers verified after the kill',
        value: count((trial) => trial.pointer === 'previous' || trial.pointer === 'killed-version'),
      },
      {
        figure: "… on the killed publish's version",
        value: count((trial) => trial.pointer === 'killed-version'),
      },
      {
        figure: 'no pointer (first publish killed before promotion)',
        value: count((trial) => trial.pointer === 'absent'),
      },
      {
        figure: 'half-written versions visible in the cache',
        value: trials.reduce((sum, trial) => sum + trial.halfWritten, 0),
      },
      { figure: 'reruns converged', value: count((trial) => trial.converged) },
      {
        figure: 'reruns over 10 s (a lock the killed child held, taken over after 20 s)',
        value: count((trial) => trial.rerunMs > 10_000),
      },
      {
        figure: 'slowest rerun (ms)',
        value: Math.round(Math.max(...trials.map((trial) => trial.rerunMs))),
      },
      { figure: 'unkilled publish on fs, shortest phases (ms)', value: phaseMs('fs') },
      { figure: 'unkilled publish on S3, shortest phases (ms)', value: phaseMs('s3') },
    ]);
    expect(
      trials.flatMap((trial) =>
        trial.problems.map(
          (problem) => `#${trial.index} ${trial.kind} killed in ${trial.killedIn}: ${problem}`,
        ),
      ),
    ).toEqual([]);
    expect(trials).toHaveLength(profile.killTrials);
    expect(count((trial) => trial.pointer !== 'unverified')).toBe(trials.length);
    expect(count((trial) => trial.converged)).toBe(trials.length);
    expect(trials.reduce((sum, trial) => sum + trial.halfWritten, 0)).toBe(0);
    for (const phase of AIMED) expect(killedIn([phase]), phase).toBeGreaterThan(0);
    expect(count((trial) => trial.pointer === 'absent')).toBeGreaterThan(0);
  });
});
