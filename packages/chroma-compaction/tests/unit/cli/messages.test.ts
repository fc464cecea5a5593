import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  compactionRunToItem,
  type DynamoDBItem,
  receiptWordLabelToItem,
} from '@receipt-chroma/dynamo-stream';
import { describe, expect, it } from 'vitest';
import { runReceiptChroma } from '../../helpers/cliRun.js';
import { makeCompactionRun, makeLabel } from '../../helpers/factories.js';
import { useTempRoot } from '../../helpers/snapshotTrees.js';

const IMAGE_ID = '3f52804b-2fad-4e00-92c8-b593da3a8ed3';
const RUN_ID = '7d4ec9f0-6f7c-4b1e-9a55-1f4a2c9b8e01';

/** A stream record as the DynamoDB stream delivers it (NEW_AND_OLD_IMAGES). */
const streamRecord = (
  eventName: 'INSERT' | 'REMOVE',
  item: DynamoDBItem,
  sequence: number,
): Record<string, unknown> => ({
  eventID: `event-${sequence}`,
  eventName,
  eventSource: 'aws:dynamodb',
  awsRegion: 'us-east-1',
  dynamodb: {
    Keys: { PK: item['PK'], SK: item['SK'] },
    ...(eventName === 'INSERT' ? { NewImage: item } : { OldImage: item }),
    SequenceNumber: String(sequence).padStart(21, '0'),
    StreamViewType: 'NEW_AND_OLD_IMAGES',
  },
});

const runInsert = streamRecord(
  'INSERT',
  compactionRunToItem(makeCompactionRun(IMAGE_ID, 1, RUN_ID, '2026-01-04T12:00:00.000000+00:00')),
  1,
);
const labelRemove = streamRecord(
  'REMOVE',
  receiptWordLabelToItem(makeLabel(IMAGE_ID, 1, 2, 3, 'TOTAL')),
  2,
);
const malformed = { eventID: 'event-3', eventName: 'TRUNCATE', dynamodb: {} };

interface Printed {
  records: number;
  messages: { queues: string[]; entityType: string; eventName: string }[];
  failures: { recordIndex: number; eventId: string; reason: string }[];
}

