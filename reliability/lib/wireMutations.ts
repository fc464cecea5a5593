import type { SqsRecordLike } from '@receipt-chroma/chroma-compaction';
import { EntityType } from '@receipt-chroma/dynamo-stream';
import type { Random } from './random.js';
import type { WireQueue } from './wireWorld.js';

/**
 * The SQS records the wire fuzzer feeds the compactor: bodies the producer wrote, and those
 * bodies damaged or varied in one way each. Every record says what the compactor must do
 * with it, by the wire format (spec `dynamo-stream.md` §9) and `processCollectionUpdates`'
 * documented contract:
 *
 * - `good`: a body the producer could send, or one the format tolerates (extra keys, a
 *   missing `collection` attribute, odd text in fields nobody reads): applied, or skipped
 *   when there is provably nothing left to write, exactly as without the bad neighbours;
 * - `bad`: not the wire format, or naming ids no receipt can have, or routed to the other
 *   collection: exactly one `failed` outcome (retried, then dead-lettered), never applied;
 * - `inert`: a well-formed message of an entity type the collection has no use for (an
 *   unknown type, e.g. a consumer's own entity): `skipped` and nothing written.
 */

/** What the compactor must do with a record. */
export type Verdict = 'good' | 'bad' | 'inert';

/** A message attribute as a Lambda SQS record carries it. */
type Attribute = { readonly stringValue?: string; readonly dataType?: string } | undefined;
type Attributes = Readonly<Record<string, Attribute>>;

/** One fuzzed SQS record, with what it must come to and the mutation that made it. */
export interface FuzzedRecord extends SqsRecordLike {
  readonly verdict: Verdict;
  readonly kind: string;
}

/** What a mutation makes: a body, and the message attributes when it changes them. */
interface Made {
  readonly body: string;
  readonly attributes?: Attributes | undefined;
}

interface Mutation {
  readonly kind: string;
  readonly verdict: Verdict;
  readonly weight: number;
  readonly make: (body: string, random: Random, queue: WireQueue) => Made;
}

/** A JSON object as a parsed body holds it. */
type Loose = Record<string, unknown>;

const parse = (body: string): Loose & { entity_data: Loose } =>
  JSON.parse(body) as Loose & { entity_data: Loose };

/** The attributes the publisher sets (the compactor reads `collection`). */
const attributesFor = (queue: string): Attributes => ({
  source: { stringValue: 'dynamodb_stream', dataType: 'String' },
  collection: { stringValue: queue, dataType: 'String' },
});

const otherQueue = (queue: WireQueue): WireQueue => (queue === 'lines' ? 'words' : 'lines');

/** `[[[…]]]` nested `depth` times. */
const nested = (depth: number): string => `${'['.repeat(depth)}${']'.repeat(depth)}`;

/** The id keys the message's change needs in `queue` (spec §2; see `readReceiptRef`). */
const idKeysOf = (message: Loose & { entity_data: Loose }, queue: WireQueue): string[] => {
  const type = message['entity_type'];
  const receipt = ['image_id', 'receipt_id'];
  if (type === EntityType.RECEIPT_WORD_LABEL) {
    return queue === 'words' ? [...receipt, 'line_id', 'word_id'] : [...receipt, 'line_id'];
  }
  if (type === EntityType.RECEIPT_WORD) return [...receipt, 'line_id', 'word_id'];
  if (type === EntityType.RECEIPT_LINE) return [...receipt, 'line_id'];
  return receipt;
};

const TOP_KEYS = [
  'source',
  'entity_type',
  'entity_data',
  'changes',
  'event_name',
  'timestamp',
  'stream_record_id',
  'aws_region',
] as const;

/** Values of a wrong type for each top-level field. */
const WRONG_TOP: Readonly<Record<(typeof TOP_KEYS)[number], readonly unknown[]>> = {
  source: [null, 5, true, [], {}],
  entity_type: [null, 5, false, ['RECEIPT_PLACE'], {}],
  entity_data: [null, 'RECEIPT_PLACE', 5, [], true],
  changes: [null, 'x', 5, [], [{ old: 1, new: 2 }], { f: 5 }, { f: null }, { f: { old: 1 } }],
  event_name: [null, 0, ['REMOVE'], {}],
  timestamp: [5, true, [], {}],
  stream_record_id: [5, false, [], {}],
  aws_region: [5, true, [], {}],
};

