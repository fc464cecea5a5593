/**
 * `snapshot list` and `snapshot show`: what is stored for a collection's versions, read
 * without downloading them.
 * @packageDocumentation
 */
import type { CollectionName } from '../compaction/types.js';
import {
  listSnapshotVersions,
  readSnapshotVersion,
  type SnapshotVersionInfo,
} from '../snapshots/snapshotVersions.js';
import type { CommandContext, CommonOptions } from './CliSession.js';
import type { AwsOptions, StoreOptions } from './commandOptions.js';
import { CliError } from './errors.js';
import { formatBytes, formatCount, formatFields, formatTable, formatTime } from './output.js';
import { currentOrNamedVersion } from './snapshotVersion.js';
import { openObjectStore } from './stores.js';

/** Options of `snapshot list` and `snapshot show`. */
export type SnapshotReadOptions = CommonOptions & StoreOptions & AwsOptions;

/** The records of `collection` a version's manifest counts, when it does. */
const recordsOf = (info: SnapshotVersionInfo, collection: CollectionName): number | undefined => {
  const counts = info.manifest?.recordCounts;
  if (counts === null || counts === undefined) return undefined;
  return counts[collection] ?? Object.values(counts).reduce((sum, count) => sum + count, 0);
};

/** One word for a version's state. */
const stateOf = (info: SnapshotVersionInfo): string => {
  if (!info.complete) return 'incomplete';
  if (info.manifestProblem !== undefined) return 'invalid manifest';
  return info.manifest === null ? 'complete, no manifest' : 'complete';
};

/** A version as `snapshot list --json` prints it. */
const summary = (info: SnapshotVersionInfo, collection: CollectionName) => ({
  version: info.version,
  current: info.current,
  createdAt: info.createdAt?.toISOString() ?? null,
  size: info.size,
  records: recordsOf(info, collection) ?? null,
  layout: info.layout,
  complete: info.complete,
  manifest:
    info.manifestProblem !== undefined ? 'invalid' : info.manifest === null ? 'none' : 'valid',
  parent: info.manifest?.parent ?? null,
  fence: info.manifest?.fence ?? null,
});

/**
 * `snapshot list COLLECTION`: the versions, newest first, with when they were published,
 * their size and records, and which one is current.
 * @param context - The command's context.
 * @param collection - The collection.
 * @param options - The command's options.
 */
export const listSnapshots = async (
  context: CommandContext,
  collection: CollectionName,
  options: SnapshotReadOptions,
): Promise<void> => {
  const store = await openObjectStore(context, options);
  const { current, versions } = await listSnapshotVersions(store, collection);
  const rows = versions.map((info) => summary(info, collection));
  context.result({ collection, current: current ?? null, versions: rows }, () => {
    if (versions.length === 0) {
      return `No versions of ${collection} are stored${current === undefined ? '' : `, but the pointer names ${current}`}.\n`;
    }
    const table = formatTable(versions, [
      { header: ' ', cell: (info) => (info.current ? '*' : '') },
      { header: 'VERSION', cell: (info) => info.version },
      { header: 'CREATED', cell: (info) => formatTime(info.createdAt) },
      { header: 'SIZE', cell: (info) => formatBytes(info.size), right: true },
      { header: 'RECORDS', cell: (info) => formatCount(recordsOf(info, collection)), right: true },
      { header: 'STATE', cell: stateOf },
    ]);
    const pointer =
      current === undefined
        ? 'No pointer: the collection has no current version.'
        : versions.some((info) => info.current)
          ? `* current (named by the pointer)`
          : `The pointer names ${current}, which has no objects.`;
    return `${table}${pointer}\n`;
  });
};

/** The text of `snapshot show` for one version. */
const describeVersion = (info: SnapshotVersionInfo, collection: CollectionName): string => {
  const { manifest } = info;
  const manifestLine =
    info.manifestProblem !== undefined
      ? `invalid: ${info.manifestProblem}`
      : manifest === null
        ? 'none (a version the Python package wrote)'
        : undefined;
  const counts = manifest?.recordCounts;
  const fields = formatFields([
    ['collection', collection],
    ['version', info.version],
    ['current', info.current ? 'yes' : 'no'],
    ['layout', info.layout],
    ['state', stateOf(info)],
    ['created', formatTime(info.createdAt)],
    ['size', formatBytes(info.size)],
    ['manifest', manifestLine],
    ['parent', manifest === null ? undefined : (manifest.parent ?? '(none: first version)')],
    ['producer', manifest?.producer],
    ['fence', manifest === null ? undefined : (manifest.fence ?? '(published without a lock)')],
    ['sha256', manifest?.tarball.sha256],
    ['md5', manifest?.tarball.md5],
    ['gzip members', manifest?.members.length],
    [
      'records',
      counts === null || counts === undefined
        ? undefined
        : Object.entries(counts)
            .map(([name, count]) => `${name} ${formatCount(count)}`)
            .join(', '),
    ],
    [
      'metadata',
      manifest === null || Object.keys(manifest.metadata).length === 0
        ? undefined
        : Object.entries(manifest.metadata)
            .map(([name, value]) => `${name}=${value}`)
            .join(', '),
    ],
  ]);
  const files =
    manifest === null
      ? formatTable(info.objects, [
          { header: 'OBJECT', cell: (object) => object.key },
          { header: 'SIZE', cell: (object) => formatBytes(object.size), right: true },
        ])
      : formatTable(manifest.files, [
          { header: 'FILE', cell: (file) => file.path },
          { header: 'SIZE', cell: (file) => formatBytes(file.size), right: true },
        ]);
  return `${fields}\n${files}`;
};

/**
 * `snapshot show COLLECTION [VERSION]`: one version (the current one by default) with its
 * manifest, or its objects when it has none.
 * @param context - The command's context.
 * @param collection - The collection.
 * @param version - The version; `undefined` for the current one.
 * @param options - The command's options.
 * @throws NoSnapshotError when no version is given and the collection has no pointer
 * @throws CliError when the version has no objects
 */
export const showSnapshot = async (
  context: CommandContext,
  collection: CollectionName,
  version: string | undefined,
  options: SnapshotReadOptions,
): Promise<void> => {
  const store = await openObjectStore(context, options);
  const named = await currentOrNamedVersion(store, collection, version);
  const info = await readSnapshotVersion(store, collection, named);
  if (info === undefined) {
    throw new CliError(
      version === undefined
        ? `the pointer of ${collection} names version ${named}, which has no objects`
        : `version ${named} of ${collection} does not exist`,
    );
  }
  context.result(
    {
      collection,
      ...summary(info, collection),
      manifest: info.manifest,
      manifestProblem: info.manifestProblem ?? null,
      objects: info.objects.map((object) => ({
        key: object.key,
        size: object.size,
        lastModified: object.lastModified?.toISOString() ?? null,
      })),
    },
    () => describeVersion(info, collection),
  );
};
