import { defineProject, type UserWorkspaceConfig } from 'vitest/config';
import { workspaceSourceAliases } from '../../scripts/workspaceSources.mjs';

const config: UserWorkspaceConfig = defineProject({
  resolve: { alias: workspaceSourceAliases() },
  // Tests run in vite's SSR environment, whose resolver takes its own conditions: without
  // this, importing the package by name (as examples/ do) resolves to the built dist/.
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
