// The layout is described in DESIGN §4; the Python objects in spec §12.2.
/**
 * A snapshot version's `manifest.json`: what a reader checks the tarball against before it
 * extracts a byte (size and SHA-256), the files it holds, the gzip members for a parallel
 * inflate, the parent version, and who wrote it under which fence. Python readers ignore
 * it; they use `snapshot.tar.gz` and `.snapshot_hash`.
 * @packageDocumentation
 */
import * as z from 'zod/mini';
import type { GzipMember } from '../archives/packTypes.js';
import type { CollectionName } from '../compaction/types.js';
import { ENGLISH_PARSE, issueSummary } from '../options/zodEnglish.js';
import type { downloadSnapshot } from './downloadSnapshot.js';
import type { publishSnapshot } from './publishSnapshot.js';

/**
 * What a snapshot version's `manifest.json` says, camel-cased (the file is snake_case).
 * {@link publishSnapshot} writes it next to the tarball; {@link downloadSnapshot} checks
 * the tarball against it before extracting anything.
 */
export interface SnapshotManifest {
  /** Marks the file as a snapshot manifest. */
  readonly format: 'chroma-snapshot';
  /** The version of the manifest's format. */
  readonly formatVersion: 1;
  /** The collection the snapshot holds. */
  readonly collection: CollectionName;
  /** The version id, `YYYYMMDD_HHMMSS_ffffff_<8 hex>`. */
  readonly version: string;
  /** The version the pointer named when this one was published; `null` for the first. */
  readonly parent: string | null;
  /** When it was published, in Python's `+00:00` microsecond form. */
  readonly createdAt: string;
  /** Who wrote it, e.g. `@receipt-chroma/chroma-compaction@1.0.0`. */
  readonly producer: string;
  /** The publisher's lock fence, or `null` when it published without a lock. */
  readonly fence: number | null;
  /** `snapshot.tar.gz`: compressed size and digests (hex). */
  readonly tarball: {
    /** Compressed bytes. */
    readonly size: number;
    /** SHA-256 of the tarball, lower-case hex. */
    readonly sha256: string;
    /** MD5 of the tarball, lower-case hex (what `.snapshot_hash` holds after `md5:`). */
    readonly md5: string;
  };
  /** The gzip members, in order; one member for a tarball packed in one thread. */
  readonly members: readonly GzipMember[];
  /** Regular files of the persist directory, sorted, with their sizes. */
  readonly files: readonly {
    /** Path relative to the persist directory, with `/` separators. */
    readonly path: string;
    /** Bytes of content. */
    readonly size: number;
  }[];
  /** Records per collection, when the publisher knew them. */
  readonly recordCounts: Readonly<Record<string, number>> | null;
  /** The user metadata put on every object of the version, every value a string. */
  readonly metadata: Readonly<Record<string, string>>;
}

/** The largest manifest a reader accepts: a persist directory lists few files. */
export const MAX_SNAPSHOT_MANIFEST_BYTES: number = 4 * 1024 * 1024;

const size = z.int().check(z.nonnegative(), z.maximum(Number.MAX_SAFE_INTEGER));
const hex = (length: number) =>
  z.string().check(z.regex(new RegExp(`^[0-9a-f]{${length}}$`), `lower-case hex of ${length}`));

const wire = z.object({
  format: z.literal('chroma-snapshot'),
  format_version: z.literal(1),
  collection: z.enum(['lines', 'words']),
  version: z.string().check(z.minLength(1)),
  parent: z.nullable(z.string().check(z.minLength(1))),
  created_at: z.string(),
  producer: z.string(),
  fence: z.nullable(size),
  tarball: z.object({ size, sha256: hex(64), md5: hex(32) }),
  members: z.array(z.object({ offset: size, size, tar_offset: size, tar_size: size })),
  files: z.array(z.object({ path: z.string().check(z.minLength(1)), size })),
  record_counts: z.nullable(z.record(z.string(), size)),
  metadata: z.record(z.string(), z.string()),
});

/**
 * Parses the text of a snapshot version's `manifest.json`, without throwing.
 * @param text - The file's text.
 * @returns The manifest, or a one-line description of what is wrong with the text.
 * @example
 * ```ts
 * import { text } from 'node:stream/consumers';
 * import { type ObjectStore, parseSnapshotManifest } from '@receipt-chroma/chroma-compaction';
 *
 * declare const store: ObjectStore;
 *
 * const version = '20250101_000000_000000_0123abcd';
 * const { body } = await store.get(`lines/snapshot/timestamped/${version}/manifest.json`);
 * const parsed = parseSnapshotManifest(await text(body));
 * if ('problem' in parsed) throw new Error(parsed.problem);
 * console.log(parsed.manifest.parent, parsed.manifest.tarball.sha256);
 * ```
 */
export const parseSnapshotManifest = (
  text: string,
):
  | {
      /** The manifest the text holds. */
      readonly manifest: SnapshotManifest;
    }
  | {
      /** What is wrong with the text, e.g. `manifest.json is not valid JSON`. */
      readonly problem: string;
    } => {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { problem: 'manifest.json is not valid JSON' };
  }
  const parsed = wire.safeParse(json, ENGLISH_PARSE);
  if (!parsed.success) {
    return { problem: `manifest.json is invalid: ${issueSummary(parsed.error)}` };
  }
  const w = parsed.data;
  return {
    manifest: {
      format: w.format,
      formatVersion: w.format_version,
      collection: w.collection,
      version: w.version,
      parent: w.parent,
      createdAt: w.created_at,
      producer: w.producer,
      fence: w.fence,
      tarball: w.tarball,
      members: w.members.map((m) => ({
        offset: m.offset,
        size: m.size,
        tarOffset: m.tar_offset,
        tarSize: m.tar_size,
      })),
      files: w.files,
      recordCounts: w.record_counts,
      metadata: w.metadata,
    },
  };
};

/**
 * The text of a snapshot version's `manifest.json` (two-space indented JSON, snake_case
 * names, a final newline): the inverse of {@link parseSnapshotManifest}.
 * @param manifest - The manifest to write.
 * @returns The file's text.
 */
export const serializeSnapshotManifest = (manifest: SnapshotManifest): string => {
  const value: z.input<typeof wire> = {
    format: manifest.format,
    format_version: manifest.formatVersion,
    collection: manifest.collection,
    version: manifest.version,
    parent: manifest.parent,
    created_at: manifest.createdAt,
    producer: manifest.producer,
    fence: manifest.fence,
    tarball: manifest.tarball,
    members: manifest.members.map((m) => ({
      offset: m.offset,
      size: m.size,
      tar_offset: m.tarOffset,
      tar_size: m.tarSize,
    })),
    files: [...manifest.files],
    record_counts: manifest.recordCounts,
    metadata: manifest.metadata,
  };
  return `${JSON.stringify(value, null, 2)}\n`;
};
