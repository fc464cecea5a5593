import { describeLabelOperationsContract } from '../../contracts/labelOperations.contract.js';
import { makeInMemoryLabelFixture } from '../../helpers/operationFixtures.js';

describeLabelOperationsContract('in-memory doubles', async () => makeInMemoryLabelFixture());
