import { describeLabelOperationsContract } from '../../contracts/labelOperations.contract.js';
import { makeInMemoryLabelFixture } from '../../helpers/compactionFixture.js';

describeLabelOperationsContract('in-memory doubles', async () => makeInMemoryLabelFixture());
