import { describeProcessCollectionUpdatesContract } from '../../contracts/processCollectionUpdates.contract.js';
import { makeInMemoryLabelFixture } from '../../helpers/operationFixtures.js';

describeProcessCollectionUpdatesContract('in-memory doubles', async () =>
  makeInMemoryLabelFixture(),
);
