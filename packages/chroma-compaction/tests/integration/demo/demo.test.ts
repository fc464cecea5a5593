import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { TOTAL_LABEL } from '../../../../../examples/demo/demoChecks.js';
import { runDemo } from '../../../../../examples/demo/runDemo.js';
import { formatSummary } from '../../../../../examples/demo/summary.js';
import { generateReceipts } from '../../../../../examples/demo/syntheticReceipts.js';
import { lineChromaId, wordChromaId } from '../../../src/index.js';
import { chromaCommand } from '../helpers/localChroma.js';

const RECEIPTS = 6;
const SEED = 11;

/** The receipts the demo generates for `RECEIPTS` and `SEED` (timestamps do not change them). */
const expectedReceipts = () =>
  generateReceipts({ count: RECEIPTS, seed: SEED, timestamp: () => '2026-01-05T09:00:00+00:00' });

describe('Example: npm run demo', () => {
  it('carries receipts and edits through the stream and compactCollection into published snapshots', async () => {
    // Prepare
    const receipts = expectedReceipts();
    const first = receipts[0];
    const deleted = receipts.at(-1);
    if (first === undefined || deleted === undefined) throw new Error('no receipts generated');
    const closingLine = first.lines.at(-1)?.line_id ?? 0;
    const deletedWord = wordChromaId({
      imageId: first.receipt.image_id,
      receiptId: first.receipt.receipt_id,
      lineId: closingLine,
      wordId: 3,
    });
    const deletedIds = [
      deletedWord,
      ...deleted.lines.map((line) =>
        lineChromaId({ imageId: line.image_id, receiptId: line.receipt_id, lineId: line.line_id }),
      ),
      ...deleted.words.map((word) =>
        wordChromaId({
          imageId: word.image_id,
          receiptId: word.receipt_id,
          lineId: word.line_id,
          wordId: word.word_id,
        }),
      ),
    ];
    const lines = receipts.reduce((sum, receipt) => sum + receipt.lines.length, 0);
    const words = receipts.reduce((sum, receipt) => sum + receipt.words.length, 0);
    const progress: string[] = [];
    let workspace: string | undefined;

    // Act
    const summary = await runDemo({
      command: chromaCommand(),
      receipts: RECEIPTS,
      seed: SEED,
      batchSize: 50,
      progress: (line) => progress.push(line),
      onWorkspace: (dir) => {
        workspace = dir;
      },
    });
    const printed = formatSummary(summary);

    // Assess
    const drains = summary.rounds.flatMap((round) => round.compaction);
    for (const collection of ['lines', 'words'] as const) {
      const published = drains
        .filter((drain) => drain.collection === collection)
        .flatMap((drain) => drain.versions);
      expect(published.length).toBeGreaterThan(0);
      expect(summary.published[collection].version).toBe(published.at(-1));
    }
    expect(summary.published.lines.count).toBe(lines - deleted.lines.length);
    expect(summary.published.words.count).toBe(words - deleted.words.length - 1);
    expect(summary.published.lines.manifestCount).toBe(summary.published.lines.count);
    expect(drains.map((drain) => drain.failed + drain.deadLettered)).toEqual([0, 0, 0, 0]);
    expect(summary.rounds.map((round) => round.stream.refused)).toEqual([0, 0]);
    const nearest = summary.published.lines.neighbours[0];
    expect(nearest?.validLabels).toContain(TOTAL_LABEL);
    expect(nearest?.document).toMatch(/^TOTAL \d+\.\d{2}$/);
    expect([
      summary.edits.deletedWordId,
      ...summary.edits.deletedReceipt.lineIds,
      ...summary.edits.deletedReceipt.wordIds,
    ]).toEqual(deletedIds);
    expect(summary.published.lines.presentIds).toEqual([]);
    expect(summary.published.words.presentIds).toEqual([]);
    expect(summary.published.words.merchantNames).toEqual([
      `${receipts[1]?.place.merchant_name} THOUSAND OAKS`,
    ]);
    expect(summary.checks.filter((check) => !check.ok)).toEqual([]);
    expect(printed).toContain(`nearest to "TOTAL": ${nearest?.id} distance `);
    expect(printed).toContain('Checks: 6/6 passed');
    expect(progress.filter((line) => line.startsWith('[demo] '))).toHaveLength(8);
    expect(workspace !== undefined && existsSync(workspace)).toBe(false);
  });

  it('stops at the next step when aborted and removes its temporary directory', async () => {
    // Prepare
    const controller = new AbortController();
    let workspace: string | undefined;

    // Act
    const run = runDemo({
      command: chromaCommand(),
      receipts: 3,
      seed: SEED,
      signal: controller.signal,
      progress: (line) => {
        if (line.includes('compactor Lambda')) controller.abort(new Error('stop here'));
      },
      onWorkspace: (dir) => {
        workspace = dir;
      },
    });

    // Assess
    await expect(run).rejects.toThrow('stop here');
    expect(workspace).toBeDefined();
    expect(existsSync(workspace ?? '')).toBe(false);
  });
});
