import { defineConfig, type Options } from 'tsup';

/**
 * The shared build: ESM + CJS + declarations, one entry per `exports` subpath.
 * Each package calls this with its own entries.
 */
export const packageConfig = (
  entry: Record<string, string>,
  overrides: Partial<Options> = {},
): Options[] =>
  defineConfig({
    entry,
    format: ['esm', 'cjs'],
    dts: true,
    clean: true,
    sourcemap: true,
    target: 'node20',
    splitting: false,
    treeshake: true,
    ...overrides,
  }) as Options[];
