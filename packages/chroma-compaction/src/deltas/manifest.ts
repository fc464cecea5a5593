/**
 * The portable delta's manifest: the first entry of `delta.tar.gz`, naming the
 * collection, the record count and vector dimension, and the size and SHA-256 of every other
 * entry, so a reader can check each byte before it uses any.
 * @packageDocumentation
 */
import * as z from 'zod/mini';
import type { CollectionName } from '../compaction/types.js';
import { ENGLISH_PARSE, issueSummary } from '../options/zodEnglish.js';

/** The file name of the manifest entry of a portable delta; always the archive's first entry. */
export const MANIFEST_ENTRY = 'manifest.json';
/**
 * The file name of a portable delta's records entry: one `{ id, document, metadata }` JSON
 * object per line, in vector order.
 */
export const RECORDS_ENTRY = 'records.ndjson';
/**
 * The file name of a portable delta's vectors entry: count x dimension little-endian float32
 * values, record after record.
 */
export const EMBEDDINGS_ENTRY = 'embeddings.f32';
/** The name of the archive under a delta's key prefix: `{prefix}delta.tar.gz`. */
export const DELTA_ARCHIVE = 'delta.tar.gz';

/** The entries after the manifest, in archive order. */
export const DELTA_DATA_ENTRIES: readonly [typeof RECORDS_ENTRY, typeof EMBEDDINGS_ENTRY] = [
  RECORDS_ENTRY,
  EMBEDDINGS_ENTRY,
];

/** The name of a data entry of a portable delta (every entry but the manifest). */
export type DeltaEntryName = typeof RECORDS_ENTRY | typeof EMBEDDINGS_ENTRY;

/** Size and digest of one data entry, as the manifest records them. */
export interface DeltaEntryInfo {
  /** Bytes. */
  readonly size: number;
  /** SHA-256 of the bytes, lower-case hex. */
  readonly sha256: string;
}

/**
 * What a delta's `manifest.json` says, with camel-cased names (the file itself is
 * snake_case). `readDelta` builds one for a Python-era delta too.
 */
export interface DeltaManifest {
  /** Marks the file as a delta manifest. */
  readonly format: 'chroma-delta';
  /** The version of the manifest's format; a reader refuses versions it does not know. */
  readonly version: 1;
  /** The collection the records belong to. */
  readonly collection: CollectionName;
  /** Number of records. */
  readonly count: number;
  /** Vector length; 0 for an empty delta. */
  readonly dimension: number;
  /** How `embeddings.f32` stores each value: little-endian float32. */
  readonly dtype: 'float32-le';
  /** The compaction run the delta belongs to, when the producer named it. */
  readonly runId: string | null;
  /** The image of the receipt the delta holds, when the producer named it. */
  readonly imageId: string | null;
  /** The receipt the delta holds, when the producer named it. */
  readonly receiptId: number | null;
  /** When the delta was written, in Python's `+00:00` microsecond form. */
  readonly createdAt: string;
  /** Who wrote it, e.g. `@receipt-chroma/chroma-compaction@1.0.0`. */
  readonly producer: string;
  /** Size and SHA-256 of each data entry. */
  readonly entries: Readonly<Record<DeltaEntryName, DeltaEntryInfo>>;
}

/** The largest manifest a reader accepts, in bytes: a manifest lists two entries. */
export const MAX_MANIFEST_BYTES: number = 64 * 1024;

const count = z.int().check(z.nonnegative(), z.maximum(Number.MAX_SAFE_INTEGER));

const entryInfo = z.strictObject({
  size: count,
  sha256: z.string().check(z.regex(/^[0-9a-f]{64}$/, 'a lower-case hex SHA-256')),
});

/** The manifest as stored (snake_case); unknown fields are ignored, for later producers. */
const manifestWire = z
  .object({
    format: z.literal('chroma-delta'),
    version: z.literal(1),
    collection: z.enum(['lines', 'words']),
    count,
    dimension: z.int().check(z.nonnegative(), z.maximum(1_000_000)),
    dtype: z.literal('float32-le'),
    run_id: z.nullable(z.string().check(z.minLength(1))),
    image_id: z.nullable(z.string().check(z.minLength(1))),
    receipt_id: z.nullable(z.int().check(z.nonnegative())),
    created_at: z.string(),
    producer: z.string(),
    entries: z.strictObject({ [RECORDS_ENTRY]: entryInfo, [EMBEDDINGS_ENTRY]: entryInfo }),
  })
  .check(
    z.refine((wire) => (wire.count === 0) === (wire.dimension === 0), {
      message: 'dimension must be 0 exactly when count is 0',
      path: ['dimension'],
    }),
  );

/** What {@link parseDeltaManifest} returns. */
export type ParseManifestResult =
  | { readonly success: true; readonly manifest: DeltaManifest }
  | { readonly success: false; readonly problem: string };

/**
 * Parses the text of `manifest.json`.
 * @returns the manifest, or a one-line description of what is wrong with it
 */
export const parseDeltaManifest = (text: string): ParseManifestResult => {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { success: false, problem: 'manifest.json is not valid JSON' };
  }
  const parsed = manifestWire.safeParse(json, ENGLISH_PARSE);
  if (!parsed.success) {
    return { success: false, problem: `manifest.json is invalid: ${issueSummary(parsed.error)}` };
  }
  const wire = parsed.data;
  return {
    success: true,
    manifest: {
      format: wire.format,
      version: wire.version,
      collection: wire.collection,
      count: wire.count,
      dimension: wire.dimension,
      dtype: wire.dtype,
      runId: wire.run_id,
      imageId: wire.image_id,
      receiptId: wire.receipt_id,
      createdAt: wire.created_at,
      producer: wire.producer,
      entries: wire.entries,
    },
  };
};

/** The text of `manifest.json` for a manifest (two-space indented, snake_case). */
export const serializeDeltaManifest = (manifest: DeltaManifest): string => {
  const wire: z.input<typeof manifestWire> = {
    format: manifest.format,
    version: manifest.version,
    collection: manifest.collection,
    count: manifest.count,
    dimension: manifest.dimension,
    dtype: manifest.dtype,
    run_id: manifest.runId,
    image_id: manifest.imageId,
    receipt_id: manifest.receiptId,
    created_at: manifest.createdAt,
    producer: manifest.producer,
    entries: manifest.entries,
  };
  return `${JSON.stringify(wire, null, 2)}\n`;
};
