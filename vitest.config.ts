import { defineConfig } from 'vitest/config';

/**
 * The test projects: one per package for unit tests, one per package for integration tests,
 * and the repository's reliability suite. Coverage (`--coverage.enabled`, as `npm test` runs
 * the unit and integration projects) is measured over both packages' `src/` with v8, and the
 * run fails below the thresholds.
 */
export default defineConfig({
  test: {
    projects: [
      'packages/*/vitest.config.ts',
      'packages/*/vitest.integration.config.ts',
      'reliability/vitest.config.ts',
    ],
    coverage: {
      provider: 'v8',
      include: ['packages/*/src/**/*.ts'],
      reporter: ['text-summary', 'json-summary'],
      reportsDirectory: '.test-services/coverage',
      thresholds: { lines: 95, branches: 95 },
    },
  },
});
