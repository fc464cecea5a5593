import {
  COMPACTION_RUN_ITEM_PARSER,
  COMPACTION_RUN_RULES,
} from '../../../../src/entities/compactionRun.js';
import { runItem } from '../../../helpers/entityItemsB.js';
import { compactionRunReference } from '../../../helpers/referenceRules/compactionRun.js';
import { describeRulesAgreement } from '../../../helpers/rulesAgreement.js';

const parsed = COMPACTION_RUN_ITEM_PARSER.safeParse(runItem());
if (!parsed.success) throw new Error('the compaction-run fixture must parse');

describeRulesAgreement('CompactionRun', COMPACTION_RUN_RULES, compactionRunReference, [
  parsed.data as unknown as Record<string, unknown>,
]);
