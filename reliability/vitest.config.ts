import { defineProject, type UserWorkspaceConfig } from 'vitest/config';
import { workspaceSourceAliases } from '../scripts/workspaceSources.mjs';

/**
 * The reliability suite: system-level evidence that nothing is lost under hostile input,
 * faults and load, measured as figures. `npm test` runs the quick profile; `npm run
 * reliability` the full one (`RELIABILITY_PROFILE=full`). Each scenario records its figures,
 * and the report prints them as one table when the run ends.
 */
const config: UserWorkspaceConfig = defineProject({
  resolve: { alias: workspaceSourceAliases() },
  test: {
    name: 'reliability',
    root: import.meta.dirname,
    include: ['scenarios/**/*.test.ts'],
    // moto's server (S3, DynamoDB) and a local Chroma for the scenarios that need real
    // services; the run fails, naming what to install, when one cannot start.
    globalSetup: [
      './lib/report.ts',
      '../scripts/vitest/globalSetup.ts',
      '../scripts/vitest/chromaSetup.ts',
    ],
    setupFiles: ['../scripts/vitest/failOnConsole.ts'],
    testTimeout: 1_200_000,
    hookTimeout: 300_000,
  },
});
export default config;
