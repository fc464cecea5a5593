import { describeConvergenceContract } from '../../contracts/convergence.contract.js';
import { makeInMemoryLabelFixture } from '../../helpers/compactionFixture.js';

describeConvergenceContract('in-memory doubles', async () => makeInMemoryLabelFixture());
