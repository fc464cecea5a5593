import {
  buildStreamMessages,
  type DynamoDBStreamRecord,
  type StreamMessage,
} from '@receipt-chroma/dynamo-stream';
import { Argument, Command } from 'commander';
import type { CliSession, CommandContext, CommonOptions } from './CliSession.js';
import { addLeaf } from './commandOptions.js';
import { CliError, CliUsageError } from './errors.js';
import { readInputText } from './localFiles.js';
import { formatTable } from './output.js';

/** Options of `messages from-events`. */
interface FromEventsOptions extends CommonOptions {
  readonly strict?: boolean | undefined;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** NDJSON: one record per non-blank line. */
const ndjsonRecords = (text: string, file: string): unknown[] =>
  text.split('\n').flatMap((line, index) => {
    if (line.trim() === '') return [];
    try {
      return [JSON.parse(line) as unknown];
    } catch (error) {
      throw new CliUsageError(
        `${file} is neither JSON nor NDJSON: line ${index + 1}: ${(error as Error).message}`,
      );
    }
  });

/**
 * The stream records in a file: a stream event (`{ "Records": [...] }`), an array of
 * records, or NDJSON with one record (or one event) per line.
 */
const recordsIn = (text: string, file: string): unknown[] => {
  if (text.trim() === '') throw new CliUsageError(`${file} is empty`);
  let values: unknown[];
  try {
    const json: unknown = JSON.parse(text);
    values = Array.isArray(json) ? json : [json];
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
    values = ndjsonRecords(text, file);
  }
  return values.flatMap((value) => {
    if (isObject(value) && Array.isArray(value['Records'])) return value['Records'] as unknown[];
    if (isObject(value) && ('dynamodb' in value || 'eventName' in value)) return [value];
    throw new CliUsageError(
      `${file} holds JSON that is neither a stream event ({"Records": [...]}) nor stream records`,
    );
  });
};

/**
 * The entity's identifiers, `name=value`, for a table cell. A delta-merge message's own
 * `delta_s3_prefix` stands for the run's two per-collection prefixes.
 */
const keyOf = (message: StreamMessage): string =>
  Object.entries(message.entityData)
    .filter(
      ([name, value]) =>
        name !== 'entity_type' &&
        value !== undefined &&
        value !== null &&
        !(name.endsWith('_delta_prefix') && 'delta_s3_prefix' in message.entityData),
    )
    .map(([name, value]) => `${name}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(' ');

const fromEvents = async (
  context: CommandContext,
  file: string,
  options: FromEventsOptions,
): Promise<void> => {
  const records = recordsIn(await readInputText(context.io, file), file);
  const { messages, failures } = buildStreamMessages(records as DynamoDBStreamRecord[]);
  const failed = failures.map((failure) => ({
    recordIndex: failure.recordIndex ?? null,
    eventId: failure.eventId ?? null,
    sequenceNumber: failure.sequenceNumber ?? null,
    reason: failure.reason,
    entityType: failure.entityType ?? null,
    message: failure.message,
  }));
  const json = {
    records: records.length,
    messages: messages.map((message) => ({
      queues: message.collections,
      entityType: message.entityType,
      eventName: message.eventName,
      entityData: message.entityData,
      changes: message.changes,
      context: message.context,
    })),
    failures: failed,
  };
  context.result(json, () => {
    const rows = messages.flatMap((message) =>
      message.collections.map((queue) => ({ queue, message })),
    );
    const summary = `${messages.length} message${messages.length === 1 ? '' : 's'} (${rows.length} queue sends) from ${records.length} record${records.length === 1 ? '' : 's'}; ${failures.length} record${failures.length === 1 ? '' : 's'} failed.\n`;
    const table =
      rows.length === 0
        ? ''
        : formatTable(rows, [
            { header: 'QUEUE', cell: (row) => row.queue },
            { header: 'EVENT', cell: (row) => row.message.eventName },
            { header: 'ENTITY', cell: (row) => row.message.entityType },
            { header: 'KEY', cell: (row) => keyOf(row.message) },
          ]);
    const failureTable =
      failed.length === 0
        ? ''
        : `${table === '' ? '' : '\n'}Failures:\n${formatTable(failed, [
            { header: 'RECORD', cell: (row) => String(row.recordIndex ?? '-'), right: true },
            { header: 'EVENT ID', cell: (row) => row.eventId ?? '-' },
            { header: 'REASON', cell: (row) => row.reason },
            { header: 'MESSAGE', cell: (row) => row.message },
          ])}`;
    return `${table}${failureTable}${table === '' && failureTable === '' ? '' : '\n'}${summary}`;
  });
  if (options.strict === true && failures.length > 0) {
    throw new CliError(
      `${failures.length} of ${records.length} records failed (--strict); the first: record ${failures[0]?.recordIndex ?? '?'}: ${failures[0]?.message ?? ''}`,
    );
  }
};

/**
 * The `messages` command group: `from-events FILE`, the queue messages the stream Lambda
 * would send for a file of DynamoDB stream records.
 * @param session - The run the commands belong to.
 */
export const messagesCommand = (session: CliSession): Command => {
  const group = new Command('messages').description('queue messages built from stream records');
  addLeaf(
    group,
    new Command('from-events')
      .description(
        'print the messages the stream Lambda would send for a file of DynamoDB stream records',
      )
      .addArgument(
        new Argument(
          '<file>',
          'a stream event {"Records": [...]}, an array of records, or NDJSON (- for stdin)',
        ),
      )
      .option('--strict', 'exit 1 when any record fails (they are always printed)')
      .action(
        session.action<FromEventsOptions>((context, [file], options) =>
          fromEvents(context, file as string, options),
        ),
      ),
    {},
    [
      'receipt-chroma messages from-events event.json',
      'receipt-chroma messages from-events - --json < records.ndjson',
    ],
  );
  return group;
};
