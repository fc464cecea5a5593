/**
 * The hostile archives the scenario feeds to the readers: snapshot tarballs for
 * `unpackSnapshot`, delta tarballs for `readDelta`, and tamperings of a published snapshot
 * version for `downloadSnapshot` and `SnapshotCache`, each with the refusal it must meet.
 */
import { join } from 'node:path';
import type {
  ArchiveErrorReason,
  DeltaCheck,
  FileSystemObjectStore,
  ReadDeltaOptions,
  SnapshotCheck,
  SnapshotManifest,
  UnpackLimits,
} from '@receipt-chroma/chroma-compaction';
import { SNAPSHOT_HASH, snapshotKeys } from '@receipt-chroma/chroma-compaction';
import { md5Hex, sha256Hex } from './fixtures.js';
import type { HostileSite } from './hostileSite.js';
import { type CraftedEntry, craftTarGz, gzipBomb, gzipOfZeros } from './tarballs.js';

/** Inflated size of every gzip bomb: 1 GiB of zeros. */
export const BOMB_BYTES: number = 1024 ** 3;
/** The total a bomb's reader is allowed to unpack (what bounds it). */
export const BOMB_LIMIT: number = 64 * 1024 * 1024;

const keys = snapshotKeys('lines');

/** Valid entries a hostile one follows, so refusing it has something to clean up. */
export const PRELUDE: readonly CraftedEntry[] = [
  { name: 'chroma.sqlite3', content: 'SQLite format 3\0' },
  { name: 'seg/', type: 'directory' },
  { name: 'seg/data_level0.bin', content: Buffer.alloc(2048, 5) },
];

const files = (count: number): CraftedEntry[] =>
  Array.from({ length: count }, (_, index) => ({ name: `f${index}.bin`, content: 'x' }));

/** A snapshot tarball fed to `unpackSnapshot`, and the reason it must be refused for. */
export interface SnapshotKind {
  readonly kind: string;
  readonly reason: ArchiveErrorReason;
  readonly archive: (site: HostileSite) => Promise<Buffer>;
  readonly limits?: UnpackLimits;
  readonly bomb?: true;
}

const withPrelude =
  (...hostile: CraftedEntry[]) =>
  (): Promise<Buffer> =>
    craftTarGz([...PRELUDE, ...hostile]);