/** Values of a wrong type for each typed `entity_data` key. */
const WRONG_DATA: Readonly<Record<string, readonly unknown[]>> = {
  entity_type: [5, null, [], {}],
  image_id: [5, null, [], {}, true],
  receipt_id: ['1', 1.5, null, 2 ** 60, -0.5, true, [], {}],
  line_id: ['1', 2.5, null, {}, 1e300],
  word_id: ['2', 0.5, null, [], 2 ** 53],
  label: [5, null, [], {}],
  section_type: [5, null, {}],
  run_id: [5, null, {}],
  delta_s3_prefix: [5, {}, []],
  lines_delta_prefix: [5, {}],
  words_delta_prefix: [true, []],
};

const BAD_IMAGE_IDS = ['', '#', 'a#b', 'IMAGE#3f1c2a4e', '3f1c2a4e#RECEIPT#00001', 'é#😀'];
const NEGATIVE_IDS = [-1, -2, -99_999, -(2 ** 31)];

/** Bodies that are not JSON at all. */
const NOT_JSON = [
  '',
  ' ',
  '\n',
  'undefined',
  'None',
  'NaN',
  'Infinity',
  "{'source': 'dynamodb_stream'}",
  '{source: "dynamodb_stream"}',
  '{"a": 1}{"b": 2}',
  '{"a": 1,}',
  '[1,]',
  '\u0000',
  '\ufeff{}',
  '\ud800',
];
const GARBAGE = '{}[]":,\\ abcxyz0123456789-+.eE\u0000\u00e9\ud83d\ude00\ud800\n\t';

/** Entity types no built-in definition has (a consumer's own, a typo, another case). */
const UNKNOWN_TYPES = [
  'RECEIPT_LETTER',
  'LINE_ITEM',
  'receipt_word_label',
  'Receipt_Place',
  'FOO',
  '',
  ' RECEIPT_PLACE',
  'RECEIPT_PLACE\u0000',
  '💥',
  'RECEIPT_WORD_LABEL_V2',
];
/** Built-in types whose messages change nothing in a collection, and an event that goes with them. */
const IRRELEVANT: readonly (readonly [string, string])[] = [
  [EntityType.RECEIPT_SUMMARY, 'MODIFY'],
  [EntityType.RECEIPT_METADATA, 'MODIFY'],
  [EntityType.COMPACTION_LOCK, 'INSERT'],
  [EntityType.RECEIPT, 'MODIFY'],
  [EntityType.RECEIPT_WORD, 'INSERT'],
  [EntityType.RECEIPT_LINE, 'MODIFY'],
];
/** Text nobody reads may hold anything: lone surrogates, emoji, controls, right-to-left. */
const ODD_TEXT = [
  '\ud800',
  '\udfff',
  'x\ud83dy',
  '😀',
  '\u0000',
  '\u202eevil',
  'e\u0301',
  '\ufeff',
];

const hasControl = (text: string): boolean =>
  [...text].some((character) => character.charCodeAt(0) < 0x20);

