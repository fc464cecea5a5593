/**
 * `@receipt-chroma/chroma-compaction/chroma`: Chroma through the `chromadb` v3 client (a peer
 * dependency): the `VectorCollection` adapter, a local Chroma server for snapshots and
 * tests (with a glibc shim for systems older than its native binding needs), and the reader
 * of Python-era deltas built on it.
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
  GlibcShimError,
  type GlibcShimErrorOptions,
  type GlibcShimFailure,
  LocalChromaStartError,
  type LocalChromaStartErrorOptions,
  type LocalChromaStartFailure,
} from './errors.js';
export {
  type GlibcShim,
  type GlibcShimOptions,
  glibcShimCommand,
  prepareGlibcShim,
} from './glibcShim.js';
export {
  type GlibcShimCommandResult,
  type GlibcShimRunner,
  type GlibcShimRunOptions,
  spawnGlibcShimCommand,
} from './glibcShimApt.js';
export {
  type ChromaNodeCommand,
  type ChromaNodeCommandOptions,
  chromaNodeCommand,
  type GlibcShimMode,
} from './glibcShimNodeCommand.js';
export {
  DEFAULT_GLIBC_SHIM_MIRROR,
  defaultGlibcShimCacheDir,
  GLIBC_SHIM_PACKAGES,
} from './glibcShimPlatform.js';
export {
  type ChromaBindingProbe,
  needsGlibcShim,
  type ProbeChromaBindingOptions,
  probeChromaBinding,
} from './glibcShimProbe.js';
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
