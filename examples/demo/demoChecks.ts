import type { CollectionName } from '@receipt-chroma/chroma-compaction';
import type { AppliedEdits } from './edits.js';
import type { PublishedCollection } from './inspectSnapshots.js';
import type { DemoRound } from './runDemo.js';

/** One thing the demo verified about its result. */
export interface DemoCheck {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
}

/** What {@link checkOutcome} looks at. */
export interface OutcomeToCheck {
  readonly rounds: readonly DemoRound[];
  readonly edits: AppliedEdits;
  readonly published: Readonly<Record<CollectionName, PublishedCollection>>;
}

/** The label the receipt total carries (`label_GRAND_TOTAL` on `lines` rows). */
export const TOTAL_LABEL = 'GRAND_TOTAL';

/**
 * The checks that make the demo's run a success: snapshots were published, each
 * collection holds exactly the records the table backs, no message failed, the nearest row
 * to "TOTAL" is a total line, the deleted word and receipt are gone, and the corrected
 * place reached every record of its receipt.
 */
export const checkOutcome = ({ rounds, edits, published }: OutcomeToCheck): DemoCheck[] => {
  const drains = rounds.flatMap((round) => round.compaction);
  const versions = drains.reduce((sum, drain) => sum + drain.versions.length, 0);
  const failed = drains.reduce((sum, drain) => sum + drain.failed + drain.deadLettered, 0);
  const refused = rounds.reduce((sum, round) => sum + round.stream.refused, 0);
  const { lines, words } = published;
  const nearest = lines.neighbours[0];
  const present = [...lines.presentIds, ...words.presentIds];
  const names = [...new Set([...lines.merchantNames, ...words.merchantNames])];
  const firstFailure = drains.find((drain) => drain.firstFailure !== undefined)?.firstFailure;
  return [
    {
      name: 'versions published',
      ok: versions > 0,
      detail: `${versions} (lines ${lines.version}, words ${words.version})`,
    },
    {
      name: 'records per collection',
      ok:
        lines.count === edits.expectedCounts.lines &&
        words.count === edits.expectedCounts.words &&
        lines.manifestCount === lines.count &&
        words.manifestCount === words.count,
      detail: `lines ${lines.count} (expected ${edits.expectedCounts.lines}), words ${words.count} (expected ${edits.expectedCounts.words})`,
    },
    {
      name: 'no failed messages',
      ok: failed === 0 && refused === 0,
      detail:
        failed === 0 && refused === 0
          ? '0 failed, 0 refused by the stream builder'
          : `${failed} failed, ${refused} refused${firstFailure === undefined ? '' : `; first: ${firstFailure}`}`,
    },
    {
      name: `nearest to "TOTAL" is a ${TOTAL_LABEL} line`,
      ok: nearest?.validLabels.includes(TOTAL_LABEL) === true,
      detail:
        nearest === undefined
          ? 'no neighbour'
          : `${nearest.document ?? nearest.id} [${nearest.validLabels.join(', ')}]`,
    },
    {
      name: 'deleted word and receipt are gone',
      ok: present.length === 0,
      detail:
        present.length === 0
          ? `none of ${1 + edits.deletedReceipt.lineIds.length + edits.deletedReceipt.wordIds.length} deleted ids found`
          : `still present: ${present.slice(0, 3).join(', ')}`,
    },
    {
      name: 'corrected place on every record of its receipt',
      ok: names.length === 1 && names[0] === edits.editedPlace.merchantName,
      detail: names.join(' | '),
    },
  ];
};
