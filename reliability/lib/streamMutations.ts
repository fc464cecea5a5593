import type { DynamoDBRecord } from 'aws-lambda';
import type { Random } from './random.js';

/** A stream record as JSON holds it: anything may be anywhere. */
type Loose = Record<string, unknown>;

/** One way of damaging a stream record, named for the figures. */
export interface StreamMutation {
  readonly name: string;
  /** Damages `record` (a deep copy the mutation may change) and returns what to send. */
  readonly apply: (record: Loose, random: Random) => unknown;
}

const IMAGE_NAMES = ['NewImage', 'OldImage'] as const;

/** The `dynamodb` part of a record, created when missing. */
const dynamodbOf = (record: Loose): Loose => {
  const current = record['dynamodb'];
  if (current !== null && typeof current === 'object' && !Array.isArray(current)) {
    return current as Loose;
  }
  const created: Loose = {};
  record['dynamodb'] = created;
  return created;
};

/** An image of the record (NewImage or OldImage, whichever exists), or `undefined`. */
const someImage = (record: Loose, random: Random): Loose | undefined => {
  const dynamodb = dynamodbOf(record);
  const present = IMAGE_NAMES.filter((name) => typeof dynamodb[name] === 'object');
  if (present.length === 0) return undefined;
  return dynamodb[random.pick(present)] as Loose;
};

/** A random attribute name of `image` (keys included), or a new one. */
const someAttribute = (image: Loose, random: Random): string => {
  const names = Object.keys(image);
  return names.length === 0 || random.chance(0.1) ? `extra_${random.hex(4)}` : random.pick(names);
};

/** Values of the wrong type for an attribute value or for what it holds. */
const WRONG_VALUES: readonly unknown[] = [
  null,
  5,
  'text',
  true,
  [],
  {},
  { S: 5 },
  { S: null },
  { N: 'abc' },
  { N: '1e400' },
  { N: 'NaN' },
  { N: '-0' },
  { N: '99999999999999999999999' },
  { N: '' },
  { BOOL: 'yes' },
  { M: 'not a map' },
  { M: { x: { N: 'x' } } },
  { L: 'not a list' },
  { L: [{ S: 1 }] },
  { SS: [1, 2] },
  { NS: ['a'] },
  { NULL: false },
  { S: 'a', N: '1' },
  { UNKNOWN: 'x' },
];

/** Strings that stress text handling: unicode planes, lone surrogates, NUL, RTL, emoji. */
const STRANGE_TEXT: readonly string[] = [
  '',
  ' ',
  '\u0000',
  '\ud800',
  '\udfff',
  '\u202eRTL',
  '🧾💸',
  'e\u0301',
  '#',
  '##',
  'RECEIPT#',
  '\n\t',
  'ｆｕｌｌｗｉｄｔｈ',
  '𝕏'.repeat(100),
];

/** A sort key that no entity, or the wrong one, should match. */
const strangeSortKey = (random: Random): string => {
  const pad = (): string => String(random.int(0, 99999)).padStart(5, '0');
  return random.pick([
    `RECEIPT#${pad()}#UNKNOWN#${pad()}`,
    `RECEIPT#${pad()}#LINE#${pad()}#WORD#${pad()}#LETTER#${pad()}#X`,
    `RECEIPT#-1#LINE#${pad()}`,
    `RECEIPT#${pad()}#LINE#abc`,
    `RECEIPT#${pad()}#WORD#${pad()}`,
    `RECEIPT#${pad()}#SECTION#`,
    `RECEIPT#${pad()}#LABEL#`,
    `RECEIPT#${pad()}#LINE#${pad()}#WORD#${pad()}#LABEL#`,
    `RECEIPT#${pad()}#COMPACTION_RUN#`,
    `RECEIPT#${'9'.repeat(40)}#PLACE`,
    `${random.pick(STRANGE_TEXT)}#${pad()}`,
    '',
  ]);
};

/** Binary attribute values (`B` and `BS`), as base64 text or bytes. */
const binaryValue = (random: Random): unknown =>
  random.pick([
    { B: 'AAEC' },
    { B: new Uint8Array([0, 1, 2]) },
    { BS: ['AAEC', 'AwQF'] },
    { B: null },
    { M: { inner: { B: 'AAEC' } } },
    { L: [{ B: 'AAEC' }] },
  ]);