export const SNAPSHOT_KINDS: readonly SnapshotKind[] = [
  {
    kind: 'path traversal (../../../escaped.txt)',
    reason: 'path-escape',
    archive: withPrelude({ name: '../../../escaped.txt', content: 'escaped' }),
  },
  {
    kind: 'path traversal hidden mid-path (seg/../../../../escaped.txt)',
    reason: 'path-escape',
    archive: withPrelude({ name: 'seg/../../../../escaped.txt', content: 'escaped' }),
  },
  {
    kind: 'path traversal in a pax path overriding a harmless name',
    reason: 'path-escape',
    archive: withPrelude({
      name: 'harmless.txt',
      pax: { path: '../../../escaped.txt' },
      content: 'escaped',
    }),
  },
  {
    kind: 'absolute path into the parent directory',
    reason: 'absolute-path',
    archive: (site) => craftTarGz([...PRELUDE, { name: join(site.site, 'escaped.txt') }]),
  },
  {
    kind: 'Windows drive path (C:escaped.txt)',
    reason: 'absolute-path',
    archive: withPrelude({ name: 'C:escaped.txt', content: 'escaped' }),
  },
  {
    kind: 'symlink escaping the destination, then a file through it',
    reason: 'link',
    archive: withPrelude(
      { name: 'seg/out', type: 'symlink', linkname: '../../../..' },
      { name: 'seg/out/escaped.txt', content: 'escaped' },
    ),
  },
  {
    kind: 'symlink to an absolute path outside',
    reason: 'link',
    archive: (site) =>
      craftTarGz([...PRELUDE, { name: 'out', type: 'symlink', linkname: site.site }]),
  },
  {
    kind: 'hardlink to the sentinel file outside, then a write through it',
    reason: 'link',
    archive: (site) =>
      craftTarGz([
        ...PRELUDE,
        { name: 'hard', type: 'link', linkname: join(site.site, 'sentinel.txt') },
        { name: 'hard', content: 'overwritten' },
      ]),
  },
  {
    kind: 'hardlink climbing out with ..',
    reason: 'link',
    archive: withPrelude({ name: 'hard', type: 'link', linkname: '../../../sentinel.txt' }),
  },
  {
    kind: 'character device (/dev/null)',
    reason: 'special-file',
    archive: withPrelude({ name: 'null', type: 'character-device', devmajor: 1, devminor: 3 }),
  },
  {
    kind: 'block device (/dev/sda)',
    reason: 'special-file',
    archive: withPrelude({ name: 'sda', type: 'block-device', devmajor: 8, devminor: 0 }),
  },
  {
    kind: 'FIFO',
    reason: 'special-file',
    archive: withPrelude({ name: 'pipe', type: 'fifo' }),
  },
  {
    kind: 'duplicate names (chroma.sqlite3, ./chroma.sqlite3)',
    reason: 'duplicate-entry',
    archive: withPrelude({ name: './chroma.sqlite3', content: 'replaced' }),
  },
  {
    kind: 'a path under a file (seg/data_level0.bin/x)',
    reason: 'duplicate-entry',
    archive: withPrelude({ name: 'seg/data_level0.bin/x', content: 'x' }),
  },
  {
    kind: 'a file where a directory was (seg)',
    reason: 'duplicate-entry',
    archive: withPrelude({ name: 'seg', content: 'not a directory' }),
  },
  {
    // tar-stream refuses a pax path holding NUL as an invalid header, before the name rules
    // (which also refuse NUL) see it: the archive is refused as corrupt.
    kind: 'a NUL byte in a pax path',
    reason: 'corrupt',
    archive: withPrelude({ name: 'harmless.txt', pax: { path: 'evil\0.txt' }, content: 'x' }),
  },
  {
    kind: 'backslashes (..\\..\\..\\escaped.txt)',
    reason: 'invalid-path',
    archive: withPrelude({ name: '..\\..\\..\\escaped.txt', content: 'escaped' }),
  },
  {
    kind: 'a file named like the destination (.)',
    reason: 'invalid-path',
    archive: withPrelude({ name: '.', content: 'x' }),
  },
  {
    kind: 'truncated gzip (last 100 bytes cut)',
    reason: 'corrupt',
    archive: async () => {
      const whole = await craftTarGz([...PRELUDE, { name: 'big.bin', content: 'y'.repeat(9000) }]);
      return whole.subarray(0, whole.length - 100);
    },
  },
  {
    kind: 'bytes that are not gzip',
    reason: 'corrupt',
    archive: async () => Buffer.from((await craftTarGz(PRELUDE)).toString('base64')),
  },
  {
    kind: 'more entries than maxEntries (60 > 50)',
    reason: 'too-many-entries',
    archive: () => craftTarGz(files(60)),
    limits: { maxEntries: 50 },
  },
  {
    kind: 'an entry over maxEntryBytes',
    reason: 'entry-too-large',
    archive: withPrelude({ name: 'big.bin', content: Buffer.alloc(4096, 1) }),
    limits: { maxEntryBytes: 4095 },
  },
  {
    kind: 'gzip bomb: 1 GiB of zeros in one entry, against maxTotalBytes',
    reason: 'too-large',
    archive: () => gzipBomb({ inflatedBytes: BOMB_BYTES, name: 'seg/huge.bin', leading: PRELUDE }),
    limits: { maxTotalBytes: BOMB_LIMIT },
    bomb: true,
  },
  {
    kind: 'gzip bomb: 1 GiB of zeros that are no tar (default limits)',
    reason: 'too-large',
    archive: () => gzipOfZeros(BOMB_BYTES),
    bomb: true,
  },
];

/** A delta tarball fed to `readDelta`, and the check it must fail. */
export interface DeltaKind {
  readonly kind: string;
  readonly check: DeltaCheck;
  readonly archive: (delta: DeltaParts, site: HostileSite) => Promise<Buffer>;
  readonly options?: Pick<ReadDeltaOptions, 'maxBytes'>;
  readonly bomb?: true;
}

/** The entries of a real delta written by `writeDelta`. */
export interface DeltaParts {
  readonly manifest: CraftedEntry;
  readonly records: CraftedEntry;
  readonly embeddings: CraftedEntry;
}

/** The delta's manifest JSON, edited on a copy and re-serialised. */
const editedManifest = (
  parts: DeltaParts,
  edit: (
    manifest: Record<string, unknown> & {
      entries: Record<string, { size: number; sha256: string }>;
    },
  ) => void,
): CraftedEntry => {
  const manifest = JSON.parse(String(parts.manifest.content));
  edit(manifest);
  return { name: 'manifest.json', content: `${JSON.stringify(manifest, null, 2)}\n` };
};

