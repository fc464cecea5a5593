// @ts-check
/**
 * A Python-era delta for the benchmarks (`bench/deltas/pythonDelta.mjs`): a Chroma persist
 * directory written through a local Chroma server, as Python's producers write it, and stored
 * in an `ObjectStore` in both of their layouts. Ported from
 * `packages/chroma-compaction/tests/integration/helpers/pythonEraDeltas.ts`.
 */
import { randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { chromaNodeCommand } from '../../scripts/services/chroma.mjs';
import { lineRecords } from './deltaBench.mjs';
import { ROOT } from './stats.mjs';

const COLLECTIONS = '/api/v2/tenants/default_tenant/databases/default_database/collections';

/**
 * A persist directory's entries in `tarfile.add` order (sorted names, directories first
 * listed then walked), paths relative to it.
 * @param {string} dir
 * @param {string} [relative]
 * @returns {Promise<{ path: string, file: boolean }[]>}
 */
const persistEntries = async (dir, relative = '') => {
  /** @type {{ path: string, file: boolean }[]} */
  const entries = [];
  const names = (await readdir(join(dir, relative), { withFileTypes: true })).sort((a, b) =>
    a.name < b.name ? -1 : 1,
  );
  for (const entry of names) {
    const path = `${relative}${entry.name}`;
    if (entry.isDirectory()) {
      entries.push({ path: `${path}/`, file: false }, ...(await persistEntries(dir, `${path}/`)));
    } else if (entry.isFile()) entries.push({ path, file: true });
  }
  return entries;
};

/**
 * Writes the records into collection `lines` of a new persist directory through a local
 * Chroma server, as a Python producer does, and stops the server.
 * @param {any} lib
 * @param {string} dir
 * @param {Parameters<typeof lineRecords>[0]} recordOptions
 * @param {number} batch
 */
export const writePersistDirectory = async (lib, dir, recordOptions, batch) => {
  const chroma = await lib.startLocalChroma({
    path: dir,
    command: (await chromaNodeCommand()).command,
    startupTimeoutMs: 120_000,
    logFile: join(ROOT, '.test-services', `bench-python-writer-${process.pid}.log`),
  });
  try {
    const response = await fetch(`${chroma.url}${COLLECTIONS}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'lines',
        configuration: { embedding_function: { type: 'known', name: 'default', config: {} } },
      }),
    });
    const created = /** @type {{ id?: string }} */ (await response.json());
    if (!response.ok || created.id === undefined) {
      throw new Error(`Creating collection lines failed: ${JSON.stringify(created)}`);
    }
    const handle = chroma.client.collection(created.id);
    /** @type {import('../lib/deltaBench.mjs').LineRecord[]} */
    let page = [];
    const flush = async () => {
      await handle.add({
        ids: page.map((record) => record.id),
        embeddings: page.map((record) => record.embedding),
        documents: page.map((record) => record.document),
        metadatas: page.map((record) => record.metadata),
      });
      page = [];
    };
    for (const record of lineRecords(recordOptions)) {
      page.push(record);
      if (page.length === batch) await flush();
    }
    if (page.length > 0) await flush();
  } finally {
    await chroma.stop();
  }
};

/**
 * Stores the persist directory in both Python layouts; returns the directory layout's prefix
 * and the sizes.
 * @param {any} store
 * @param {string} dir
 * @param {{ tarball: string, directory: string }} prefixes
 * @param {string} runId
 */
export const storePersistDirectory = async (store, dir, prefixes, runId) => {
  const { pack: tarPack } = await import('tar-stream');
  const entries = await persistEntries(dir);
  const pack = tarPack();
  /** @type {Buffer[]} */
  const chunks = [];
  const gzipped = pipeline(pack, createGzip({ level: 9 }), async (source) => {
    for await (const chunk of source) chunks.push(chunk);
  });
  /** @param {{ name: string, type?: 'directory' }} header @param {Buffer} [body] */
  const entry = (header, body) =>
    new Promise((resolve, reject) => {
      const done = (/** @type {unknown} */ error) => (error ? reject(error) : resolve(undefined));
      if (body === undefined) pack.entry(/** @type {any} */ (header), done);
      else pack.entry(/** @type {any} */ (header), body, done);
    });
  await entry({ name: './', type: 'directory' });
  let bytes = 0;
  let files = 0;
  const directoryPrefix = `${prefixes.directory}${randomUUID().replaceAll('-', '')}/`;
  for (const { path, file } of entries) {
    if (!file) {
      await entry({ name: `./${path}`, type: 'directory' });
      continue;
    }
    const content = await readFile(join(dir, path));
    bytes += content.length;
    files += 1;
    await entry({ name: `./${path}` }, content);
    await store.put(`${directoryPrefix}${path}`, content);
  }
  pack.finalize();
  await gzipped;
  const key = `${prefixes.tarball}delta.tar.gz`;
  const tarball = Buffer.concat(chunks);
  await store.put(key, tarball, {
    contentType: 'application/gzip',
    metadata: { delta_key: key, run_id: runId },
  });
  return { directoryPrefix, bytes, files, tarballBytes: tarball.length };
};
