import { COMPACTION_LOCK } from '../../../../src/entities/compactionLock.js';
import { lockItem } from '../../../helpers/factories.js';
import { describeRulesGolden } from '../../../helpers/rulesGolden.js';

const parsed = COMPACTION_LOCK.itemParser.safeParse(lockItem());
if (!parsed.success) throw new Error('the compaction-lock fixture must parse');

describeRulesGolden('CompactionLock', COMPACTION_LOCK.rules, [
  parsed.data as unknown as Record<string, unknown>,
]);
