import { describeConvergenceContract } from '../../contracts/convergence.contract.js';
import { makeInMemoryLabelFixture } from '../../helpers/operationFixtures.js';

describeConvergenceContract('in-memory doubles', async () => makeInMemoryLabelFixture());
