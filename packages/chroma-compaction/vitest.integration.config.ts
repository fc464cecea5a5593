import { defineProject, type UserWorkspaceConfig } from 'vitest/config';
import { workspaceSourceAliases } from '../../scripts/workspaceSources.mjs';

/**
 * Integration tests against real services started by the project's own scripts: moto's
 * server (S3, DynamoDB) and a local Chroma server. The run fails if one cannot start.
 */
const config: UserWorkspaceConfig = defineProject({
  resolve: { alias: workspaceSourceAliases() },
  test: {
    name: 'chroma-compaction:integration',
    include: ['tests/integration/**/*.test.ts'],
    globalSetup: ['../../scripts/vitest/globalSetup.ts', '../../scripts/vitest/chromaSetup.ts'],
    setupFiles: ['../../scripts/vitest/failOnConsole.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
export default config;