export const DELTA_KINDS: readonly DeltaKind[] = [
  {
    kind: 'path traversal (../../../records.ndjson)',
    check: 'entry-path',
    archive: (d) => craftTarGz([d.manifest, { ...d.records, name: '../../../records.ndjson' }]),
  },
  {
    kind: 'absolute path',
    check: 'entry-path',
    archive: (d, site) =>
      craftTarGz([d.manifest, { ...d.records, name: join(site.site, 'records.ndjson') }]),
  },
  {
    // Refused by tar-stream's header parser (see the snapshot kind of the same name).
    kind: 'a NUL byte in a pax path',
    check: 'archive',
    archive: (d) => craftTarGz([d.manifest, { ...d.records, pax: { path: 'records.ndjson\0' } }]),
  },
  {
    kind: 'backslash (..\\records.ndjson)',
    check: 'entry-path',
    archive: (d) => craftTarGz([d.manifest, { ...d.records, name: '..\\records.ndjson' }]),
  },
  {
    kind: 'symlink named records.ndjson pointing outside',
    check: 'entry-type',
    archive: (d) =>
      craftTarGz([
        d.manifest,
        { name: 'records.ndjson', type: 'symlink', linkname: '../../../sentinel.txt' },
      ]),
  },
  {
    kind: 'hardlink named records.ndjson to the sentinel',
    check: 'entry-type',
    archive: (d, site) =>
      craftTarGz([
        d.manifest,
        { name: 'records.ndjson', type: 'link', linkname: join(site.site, 'sentinel.txt') },
      ]),
  },
  {
    kind: 'character device named embeddings.f32',
    check: 'entry-type',
    archive: (d) =>
      craftTarGz([
        d.manifest,
        d.records,
        { name: 'embeddings.f32', type: 'character-device', devmajor: 1, devminor: 5 },
      ]),
  },
  {
    kind: 'FIFO named embeddings.f32',
    check: 'entry-type',
    archive: (d) => craftTarGz([d.manifest, d.records, { name: 'embeddings.f32', type: 'fifo' }]),
  },
  {
    kind: 'a symlink as the manifest',
    check: 'entry-type',
    archive: () =>
      craftTarGz([{ name: 'manifest.json', type: 'symlink', linkname: '/etc/passwd' }]),
  },
  {
    kind: 'duplicate records.ndjson',
    check: 'entry-duplicate',
    archive: (d) => craftTarGz([d.manifest, d.records, { ...d.records, name: './records.ndjson' }]),
  },
  {
    kind: 'a second manifest',
    check: 'entry-duplicate',
    archive: (d) => craftTarGz([d.manifest, d.records, d.manifest, d.embeddings]),
  },
  {
    kind: 'an entry the format does not have',
    check: 'entry-unknown',
    archive: (d) =>
      craftTarGz([d.manifest, d.records, { name: 'payload.sh', content: 'rm -rf /' }]),
  },
  {
    kind: 'an entry missing',
    check: 'entry-missing',
    archive: (d) => craftTarGz([d.manifest, d.records]),
  },
  {
    kind: 'data before the manifest',
    check: 'manifest-missing',
    archive: (d) => craftTarGz([d.records, d.manifest, d.embeddings]),
  },
  {
    kind: 'truncated gzip (last 100 bytes cut)',
    check: 'archive',
    archive: async (d) => {
      const whole = await craftTarGz([d.manifest, d.records, d.embeddings]);
      return whole.subarray(0, whole.length - 100);
    },
  },
  {
    kind: 'lying manifest: SHA-256 of records.ndjson',
    check: 'entry-sha256',
    archive: (d) =>
      craftTarGz([
        editedManifest(d, (m) => {
          m.entries['records.ndjson'] = {
            size: Buffer.byteLength(d.records.content ?? ''),
            sha256: sha256Hex('something else'),
          };
        }),
        d.records,
        d.embeddings,
      ]),
  },
  {
    kind: 'lying manifest: size of embeddings.f32',
    check: 'entry-size',
    archive: (d) =>
      craftTarGz([
        editedManifest(d, (m) => {
          const info = m.entries['embeddings.f32'];
          if (info !== undefined) info.size += 4;
        }),
        d.records,
        d.embeddings,
      ]),
  },
  {
    kind: 'lying manifest: record count (digests consistent)',
    check: 'count',
    archive: (d) =>
      craftTarGz([
        editedManifest(d, (m) => {
          m['count'] = Number(m['count']) + 1;
        }),
        d.records,
        d.embeddings,
      ]),
  },
  {
    kind: 'lying manifest: dimension (digests consistent)',
    check: 'dimension',
    archive: (d) =>
      craftTarGz([
        editedManifest(d, (m) => {
          m['dimension'] = Number(m['dimension']) * 2;
        }),
        d.records,
        d.embeddings,
      ]),
  },
  {
    kind: 'gzip bomb: 1 GiB of zeros before any manifest, against maxBytes',
    check: 'too-large',
    archive: () => gzipBomb({ inflatedBytes: BOMB_BYTES, name: 'chroma-data.bin' }),
    options: { maxBytes: BOMB_LIMIT },
    bomb: true,
  },
  {
    kind: 'gzip bomb: 1 GiB of zeros that are no tar (default limits)',
    check: 'too-large',
    archive: async () => gzipOfZeros(BOMB_BYTES),
    bomb: true,
  },
];