const MUTATIONS: readonly Mutation[] = [
  // Good: the producer's bodies and what the format tolerates.
  { kind: 'original', verdict: 'good', weight: 36, make: (body) => ({ body }) },
  {
    kind: 'collection attribute absent',
    verdict: 'good',
    weight: 4,
    make: (body, random) => ({
      body,
      attributes: random.pick<Attributes>([
        {},
        { collection: undefined },
        { collection: {} },
        { source: { stringValue: 'dynamodb_stream' } },
        { Collection: { stringValue: 'elsewhere' } },
      ]),
    }),
  },
  {
    kind: 'extra fields',
    verdict: 'good',
    weight: 5,
    make: (body, random) => {
      const message = parse(body);
      const value = random.pick<unknown>([
        1,
        'new field',
        null,
        ['lines', 'words'],
        { nested: { deeper: [1, 2, 3] } },
        JSON.parse(nested(64)),
        'x'.repeat(100_000),
      ]);
      if (random.chance(0.5))
        message[random.pick(['collections', 'record_snapshot', 'v2'])] = value;
      else message.entity_data[random.pick(['extra', 'row_ids', 'note'])] = value;
      return { body: JSON.stringify(message) };
    },
  },
  {
    kind: 'odd text in unread fields',
    verdict: 'good',
    weight: 4,
    make: (body, random) => {
      const text = random.pick(ODD_TEXT);
      const field = random.pick(['stream_record_id', 'aws_region']);
      // Raw in the body (JSON.parse keeps a lone surrogate) or escaped as Python writes it;
      // a control character is always escaped (raw, it would make the body invalid JSON).
      const escaped = JSON.stringify(text).slice(1, -1);
      const written = random.chance(0.5) && !hasControl(text) ? text : escaped;
      const message = parse(body);
      message[field] = '__ODD__';
      return { body: JSON.stringify(message).replace('__ODD__', written) };
    },
  },
  {
    kind: 'deep nesting in a dropped key',
    verdict: 'good',
    weight: 1,
    make: (body) => ({ body: `${body.slice(0, -1)}, "future": ${nested(50_000)}}` }),
  },
  // Inert: well-formed, but nothing for this collection.
  {
    kind: 'unknown entity type',
    verdict: 'inert',
    weight: 3,
    make: (body, random) => {
      const message = parse(body);
      const type = random.pick(UNKNOWN_TYPES);
      message['entity_type'] = type;
      if (random.chance(0.5)) message.entity_data['entity_type'] = type;
      return { body: JSON.stringify(message) };
    },
  },
  {
    kind: 'entity type with no use here',
    verdict: 'inert',
    weight: 2,
    make: (body, random) => {
      const message = parse(body);
      const [type, event] = random.pick(IRRELEVANT);
      message['entity_type'] = type;
      message.entity_data['entity_type'] = type;
      message['event_name'] = event;
      return { body: JSON.stringify(message) };
    },
  },
  // Bad: not the wire format.
  {
    kind: 'not JSON',
    verdict: 'bad',
    weight: 4,
    make: (body, random) => {
      const choice = random.int(0, 3);
      if (choice === 0) return { body: random.pick(NOT_JSON) };
      if (choice === 1) return { body: `${body}${random.pick(['x', '}', ',', ' {'])}` };
      if (choice === 2) return { body: body.replace('"', '"\u0001') };
      let garbage = '';
      for (let length = random.int(1, 200); length > 0; length -= 1) {
        garbage += GARBAGE[random.int(0, GARBAGE.length - 1)];
      }
      return { body: garbage };
    },
  },
  {
    kind: 'truncated JSON',
    verdict: 'bad',
    weight: 4,
    make: (body, random) => ({ body: body.slice(0, random.int(0, body.length - 1)) }),
  },
  {
    kind: 'JSON of the wrong shape',
    verdict: 'bad',
    weight: 3,
    make: (body, random) => ({
      body: random.pick([
        '[]',
        'null',
        '0',
        '-1.5e3',
        '"text"',
        'true',
        '{}',
        `[${body}]`,
        JSON.stringify(body),
        `{"Records": [${body}]}`,
        `{"body": ${body}}`,
        nested(100_000),
      ]),
    }),
  },
  {
    kind: 'wrong field type',
    verdict: 'bad',
    weight: 6,
    make: (body, random) => {
      const message = parse(body);
      if (random.chance(0.5)) {
        const key = random.pick(TOP_KEYS);
        (message as Loose)[key] = random.pick(WRONG_TOP[key]);
      } else {
        const key = random.pick(Object.keys(WRONG_DATA));
        message.entity_data[key] = random.pick(WRONG_DATA[key] ?? []);
      }
      return { body: JSON.stringify(message) };
    },
  },
  {
    kind: 'missing key',
    verdict: 'bad',
    weight: 4,
    make: (body, random, queue) => {
      const message = parse(body);
      if (random.chance(0.5)) delete message[random.pick(TOP_KEYS)];
      else delete message.entity_data[random.pick(idKeysOf(message, queue))];
      return { body: JSON.stringify(message) };
    },
  },
  {
    kind: 'invalid ids',
    verdict: 'bad',
    weight: 4,
    make: (body, random, queue) => {
      const message = parse(body);
      const key = random.pick(idKeysOf(message, queue));
      message.entity_data[key] =
        key === 'image_id' ? random.pick(BAD_IMAGE_IDS) : random.pick(NEGATIVE_IDS);
      return { body: JSON.stringify(message) };
    },
  },
  {
    kind: 'huge body',
    verdict: 'bad',
    weight: 1,
    make: (body, random) => {
      const huge = 'x'.repeat(300_000);
      const message = parse(body);
      const choice = random.int(0, 2);
      if (choice === 0) return { body: huge };
      if (choice === 1) message.entity_data['receipt_id'] = huge;
      else message.entity_data['image_id'] = `${huge}#`;
      return { body: JSON.stringify(message) };
    },
  },
  {
    kind: 'change nested deeper than the stack',
    verdict: 'bad',
    weight: 1,
    make: (body) => {
      const message = parse(body);
      message['changes'] = { merchant_name: { old: '__DEEP__', new: 'x' } };
      return { body: JSON.stringify(message).replace('"__DEEP__"', nested(100_000)) };
    },
  },
  {
    kind: 'wrong collection attribute',
    verdict: 'bad',
    weight: 3,
    make: (body, random, queue) => ({
      body,
      attributes: attributesFor(
        random.pick([otherQueue(queue), '', 'LINES', 'Words', 'receipt_summary', `${queue} `]),
      ),
    }),
  },
];

