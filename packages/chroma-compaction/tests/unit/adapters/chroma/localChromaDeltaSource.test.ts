import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  type LocalChromaDeltaSourceOptions,
  localChromaDeltaSource,
} from '../../../../src/adapters/chroma/localChromaDeltaSource.js';
import { DeltaIntegrityError } from '../../../../src/deltas/errors.js';
import type { DeltaRecord } from '../../../../src/deltas/types.js';
import { VectorStoreError } from '../../../../src/errors.js';

/**
 * `localChromaDeltaSource` against a stand-in for `chroma run` (`fakeChromaServer.mjs`, on
 * loopback like the fake of startLocalChroma.test.ts): paging, errors, and that the server is
 * stopped however the reading ends. Real persist directories: tests/integration/deltas.
 */

const FAKE_SERVER = fileURLToPath(
  new URL('../../../helpers/fakeChromaServer.mjs', import.meta.url),
);
const LINE = 'IMAGE#3f52804b-2fad-4e00-92c8-b593da3a8ed3#RECEIPT#00001#LINE#';

/** Five lines: with pages of 2 they come as 2, 2 and 1. */
const ROWS = Array.from({ length: 5 }, (_, index) => ({
  id: `${LINE}${String(index + 1).padStart(5, '0')}`,
  embedding: [index, 0.5],
  document: `LINE ${index + 1}`,
  metadata: { line_id: index + 1 },
}));

interface FakeEvent {
  readonly event: 'start' | 'request' | 'SIGINT';
  readonly args?: string[];
  readonly url?: string;
  readonly body?: { limit: number; offset: number; include: string[] } | null;
}

let dir: string;
/** The fake's log, in the persist directory every test reads. */
let record: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'local-chroma-delta-source-'));
  record = join(dir, 'persist', 'fake-chroma.log');
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/**
 * Options running the fake server on `<dir>/persist` holding these collections, with
 * `answers` (e.g. a scripted `get`) in its `fake-chroma.json`.
 */
const fake = (
  records: Record<string, unknown[]>,
  answers: Record<string, unknown> = {},
  overrides: Partial<LocalChromaDeltaSourceOptions> = {},
): LocalChromaDeltaSourceOptions => {
  mkdirSync(join(dir, 'persist'), { recursive: true });
  writeFileSync(join(dir, 'persist', 'fake-chroma.json'), JSON.stringify({ records, ...answers }));
  return { command: [process.execPath, FAKE_SERVER], cliPath: false, ...overrides };
};

const events = (): FakeEvent[] =>
  existsSync(record)
    ? readFileSync(record, 'utf8')
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as FakeEvent)
    : [];

const named = (name: FakeEvent['event']): FakeEvent[] =>
  events().filter((event) => event.event === name);

/** What each `get` the server received asked for. */
const gets = (): FakeEvent['body'][] =>
  named('request')
    .filter((event) => event.url?.endsWith('/get'))
    .map((event) => event.body);

const readAll = async (pages: AsyncIterable<readonly DeltaRecord[]>): Promise<DeltaRecord[][]> => {
  const read: DeltaRecord[][] = [];
  for await (const page of pages) read.push([...page]);
  return read;
};

const catchError = async (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => undefined,
    (error: unknown) => error,
  );

