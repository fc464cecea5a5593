import type { Options } from 'tsup';
import { packageConfig } from '../../tsup.config.js';

/**
 * The runtime parts of `zod/mini` the package uses are bundled into dist (tree-shaken), so
 * importing the package reads one file instead of zod's module graph: about three times
 * faster to import, which is what a Lambda cold start pays. Declarations still import
 * `zod/mini`'s types from the `zod` dependency, and zod's classes recognise each other's
 * instances across copies.
 */
const config: Options[] = packageConfig({ index: 'src/index.ts' }, { noExternal: [/^zod(\/|$)/] });
export default config;
