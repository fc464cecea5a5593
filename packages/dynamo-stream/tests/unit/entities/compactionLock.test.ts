import { describe, expect, it } from 'vitest';
import {
  type CompactionLock,
  CompactionLockItemSchema,
  CompactionLockSchema,
  compactionLockKeys,
  compactionLockToItem,
} from '../../../src/entities/compactionLock.js';
import { issuesOf, lockItem, OWNER, omit, UUID_V5 } from '../../helpers/factories.js';

/** The entity `lockItem()` describes: a Python-written lock without fence or TTL. */
const expectedLock = (): CompactionLock => ({
  lock_id: 'chromadb_compaction_lock',
  owner: OWNER,
  expires: '2025-12-20T10:16:12.123456+00:00',
  collection: 'words',
  heartbeat: '2025-12-20T10:11:12.123456+00:00',
  fence: null,
  time_to_live: null,
});

/** A lock written by this package: with a fencing token and a TTL. */
const fencedLock = (): CompactionLock => ({
  ...expectedLock(),
  collection: 'lines',
  lock_id: 'a#b',
  fence: 17,
  time_to_live: 1_766_225_772,
});

describe('Function: compactionLockKeys', () => {
  it('builds the PK, SK and GSI1 keys', () => {
    // Act
    const keys = compactionLockKeys(fencedLock());

    // Assess
    expect(keys).toEqual({
      PK: 'LOCK#lines#a#b',
      SK: 'LOCK',
      GSI1PK: 'LOCK#lines',
      GSI1SK: 'EXPIRES#2025-12-20T10:16:12.123456+00:00',
    });
  });
});

describe('Function: CompactionLockSchema', () => {
  it('defaults heartbeat, fence and time_to_live to null', () => {
    // Prepare
    const minimal = { lock_id: 'x', owner: UUID_V5, expires: 'soon', collection: 'lines' };

    // Act
    const lock = CompactionLockSchema.parse(minimal);

    // Assess
    expect(lock).toEqual({ ...minimal, heartbeat: null, fence: null, time_to_live: null });
  });

  it.each([
    ['lock_id', '   ', 'lock_id must be a non-empty string'],
    ['lock_id', 5, 'lock_id must be a non-empty string'],
    ['owner', 'worker-1', 'uuid must be a valid UUIDv4'],
    ['collection', 'LINES', "ChromaDBCollection must be one of: ['lines', 'words'], got: LINES"],
    ['collection', 3, 'collection must be ChromaDBCollection or str, got: number'],
    ['expires', null, 'expires must be datetime or ISO-8601 string'],
    ['heartbeat', 1, 'heartbeat must be datetime, ISO-8601 string, or None'],
    ['fence', -1, 'fence must be a non-negative integer'],
    ['fence', 1.5, 'fence must be a non-negative integer'],
    ['time_to_live', -5, 'time_to_live must be a non-negative integer'],
  ])('rejects %s = %j', (field, value, message) => {
    // Prepare
    const lock = { ...expectedLock(), [field]: value };

    // Act
    const result = CompactionLockSchema.safeParse(lock);

    // Assess
    expect(issuesOf(result)).toEqual([[field, message]]);
  });
});

describe('Function: CompactionLockItemSchema', () => {
  it('reads a Python-written lock with fence and time_to_live null', () => {
    // Act
    const lock = CompactionLockItemSchema.parse(lockItem());

    // Assess
    expect(lock).toEqual(expectedLock());
  });

  it('takes the collection and a #-containing lock id from the PK', () => {
    // Prepare
    const item = { ...lockItem(), PK: { S: 'LOCK#lines#a#b' } };

    // Act
    const lock = CompactionLockItemSchema.parse(item);

    // Assess
    expect([lock.collection, lock.lock_id]).toEqual(['lines', 'a#b']);
  });

  it('reads a NULL heartbeat as null', () => {
    // Act
    const lock = CompactionLockItemSchema.parse({ ...lockItem(), heartbeat: { NULL: true } });

    // Assess
    expect(lock.heartbeat).toBeNull();
  });

  it.each(['PK', 'SK', 'owner', 'expires', 'collection'])('reports a missing %s', (name) => {
    // Act
    const result = CompactionLockItemSchema.safeParse(omit(lockItem(), name));

    // Assess
    expect(issuesOf(result)).toEqual([[name, `Lock item missing keys: {'${name}'}`]]);
  });

  it.each([
    ['LOCK#words', 'Invalid lock PK format: LOCK#words'],
    ['MUTEX#words#x', 'Invalid lock PK format: MUTEX#words#x'],
    ['LOCK#foo#x', "Invalid collection in item: foo. Must be one of: ['lines', 'words']"],
    ['LOCK#words#  ', 'lock_id must be a non-empty string'],
  ])('rejects the PK %j', (pk, message) => {
    // Prepare
    const item = { ...lockItem(), PK: { S: pk } };

    // Act
    const result = CompactionLockItemSchema.safeParse(item);

    // Assess
    expect(issuesOf(result)).toEqual([['PK', message]]);
  });

  it.each([
    ['fence', { N: 'x' }, 'fence must be a non-negative integer'],
    ['fence', { N: '-1' }, 'fence must be a non-negative integer'],
    ['time_to_live', { S: '1766225772' }, 'time_to_live must be a non-negative integer'],
    ['owner', { S: 'not-a-uuid' }, 'uuid must be a valid UUIDv4'],
  ])('rejects %s = %j', (name, value, message) => {
    // Prepare
    const item = { ...lockItem(), [name]: value };

    // Act
    const result = CompactionLockItemSchema.safeParse(item);

    // Assess
    expect(issuesOf(result)).toEqual([[name, message]]);
  });
});

describe('Function: compactionLockToItem', () => {
  it('writes exactly the item Python writes when there is no fence or TTL', () => {
    // Act
    const item = compactionLockToItem(expectedLock());

    // Assess
    expect(item).toEqual(lockItem());
  });

  it('adds fence and time_to_live as numbers, and round-trips', () => {
    // Act
    const item = compactionLockToItem(fencedLock());
    const reread = CompactionLockItemSchema.parse(item);

    // Assess
    expect(item).toMatchObject({
      PK: { S: 'LOCK#lines#a#b' },
      collection: { S: 'lines' },
      fence: { N: '17' },
      time_to_live: { N: '1766225772' },
    });
    expect(reread).toEqual(fencedLock());
  });

  it('writes an empty or missing heartbeat as NULL', () => {
    // Act
    const empty = compactionLockToItem({ ...expectedLock(), heartbeat: '' });
    const missing = compactionLockToItem({ ...expectedLock(), heartbeat: null });

    // Assess
    expect([empty['heartbeat'], missing['heartbeat']]).toEqual([{ NULL: true }, { NULL: true }]);
  });
});
