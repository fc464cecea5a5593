/**
 * `delta inspect|verify|write`: a quick look at a stored delta, a full check through
 * `readDelta`, and a delta written from an NDJSON file through `writeDelta`.
 * @packageDocumentation
 */
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import type { CollectionName } from '../compaction/types.js';
import { InvalidDeltaRecordError } from '../deltas/errors.js';
import { EMBEDDINGS_ENTRY, RECORDS_ENTRY } from '../deltas/manifest.js';
import { peekDelta } from '../deltas/peekDelta.js';
import { readDelta } from '../deltas/readDelta.js';
import type { DeltaRecord } from '../deltas/types.js';
import { writeDelta } from '../deltas/writeDelta.js';
import type { ObjectStore } from '../ports/objectStore.js';
import type { CommandContext, CommonOptions } from './CliSession.js';
import { chromaStartOptions } from './chromaStart.js';
import type { AwsOptions, StoreOptions } from './commandOptions.js';
import { countingStore } from './countingStore.js';
import { CliError, CliUsageError } from './errors.js';
import { openInput } from './localFiles.js';
import { formatBytes, formatCount, formatFields, formatTable } from './output.js';
import { openObjectStore } from './stores.js';
import type { TransferProgress } from './TransferProgress.js';

/** Options of the delta commands that only read. */
export interface DeltaReadOptions extends CommonOptions, StoreOptions, AwsOptions {
  readonly ids?: number | undefined;
  readonly collection?: CollectionName | undefined;
  readonly python?: boolean | undefined;
}

/**
 * `delta inspect PREFIX`: the manifest, the entry sizes and the first record ids, read from
 * the start of the archive (nothing is verified).
 * @param context - The command's context.
 * @param prefix - The delta's key prefix.
 * @param options - The command's options.
 * @throws DeltaNotFoundError when nothing is stored under the prefix
 */
export const inspectDelta = async (
  context: CommandContext,
  prefix: string,
  options: DeltaReadOptions,
): Promise<void> => {
  const store = await openObjectStore(context, options);
  const peek = await peekDelta(store, prefix, { ids: options.ids });
  const { manifest } = peek;
  const json = {
    ...peek,
    archive: peek.archive ?? null,
    manifest: manifest ?? null,
    manifestProblem: peek.manifestProblem ?? null,
  };
  context.result(json, () => {
    const fields = formatFields([
      ['prefix', peek.prefix],
      ['layout', peek.layout],
      [
        'archive',
        peek.archive === undefined
          ? undefined
          : `${peek.archive.key} (${formatBytes(peek.archive.size)})`,
      ],
      ['objects', peek.archive === undefined ? peek.objects.length : undefined],
      [
        'manifest',
        peek.manifestProblem === undefined ? undefined : `invalid: ${peek.manifestProblem}`,
      ],
      ['collection', manifest?.collection],
      ['records', manifest === undefined ? undefined : formatCount(manifest.count)],
      ['dimension', manifest?.dimension],
      ['run', manifest?.runId ?? undefined],
      ['image', manifest?.imageId ?? undefined],
      ['receipt', manifest?.receiptId ?? undefined],
      ['created', manifest?.createdAt],
      ['producer', manifest?.producer],
    ]);
    const entries =
      manifest === undefined
        ? ''
        : `\n${formatTable([RECORDS_ENTRY, EMBEDDINGS_ENTRY] as const, [
            { header: 'ENTRY', cell: (name) => name },
            {
              header: 'SIZE',
              cell: (name) => formatBytes(manifest.entries[name].size),
              right: true,
            },
            { header: 'SHA-256', cell: (name) => manifest.entries[name].sha256 },
          ])}`;
    const ids =
      peek.sampleIds.length === 0
        ? ''
        : `\nFirst record ids:\n${peek.sampleIds.map((id) => `  ${id}\n`).join('')}`;
    return `${fields}${entries}${ids}`;
  });
};

/**
 * `delta verify PREFIX`: reads the whole delta through `readDelta` (every entry's size and
 * SHA-256, every record) and counts what it holds.
 * @param context - The command's context.
 * @param prefix - The delta's key prefix.
 * @param options - The command's options.
 * @throws DeltaIntegrityError naming the failed check
 * @throws DeltaNotFoundError when nothing is stored under the prefix
 */
