import type {
  ChromaNodeCommand,
  ChromaNodeCommandOptions,
  chromaNodeCommand as packageChromaNodeCommand,
  resolveChromaCli as packageResolveChromaCli,
  startLocalChroma,
} from '../../packages/chroma-compaction/src/adapters/chroma/index.js';

export type { ChromaNodeCommand, ChromaNodeCommandOptions };

/** What the wrapper loads from the package's source. */
export interface ChromaModule {
  readonly chromaNodeCommand: typeof packageChromaNodeCommand;
  readonly startLocalChroma: typeof startLocalChroma;
  readonly resolveChromaCli: typeof packageResolveChromaCli;
}

/** Where the test runs, benchmarks and the demo keep the glibc shim: `<repo>/.test-services/glibc-shim`. */
export declare const TEST_GLIBC_SHIM_DIR: string;

/**
 * The argv prefix that runs Node.js able to load Chroma's native binding: `[node]`, or
 * Node.js through the glibc shim in `<repo>/.test-services/glibc-shim/` (prepared on first use).
 */
export declare const chromaNodeCommand: (
  options?: ChromaNodeCommandOptions,
) => Promise<ChromaNodeCommand>;

/** The `chroma` CLI script of the installed chromadb package. */
export declare const resolveChromaCli: () => Promise<string>;
