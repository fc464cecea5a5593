/**
 * Reading a portable `delta.tar.gz` (DESIGN §4) into a staging directory, checking every
 * byte on the way: the manifest first, then each data entry's type, name, size and SHA-256,
 * then the records against the manifest's count and dimension. Nothing is handed out until
 * every check has passed.
 * @internal
 * @packageDocumentation
 */
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { readTarGz, type TarEntry, type TarGzReader } from '../archives/tarGzEntries.js';
import type { CollectionName } from '../compaction/types.js';
import type { ReceiptRef } from '../ports/receiptStore.js';
import { deltaEntryName } from './archiveChecks.js';
import { type DeltaCheck, DeltaIntegrityError } from './errors.js';
import { HashedFile } from './HashedFile.js';
import {
  DELTA_DATA_ENTRIES,
  type DeltaEntryInfo,
  type DeltaEntryName,
  type DeltaManifest,
  EMBEDDINGS_ENTRY,
  MANIFEST_ENTRY,
  MAX_MANIFEST_BYTES,
  parseDeltaManifest,
  RECORDS_ENTRY,
} from './manifest.js';
import { CHROMA_DATABASE } from './pythonDelta.js';
import { checkStagedRecords, type Fail, finiteChecker } from './stagedChecks.js';
import { makeStagingDir, removeStagingDir, type StagedDelta } from './staging.js';

/** What the reader expects of the delta. @internal */
export interface PortableReadContext {
  readonly prefix: string;
  readonly collection?: CollectionName | undefined;
  readonly receipt?: ReceiptRef | undefined;
  /** Most bytes the data entries may declare together. */
  readonly maxBytes: number;
  readonly tempDir?: string | undefined;
  /** When the archive is not portable: `scan` reads on to tell a Python-era one apart. */
  readonly foreign: 'stop' | 'scan';
}

/** The outcome: a checked, staged delta, or an archive of another layout. @internal */
export type PortableReadResult =
  | { readonly kind: 'portable'; readonly manifest: DeltaManifest; readonly staged: StagedDelta }
  /** Not portable. `persistDirectory`: with `scan`, whether `chroma.sqlite3` is at its root. */
  | { readonly kind: 'foreign'; readonly persistDirectory: boolean | undefined };

/** The name as the archive spells it, without `./` prefixes (for a quick look only). @internal */
export const entryName = (name: string): string => name.replace(/^(\.\/)+/, '');

/**
 * The entries of a delta archive, read with its bounds: `counts` gives the content bytes
 * and entries read so far, and headers or padding beyond them is a gzip bomb
 * (`DeltaIntegrityError`, check `too-large`). @internal
 */
export const readDeltaArchive = (
  body: Readable,
  prefix: string,
  counts: { readonly contentBytes: () => number; readonly entries: () => number },
): TarGzReader =>
  readTarGz(body, {
    ...counts,
    tooMuch: (overhead) =>
      new DeltaIntegrityError(
        `Delta archive inflates to more than ${overhead} bytes of headers or padding (a gzip bomb?)`,
        { prefix, check: 'too-large' },
      ),
  });

interface ReadState {
  readonly context: PortableReadContext;
  readonly dir: string;
  readonly staged: Map<DeltaEntryName, DeltaEntryInfo>;
  manifest: DeltaManifest | undefined;
  contentBytes: number;
  entries: number;
}

/**
 * Reads and checks a portable delta from its archive bytes.
 * @throws {@link DeltaIntegrityError} naming the failed check; nothing stays on disk
 * @internal
 */
