/** A glibc >= 2.38 unpacked from Debian 13 ("trixie") packages, to start Node.js with. */
export interface GlibcShim {
  /** The folder the packages are unpacked into. */
  readonly dir: string;
  /** The folder with the shared libraries (`<dir>/usr/lib/<triplet>`). */
  readonly libDir: string;
  /** The dynamic loader to start Node.js with. */
  readonly loader: string;
  /** Whether this call downloaded it (false: reused the cache). */
  readonly downloaded: boolean;
}

/** The way to run Node.js so that Chroma's native binding loads. */
export interface ChromaNodeCommand {
  /** The argv prefix that runs Node.js, e.g. `[loader, '--library-path', libDir, node]`. */
  readonly command: string[];
  /** The shim in use, or undefined when the binding loads directly. */
  readonly shim: GlibcShim | undefined;
}

/** Options of {@link chromaNodeCommand} and {@link ensureGlibcShim}. */
export interface ChromaNodeCommandOptions {
  /** Where the shim is kept. @default `<repo>/.test-services/glibc-shim` */
  cacheDir?: string;
  /** The Debian mirror. @default `http://deb.debian.org/debian` */
  mirror?: string;
  /** The Node.js executable. @default `process.execPath` */
  node?: string;
}

/** The installed chromadb's `chroma` CLI script and native binding file. */
export declare const resolveChromaFiles: () => { cli: string; binding: string };
/** Whether `command` (an argv prefix running Node.js) can load the native binding. */
export declare const probeBinding: (
  command: readonly string[],
  binding: string,
) => { ok: boolean; error: string };
/** Returns the glibc shim in the cache folder, downloading and unpacking it first when missing. */
export declare const ensureGlibcShim: (options?: ChromaNodeCommandOptions) => GlibcShim;
/**
 * The argv prefix that runs Node.js able to load Chroma's native binding; throws, naming
 * what to install or do, when neither the system's glibc nor the shim works.
 */
export declare const chromaNodeCommand: (options?: ChromaNodeCommandOptions) => ChromaNodeCommand;
