import { describe, expect, it } from 'vitest';
import {
  type CompactionRun,
  CompactionRunItemSchema,
  CompactionRunSchema,
  compactionRunKeys,
  compactionRunToItem,
} from '../../../src/entities/compactionRun.js';
import { IMAGE_ID, issuesOf, omit, RUN_ID, runItem, UUID_V5 } from '../../helpers/factories.js';

/** The entity `runItem()` describes. */
const expectedRun = (): CompactionRun => ({
  run_id: RUN_ID,
  image_id: IMAGE_ID,
  receipt_id: 42,
  lines_delta_prefix: `lines/delta/${RUN_ID}/`,
  words_delta_prefix: `words/delta/${RUN_ID}/`,
  lines_state: 'PENDING',
  words_state: 'PENDING',
  lines_started_at: null,
  lines_finished_at: null,
  words_started_at: null,
  words_finished_at: null,
  lines_error: '',
  words_error: '',
  lines_merged_vectors: 0,
  words_merged_vectors: 0,
  created_at: '2025-12-20T10:11:12.123456+00:00',
  updated_at: null,
});

/** The same run after both merges finished. */
const completedRun = (): CompactionRun => ({
  ...expectedRun(),
  lines_state: 'COMPLETED',
  words_state: 'FAILED',
  lines_started_at: '2025-12-20T10:12:00+00:00',
  lines_finished_at: '2025-12-20T10:13:00+00:00',
  words_started_at: '2025-12-20T10:12:00+00:00',
  words_finished_at: '2025-12-20T10:14:00+00:00',
  words_error: 'delta not found',
  lines_merged_vectors: 120,
  updated_at: '2025-12-20T10:14:00+00:00',
});

describe('Function: compactionRunKeys', () => {
  it('builds the PK, SK and GSI1 keys', () => {
    // Act
    const keys = compactionRunKeys(expectedRun());

    // Assess
    expect(keys).toEqual({
      PK: `IMAGE#${IMAGE_ID}`,
      SK: `RECEIPT#00042#COMPACTION_RUN#${RUN_ID}`,
      GSI1PK: 'RUNS',
      GSI1SK: 'CREATED_AT#2025-12-20T10:11:12.123456+00:00',
    });
  });
});

describe('Function: CompactionRunSchema', () => {
  it('defaults states to PENDING, errors to "" and counts to 0', () => {
    // Prepare
    const minimal = {
      run_id: UUID_V5,
      image_id: IMAGE_ID,
      receipt_id: 1,
      lines_delta_prefix: 'l/',
      words_delta_prefix: 'w/',
      created_at: '2025-12-20T00:00:00',
    };

    // Act
    const run = CompactionRunSchema.parse(minimal);

    // Assess
    expect(run).toMatchObject({
      lines_state: 'PENDING',
      words_state: 'PENDING',
      lines_error: '',
      words_error: '',
      lines_merged_vectors: 0,
      words_merged_vectors: 0,
      lines_started_at: null,
      updated_at: null,
    });
  });

  it.each([
    ['run_id', 'run-abc', 'uuid must be a valid UUIDv4'],
    ['image_id', 42, 'uuid must be a string'],
    ['receipt_id', 0, 'receipt_id must be positive'],
    ['receipt_id', '1', 'receipt_id must be an integer'],
    ['lines_delta_prefix', '', 'lines_delta_prefix must be a non-empty string'],
    ['words_delta_prefix', null, 'words_delta_prefix must be a non-empty string'],
    ['lines_state', 'DONE', 'invalid lines_state: DONE'],
    ['words_state', 'completed', 'invalid words_state: completed'],
    ['lines_merged_vectors', -1, 'lines_merged_vectors must be a non-negative int'],
    ['words_merged_vectors', 1.5, 'words_merged_vectors must be a non-negative int'],
    ['updated_at', 5, 'updated_at must be datetime, ISO-8601 string, or None'],
  ])('rejects %s = %j with the Python message', (field, value, message) => {
    // Prepare
    const run = { ...expectedRun(), [field]: value };

    // Act
    const result = CompactionRunSchema.safeParse(run);

    // Assess
    expect(issuesOf(result)).toEqual([[field, message]]);
  });
});

