import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runReceiptChroma } from '../../helpers/cliRun.js';
import { useTempRoot } from '../../helpers/snapshotTrees.js';

/**
 * `query` against a stand-in for `chroma run` (tests/helpers/fakeChromaServer.mjs) that
 * answers as told: how the command reads Chroma's answers and reports its failures. The real
 * server: tests/integration/cli/query.test.ts.
 */

const FAKE_CHROMA = fileURLToPath(new URL('../../helpers/fakeChromaServer.mjs', import.meta.url));
const chroma = { command: [process.execPath, FAKE_CHROMA], startupTimeoutMs: 20_000 };
const ID = 'IMAGE#3f52804b-2fad-4e00-92c8-b593da3a8ed3#RECEIPT#00001#LINE#00002';
const LINES = { status: 200, body: { id: 'c0ffee00-0000-4000-8000-000000000001', name: 'lines' } };
/** Chroma's answer to `get` for the record, without a document. */
const RECORD = {
  status: 200,
  body: {
    ids: [ID],
    embeddings: [[1, 0, 1]],
    documents: [null],
    metadatas: null,
    uris: null,
    include: ['embeddings', 'documents'],
  },
};
const failed = (message: string) => ({
  status: 500,
  body: { error: 'InternalError', message },
});

interface FakeEvent {
  event: 'start' | 'request' | 'SIGINT';
  url?: string;
  body?: Record<string, unknown> | null;
}

describe('receipt-chroma query (a stand-in Chroma)', () => {
  const temp = useTempRoot('cli-query-');
  /** A persist directory whose server answers as `config` says. */
  const persistDir = async (config: Record<string, unknown>): Promise<string> => {
    await writeFile(join(temp.root, 'chroma.sqlite3'), '');
    await writeFile(join(temp.root, 'fake-chroma.json'), JSON.stringify(config));
    return temp.root;
  };
  const events = async (): Promise<FakeEvent[]> =>
    (await readFile(join(temp.root, 'fake-chroma.log'), 'utf8'))
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as FakeEvent);

  it.each([
    [
      'the lookup of the collection fails',
      { collections: { lines: failed('database is locked') } },
      'Chroma failed to open the collection: HTTP 500: {"error":"InternalError","message":"database is locked"}',
    ],
    [
      'the lookup names no collection id',
      { collections: { lines: { status: 200, body: { name: 'lines' } } } },
      'Chroma failed to open the collection: no collection id in {"name":"lines"}',
    ],
    [
      'reading the record fails',
      { collections: { lines: LINES }, get: failed('segment is corrupt') },
      'Chroma failed to get the record: segment is corrupt',
    ],
    [
      'the neighbour query fails',
      { collections: { lines: LINES }, get: RECORD, query: failed('HNSW index is missing') },
      'Chroma failed to query the neighbours: HNSW index is missing',
    ],
  ])('exits 1 with one line when %s, and stops the server', async (_, config, reason) => {
    // Prepare
    const dir = await persistDir(config);

    // Act
    const run = await runReceiptChroma(['query', 'lines', ID, '--dir', dir], { chroma });

    // Assess
    expect(run).toMatchObject({ code: 1, stdout: '', stderr: `receipt-chroma: ${reason}\n` });
    expect((await events()).at(-1)?.event).toBe('SIGINT');
  });

  it('asks for one neighbour more than --limit, and prints - for what Chroma leaves out', async () => {
    // Prepare: the record and a neighbour without a document; an answer without distances
    const dir = await persistDir({
      collections: { lines: LINES },
      get: RECORD,
      query: {
        status: 200,
        body: {
          ids: [[ID, 'neighbour-1', 'neighbour-2']],
          distances: null,
          documents: [[null, null, 'TAX 0.20']],
          metadatas: [[null, { line_id: 1 }, null]],
          embeddings: null,
          uris: null,
          include: ['documents', 'metadatas'],
        },
      },
    });

    // Act
    const table = await runReceiptChroma(['query', 'lines', ID, '--dir', dir, '-n', '2'], {
      chroma,
    });
    const json = await runReceiptChroma(['query', 'lines', ID, '--dir', dir, '--json'], {
      chroma,
    });

    // Assess
    expect(table.stderr).toBe('');
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(new RegExp(`^record:\\s+${ID}\\ndocument:\\s+-\\n`));
    expect(table.stdout.trimEnd().split('\n').slice(-3)).toEqual([
      expect.stringMatching(/^#\s+ID\s+DISTANCE\s+DOCUMENT$/),
      expect.stringMatching(/^1\s+neighbour-1\s+-\s+-$/),
      expect.stringMatching(/^2\s+neighbour-2\s+-\s+TAX 0\.20$/),
    ]);
    expect(json.json()).toEqual({
      collection: 'lines',
      dir,
      id: ID,
      document: null,
      neighbours: [
        { id: 'neighbour-1', distance: null, document: null, metadata: { line_id: 1 } },
        { id: 'neighbour-2', distance: null, document: 'TAX 0.20', metadata: null },
      ],
    });
    const queries = (await events())
      .filter((event) => event.url?.endsWith('/query'))
      .map((event) => event.body ?? {});
    expect(queries.map((query) => [query['n_results'], query['query_embeddings']])).toEqual([
      [3, [[1, 0, 1]]],
      [6, [[1, 0, 1]]],
    ]);
  });

  it.each([
    ['finds only the record itself', { ids: [[ID]], distances: [[0]], documents: [[null]] }],
    ['finds nothing', { ids: [], distances: [], documents: [] }],
  ])('says there are no other records when the query %s', async (_, found) => {
    // Prepare
    const dir = await persistDir({
      collections: { lines: LINES },
      get: RECORD,
      query: { status: 200, body: { ...found, metadatas: null, include: [] } },
    });

    // Act
    const table = await runReceiptChroma(['query', 'lines', ID, '--dir', dir], { chroma });
    const json = await runReceiptChroma(['query', 'lines', ID, '--dir', dir, '--json'], {
      chroma,
    });

    // Assess
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/\nNo other records\.\n$/);
    expect(json.json()).toMatchObject({ document: null, neighbours: [] });
  });
});