/** Every mutation kind, for the figures and to check that each one ran. */
export const WIRE_MUTATION_KINDS: readonly string[] = [
  ...MUTATIONS.map(({ kind }) => kind),
  'duplicate',
];

const TOTAL_WEIGHT = MUTATIONS.reduce((sum, { weight }) => sum + weight, 0);

/** A batch of records for one queue, as one Lambda invocation receives it. */
export interface FuzzedBatch {
  readonly queue: WireQueue;
  readonly records: readonly FuzzedRecord[];
}

/**
 * Makes `count` fuzzed records from the good bodies of each queue, in batches of 1, 10 or
 * 100 for one queue each. A duplicate (`duplicate`) repeats an earlier good body verbatim
 * under a new message id, as a Standard queue redelivers it.
 */
export const fuzzWireBatches = (
  random: Random,
  good: Readonly<Record<WireQueue, readonly string[]>>,
  count: number,
): FuzzedBatch[] => {
  const batches: FuzzedBatch[] = [];
  const sent: Record<WireQueue, string[]> = { lines: [], words: [] };
  let made = 0;
  const pickMutation = (): Mutation => {
    let roll = random.next() * TOTAL_WEIGHT;
    for (const mutation of MUTATIONS) {
      roll -= mutation.weight;
      if (roll < 0) return mutation;
    }
    return MUTATIONS[0] as Mutation;
  };
  while (made < count) {
    const queue = random.pick<WireQueue>(['lines', 'words']);
    const size = Math.min(count - made, random.pick([1, 10, 10, 100]));
    const records: FuzzedRecord[] = [];
    for (let index = 0; index < size; index += 1) {
      const messageId = random.uuid4();
      const earlier = sent[queue];
      if (earlier.length > 0 && random.chance(0.05)) {
        const body = random.pick(earlier);
        records.push({
          messageId,
          body,
          messageAttributes: attributesFor(queue),
          verdict: 'good',
          kind: 'duplicate',
        });
        continue;
      }
      const original = random.pick(good[queue]);
      const mutation = pickMutation();
      const { body, attributes } = mutation.make(original, random, queue);
      if (mutation.kind === 'original') earlier.push(body);
      records.push({
        messageId,
        body,
        messageAttributes: attributes ?? attributesFor(queue),
        verdict: mutation.verdict,
        kind: mutation.kind,
      });
    }
    batches.push({ queue, records });
    made += size;
  }
  return batches;
};