export async function readPortableArchive(
  body: Readable,
  context: PortableReadContext,
): Promise<PortableReadResult> {
  const dir = await makeStagingDir(context.tempDir);
  const state: ReadState = {
    context,
    dir,
    staged: new Map(),
    manifest: undefined,
    contentBytes: 0,
    entries: 0,
  };
  const fail = (check: DeltaCheck, message: string, entry?: string, cause?: unknown): never => {
    throw new DeltaIntegrityError(message, { prefix: context.prefix, check, entry, cause });
  };
  const reader = readDeltaArchive(body, context.prefix, {
    contentBytes: () => state.contentBytes,
    entries: () => state.entries,
  });
  const foreign = async (persistDirectory: boolean | undefined): Promise<PortableReadResult> => {
    await removeStagingDir(dir);
    return { kind: 'foreign', persistDirectory };
  };
  // A foreign archive is scanned in this same loop: tar-stream hands out the next entry only
  // to the iterator that received the previous one, so a second iterator would wait forever.
  let scanning = false;
  try {
    for await (const entry of reader.entries) {
      state.entries += 1;
      const name = entryName(entry.header.name);
      if (scanning) {
        if (name === CHROMA_DATABASE) return await foreign(true);
        await skipEntry(entry, state, fail);
      } else if (state.manifest !== undefined) {
        await stageEntry(entry, state, state.manifest, fail);
      } else if (name === MANIFEST_ENTRY) {
        state.manifest = await readManifest(entry, state, fail);
      } else {
        if ((DELTA_DATA_ENTRIES as readonly string[]).includes(name)) {
          fail('manifest-missing', `Delta archive starts with ${name}, not ${MANIFEST_ENTRY}`);
        }
        if (context.foreign === 'stop') return await foreign(undefined);
        if (name === CHROMA_DATABASE) return await foreign(true);
        scanning = true;
        await skipEntry(entry, state, fail);
      }
    }
    if (scanning) return await foreign(false);
    const { manifest } = state;
    if (manifest === undefined) fail('manifest-missing', 'Delta archive is empty');
    return {
      kind: 'portable',
      manifest: manifest as DeltaManifest,
      staged: await finishChecks(state, manifest as DeltaManifest, fail),
    };
  } catch (error) {
    reader.close();
    await removeStagingDir(dir);
    if (error instanceof DeltaIntegrityError || reader.isSourceError(error)) throw error;
    if (error instanceof Error && 'syscall' in error) throw error;
    throw new DeltaIntegrityError('Delta archive is not a valid gzip tar (truncated or corrupt)', {
      prefix: context.prefix,
      check: 'archive',
      cause: error,
    });
  } finally {
    reader.close();
  }
}

/**
 * Reads past an entry of a foreign archive, counting its bytes as content (so the bomb guard
 * does not take them for padding) against the reader's byte limit.
 */
const skipEntry = async (entry: TarEntry, state: ReadState, fail: Fail): Promise<void> => {
  const { maxBytes } = state.context;
  for await (const chunk of entry as AsyncIterable<Buffer>) {
    state.contentBytes += chunk.length;
    if (state.contentBytes > maxBytes) {
      fail('too-large', `Delta archive holds more than ${maxBytes} bytes (the reader's maxBytes)`);
    }
  }
};

const readManifest = async (
  entry: TarEntry,
  state: ReadState,
  fail: Fail,
): Promise<DeltaManifest> => {
  const { type, size } = entry.header;
  if (type !== 'file')
    fail('entry-type', `${MANIFEST_ENTRY} is a ${type}, not a file`, MANIFEST_ENTRY);
  if ((size ?? 0) > MAX_MANIFEST_BYTES) {
    fail(
      'manifest-invalid',
      `${MANIFEST_ENTRY} holds ${size} bytes; a manifest is at most ${MAX_MANIFEST_BYTES}`,
      MANIFEST_ENTRY,
    );
  }
  const chunks: Buffer[] = [];
  for await (const chunk of entry as AsyncIterable<Buffer>) {
    chunks.push(chunk);
    state.contentBytes += chunk.length;
  }
  const parsed = parseDeltaManifest(Buffer.concat(chunks).toString('utf8'));
  if (!parsed.success) return fail('manifest-invalid', parsed.problem, MANIFEST_ENTRY);
  const { manifest } = parsed;
  const { collection, receipt, maxBytes } = state.context;
  if (collection !== undefined && manifest.collection !== collection) {
    fail('collection', `Delta holds ${manifest.collection} records, not ${collection} records`);
  }
  if (
    receipt !== undefined &&
    ((manifest.imageId !== null && manifest.imageId !== receipt.imageId) ||
      (manifest.receiptId !== null && manifest.receiptId !== receipt.receiptId))
  ) {
    fail(
      'receipt',
      `Delta was written for receipt ${manifest.receiptId} of image ${manifest.imageId}, not receipt ${receipt.receiptId} of image ${receipt.imageId}`,
    );
  }
  const declared = DELTA_DATA_ENTRIES.reduce((sum, name) => sum + manifest.entries[name].size, 0);
  if (declared > maxBytes) {
    fail('too-large', `Delta declares ${declared} bytes of data; the limit is ${maxBytes}`);
  }
  return manifest;
};

