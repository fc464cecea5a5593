import { COMPACTION_RUN } from '../../../../src/entities/compactionRun.js';
import { runItem } from '../../../helpers/factories.js';
import { describeRulesGolden } from '../../../helpers/rulesGolden.js';

const parsed = COMPACTION_RUN.itemParser.safeParse(runItem());
if (!parsed.success) throw new Error('the compaction-run fixture must parse');

describeRulesGolden('CompactionRun', COMPACTION_RUN.rules, [
  parsed.data as unknown as Record<string, unknown>,
]);
