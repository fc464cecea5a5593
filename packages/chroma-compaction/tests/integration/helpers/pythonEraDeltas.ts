import { randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startLocalChroma } from '../../../src/adapters/chroma/startLocalChroma.js';
import type { ObjectStore } from '../../../src/ports/objectStore.js';
import { type TarEntrySpec, tarGz } from '../../helpers/tarballs.js';
import { chromaCommand } from './localChroma.js';

/**
 * Python-era deltas (spec §11.1) built for real: a Chroma persist directory written by a
 * local Chroma server, stored in an `ObjectStore` the way Python's producers store it.
 */

/** One record as a Python producer upserts it: every field given. */
export interface PythonEraRecord {
  readonly id: string;
  readonly embedding: readonly number[];
  readonly document: string;
  readonly metadata: Readonly<Record<string, string | number | boolean>>;
}

/** What a Python producer wrote into the persist directory. */
export interface PersistDirectorySpec {
  /** The collection the records go to, e.g. `lines`. */
  readonly collection: string;
  readonly records: readonly PythonEraRecord[];
}

/** Chroma's tenant and database of a local persist directory. */
const COLLECTIONS_PATH = '/api/v2/tenants/default_tenant/databases/default_database/collections';

/**
 * The embedding function Python's `ChromaClient(metadata_only=True)` attaches (spec §4):
 * chromadb's default one, recorded in the collection's configuration. The JS client warns
 * on the console when it opens such a collection by name without `@chroma-core/default-embed`,
 * so the fixture creates it over HTTP and the reader must not open it by name.
 */
const PYTHON_DEFAULT_EMBEDDING_FUNCTION = { type: 'known', name: 'default', config: {} };

/**
 * Writes `spec` into a new persist directory at `dir` through a local Chroma server (started
 * with the integration setup's `command`), then stops the server so the files are complete.
 */
export const writePersistDirectory = async (
  dir: string,
  spec: PersistDirectorySpec,
): Promise<void> => {
  const chroma = await startLocalChroma({ path: dir, command: chromaCommand() });
  try {
    const response = await fetch(`${chroma.url}${COLLECTIONS_PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        name: spec.collection,
        configuration: { embedding_function: PYTHON_DEFAULT_EMBEDDING_FUNCTION },
      }),
    });
    const created = (await response.json()) as { id?: string };
    if (!response.ok || created.id === undefined) {
      throw new Error(`Creating collection ${spec.collection} failed: ${JSON.stringify(created)}`);
    }
    const { records } = spec;
    await chroma.client.collection(created.id).add({
      ids: records.map((record) => record.id),
      embeddings: records.map((record) => Array.from(record.embedding)),
      documents: records.map((record) => record.document),
      metadatas: records.map((record) => ({ ...record.metadata })),
    });
  } finally {
    await chroma.stop();
  }
};

/** One entry of a persist directory: a directory (path ends in `/`) or a file. */
interface PersistEntry {
  /** The path relative to the persist directory, `/`-separated. */
  readonly path: string;
  readonly content?: Buffer;
}

/** The persist directory's entries in the order Python's `tarfile.add` walks it (sorted names). */
const persistEntries = async (dir: string, relative = ''): Promise<PersistEntry[]> => {
  const entries: PersistEntry[] = [];
  const names = (await readdir(join(dir, relative), { withFileTypes: true })).sort((a, b) =>
    a.name < b.name ? -1 : 1,
  );
  for (const entry of names) {
    const path = `${relative}${entry.name}`;
    if (entry.isDirectory()) {
      entries.push({ path: `${path}/` }, ...(await persistEntries(dir, `${path}/`)));
    } else if (entry.isFile()) {
      entries.push({ path, content: await readFile(join(dir, path)) });
    }
  }
  return entries;
};

/** The files of a persist directory, by path relative to it. */
export const persistDirectoryFiles = async (dir: string): Promise<string[]> =>
  (await persistEntries(dir)).flatMap((entry) => (entry.content === undefined ? [] : [entry.path]));

/**
 * Stores the persist directory at `dir` as `{prefix}delta.tar.gz`, packed like Python's
 * `upload_delta_tarball` (spec §11.1: `tar w:gz`, `arcname="."`): a `./` directory entry
 * first, then `./…` entries in `tarfile.add` order, with its content type and metadata.
 * @returns The tarball's key.
 */
export const putPythonTarball = async (
  store: ObjectStore,
  prefix: string,
  dir: string,
  runId = 'python-run',
): Promise<string> => {
  const entries: TarEntrySpec[] = [{ name: './', type: 'directory' }];
  for (const { path, content } of await persistEntries(dir)) {
    entries.push(
      content === undefined
        ? { name: `./${path}`, type: 'directory' }
        : { name: `./${path}`, content },
    );
  }
  const key = `${prefix}delta.tar.gz`;
  await store.put(key, await tarGz(entries), {
    contentType: 'application/gzip',
    metadata: { delta_key: key, run_id: runId },
  });
  return key;
};

/**
 * Stores the persist directory at `dir` as one object per file, like Python's
 * `persist_and_upload_delta` (spec §4): under `{prefix}{uuid_hex}/`.
 * @returns The delta's prefix, `{prefix}{uuid_hex}/`, as a compaction run records it.
 */
export const putPythonDirectory = async (
  store: ObjectStore,
  prefix: string,
  dir: string,
): Promise<string> => {
  const deltaPrefix = `${prefix}${randomUUID().replaceAll('-', '')}/`;
  for (const { path, content } of await persistEntries(dir)) {
    if (content !== undefined) await store.put(`${deltaPrefix}${path}`, content);
  }
  return deltaPrefix;
};
