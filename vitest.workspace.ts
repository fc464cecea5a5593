import { defineWorkspace } from 'vitest/config';

/** One project per package: unit tests and (where present) integration tests. */
export default defineWorkspace([
  'packages/*/vitest.config.ts',
  'packages/dynamo-stream/vitest.integration.config.ts',
]);
