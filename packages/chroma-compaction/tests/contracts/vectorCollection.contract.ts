import { afterEach, describe, expect, it } from 'vitest';
import { VectorStoreError } from '../../src/errors.js';
import type { Metadata, VectorCollection, Where } from '../../src/ports/vectorCollection.js';

/** A fresh, empty collection (unique name) plus a view of the requests it sends. */
export interface VectorCollectionFixture {
  readonly collection: VectorCollection;
  /** How many write requests (upsert, update, delete) reached the store so far. */
  writeRequests(): number;
  /** How many write requests one write call of `records` records should take. */
  expectedWriteRequests(records: number): number;
  /** Removes the collection (optional). */
  dispose?(): Promise<void>;
}

/** Builds a fresh fixture; called once per test. */
export type MakeVectorCollectionFixture = () => Promise<VectorCollectionFixture>;

const ids = (count: number, prefix = 'r'): string[] =>
  Array.from({ length: count }, (_, index) => `${prefix}${String(index).padStart(4, '0')}`);

const vectors = (count: number, dimension = 3): number[][] =>
  Array.from({ length: count }, (_, index) =>
    Array.from({ length: dimension }, (__, axis) => (index + axis) / 4),
  );

/** Asserts that `action` rejects with a VectorStoreError naming the collection and operation. */
const expectRefusal = async (
  action: Promise<unknown>,
  collection: VectorCollection,
  operation: string,
): Promise<VectorStoreError> => {
  const error = await action.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(VectorStoreError);
  const typed = error as VectorStoreError;
  expect(typed.collection).toBe(collection.name);
  expect(typed.operation).toBe(operation);
  expect(typed.message).toContain(collection.name);
  return typed;
};

/** Records used by the filter tests: every value type, lists, a missing key, no metadata. */
const FILTER_RECORDS: readonly { id: string; metadata: Metadata | null }[] = [
  { id: 'int1', metadata: { n: 1, s: 'a', flag: true, tags: ['x', 'y'], nums: [1, 2] } },
  { id: 'int2', metadata: { n: 2, s: 'b', flag: false, tags: ['y'], flags: [true] } },
  { id: 'float', metadata: { n: 2.5, s: 'c', floats: [1.5, 2] } },
  { id: 'text', metadata: { n: '1', s: 'a', tags: 'x' } },
  { id: 'bare', metadata: null },
];

