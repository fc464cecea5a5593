import { defineProject, type UserWorkspaceConfig } from 'vitest/config';
import { workspaceSourceAliases } from '../../scripts/workspaceSources.mjs';

const config: UserWorkspaceConfig = defineProject({
  resolve: { alias: workspaceSourceAliases() },
  test: {
    name: 'dynamo-stream:unit',
    include: ['tests/unit/**/*.test.ts'],
    setupFiles: ['../../scripts/vitest/failOnConsole.ts'],
    // Some tests build 10,000-record batches or spawn processes; a busy CI machine is slow.
    testTimeout: 30_000,
    typecheck: { enabled: true, include: ['tests/types/**/*.test-d.ts'] },
  },
});
export default config;