export const verifyDelta = async (
  context: CommandContext,
  prefix: string,
  options: DeltaReadOptions,
): Promise<void> => {
  if (options.python === true && options.collection === undefined) {
    throw new CliUsageError(
      '--python needs --collection: a Python-era delta does not name its collection',
    );
  }
  const store = await openObjectStore(context, options);
  const pythonDeltas =
    options.python === true
      ? (await import('../adapters/chroma/localChromaDeltaSource.js')).localChromaDeltaSource(
          chromaStartOptions(context.io),
        )
      : undefined;
  context.progress.phase(`reading ${prefix}`);
  const delta = await readDelta(countingStore(store, context.progress, 'reads'), prefix, {
    collection: options.collection,
    pythonDeltas,
  });
  context.progress.done();
  let records = 0;
  let batches = 0;
  for await (const batch of delta.batches) {
    records += batch.ids.length;
    batches += 1;
  }
  const { manifest } = delta;
  context.result(
    { prefix: delta.prefix, layout: delta.layout, verified: true, batches, manifest },
    () =>
      `Verified ${delta.prefix} (${delta.layout}): ${formatCount(records)} ${manifest.collection} records of dimension ${manifest.dimension} in ${batches} batch${batches === 1 ? '' : 'es'}.\n`,
  );
};

/** Options of `delta write`. */
export interface DeltaWriteOptions extends CommonOptions, StoreOptions, AwsOptions {
  readonly collection: CollectionName;
  readonly from: string;
  readonly runId?: string | undefined;
  readonly imageId?: string | undefined;
  readonly receiptId?: number | undefined;
}

/**
 * The records of an NDJSON stream, one `{ id, embedding, document?, metadata? }` per line,
 * read as `writeDelta` asks for them (the file is never held whole).
 */
async function* ndjsonRecords(
  input: Readable,
  file: string,
  progress: TransferProgress,
): AsyncGenerator<DeltaRecord, void, undefined> {
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  let number = 0;
  try {
    for await (const line of lines) {
      number += 1;
      progress.add(Buffer.byteLength(line) + 1);
      if (line.trim() === '') throw new CliUsageError(`${file} line ${number} is blank`);
      try {
        yield JSON.parse(line) as DeltaRecord;
      } catch (error) {
        if (!(error instanceof SyntaxError)) throw error;
        throw new CliUsageError(`${file} line ${number} is not JSON: ${error.message}`);
      }
    }
  } finally {
    lines.close();
    input.destroy();
  }
}

/** `store`, counting into a new `uploading` phase once the upload starts. */
const uploadPhase = (
  store: ObjectStore,
  progress: TransferProgress,
  label: string,
): ObjectStore => {
  const counting = countingStore(store, progress, 'writes');
  return {
    ...counting,
    bucket: store.bucket,
    put: (key, body, options) => {
      progress.phase(label);
      return counting.put(key, body, options);
    },
  };
};

/**
 * `delta write PREFIX --collection C --from FILE`: writes a portable delta from an NDJSON
 * file (or stdin for `-`) through `writeDelta`, which checks every record before it stores
 * anything.
 * @param context - The command's context.
 * @param prefix - The delta's key prefix.
 * @param options - The command's options.
 * @throws CliUsageError when the file cannot be read or a line is not JSON (nothing stored)
 * @throws CliError naming the file's line when a record is refused (nothing stored)
 */
export const writeDeltaFile = async (
  context: CommandContext,
  prefix: string,
  options: DeltaWriteOptions,
): Promise<void> => {
  const store = await openObjectStore(context, options, 'write');
  const input = await openInput(context.io, options.from);
  const { progress } = context;
  progress.phase(`reading ${options.from}`);
  if (input.size !== undefined) progress.expect(input.size);
  let manifest: Awaited<ReturnType<typeof writeDelta>>;
  try {
    manifest = await writeDelta(uploadPhase(store, progress, `uploading ${prefix}`), prefix, {
      collection: options.collection,
      records: ndjsonRecords(input.stream, options.from, progress),
      runId: options.runId,
      imageId: options.imageId,
      receiptId: options.receiptId,
    });
  } catch (error) {
    if (!(error instanceof InvalidDeltaRecordError)) throw error;
    throw new CliError(`${options.from} line ${error.index + 1}: ${error.message}`, {
      cause: error,
    });
  } finally {
    input.stream.destroy();
  }
  progress.done();
  context.result(manifest, () => {
    const size = manifest.entries[RECORDS_ENTRY].size + manifest.entries[EMBEDDINGS_ENTRY].size;
    return `Wrote ${formatCount(manifest.count)} ${manifest.collection} records of dimension ${manifest.dimension} (${formatBytes(size)} of data) to ${prefix}.\n`;
  });
};