describe('Function: localChromaDeltaSource', { timeout: 30_000 }, () => {
  it('reads pages of records until a short page, then stops the server', async () => {
    // Prepare
    const source = localChromaDeltaSource(fake({ lines: ROWS }));
    const path = join(dir, 'persist');

    // Act
    const pages = await readAll(source.readRecords(path, 'lines', 2));

    // Assess
    expect(pages).toEqual([ROWS.slice(0, 2), ROWS.slice(2, 4), ROWS.slice(4)]);
    expect(named('start')[0]?.args?.slice(0, 3)).toEqual(['run', '--path', resolve(path)]);
    expect(gets()).toEqual(
      [0, 2, 4].map((offset) => ({
        limit: 2,
        offset,
        include: ['embeddings', 'documents', 'metadatas'],
      })),
    );
    expect(named('SIGINT')).toHaveLength(1);
  });

  it('asks once more after a full last page and yields no empty page', async () => {
    // Prepare
    const source = localChromaDeltaSource(fake({ lines: ROWS.slice(0, 4) }));

    // Act
    const pages = await readAll(source.readRecords(join(dir, 'persist'), 'lines', 2));

    // Assess
    expect(pages.map((page) => page.length)).toEqual([2, 2]);
    expect(gets().map((query) => query?.offset)).toEqual([0, 2, 4]);
    expect(named('SIGINT')).toHaveLength(1);
  });

  it('gives records without document or metadata as null', async () => {
    // Prepare
    const row = { id: ROWS[0]?.id, embedding: [1, 2], document: null, metadata: null };
    const source = localChromaDeltaSource(fake({ lines: [row] }));

    // Act
    const pages = await readAll(source.readRecords(join(dir, 'persist'), 'lines', 2));

    // Assess
    expect(pages).toEqual([[row]]);
  });

  it('rejects with DeltaIntegrityError python-delta when the collection is missing', async () => {
    // Prepare
    const source = localChromaDeltaSource(fake({ words: [] }));
    const path = join(dir, 'persist');

    // Act
    const error = await catchError(readAll(source.readRecords(path, 'lines', 2)));

    // Assess
    expect(error).toBeInstanceOf(DeltaIntegrityError);
    expect(error).toMatchObject({ check: 'python-delta', prefix: path });
    expect((error as Error).message).toContain(
      'without collection "lines" (it holds only "words")',
    );
    expect(gets()).toEqual([]);
    expect(named('SIGINT')).toHaveLength(1);
  });

  it('stops the server when the consumer stops after the first page', async () => {
    // Prepare
    const source = localChromaDeltaSource(fake({ lines: ROWS }));
    let seen = 0;

    // Act
    for await (const page of source.readRecords(join(dir, 'persist'), 'lines', 2)) {
      seen += page.length;
      break;
    }

    // Assess
    expect(seen).toBe(2);
    expect(gets()).toHaveLength(1);
    expect(named('SIGINT')).toHaveLength(1);
  });

  it('rejects with VectorStoreError when Chroma fails a get, and stops the server', async () => {
    // Prepare
    const source = localChromaDeltaSource(
      fake(
        { lines: ROWS },
        {
          get: { status: 500, body: { error: 'InternalError', message: 'segment is corrupt' } },
        },
      ),
    );

    // Act
    const error = await catchError(readAll(source.readRecords(join(dir, 'persist'), 'lines', 2)));

    // Assess
    expect(error).toBeInstanceOf(VectorStoreError);
    expect(error).toMatchObject({ collection: 'lines', operation: 'get' });
    expect(named('SIGINT')).toHaveLength(1);
  });

  it('starts nothing before iteration, and refuses a page size that is not a positive integer', async () => {
    // Prepare
    const source = localChromaDeltaSource(fake({ lines: ROWS }));

    // Act
    const pages = source.readRecords(join(dir, 'persist'), 'lines', 0);
    const startedEarly = existsSync(record);
    const error = await catchError(readAll(pages));

    // Assess
    expect(startedEarly).toBe(false);
    expect(error).toBeInstanceOf(RangeError);
    expect(existsSync(record)).toBe(false);
  });

  it('logs one line per delta read through the given logger', async () => {
    // Prepare
    const logger = { debug: vi.fn(), info: vi.fn(), warn: vi.fn(), error: vi.fn() };
    const source = localChromaDeltaSource(fake({ lines: ROWS }, {}, { logger }));
    const path = join(dir, 'persist');

    // Act
    await readAll(source.readRecords(path, 'lines', 2));

    // Assess
    expect(logger.info).toHaveBeenCalledOnce();
    expect(logger.info).toHaveBeenCalledWith('Read Python-era delta', {
      path,
      collection: 'lines',
      count: 5,
      durationMs: expect.any(Number),
    });
    expect(logger.warn).not.toHaveBeenCalled();
  });
});
