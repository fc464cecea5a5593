import { describeProcessCollectionUpdatesContract } from '../../contracts/processCollectionUpdates.contract.js';
import { makeInMemoryLabelFixture } from '../../helpers/compactionFixture.js';

describeProcessCollectionUpdatesContract('in-memory doubles', async () =>
  makeInMemoryLabelFixture(),
);
