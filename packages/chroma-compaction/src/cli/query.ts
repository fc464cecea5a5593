import { Argument, Command } from 'commander';
import { COLLECTIONS_PATH } from '../adapters/chroma/chromaRoutes.js';
import type { CollectionName } from '../compaction/types.js';
import { errorMessage } from '../errors.js';
import type { CliSession, CommandContext, CommonOptions } from './CliSession.js';
import { chromaStartOptions } from './chromaStart.js';
import {
  collectionArgument,
  integerValue,
  withExamples,
  withSharedOptions,
} from './commandOptions.js';
import { CliError } from './errors.js';
import { persistDirectory } from './localFiles.js';
import { formatFields, formatTable } from './output.js';

/** Options of `query`. */
interface QueryOptions extends CommonOptions {
  readonly dir: string;
  readonly limit: number;
}

/** Runs a Chroma request, turning its failure into a one-line error. */
const chroma = async <T>(what: string, request: () => Promise<T>): Promise<T> => {
  try {
    return await request();
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError(`Chroma failed to ${what}: ${errorMessage(error)}`, { cause: error });
  }
};

/**
 * The id of a collection, looked up over HTTP: the client's lookup by name would try to load
 * the embedding function a Python producer recorded (and warn when it is not installed).
 */
const collectionId = async (url: string, name: string, dir: string): Promise<string> => {
  const response = await fetch(`${url}${COLLECTIONS_PATH}/${encodeURIComponent(name)}`);
  const body = await response.text();
  if (response.status === 404) throw new CliError(`${dir} has no collection "${name}"`);
  if (!response.ok) throw new Error(`HTTP ${response.status}: ${body}`);
  const id = (JSON.parse(body) as { id?: unknown } | null)?.id;
  if (typeof id !== 'string') throw new Error(`no collection id in ${body}`);
  return id;
};

const query = async (
  context: CommandContext,
  collection: CollectionName,
  id: string,
  options: QueryOptions,
): Promise<void> => {
  const dir = await persistDirectory(options.dir, '--dir');
  const { openSnapshot } = await import('../adapters/chroma/openSnapshot.js');
  const snapshot = await openSnapshot(dir, chromaStartOptions(context.io));
  context.defer(() => snapshot.close());
  const handle = snapshot.client.collection(
    await chroma('open the collection', () => collectionId(snapshot.url, collection, dir)),
  );
  const record = await chroma('get the record', () =>
    handle.get({ ids: [id], include: ['embeddings', 'documents'] }),
  );
  const embedding = record.embeddings[0];
  if (record.ids.length === 0 || embedding === undefined) {
    throw new CliError(`no record "${id}" in ${collection} at ${dir}`);
  }
  const found = await chroma('query the neighbours', () =>
    handle.query({
      queryEmbeddings: [embedding],
      nResults: options.limit + 1,
      include: ['distances', 'documents', 'metadatas'],
    }),
  );
  const neighbours = (found.ids[0] ?? [])
    .map((neighbour, index) => ({
      id: neighbour,
      distance: found.distances[0]?.[index] ?? null,
      document: found.documents[0]?.[index] ?? null,
      metadata: found.metadatas[0]?.[index] ?? null,
    }))
    .filter((neighbour) => neighbour.id !== id)
    .slice(0, options.limit);
  const document = record.documents[0] ?? null;
  context.result({ collection, dir, id, document, neighbours }, () => {
    const fields = formatFields([
      ['record', id],
      ['document', document ?? '-'],
    ]);
    const table = formatTable(
      neighbours.map((neighbour, index) => ({ ...neighbour, rank: index + 1 })),
      [
        { header: '#', cell: (row) => String(row.rank), right: true },
        { header: 'ID', cell: (row) => row.id },
        { header: 'DISTANCE', cell: (row) => row.distance?.toFixed(4) ?? '-', right: true },
        { header: 'DOCUMENT', cell: (row) => row.document ?? '-' },
      ],
    );
    return `${fields}\n${neighbours.length === 0 ? 'No other records.\n' : table}`;
  });
};

/**
 * The `query` command: the nearest neighbours of a stored record in a pulled snapshot,
 * served by a local Chroma for the duration of the command.
 * @param session - The run the command belongs to.
 */
export const queryCommand = (session: CliSession): Command =>
  withExamples(
    withSharedOptions(
      new Command('query')
        .description(
          "print the nearest neighbours of a stored record in a pulled snapshot (see 'snapshot pull')",
        )
        .addArgument(collectionArgument())
        .addArgument(
          new Argument(
            '<id>',
            'the Chroma id of the record, e.g. IMAGE#…#RECEIPT#00001#LINE#00002',
          ),
        )
        .requiredOption('--dir <dir>', 'the snapshot: a Chroma persist directory')
        .option('-n, --limit <n>', 'how many neighbours', integerValue(1, 1000), 5)
        .action(
          session.action<QueryOptions>((context, [collection, id], options) =>
            query(context, collection as CollectionName, id as string, options),
          ),
        ),
      {},
    ),
    [
      'receipt-chroma snapshot pull lines --bucket my-chroma-bucket --dest ./lines',
      "receipt-chroma query lines 'IMAGE#3f52804b-2fad-4e00-92c8-b593da3a8ed3#RECEIPT#00001#LINE#00002' --dir ./lines -n 3",
    ],
  );