describe('Function: CompactionRunItemSchema', () => {
  it('reads a freshly created run', () => {
    // Act
    const run = CompactionRunItemSchema.parse(runItem());

    // Assess
    expect(run).toEqual(expectedRun());
  });

  it('takes the ids from the keys when the attributes are absent', () => {
    // Prepare
    const item = omit(runItem(), 'run_id', 'image_id', 'receipt_id', 'lines_state', 'words_state');

    // Act
    const run = CompactionRunItemSchema.parse(item);

    // Assess
    expect(run).toEqual(expectedRun());
  });

  it.each(['PK', 'SK', 'TYPE', 'lines_delta_prefix', 'words_delta_prefix', 'created_at'])(
    'reports a missing %s with the Python message',
    (name) => {
      // Act
      const result = CompactionRunItemSchema.safeParse(omit(runItem(), name));

      // Assess
      expect(issuesOf(result)).toEqual([[name, `CompactionRun item missing keys: {'${name}'}`]]);
    },
  );

  it.each([
    ['PK', `RUN#${IMAGE_ID}`, `Invalid PK for CompactionRun: RUN#${IMAGE_ID}`],
    [
      'SK',
      `RECEIPT#00042#RUN#${RUN_ID}`,
      `Invalid SK for CompactionRun: RECEIPT#00042#RUN#${RUN_ID}`,
    ],
    [
      'SK',
      'RECEIPT#00042#COMPACTION_RUN',
      'Invalid SK for CompactionRun: RECEIPT#00042#COMPACTION_RUN',
    ],
    [
      'SK',
      `RECEIPT#INVALID#COMPACTION_RUN#${RUN_ID}`,
      `Invalid receipt_id in SK: RECEIPT#INVALID#COMPACTION_RUN#${RUN_ID}`,
    ],
    ['TYPE', 'COMPACTION_LOCK', 'TYPE must be COMPACTION_RUN'],
  ])('rejects %s = %j', (name, value, message) => {
    // Prepare
    const item = { ...runItem(), [name]: { S: value } };

    // Act
    const result = CompactionRunItemSchema.safeParse(item);

    // Assess
    expect(issuesOf(result)).toEqual([[name, message]]);
  });

  it('validates the ids read from the keys and reports them at the key paths', () => {
    // Prepare: the stream's fast path accepts run-abc; the entity does not
    const item = omit(
      { ...runItem(), SK: { S: 'RECEIPT#00000#COMPACTION_RUN#run-abc' } },
      'run_id',
      'receipt_id',
    );

    // Act
    const result = CompactionRunItemSchema.safeParse(item);

    // Assess
    expect(issuesOf(result)).toEqual([
      ['SK', 'uuid must be a valid UUIDv4'],
      ['SK', 'receipt_id must be positive'],
    ]);
  });

  it.each([
    ['run_id', { S: UUID_V5 }, `the attribute says "${UUID_V5}"`],
    ['image_id', { S: UUID_V5 }, `the attribute says "${UUID_V5}"`],
    ['receipt_id', { N: '41' }, 'the attribute says "41"'],
  ])('rejects a %s attribute that disagrees with the keys', (name, value, detail) => {
    // Prepare
    const item = { ...runItem(), [name]: value };

    // Act
    const result = CompactionRunItemSchema.safeParse(item);

    // Assess
    expect(issuesOf(result)).toEqual([
      [name, expect.stringMatching(new RegExp(`^${name} does not match entity keys: ${detail}`))],
    ]);
  });

  it('reads optional attributes leniently, like Python _get_s/_get_n', () => {
    // Prepare
    const item = {
      ...runItem(),
      lines_state: { NULL: true },
      lines_error: { N: '3' },
      lines_merged_vectors: { N: 'many' },
      words_merged_vectors: { S: '7' },
      lines_started_at: { S: '' },
    };

    // Act
    const run = CompactionRunItemSchema.parse(item);

    // Assess
    expect(run).toEqual(expectedRun());
  });

  it('reports a delta prefix that is not a non-empty string', () => {
    // Prepare
    const item = { ...runItem(), words_delta_prefix: { NULL: true } };

    // Act
    const result = CompactionRunItemSchema.safeParse(item);

    // Assess
    expect(issuesOf(result)).toEqual([
      ['words_delta_prefix', 'words_delta_prefix must be a non-empty string'],
    ]);
  });
});

describe('Function: compactionRunToItem', () => {
  it('writes exactly the item Python writes for a new run', () => {
    // Act
    const item = compactionRunToItem(expectedRun());

    // Assess
    expect(item).toEqual(runItem());
  });

  it('writes timestamps and errors as S once set, and round-trips', () => {
    // Act
    const item = compactionRunToItem(completedRun());
    const reread = CompactionRunItemSchema.parse(item);

    // Assess
    expect(item).toMatchObject({
      lines_state: { S: 'COMPLETED' },
      lines_finished_at: { S: '2025-12-20T10:13:00+00:00' },
      lines_error: { NULL: true },
      words_error: { S: 'delta not found' },
      lines_merged_vectors: { N: '120' },
    });
    expect(reread).toEqual(completedRun());
  });
});
