import { COMPACTION_PHASES, type CompactionPhase } from '@receipt-chroma/chroma-compaction';
import type { DemoSummary } from './runDemo.js';

/** Lays out rows as columns: the first column left-aligned, the others right-aligned. */
const table = (rows: readonly (readonly (string | number)[])[]): string[] => {
  const cells = rows.map((row) => row.map(String));
  const widths = cells[0]?.map((_, column) =>
    Math.max(...cells.map((row) => row[column]?.length ?? 0)),
  );
  return cells.map((row) =>
    row
      .map((cell, column) =>
        column === 0 ? cell.padEnd(widths?.[column] ?? 0) : cell.padStart(widths?.[column] ?? 0),
      )
      .join('  ')
      .trimEnd(),
  );
};

const ms = (value: number): string => `${Math.round(value)}`;

/** The demo's report, as printed on stdout. */
export const formatSummary = (summary: DemoSummary): string => {
  const { generated, deltaVectors, rounds, edits, published, steps, checks } = summary;
  const drains = rounds.flatMap((round) => round.compaction.map((drain) => ({ round, drain })));
  const versions = (collection: string) =>
    drains
      .filter(({ drain }) => drain.collection === collection)
      .reduce((sum, { drain }) => sum + drain.versions.length, 0);
  const phases: readonly (CompactionPhase | 'total')[] = [...COMPACTION_PHASES, 'total'];
  const lines = [
    `Generated ${generated.receipts} receipts: ${generated.lines} lines, ${generated.words} words, ` +
      `${generated.labels} labels; deltas of ${deltaVectors.lines} line and ${deltaVectors.words} word vectors.`,
    '',
    'Messages (stream Lambda -> queues -> compactCollection):',
    ...table([
      [
        'round',
        'stream records',
        'collection',
        'messages',
        'invocations',
        'applied',
        'skipped',
        'failed',
        'versions',
      ],
      ...drains.map(({ round, drain }) => [
        round.name,
        round.stream.records,
        drain.collection,
        round.stream.sent[drain.collection],
        drain.invocations,
        drain.applied,
        drain.skipped,
        drain.failed + drain.deadLettered,
        drain.versions.length,
      ]),
    ]).map((line) => `  ${line}`),
    '  (skipped: nothing to write; e.g. a label or place of a receipt whose delta the same batch',
    '  merged, which wrote them from the table, or whose delta is not merged yet: its merge will)',
    '',
    `Versions published: lines ${versions('lines')}, words ${versions('words')}.`,
    `Latest snapshots: lines ${published.lines.version} holds ${published.lines.count} records, ` +
      `words ${published.words.version} holds ${published.words.count} records ` +
      `(expected ${edits.expectedCounts.lines} and ${edits.expectedCounts.words}).`,
    '',
    'Compaction phases (ms, summed over the invocations, from result.timings):',
    ...table([
      ['round/collection', ...phases],
      ...drains.map(({ round, drain }) => [
        `${round.name}/${drain.collection}`,
        ...phases.map((phase) => ms(drain.timings[phase])),
      ]),
    ]).map((line) => `  ${line}`),
    '',
    'Steps (wall clock, ms):',
    ...table(steps.map((step) => [step.name, ms(step.ms)])).map((line) => `  ${line}`),
    `  ${'total'.padEnd(Math.max(...steps.map((step) => step.name.length)))}  ${ms(steps.reduce((sum, step) => sum + step.ms, 0))}`,
    '',
    `Nearest lines to "TOTAL" in lines ${published.lines.version}:`,
    ...published.lines.neighbours.map(
      (neighbour) =>
        `  nearest to "TOTAL": ${neighbour.id} distance ${neighbour.distance.toFixed(4)} ` +
        `"${neighbour.document ?? ''}" [${neighbour.validLabels.join(', ') || 'no valid labels'}]`,
    ),
    '',
    `Deleted word ${edits.deletedWordId}: ${published.words.presentIds.includes(edits.deletedWordId) ? 'STILL PRESENT' : 'gone'}.`,
    `Deleted receipt IMAGE#${edits.deletedReceipt.imageId}#RECEIPT#${String(edits.deletedReceipt.receiptId).padStart(5, '0')}: ` +
      `${edits.deletedReceipt.lineIds.filter((id) => published.lines.presentIds.includes(id)).length} of ` +
      `${edits.deletedReceipt.lineIds.length} lines and ` +
      `${edits.deletedReceipt.wordIds.filter((id) => published.words.presentIds.includes(id)).length} of ` +
      `${edits.deletedReceipt.wordIds.length} words left.`,
    '',
    `Checks: ${checks.filter((check) => check.ok).length}/${checks.length} passed`,
    ...checks.map((check) => `  ${check.ok ? 'ok  ' : 'FAIL'} ${check.name}: ${check.detail}`),
  ];
  return `${lines.join('\n')}\n`;
};
