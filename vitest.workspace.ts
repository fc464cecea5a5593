import { defineWorkspace } from 'vitest/config';

/**
 * One project per package for unit tests, one per package for integration tests, and the
 * repository's reliability suite.
 */
export default defineWorkspace([
  'packages/*/vitest.config.ts',
  'packages/*/vitest.integration.config.ts',
  'reliability/vitest.config.ts',
]);
