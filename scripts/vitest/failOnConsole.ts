import { afterEach, beforeEach, vi } from 'vitest';

/**
 * Fails any test that writes to the console: the libraries log through an injected
 * `Logger`, so console output in a test is a leak to be fixed, not noise to ignore.
 */
const methods = ['log', 'info', 'warn', 'error', 'debug'] as const;
let calls: string[] = [];

beforeEach(() => {
  calls = [];
  for (const method of methods) {
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      calls.push(`console.${method}: ${args.map(String).join(' ')}`);
    });
  }
});

afterEach(() => {
  vi.restoreAllMocks();
  if (calls.length > 0) {
    throw new Error(`Unexpected console output:\n${calls.join('\n')}`);
  }
});