/** A stored snapshot version tampered with before `downloadSnapshot` reads it. */
export interface DownloadKind {
  readonly kind: string;
  readonly check: SnapshotCheck;
  readonly tamper: (version: StoredVersion) => Promise<void>;
  /** Read through `SnapshotCache.ensure` instead of `downloadSnapshot`. */
  readonly viaCache?: true;
}

/** A version as published, and how to rewrite its objects. */
export interface StoredVersion {
  readonly store: FileSystemObjectStore;
  readonly version: string;
  readonly manifest: SnapshotManifest;
  readonly site: HostileSite;
  putManifest(manifest: SnapshotManifest): Promise<void>;
  /** Replaces the tarball, with a manifest and `.snapshot_hash` that match it exactly. */
  replaceTarball(tarball: Buffer): Promise<void>;
}

export const DOWNLOAD_KINDS: readonly DownloadKind[] = [
  {
    kind: 'lying snapshot manifest: tarball SHA-256',
    check: 'sha256',
    tamper: (v) =>
      v.putManifest({ ...v.manifest, tarball: { ...v.manifest.tarball, sha256: sha256Hex('') } }),
  },
  {
    kind: 'lying snapshot manifest: tarball size',
    check: 'size',
    tamper: (v) =>
      v.putManifest({
        ...v.manifest,
        tarball: { ...v.manifest.tarball, size: v.manifest.tarball.size + 1 },
      }),
  },
  {
    kind: 'lying snapshot manifest: a file the tarball lacks',
    check: 'files',
    tamper: (v) =>
      v.putManifest({
        ...v.manifest,
        files: [...v.manifest.files, { path: 'ghost.bin', size: 1 }],
      }),
  },
  {
    kind: 'lying snapshot manifest: a file size',
    check: 'files',
    tamper: (v) =>
      v.putManifest({
        ...v.manifest,
        files: v.manifest.files.map((file, index) =>
          index === 0 ? { ...file, size: file.size + 1 } : file,
        ),
      }),
  },
  {
    kind: 'lying snapshot manifest: gzip members (a member claims 512 tar bytes more)',
    check: 'archive',
    tamper: (v) => {
      let shift = 0;
      const members = v.manifest.members.map((member, index) => {
        const lied = { ...member, tarOffset: member.tarOffset + shift };
        if (index !== 0) return lied;
        shift = 512;
        return { ...lied, tarSize: member.tarSize + 512 };
      });
      return v.putManifest({ ...v.manifest, members });
    },
  },
  {
    kind: 'lying snapshot manifest: another version',
    check: 'manifest',
    tamper: (v) => v.putManifest({ ...v.manifest, version: '20200101_000000_000000_deadbeef' }),
  },
  {
    kind: 'lying .snapshot_hash',
    check: 'snapshot-hash',
    tamper: async (v) => {
      await v.store.put(keys.object(v.version, SNAPSHOT_HASH), `md5:${md5Hex('')}`);
    },
  },
  {
    kind: 'path traversal behind a manifest that matches it',
    check: 'archive',
    tamper: async (v) =>
      v.replaceTarball(
        await craftTarGz([...PRELUDE, { name: '../../../escaped.txt', content: 'x' }]),
      ),
  },
  {
    kind: 'symlink escape behind a matching manifest, through SnapshotCache.ensure',
    check: 'archive',
    viaCache: true,
    tamper: async (v) =>
      v.replaceTarball(
        await craftTarGz([
          ...PRELUDE,
          { name: 'seg/out', type: 'symlink', linkname: v.site.site },
          { name: 'seg/out/escaped.txt', content: 'x' },
        ]),
      ),
  },
];