/** Each filter with the ids a Chroma 1.x server returns for it over {@link FILTER_RECORDS}. */
const FILTER_CASES: readonly [string, Where, string[]][] = [
  ['a bare value as $eq', { s: 'a' }, ['int1', 'text']],
  ['$eq on a number (not the string "1")', { n: { $eq: 1 } }, ['int1']],
  ['$eq on a boolean (not the number 1)', { flag: { $eq: true } }, ['int1']],

  [
    '$ne, matching missing keys and other types',
    { n: { $ne: 1 } },
    ['int2', 'float', 'text', 'bare'],
  ],
  [
    '$ne on a key only some records have',
    { flag: { $ne: true } },
    ['int2', 'float', 'text', 'bare'],
  ],
  ['$gt on integers and floats', { n: { $gt: 1 } }, ['int2', 'float']],
  ['$gte', { n: { $gte: 2 } }, ['int2', 'float']],
  ['$lt', { n: { $lt: 2 } }, ['int1']],
  ['$lte', { n: { $lte: 2.5 } }, ['int1', 'int2', 'float']],
  ['$in on strings', { s: { $in: ['b', 'c', 'z'] } }, ['int2', 'float']],
  ['$in on numbers (not strings)', { n: { $in: [1, 2] } }, ['int1', 'int2']],
  ['$nin, matching missing keys', { s: { $nin: ['a'] } }, ['int2', 'float', 'bare']],
  ['$eq against a list value (never equal)', { tags: 'y' }, []],
  [
    '$ne against a list value (always different)',
    { tags: { $ne: 'x' } },
    ['int1', 'int2', 'float', 'bare'],
  ],
  ['$contains on a string list', { tags: { $contains: 'y' } }, ['int1', 'int2']],
  ['$contains on a scalar value (no match)', { tags: { $contains: 'x' } }, ['int1']],
  ['$contains on an integer list', { nums: { $contains: 2 } }, ['int1']],
  ['$contains on a boolean list', { flags: { $contains: true } }, ['int2']],
  ['$contains on a float list', { floats: { $contains: 1.5 } }, ['float']],
  ['$contains of an integer in a float list (no match)', { floats: { $contains: 2 } }, []],
  ['$contains of a string in a number list (no match)', { nums: { $contains: '1' } }, []],
  [
    '$not_contains, matching scalars and missing keys',
    { tags: { $not_contains: 'x' } },
    ['int2', 'float', 'text', 'bare'],
  ],
  ['$and', { $and: [{ s: 'a' }, { n: { $gte: 1 } }] }, ['int1']],
  ['$or', { $or: [{ s: 'c' }, { flag: false }] }, ['int2', 'float']],
  [
    'nested $and inside $or',
    { $or: [{ $and: [{ s: 'a' }, { n: '1' }] }, { tags: { $contains: 'y' } }] },
    ['int1', 'int2', 'text'],
  ],
  [
    'a float operand against integers (Chroma truncates it: 1.5 matches 1)',
    { n: { $eq: 1.5 } },
    ['int1'],
  ],
  [
    'a float operand against integers and floats (2.5 matches 2 and 2.5)',
    { n: { $eq: 2.5 } },
    ['int2', 'float'],
  ],
  [
    'a float comparison against integers (truncated: 2 < 2.5 is false)',
    { n: { $lt: 2.5 } },
    ['int1'],
  ],
];

/** Filters Chroma refuses, with why. */
const INVALID_FILTERS: readonly [string, unknown][] = [
  ['two keys at the top level', { s: 'a', n: 1 }],
  ['an empty filter', {}],
  ['$and with one clause', { $and: [{ s: 'a' }] }],
  ['an unknown operator', { n: { $like: 1 } }],
  ['two operators in one condition', { n: { $gt: 1, $lt: 3 } }],
  ['$gt with a string', { n: { $gt: 'a' } }],
  ['$in with mixed types', { n: { $in: [1, 'a'] } }],
  ['$in mixing integers and floats', { n: { $in: [2, 2.5] } }],
  ['$in with an empty list', { n: { $in: [] } }],
  ['$eq with a list', { tags: { $eq: ['x'] } }],
];

/**
 * The contract every {@link VectorCollection} keeps: the semantics of a Chroma 1.x collection
 * (metadata merge, `null` removes a key, filters, include, insertion order, limit/offset,
 * typed errors), run against `InMemoryVectorCollection` and against `chromaVectorCollection`
 * on a real Chroma server.
 */
