import {
  COMPACTION_LOCK_ITEM_PARSER,
  COMPACTION_LOCK_RULES,
} from '../../../../src/entities/compactionLock.js';
import { lockItem } from '../../../helpers/entityItemsB.js';
import { describeRulesGolden } from '../../../helpers/rulesGolden.js';

const parsed = COMPACTION_LOCK_ITEM_PARSER.safeParse(lockItem());
if (!parsed.success) throw new Error('the compaction-lock fixture must parse');

describeRulesGolden('CompactionLock', COMPACTION_LOCK_RULES, [
  parsed.data as unknown as Record<string, unknown>,
]);
