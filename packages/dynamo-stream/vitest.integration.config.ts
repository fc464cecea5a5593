import { defineProject, type UserWorkspaceConfig } from 'vitest/config';
import { workspaceSourceAliases } from '../../scripts/workspaceSources.mjs';

/**
 * Integration tests against real services: moto's server (SQS, S3, DynamoDB) is started
 * once by the shared global setup, and the run fails if it cannot start.
 */
const config: UserWorkspaceConfig = defineProject({
  resolve: { alias: workspaceSourceAliases() },
  test: {
    name: 'dynamo-stream:integration',
    include: ['tests/integration/**/*.test.ts'],
    globalSetup: ['../../scripts/vitest/globalSetup.ts'],
    setupFiles: ['../../scripts/vitest/failOnConsole.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
export default config;
