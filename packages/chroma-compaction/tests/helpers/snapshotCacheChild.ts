/**
 * Another process using the same snapshot cache, for the tests of what processes see of
 * each other. `cacheChildren.ts` bundles this file with esbuild and runs it with node:
 * `node child.cjs '<ChildConfig as JSON>'`. It reports on stdout, one JSON
 * {@link ChildEvent} per line:
 * - `acquire`: acquires `version`, reports `held`, then stays alive holding it;
 * - `ensure-hang`: ensures `version` with a download that writes half a version, reports
 *   `downloading`, then never finishes (the test kills the process);
 * - `ensure`: reports `ready`, waits for a line on stdin (so several children start
 *   together), ensures `version`, reports `done`, and exits. Its download appends a line to
 *   `downloads` and takes `downloadMs`, or is the real `downloadSnapshot` when `real`.
 */
import { appendFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { FileSystemObjectStore } from '../../src/adapters/fs/FileSystemObjectStore.js';
import { SnapshotCache } from '../../src/snapshots/cache/SnapshotCache.js';
import type { downloadSnapshot } from '../../src/snapshots/downloadSnapshot.js';

/** What the child does. */
export interface ChildConfig {
  readonly action: 'acquire' | 'ensure' | 'ensure-hang';
  readonly root: string;
  readonly storeRoot: string;
  readonly version: string;
  readonly lockStaleMs: number;
  /** `ensure`: a file receiving one line per download started. */
  readonly downloads?: string | undefined;
  /** `ensure`: how long the fake download takes. */
  readonly downloadMs?: number | undefined;
  /** `ensure`: use the real `downloadSnapshot`. */
  readonly real?: boolean | undefined;
}

/** One line the child prints. */
export type ChildEvent =
  | { readonly event: 'ready' }
  | { readonly event: 'held'; readonly path: string }
  | { readonly event: 'downloading'; readonly dest: string }
  | { readonly event: 'done'; readonly source: string; readonly path: string }
  | { readonly event: 'failed'; readonly message: string };

const report = (event: ChildEvent): void => {
  process.stdout.write(`${JSON.stringify(event)}\n`);
};

const stayAlive = (): Promise<never> => {
  setInterval(() => {}, 60_000);
  return new Promise<never>(() => {});
};

const halfDownload: typeof downloadSnapshot = async (options) => {
  await mkdir(join(options.dest, 'segment'), { recursive: true });
  await writeFile(join(options.dest, 'chroma.sqlite3'), 'half');
  report({ event: 'downloading', dest: options.dest });
  return stayAlive();
};

const slowDownload =
  (config: ChildConfig): typeof downloadSnapshot =>
  async (options) => {
    await appendFile(config.downloads ?? '/dev/null', `${process.pid}\n`);
    await sleep(config.downloadMs ?? 0);
    await mkdir(options.dest, { recursive: true });
    await writeFile(join(options.dest, 'chroma.sqlite3'), options.version ?? 'pointer');
    return { version: options.version ?? 'pointer', manifest: null, layout: 'tarball' };
  };

const nextLine = (): Promise<void> =>
  new Promise((resolve) => {
    const lines = createInterface({ input: process.stdin });
    lines.once('line', () => {
      lines.close();
      resolve();
    });
  });

const main = async (config: ChildConfig): Promise<void> => {
  const options = {
    root: config.root,
    collection: 'lines' as const,
    store: new FileSystemObjectStore({ root: config.storeRoot }),
    lockStaleMs: config.lockStaleMs,
  };
  if (config.action === 'acquire') {
    const handle = await new SnapshotCache(options).acquire(config.version);
    report({ event: 'held', path: handle.path });
    await stayAlive();
  }
  if (config.action === 'ensure-hang') {
    await new SnapshotCache({ ...options, downloadSnapshot: halfDownload }).ensure(config.version);
  }
  const cache = new SnapshotCache(
    config.real === true ? options : { ...options, downloadSnapshot: slowDownload(config) },
  );
  report({ event: 'ready' });
  await nextLine();
  const result = await cache.ensure(config.version);
  report({ event: 'done', source: result.source, path: result.path });
};

main(JSON.parse(process.argv[2] ?? '{}') as ChildConfig).then(
  () => process.exit(0),
  (error: unknown) => {
    report({ event: 'failed', message: error instanceof Error ? error.message : String(error) });
    process.exit(1);
  },
);
