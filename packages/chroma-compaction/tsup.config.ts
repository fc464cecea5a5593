import type { Options } from 'tsup';
import { packageConfig } from '../../tsup.config.js';

/** One entry per `exports` subpath; adapters that import a vendor SDK stay out of the core. */
const config: Options[] = packageConfig({
  index: 'src/index.ts',
  chroma: 'src/adapters/chroma/index.ts',
  s3: 'src/adapters/s3/index.ts',
  dynamodb: 'src/adapters/dynamodb/index.ts',
  testing: 'src/testing/index.ts',
});
export default config;
