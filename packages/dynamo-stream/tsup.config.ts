import type { Options } from 'tsup';
import { stripBundledSources } from '../../scripts/packaging/sourceMaps.mjs';
import { packageConfig } from '../../tsup.config.js';

/**
 * The runtime parts of `zod/mini` the package uses are bundled into dist (tree-shaken), so
 * importing the package reads one file instead of zod's module graph: about three times
 * faster to import, which is what a Lambda cold start pays. Declarations still import
 * `zod/mini`'s types from the `zod` dependency, and zod's classes recognise each other's
 * instances across copies.
 *
 * The source maps then name zod's files by paths through this repository's `node_modules`,
 * which lead nowhere once the package is installed; after the build, those sources are
 * dropped from the maps, so the bundled zod code is unmapped and the package's own code keeps
 * its mapping to the TypeScript embedded in the map.
 */
const config: Options[] = packageConfig(
  { index: 'src/index.ts' },
  {
    noExternal: [/^zod(\/|$)/],
    onSuccess: async () => {
      stripBundledSources('dist');
    },
  },
);
export default config;
