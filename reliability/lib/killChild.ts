/**
 * A publisher to kill, for the kill scenario. `kill.test.ts` bundles this file with esbuild
 * (the package's TypeScript source, so the code under test runs without a build) and runs it
 * with node: `node killChild.cjs '<KillChildConfig as JSON>'`. It publishes `dir` through
 * `SnapshotCache.publish` (`publishSnapshot`, then a copy into the local cache) and reports
 * on stdout, one JSON {@link KillChildEvent} per line, each phase as it begins. Writes to a
 * pipe are synchronous on Linux, so the last phase a killed child printed is the phase it
 * died in.
 *
 * Every store call waits a random 0–`latencyMs` before it is sent and after it answers, as a
 * network round trip would: the pointer's compare-and-swap is then a window a kill can land
 * in, on either side of the write.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { S3Client } from '@aws-sdk/client-s3';
import {
  FileSystemObjectStore,
  type Logger,
  type ObjectStore,
  publishSnapshot,
  SNAPSHOT_TARBALL,
  SnapshotCache,
  snapshotKeys,
} from '@receipt-chroma/chroma-compaction';
import { S3ObjectStore } from '@receipt-chroma/chroma-compaction/s3';

/** Where the child publishes. */
export type KillChildStore =
  | { readonly kind: 'fs'; readonly root: string }
  | { readonly kind: 's3'; readonly endpoint: string; readonly bucket: string };

/** What the child publishes, and where. */
export interface KillChildConfig {
  readonly store: KillChildStore;
  /** The persist directory to publish (never written). */
  readonly dir: string;
  /** The root of the `SnapshotCache` the version is copied into. */
  readonly cacheRoot: string;
  /** Where the publish stages files. */
  readonly tempDir: string;
  /** `publishSnapshot`'s `keepVersions`. */
  readonly keepVersions: number;
  /** The most simulated latency, in milliseconds, before and after each store call. */
  readonly latencyMs: number;
}

/**
 * A phase of one publish: `start` (reading the pointer), `upload` (tarball, hash, manifest),
 * `promotion` (the pointer's compare-and-swap), `pruning` (old versions deleted) and `cache`
 * (the copy into the local cache).
 */
export type PublishPhase = 'start' | 'upload' | 'promotion' | 'pruning' | 'cache';

/** One line the child prints; `at` is milliseconds since the child started. */
export type KillChildEvent =
  | {
      readonly event: 'phase';
      readonly phase: PublishPhase;
      readonly at: number;
      readonly version?: string;
    }
  | { readonly event: 'done'; readonly version: string; readonly at: number }
  | { readonly event: 'log'; readonly level: 'warn' | 'error'; readonly message: string }
  | { readonly event: 'failed'; readonly message: string };

const report = (event: KillChildEvent): void => {
  process.stdout.write(`${JSON.stringify(event)}\n`);
};

const phase = (name: PublishPhase, version?: string): void => {
  const at = Math.round(performance.now() * 100) / 100;
  report(
    version === undefined
      ? { event: 'phase', phase: name, at }
      : { event: 'phase', phase: name, at, version },
  );
};

/** Warnings and errors go to the parent, which asserts a clean rerun has none. */
const logger: Logger = {
  debug: () => {},
  info: () => {},
  warn: (message, extra) =>
    report({ event: 'log', level: 'warn', message: `${message} ${JSON.stringify(extra ?? {})}` }),
  error: (message, extra) =>
    report({ event: 'log', level: 'error', message: `${message} ${JSON.stringify(extra ?? {})}` }),
};

const openStore = (config: KillChildStore): ObjectStore =>
  config.kind === 'fs'
    ? new FileSystemObjectStore({ root: config.root, fsync: false })
    : new S3ObjectStore({
        client: new S3Client({
          endpoint: config.endpoint,
          region: 'us-east-1',
          forcePathStyle: true,
          credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
        }),
        bucket: config.bucket,
      });

/** `store` with latency around every call, reporting the phases its keys reveal. */
const phasedStore = (store: ObjectStore, latencyMs: number): ObjectStore => {
  const { pointer } = snapshotKeys('lines');
  const around = async <T>(call: () => Promise<T>): Promise<T> => {
    await sleep(Math.random() * latencyMs);
    const result = await call();
    await sleep(Math.random() * latencyMs);
    return result;
  };
  return {
    bucket: store.bucket,
    get: (key) => around(() => store.get(key)),
    head: (key) => around(() => store.head(key)),
    list: (options) => around(() => store.list(options)),
    delete: (keys) => around(() => store.delete(keys)),
    async put(key, body, options) {
      if (key.endsWith(`/${SNAPSHOT_TARBALL}`)) {
        phase('upload', key.split('/').at(-2));
      }
      if (key === pointer) phase('promotion');
      const result = await around(() => store.put(key, body, options));
      if (key === pointer) phase('pruning');
      return result;
    },
  };
};

const main = async (config: KillChildConfig): Promise<void> => {
  phase('start');
  const cache = new SnapshotCache({
    root: config.cacheRoot,
    collection: 'lines',
    store: phasedStore(openStore(config.store), config.latencyMs),
    tempDir: config.tempDir,
    lockStaleMs: 2000,
    logger,
    // The real publish; only its end is reported, as the start of the copy into the cache.
    publishSnapshot: async (options) => {
      const published = await publishSnapshot(options);
      phase('cache');
      return published;
    },
  });
  const published = await cache.publish(config.dir, {
    keepVersions: config.keepVersions,
    pack: { workers: 2, memberBytes: 64 * 1024 },
  });
  report({ event: 'done', version: published.version, at: performance.now() });
};

main(JSON.parse(process.argv[2] ?? '{}') as KillChildConfig).then(
  () => process.exit(0),
  (error: unknown) => {
    report({ event: 'failed', message: error instanceof Error ? error.message : String(error) });
    process.exit(1);
  },
);