describe('receipt-chroma messages from-events', () => {
  const temp = useTempRoot('cli-messages-');
  const file = async (content: string): Promise<string> => {
    const path = join(temp.root, 'event.json');
    await writeFile(path, content);
    return path;
  };

  it('prints the messages per queue and the failed records, exiting 0', async () => {
    // Prepare
    const event = await file(JSON.stringify({ Records: [runInsert, labelRemove, malformed] }));

    // Act
    const table = await runReceiptChroma(`messages from-events ${event}`);
    const json = await runReceiptChroma(`messages from-events ${event} --json`);

    // Assess
    expect(table.code).toBe(0);
    expect(table.stderr).toBe('');
    const lines = table.stdout.split('\n');
    expect(lines[0]).toMatch(/^QUEUE\s+EVENT\s+ENTITY\s+KEY$/);
    const label = /\s+REMOVE\s+RECEIPT_WORD_LABEL\s+.*line_id=2 word_id=3 label=TOTAL$/.source;
    expect(lines.slice(1, 6)).toEqual([
      expect.stringMatching(new RegExp(`^lines\\s+INSERT\\s+COMPACTION_RUN\\s+run_id=${RUN_ID} `)),
      expect.stringMatching(new RegExp(`^words\\s+INSERT\\s+COMPACTION_RUN\\s+run_id=${RUN_ID} `)),
      expect.stringMatching(new RegExp(`^words${label}`)),
      expect.stringMatching(new RegExp(`^lines${label}`)),
      expect.stringMatching(new RegExp(`^receipt_summary${label}`)),
    ]);
    expect(lines[1]).toMatch(new RegExp(`receipt_id=1 delta_s3_prefix=lines/delta/${RUN_ID}/$`));
    expect(table.stdout).toMatch(
      /^Failures:\nRECORD\s+EVENT ID\s+REASON\s+MESSAGE\n\s+2\s+event-3\s+malformed-record\s+/m,
    );
    expect(table.stdout).toMatch(
      /3 messages \(5 queue sends\) from 3 records; 1 record failed\.\n$/,
    );
    const printed = json.json<Printed>();
    expect(printed.records).toBe(3);
    expect(printed.messages.map((m) => [m.entityType, m.eventName, m.queues])).toEqual([
      ['COMPACTION_RUN', 'INSERT', ['lines']],
      ['COMPACTION_RUN', 'INSERT', ['words']],
      ['RECEIPT_WORD_LABEL', 'REMOVE', ['words', 'lines', 'receipt_summary']],
    ]);
    expect(printed.failures).toEqual([
      expect.objectContaining({ recordIndex: 2, eventId: 'event-3', reason: 'malformed-record' }),
    ]);
  });

  it('--strict prints the same and exits 1 when a record failed', async () => {
    // Prepare
    const event = await file(JSON.stringify([labelRemove, malformed]));

    // Act
    const strict = await runReceiptChroma(`messages from-events ${event} --strict --json`);
    const clean = await runReceiptChroma(
      `messages from-events ${await file(JSON.stringify([labelRemove]))} --strict`,
    );

    // Assess
    expect(strict.code).toBe(1);
    expect(strict.json<Printed>().messages).toHaveLength(1);
    expect(strict.stderr).toMatch(
      /^receipt-chroma: 1 of 2 records failed \(--strict\); the first: record 1: .*TRUNCATE\n$/,
    );
    expect(clean.code).toBe(0);
  });

  it('reads an array of records, NDJSON, and stdin', async () => {
    // Prepare
    const ndjson = `${JSON.stringify(runInsert)}\n\n${JSON.stringify(labelRemove)}\n`;

    // Act
    const fromNdjson = await runReceiptChroma(`messages from-events ${await file(ndjson)} --json`);
    const fromStdin = await runReceiptChroma('messages from-events - --json', {
      stdin: JSON.stringify({ Records: [labelRemove] }),
    });

    // Assess
    expect(fromNdjson.json<Printed>()).toMatchObject({ records: 2, failures: [] });
    expect(fromNdjson.json<Printed>().messages).toHaveLength(3);
    expect(fromStdin.json<Printed>().messages).toHaveLength(1);
  });

  it('says which input it cannot read', async () => {
    // Act
    const directory = await runReceiptChroma(`messages from-events ${temp.root}`);
    const missing = await runReceiptChroma(`messages from-events ${temp.root}/none.json`);

    // Assess
    expect(directory).toMatchObject({
      code: 2,
      stderr: `receipt-chroma: cannot read ${temp.root}: is a directory\n`,
    });
    expect(missing).toMatchObject({
      code: 2,
      stderr: `receipt-chroma: cannot read ${temp.root}/none.json: no such file or directory\n`,
    });
  });

  it.each([
    ['an empty file', '', /is empty$/],
    [
      'JSON that holds no records',
      '{"items": []}',
      /neither a stream event .* nor stream records$/,
    ],
    [
      'text that is neither JSON nor NDJSON',
      '{"Records": [\n',
      /is neither JSON nor NDJSON: line 1: /,
    ],
  ])('refuses %s with one line and exit 2', async (_, content, reason) => {
    // Prepare
    const event = await file(content);

    // Act
    const run = await runReceiptChroma(`messages from-events ${event}`);

    // Assess
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr.split('\n')).toHaveLength(2);
    expect(run.stderr.trimEnd()).toMatch(reason);
  });

  it('prints only the summary for an event without records', async () => {
    // Prepare
    const event = await file(JSON.stringify({ Records: [] }));

    // Act
    const table = await runReceiptChroma(`messages from-events ${event} --strict`);
    const json = await runReceiptChroma(`messages from-events ${event} --json`);

    // Assess
    expect(table).toMatchObject({
      code: 0,
      stdout: '0 messages (0 queue sends) from 0 records; 0 records failed.\n',
      stderr: '',
    });
    expect(json.json()).toEqual({ records: 0, messages: [], failures: [] });
  });

  it('prints the failures alone when no record makes a message, with - for a missing event id', async () => {
    // Prepare: NDJSON of a record the stream never delivers (no eventID, an unknown event)
    const { eventID: _, ...anonymous } = malformed;
    const records = await file(`${JSON.stringify(anonymous)}\n`);

    // Act
    const table = await runReceiptChroma(`messages from-events ${records}`);
    const json = await runReceiptChroma(`messages from-events ${records} --json`);

    // Assess
    expect(table.code).toBe(0);
    const lines = table.stdout.split('\n');
    expect(lines.slice(0, 2)).toEqual([
      'Failures:',
      expect.stringMatching(/^RECORD\s+EVENT ID\s+REASON\s+MESSAGE$/),
    ]);
    expect(lines[2]).toMatch(/^\s+0\s+-\s+malformed-record\s+.*TRUNCATE/);
    expect(lines.slice(3)).toEqual([
      '',
      '0 messages (0 queue sends) from 1 record; 1 record failed.',
      '',
    ]);
    expect(json.json<Printed>()).toMatchObject({
      records: 1,
      messages: [],
      failures: [{ recordIndex: 0, eventId: null, reason: 'malformed-record' }],
    });
  });
});
