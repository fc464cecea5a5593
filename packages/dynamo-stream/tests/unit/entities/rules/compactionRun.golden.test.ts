import {
  COMPACTION_RUN_ITEM_PARSER,
  COMPACTION_RUN_RULES,
} from '../../../../src/entities/compactionRun.js';
import { runItem } from '../../../helpers/entityItemsB.js';
import { describeRulesGolden } from '../../../helpers/rulesGolden.js';

const parsed = COMPACTION_RUN_ITEM_PARSER.safeParse(runItem());
if (!parsed.success) throw new Error('the compaction-run fixture must parse');

describeRulesGolden('CompactionRun', COMPACTION_RUN_RULES, [
  parsed.data as unknown as Record<string, unknown>,
]);