/** Every kind of damage the fuzzer applies; each mutated record gets one. */
export const STREAM_MUTATIONS: readonly StreamMutation[] = [
  {
    name: 'wrong attribute type',
    apply: (record, random) => {
      const image = someImage(record, random);
      if (image !== undefined) image[someAttribute(image, random)] = random.pick(WRONG_VALUES);
      return record;
    },
  },
  {
    name: 'missing attribute',
    apply: (record, random) => {
      const image = someImage(record, random);
      if (image !== undefined) delete image[someAttribute(image, random)];
      return record;
    },
  },
  {
    name: 'missing or bad key',
    apply: (record, random) => {
      const keys = dynamodbOf(record)['Keys'] as Loose | undefined;
      const target = random.pick(['PK', 'SK', 'Keys']);
      if (target === 'Keys' || keys === undefined) {
        dynamodbOf(record)['Keys'] = random.pick([undefined, null, 'PK', [], {}]);
      } else if (random.chance(0.5)) {
        delete keys[target];
      } else {
        keys[target] = random.pick(WRONG_VALUES);
      }
      return record;
    },
  },
  {
    name: 'huge string',
    apply: (record, random) => {
      const image = someImage(record, random);
      const size = random.pick([64 * 1024, 400 * 1024, 1024 * 1024]);
      if (image !== undefined) image[someAttribute(image, random)] = { S: 'x'.repeat(size) };
      return record;
    },
  },
  {
    name: 'strange unicode',
    apply: (record, random) => {
      const image = someImage(record, random);
      if (image !== undefined) {
        for (const name of Object.keys(image)) {
          const value = image[name] as Loose | undefined;
          if (typeof value?.['S'] === 'string' && random.chance(0.5)) {
            image[name] = { S: random.pick(STRANGE_TEXT) };
          }
        }
      }
      return record;
    },
  },
  {
    name: 'unknown or malformed sort key',
    apply: (record, random) => {
      const sk = { S: strangeSortKey(random) };
      const dynamodb = dynamodbOf(record);
      const keys = dynamodb['Keys'] as Loose | undefined;
      if (keys !== undefined && keys !== null) keys['SK'] = sk;
      for (const name of IMAGE_NAMES) {
        const image = dynamodb[name] as Loose | undefined;
        if (image !== undefined && image !== null) image['SK'] = sk;
      }
      return record;
    },
  },
  {
    name: 'binary attribute',
    apply: (record, random) => {
      const image = someImage(record, random);
      if (image !== undefined) image[someAttribute(image, random)] = binaryValue(random);
      return record;
    },
  },
  {
    name: 'truncated or missing image',
    apply: (record, random) => {
      const dynamodb = dynamodbOf(record);
      const name = random.pick(IMAGE_NAMES);
      const image = dynamodb[name] as Loose | undefined;
      if (image !== undefined && random.chance(0.5)) {
        const names = Object.keys(image);
        dynamodb[name] = Object.fromEntries(
          names.slice(0, random.int(0, names.length - 1)).map((key) => [key, image[key]]),
        );
      } else {
        dynamodb[name] = random.pick([undefined, null, 'image', [], 42]);
      }
      return record;
    },
  },
  {
    name: 'bad record fields',
    apply: (record, random) => {
      const field = random.pick(['eventName', 'dynamodb', 'StreamViewType', 'SequenceNumber']);
      const value = random.pick([undefined, null, 'UPSERT', 7, {}, []]);
      if (field === 'StreamViewType' || field === 'SequenceNumber') {
        dynamodbOf(record)[field] = value;
      } else {
        record[field] = value;
      }
      return record;
    },
  },
  {
    name: 'not a record',
    apply: (_record, random) => random.pick([null, undefined, 0, 'record', [], true]),
  },
  {
    name: 'deep nesting',
    apply: (record, random) => {
      const image = someImage(record, random);
      if (image !== undefined) {
        let value: unknown = { S: 'leaf' };
        for (let depth = 0; depth < random.pick([50, 500, 2000]); depth += 1) {
          value = random.chance(0.5) ? { M: { nested: value } } : { L: [value] };
        }
        image[someAttribute(image, random)] = value;
      }
      return record;
    },
  },
  {
    name: 'changed event',
    apply: (record, random) => {
      record['eventName'] = random.pick(['INSERT', 'MODIFY', 'REMOVE']);
      return record;
    },
  },
];

/** A deep copy of a generated record, which a mutation may then change freely. */
export const copyRecord = (record: DynamoDBRecord): Loose => structuredClone(record) as Loose;