export function describeVectorCollectionContract(
  label: string,
  makeFixture: MakeVectorCollectionFixture,
): void {
  describe(`Contract: VectorCollection (${label})`, () => {
    const fixtures: VectorCollectionFixture[] = [];
    const setup = async (): Promise<VectorCollectionFixture> => {
      const fixture = await makeFixture();
      fixtures.push(fixture);
      return fixture;
    };
    afterEach(async () => {
      await Promise.all(fixtures.splice(0).map((fixture) => fixture.dispose?.()));
    });

    describe('Method: upsert', () => {
      it('stores records and returns documents and metadatas by default, in insertion order', async () => {
        // Prepare
        const { collection } = await setup();

        // Act
        await collection.upsert({
          ids: ['b', 'a', 'c'],
          embeddings: vectors(3),
          documents: ['doc b', 'doc a', null],
          metadatas: [{ k: 1 }, null, { s: 'x', list: ['p', 'q'] }],
        });
        const result = await collection.get();

        // Assess
        expect(result).toEqual({
          ids: ['b', 'a', 'c'],
          documents: ['doc b', 'doc a', null],
          metadatas: [{ k: 1 }, null, { s: 'x', list: ['p', 'q'] }],
        });
        expect(await collection.count()).toBe(3);
      });

      it('returns embeddings as the float32 values Chroma stores', async () => {
        // Prepare
        const { collection } = await setup();

        // Act
        await collection.upsert({ ids: ['a'], embeddings: [[0.5, -0.25, 0.123456789]] });
        const result = await collection.get({ include: ['embeddings'] });

        // Assess
        expect(result).toEqual({ ids: ['a'], embeddings: [[0.5, -0.25, 0.12345679]] });
      });

      it('takes float32 rows (as deltas hand them out) as well as number lists', async () => {
        // Prepare
        const { collection } = await setup();
        const rows = new Float32Array([0.5, -0.25, 0.123456789, 1, 2, 3]);

        // Act
        await collection.upsert({
          ids: ['a', 'b'],
          embeddings: [rows.subarray(0, 3), [1, 2, 3]],
        });
        await collection.update({
          ids: ['b'],
          embeddings: [rows.subarray(3, 6).map((v) => v * 2)],
        });
        const result = await collection.get({ include: ['embeddings'] });

        // Assess
        expect(result).toEqual({
          ids: ['a', 'b'],
          embeddings: [
            [0.5, -0.25, 0.12345679],
            [2, 4, 6],
          ],
        });
      });

      it('replaces the embedding of an existing id, merges its metadata and keeps its place', async () => {
        // Prepare
        const { collection } = await setup();
        await collection.upsert({
          ids: ['a', 'b'],
          embeddings: [
            [1, 1, 1],
            [2, 2, 2],
          ],
          documents: ['doc a', 'doc b'],
          metadatas: [{ keep: 1, change: 'old' }, { k: 2 }],
        });

        // Act
        await collection.upsert({
          ids: ['a'],
          embeddings: [[3, 3, 3]],
          metadatas: [{ change: 'new', added: true }],
        });
        const result = await collection.get({ include: ['documents', 'metadatas', 'embeddings'] });

        // Assess
        expect(result).toEqual({
          ids: ['a', 'b'],
          documents: ['doc a', 'doc b'],
          metadatas: [{ keep: 1, change: 'new', added: true }, { k: 2 }],
          embeddings: [
            [3, 3, 3],
            [2, 2, 2],
          ],
        });
      });

      it('keeps the document and metadata of an existing id when an upsert leaves them out', async () => {
        // Prepare
        const { collection } = await setup();
        await collection.upsert({
          ids: ['a'],
          embeddings: [[1, 1, 1]],
          documents: ['doc'],
          metadatas: [{ k: 1 }],
        });

        // Act
        await collection.upsert({ ids: ['a'], embeddings: [[2, 2, 2]] });
        await collection.upsert({ ids: ['a'], embeddings: [[3, 3, 3]], metadatas: [null] });
        const result = await collection.get({ include: ['documents', 'metadatas', 'embeddings'] });

        // Assess
        expect(result).toEqual({
          ids: ['a'],
          documents: ['doc'],
          metadatas: [{ k: 1 }],
          embeddings: [[3, 3, 3]],
        });
      });

      it('replaces the document when a new one is given and keeps it when the new one is null', async () => {
        // Prepare
        const { collection } = await setup();
        await collection.upsert({
          ids: ['a', 'b'],
          embeddings: vectors(2),
          documents: ['a1', 'b1'],
        });

        // Act
        await collection.upsert({
          ids: ['a', 'b'],
          embeddings: vectors(2),
          documents: ['a2', null],
        });
        const result = await collection.get({ include: ['documents'] });

        // Assess
        expect(result.documents).toEqual(['a2', 'b1']);
      });

      it('stores an empty document and empty metadata (returned as null)', async () => {
        // Prepare
        const { collection } = await setup();

        // Act
        await collection.upsert({
          ids: ['a', 'b'],
          embeddings: vectors(2),
          documents: ['', 'text'],
          metadatas: [{}, { k: 'v' }],
        });
        const result = await collection.get();

        // Assess
        expect(result.documents).toEqual(['', 'text']);
        expect(result.metadatas).toEqual([null, { k: 'v' }]);
      });

      it('moves an id that was deleted and added again to the end', async () => {
        // Prepare
        const { collection } = await setup();
        await collection.upsert({ ids: ['a', 'b', 'c'], embeddings: vectors(3) });
        await collection.delete({ ids: ['a'] });

        // Act
        await collection.upsert({ ids: ['a'], embeddings: vectors(1) });
        const result = await collection.get({ include: [] });

        // Assess
        expect(result).toEqual({ ids: ['b', 'c', 'a'] });
      });

      it('does nothing for an empty list of ids', async () => {
        // Prepare
        const { collection } = await setup();

        // Act
        await collection.upsert({ ids: [], embeddings: [] });

        // Assess
        expect(await collection.count()).toBe(0);
      });

      it.each([
        ['more embeddings than ids', { ids: ['a'], embeddings: vectors(2) }],
        [
          'fewer metadatas than ids',
          { ids: ['a', 'b'], embeddings: vectors(2), metadatas: [{ k: 1 }] },
        ],
        ['more documents than ids', { ids: ['a'], embeddings: vectors(1), documents: ['x', 'y'] }],
        ['an empty id', { ids: ['a', ''], embeddings: vectors(2) }],
        ['a duplicate id', { ids: ['a', 'b', 'a'], embeddings: vectors(3) }],
        [
          'embeddings of different dimensions',
          {
            ids: ['a', 'b'],
            embeddings: [
              [1, 2, 3],
              [1, 2],
            ],
          },
        ],
        ['an empty embedding', { ids: ['a'], embeddings: [[]] }],
        ['a NaN in an embedding', { ids: ['a'], embeddings: [[1, Number.NaN, 3]] }],
        [
          'a NaN metadata value',
          { ids: ['a'], embeddings: vectors(1), metadatas: [{ k: Number.NaN }] },
        ],
        ['an empty list value', { ids: ['a'], embeddings: vectors(1), metadatas: [{ k: [] }] }],
        [
          'a list of mixed types',
          { ids: ['a'], embeddings: vectors(1), metadatas: [{ k: [1, 'x'] }] },
        ],
        [
          'a nested object value',
          { ids: ['a'], embeddings: vectors(1), metadatas: [{ k: { x: 1 } }] },
        ],
        ['a key starting with $', { ids: ['a'], embeddings: vectors(1), metadatas: [{ $k: 1 }] }],
        ['a key starting with #', { ids: ['a'], embeddings: vectors(1), metadatas: [{ '#k': 1 }] }],
        ['an empty key', { ids: ['a'], embeddings: vectors(1), metadatas: [{ '': 1 }] }],
        [
          'a reserved chroma: key',
          { ids: ['a'], embeddings: vectors(1), metadatas: [{ 'chroma:x': 1 }] },
        ],
      ])('refuses a request with %s and writes nothing', async (_, request) => {
        // Prepare
        const { collection } = await setup();
        await collection.upsert({ ids: ['seed'], embeddings: vectors(1), metadatas: [{ k: 0 }] });

        // Act
        const error = expectRefusal(
          collection.upsert(request as Parameters<VectorCollection['upsert']>[0]),
          collection,
          'upsert',
        );

        // Assess
        await error;
        const stored = await collection.get();
        expect(stored).toEqual({ ids: ['seed'], documents: [null], metadatas: [{ k: 0 }] });
      });

      it('refuses embeddings of another dimension than the stored ones', async () => {
        // Prepare
        const { collection } = await setup();
        await collection.upsert({ ids: ['a'], embeddings: vectors(1, 3) });

        // Act
        const refusal = expectRefusal(
          collection.upsert({ ids: ['b'], embeddings: vectors(1, 4) }),
          collection,
          'upsert',
        );

        // Assess
        await refusal;
        expect(await collection.count()).toBe(1);
      });

      it('keeps the dimension after every record is deleted', async () => {
        // Prepare
        const { collection } = await setup();
        await collection.upsert({ ids: ['a'], embeddings: vectors(1, 3) });
        await collection.delete({ ids: ['a'] });

        // Act
        const refusal = expectRefusal(
          collection.upsert({ ids: ['b'], embeddings: vectors(1, 2) }),
          collection,
          'upsert',
        );

        // Assess
        await refusal;
        expect(await collection.count()).toBe(0);
      });
    });

    describe('Method: update', () => {
      it('merges metadata: given keys change, keys left out stay', async () => {
        // Prepare
        const { collection } = await setup();
        await collection.upsert({
          ids: ['a'],
          embeddings: vectors(1),
          metadatas: [{ keep: 'same', change: 1, list: ['x'] }],
        });

        // Act
        await collection.update({
          ids: ['a'],
          metadatas: [{ change: 2, list: ['x', 'y'], added: false }],
        });
        const { metadatas } = await collection.get({ include: ['metadatas'] });

        // Assess
        expect(metadatas).toEqual([{ keep: 'same', change: 2, list: ['x', 'y'], added: false }]);
      });

      it('removes a key sent as null', async () => {
        // Prepare
        const { collection } = await setup();
        await collection.upsert({
          ids: ['a', 'b'],
          embeddings: vectors(2),
          metadatas: [
            { label: 'TOTAL', keep: 1 },
            { label: 'TAX', keep: 2 },
          ],
        });

        // Act
        await collection.update({ ids: ['a', 'b'], metadatas: [{ label: null }, { keep: 3 }] });
        const { metadatas } = await collection.get();
        const filtered = await collection.get({ where: { label: { $eq: 'TOTAL' } }, include: [] });

        // Assess
        expect(metadatas).toEqual([{ keep: 1 }, { label: 'TAX', keep: 3 }]);
        expect(filtered.ids).toEqual([]);
      });

      it('leaves null metadata when every key is removed', async () => {
        // Prepare
        const { collection } = await setup();
        await collection.upsert({ ids: ['a'], embeddings: vectors(1), metadatas: [{ k: 1 }] });

        // Act
        await collection.update({ ids: ['a'], metadatas: [{ k: null }] });
        const { metadatas } = await collection.get();

        // Assess
        expect(metadatas).toEqual([null]);
      });

      it('removes keys through an upsert of an existing id as well', async () => {
        // Prepare
        const { collection } = await setup();
        await collection.upsert({
          ids: ['a'],
          embeddings: vectors(1),
          metadatas: [{ k: 1, j: 2 }],
        });

        // Act
        await collection.upsert({
          ids: ['a'],
          embeddings: vectors(1),
          metadatas: [{ k: null } as unknown as Metadata],
        });
        const { metadatas } = await collection.get();

        // Assess
        expect(metadatas).toEqual([{ j: 2 }]);
      });

      it('replaces documents (with their embeddings) and embeddings and keeps what is left out', async () => {
        // Prepare
        const { collection } = await setup();
        await collection.upsert({
          ids: ['a', 'b'],
          embeddings: [
            [1, 1, 1],
            [2, 2, 2],
          ],
          documents: ['a1', 'b1'],
          metadatas: [{ k: 1 }, { k: 2 }],
        });

        // Act
        await collection.update({ ids: ['a'], documents: ['a2'], embeddings: [[3, 3, 3]] });
        await collection.update({ ids: ['b'], embeddings: [[5, 5, 5]] });
        await collection.update({ ids: ['b'], documents: [''], embeddings: [[6, 6, 6]] });
        const result = await collection.get({ include: ['documents', 'metadatas', 'embeddings'] });

        // Assess
        expect(result).toEqual({
          ids: ['a', 'b'],
          documents: ['a2', ''],
          metadatas: [{ k: 1 }, { k: 2 }],
          embeddings: [
            [3, 3, 3],
            [6, 6, 6],
          ],
        });
      });

      it('ignores ids that do not exist and updates the others', async () => {
        // Prepare
        const { collection } = await setup();
        await collection.upsert({ ids: ['a'], embeddings: vectors(1), metadatas: [{ k: 1 }] });

        // Act
        await collection.update({ ids: ['missing', 'a'], metadatas: [{ k: 5 }, { k: 2 }] });
        const result = await collection.get();

        // Assess
        expect(result).toEqual({ ids: ['a'], documents: [null], metadatas: [{ k: 2 }] });
      });

      it('does nothing for an empty list of ids or an empty patch', async () => {
        // Prepare
        const { collection } = await setup();
        await collection.upsert({ ids: ['a'], embeddings: vectors(1), metadatas: [{ k: 1 }] });

        // Act
        await collection.update({ ids: [], metadatas: [] });
        await collection.update({ ids: ['a'], metadatas: [{}] });
        const { metadatas } = await collection.get();

        // Assess
        expect(metadatas).toEqual([{ k: 1 }]);
      });

      it.each([
        ['a duplicate id', { ids: ['a', 'a'], metadatas: [{ k: 2 }, { k: 3 }] }],
        ['fewer metadatas than ids', { ids: ['a', 'b'], metadatas: [{ k: 2 }] }],
        ['an embedding of another dimension', { ids: ['a'], embeddings: vectors(1, 5) }],
        [
          'an infinite metadata value',
          { ids: ['a'], metadatas: [{ k: Number.POSITIVE_INFINITY }] },
        ],
      ])('refuses a request with %s and changes nothing', async (_, request) => {
        // Prepare
        const { collection } = await setup();
        await collection.upsert({
          ids: ['a', 'b'],
          embeddings: vectors(2),
          metadatas: [{ k: 1 }, { k: 1 }],
        });

        // Act
        const refusal = expectRefusal(
          collection.update(request as Parameters<VectorCollection['update']>[0]),
          collection,
          'update',
        );

        // Assess
        await refusal;
        const { metadatas } = await collection.get();
        expect(metadatas).toEqual([{ k: 1 }, { k: 1 }]);
      });
    });

    describe('Method: get', () => {
      it('returns records by id in insertion order, leaving out missing ids', async () => {
        // Prepare
        const { collection } = await setup();
        await collection.upsert({ ids: ['a', 'b', 'c', 'd'], embeddings: vectors(4) });

        // Act
        const result = await collection.get({ ids: ['d', 'missing', 'b'], include: [] });

        // Assess
        expect(result).toEqual({ ids: ['b', 'd'] });
      });

      it('returns only what include asks for', async () => {
        // Prepare
        const { collection } = await setup();
        await collection.upsert({
          ids: ['a'],
          embeddings: [[1, 2, 3]],
          documents: ['doc'],
          metadatas: [{ k: 1 }],
        });

        // Act
        const idsOnly = await collection.get({ include: [] });
        const embeddings = await collection.get({ include: ['embeddings'] });
        const everything = await collection.get({
          include: ['metadatas', 'embeddings', 'documents'],
        });

        // Assess
        expect(idsOnly).toEqual({ ids: ['a'] });
        expect(embeddings).toEqual({ ids: ['a'], embeddings: [[1, 2, 3]] });
        expect(everything).toEqual({
          ids: ['a'],
          documents: ['doc'],
          metadatas: [{ k: 1 }],
          embeddings: [[1, 2, 3]],
        });
      });

      it('applies ids and where together', async () => {
        // Prepare
        const { collection } = await setup();
        await collection.upsert({
          ids: ['a', 'b', 'c'],
          embeddings: vectors(3),
          metadatas: [{ k: 1 }, { k: 2 }, { k: 1 }],
        });

        // Act
        const result = await collection.get({ ids: ['a', 'b'], where: { k: 1 }, include: [] });

        // Assess
        expect(result.ids).toEqual(['a']);
      });

      it('applies offset and limit after filtering', async () => {
        // Prepare
        const { collection } = await setup();
        await collection.upsert({
          ids: ids(6),
          embeddings: vectors(6),
          metadatas: ids(6).map((_, index) => ({ even: index % 2 === 0 })),
        });

        // Act
        const page = await collection.get({ limit: 2, offset: 1, include: [] });
        const filtered = await collection.get({
          where: { even: true },
          offset: 1,
          limit: 5,
          include: [],
        });
        const empty = await collection.get({ limit: 0, include: [] });
        const beyond = await collection.get({ offset: 10, include: [] });

        // Assess
        expect(page.ids).toEqual(['r0001', 'r0002']);
        expect(filtered.ids).toEqual(['r0002', 'r0004']);
        expect(empty.ids).toEqual([]);
        expect(beyond.ids).toEqual([]);
      });

      it('returns nothing for an empty list of ids', async () => {
        // Prepare
        const { collection } = await setup();
        await collection.upsert({ ids: ['a'], embeddings: vectors(1) });

        // Act
        const result = await collection.get({ ids: [] });

        // Assess
        expect(result).toEqual({ ids: [], documents: [], metadatas: [] });
      });

      it('returns copies: changing a result does not change the collection', async () => {
        // Prepare
        const { collection } = await setup();
        await collection.upsert({
          ids: ['a'],
          embeddings: [[1, 2, 3]],
          metadatas: [{ k: 1, list: ['x'] }],
        });
        const first = await collection.get({ include: ['metadatas', 'embeddings'] });

        // Act
        const metadata = first.metadatas?.[0] as Record<string, unknown>;
        metadata['k'] = 99;
        (metadata['list'] as string[]).push('y');
        first.embeddings?.[0]?.fill(0);
        const second = await collection.get({ include: ['metadatas', 'embeddings'] });

        // Assess
        expect(second.metadatas).toEqual([{ k: 1, list: ['x'] }]);
        expect(second.embeddings).toEqual([[1, 2, 3]]);
      });

      it.each([
        ['duplicate ids', { ids: ['a', 'a'] }],
        ['a negative limit', { limit: -1 }],
        ['a fractional offset', { offset: 1.5 }],
      ])('refuses %s', async (_, request) => {
        // Prepare
        const { collection } = await setup();
        await collection.upsert({ ids: ['a'], embeddings: vectors(1) });

        // Act
        const refusal = expectRefusal(collection.get(request), collection, 'get');

        // Assess
        await refusal;
      });
    });

    describe('Filters: where', () => {
      const seed = async (): Promise<VectorCollection> => {
        const { collection } = await setup();
        await collection.upsert({
          ids: FILTER_RECORDS.map((record) => record.id),
          embeddings: vectors(FILTER_RECORDS.length),
          metadatas: FILTER_RECORDS.map((record) => record.metadata),
        });
        return collection;
      };

      it.each(FILTER_CASES)('supports %s', async (_, where, expected) => {
        // Prepare
        const collection = await seed();

        // Act
        const result = await collection.get({ where, include: [] });

        // Assess
        expect(result.ids).toEqual(expected);
      });

      it.each(INVALID_FILTERS)('refuses %s', async (_, where) => {
        // Prepare
        const collection = await seed();

        // Act
        const refusal = expectRefusal(collection.get({ where: where as Where }), collection, 'get');

        // Assess
        await refusal;
      });
    });

    describe('Method: delete', () => {
      const seed = async (): Promise<VectorCollection> => {
        const { collection } = await setup();
        await collection.upsert({
          ids: ['a', 'b', 'c', 'd'],
          embeddings: vectors(4),
          metadatas: [{ k: 1 }, { k: 2 }, { k: 1 }, null],
        });
        return collection;
      };

      it('deletes by ids, ignoring ids that do not exist', async () => {
        // Prepare
        const collection = await seed();

        // Act
        await collection.delete({ ids: ['b', 'missing'] });

        // Assess
        expect((await collection.get({ include: [] })).ids).toEqual(['a', 'c', 'd']);
        expect(await collection.count()).toBe(3);
      });

      it('deletes by where', async () => {
        // Prepare
        const collection = await seed();

        // Act
        await collection.delete({ where: { k: 1 } });

        // Assess
        expect((await collection.get({ include: [] })).ids).toEqual(['b', 'd']);
      });

      it('deletes records matching both ids and where', async () => {
        // Prepare
        const collection = await seed();

        // Act
        await collection.delete({ ids: ['a', 'b'], where: { k: 1 } });

        // Assess
        expect((await collection.get({ include: [] })).ids).toEqual(['b', 'c', 'd']);
      });

      it('does nothing for an empty list of ids', async () => {
        // Prepare
        const collection = await seed();

        // Act
        await collection.delete({ ids: [] });

        // Assess
        expect(await collection.count()).toBe(4);
      });

      it.each([
        ['neither ids nor where', {}],
        ['an invalid filter', { where: { k: { $gt: 'a' } } }],
        ['duplicate ids', { ids: ['a', 'a'] }],
      ])('refuses a request with %s and deletes nothing', async (_, request) => {
        // Prepare
        const collection = await seed();

        // Act
        const refusal = expectRefusal(
          collection.delete(request as Parameters<VectorCollection['delete']>[0]),
          collection,
          'delete',
        );

        // Assess
        await refusal;
        expect(await collection.count()).toBe(4);
      });
    });

    describe('Batched writes', () => {
      const COUNT = 600;

      it('upserts, updates and deletes more records than one request carries', async () => {
        // Prepare
        const fixture = await setup();
        const { collection } = fixture;
        const all = ids(COUNT);
        const perWrite = fixture.expectedWriteRequests(COUNT);

        // Act
        const before = fixture.writeRequests();
        await collection.upsert({
          ids: all,
          embeddings: vectors(COUNT),
          documents: all.map((id) => `doc ${id}`),
          metadatas: all.map((_, index) => ({ index, label: 'OLD' })),
        });
        const afterUpsert = fixture.writeRequests();
        await collection.update({
          ids: all,
          metadatas: all.map((_, index) => (index % 2 === 0 ? { label: null } : { label: 'NEW' })),
        });
        const afterUpdate = fixture.writeRequests();
        const updated = await collection.get({ where: { label: 'NEW' }, include: ['metadatas'] });
        const stale = await collection.get({ where: { label: 'OLD' }, include: [] });
        const unlabelled = await collection.get({ where: { label: { $ne: 'NEW' } }, include: [] });
        const stored = await collection.get({ include: [] });
        await collection.delete({ ids: all.slice(0, COUNT - 1) });
        const afterDelete = fixture.writeRequests();

        // Assess
        expect(afterUpsert - before).toBe(perWrite);
        expect(afterUpdate - afterUpsert).toBe(perWrite);
        expect(afterDelete - afterUpdate).toBe(fixture.expectedWriteRequests(COUNT - 1));
        expect(stored.ids).toEqual(all);
        expect(updated.ids).toEqual(all.filter((_, index) => index % 2 === 1));
        expect(updated.metadatas?.[0]).toEqual({ index: 1, label: 'NEW' });
        expect(stale.ids).toEqual([]);
        expect(unlabelled.ids).toEqual(all.filter((_, index) => index % 2 === 0));
        expect(await collection.count()).toBe(1);
        expect((await collection.get({ include: ['metadatas'] })).metadatas).toEqual([
          { index: COUNT - 1, label: 'NEW' },
        ]);
      });
    });
  });
}