const stageEntry = async (
  entry: TarEntry,
  state: ReadState,
  manifest: DeltaManifest,
  fail: Fail,
): Promise<void> => {
  const { name: raw, type, size } = entry.header;
  const name = deltaEntryName(raw, state.context.prefix);
  if (type !== 'file') fail('entry-type', `Delta entry "${raw}" is a ${type}, not a file`, raw);
  if (name === MANIFEST_ENTRY) fail('entry-duplicate', `Delta entry "${raw}" appears twice`, raw);
  if (!(DELTA_DATA_ENTRIES as readonly string[]).includes(name)) {
    fail('entry-unknown', `Delta entry "${raw}" is not one the format has`, raw);
  }
  const known = name as DeltaEntryName;
  if (state.staged.has(known)) fail('entry-duplicate', `Delta entry "${raw}" appears twice`, raw);
  const expected = manifest.entries[known];
  if (size !== expected.size) {
    fail('entry-size', `${known} holds ${size} bytes; the manifest says ${expected.size}`, known);
  }
  const file = await HashedFile.create(join(state.dir, known));
  const finite = known === EMBEDDINGS_ENTRY ? finiteChecker(manifest.dimension, fail) : undefined;
  try {
    for await (const chunk of entry as AsyncIterable<Buffer>) {
      state.contentBytes += chunk.length;
      if (file.size + chunk.length > expected.size) {
        fail(
          'entry-size',
          `${known} holds more than the ${expected.size} bytes the manifest says`,
          known,
        );
      }
      finite?.(chunk);
      await file.write(chunk);
    }
  } catch (error) {
    await file.abandon();
    throw error;
  }
  const info = await file.close();
  if (info.size !== expected.size) {
    fail(
      'entry-size',
      `${known} holds ${info.size} bytes; the manifest says ${expected.size}`,
      known,
    );
  }
  if (info.sha256 !== expected.sha256) {
    fail(
      'entry-sha256',
      `${known} has SHA-256 ${info.sha256}; the manifest says ${expected.sha256}`,
      known,
    );
  }
  state.staged.set(known, info);
};

/** After the archive: every entry present, every record valid, count and dimension as declared. */
const finishChecks = async (
  state: ReadState,
  manifest: DeltaManifest,
  fail: Fail,
): Promise<StagedDelta> => {
  for (const name of DELTA_DATA_ENTRIES) {
    if (!state.staged.has(name)) fail('entry-missing', `Delta archive lacks ${name}`, name);
  }
  const receipt =
    state.context.receipt ??
    (manifest.imageId !== null && manifest.receiptId !== null
      ? { imageId: manifest.imageId, receiptId: manifest.receiptId }
      : undefined);
  const count = await checkStagedRecords(
    join(state.dir, RECORDS_ENTRY),
    { collection: manifest.collection, receipt },
    fail,
  );
  if (count !== manifest.count) {
    fail(
      'count',
      `${RECORDS_ENTRY} holds ${count} records; the manifest says ${manifest.count}`,
      RECORDS_ENTRY,
    );
  }
  const vectorBytes = manifest.entries[EMBEDDINGS_ENTRY].size;
  if (vectorBytes !== count * manifest.dimension * 4) {
    fail(
      'dimension',
      `${EMBEDDINGS_ENTRY} holds ${vectorBytes} bytes, not ${count} x ${manifest.dimension} float32 values`,
      EMBEDDINGS_ENTRY,
    );
  }
  return {
    dir: state.dir,
    count,
    dimension: manifest.dimension,
    entries: manifest.entries,
  };
};
