/**
 * `@receipt-chroma/chroma-compaction/chroma`: Chroma through the `chromadb` v3 client (a peer
 * dependency): the `VectorCollection` adapter, a local Chroma server for snapshots and
 * tests, and the reader of Python-era deltas built on it.
 * @packageDocumentation
 */
export { type ChromaCloudConfig, chromaCloudConfigFromEnv } from './chromaCloudConfig.js';
export {
  type ChromaCollectionLike,
  type ChromaVectorCollectionOptions,
  chromaVectorCollection,
  DEFAULT_CHROMA_MAX_BATCH_SIZE,
} from './chromaVectorCollection.js';
export {
  type ChromaCompactCollectionOptions,
  compactCollection,
} from './compactCollection.js';
export {
  ChromaCloudConfigError,
  LocalChromaStartError,
  type LocalChromaStartErrorOptions,
  type LocalChromaStartFailure,
} from './errors.js';
export {
  type InitializeEmptySnapshotOptions,
  initializeEmptySnapshot,
} from './initializeEmptySnapshot.js';
export {
  type LocalChromaDeltaSourceOptions,
  localChromaDeltaSource,
} from './localChromaDeltaSource.js';
export type { LocalChromaExit } from './localChromaFailures.js';
export { type OpenedSnapshot, type OpenSnapshotOptions, openSnapshot } from './openSnapshot.js';
export { resolveChromaCli } from './resolveChromaCli.js';
export {
  type LocalChroma,
  type StartLocalChromaOptions,
  startLocalChroma,
} from './startLocalChroma.js';
