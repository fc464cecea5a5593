import {
  COMPACTION_LOCK_ITEM_PARSER,
  COMPACTION_LOCK_RULES,
} from '../../../../src/entities/compactionLock.js';
import { lockItem } from '../../../helpers/entityItemsB.js';
import { compactionLockReference } from '../../../helpers/referenceRules/compactionLock.js';
import { describeRulesAgreement } from '../../../helpers/rulesAgreement.js';

const parsed = COMPACTION_LOCK_ITEM_PARSER.safeParse(lockItem());
if (!parsed.success) throw new Error('the compaction-lock fixture must parse');

describeRulesAgreement('CompactionLock', COMPACTION_LOCK_RULES, compactionLockReference, [
  parsed.data as unknown as Record<string, unknown>,
]);
