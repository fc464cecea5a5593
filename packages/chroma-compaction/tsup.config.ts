import type { Options } from 'tsup';
import { packageConfig } from '../../tsup.config.js';

const config: Options[] = packageConfig({ index: 'src/index.ts' });
export default config;
