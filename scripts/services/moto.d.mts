/** Options of {@link startMoto}. */
export interface StartMotoOptions {
  /** The port to listen on. @default a free port picked by the OS */
  port?: number;
  /** Where the server's log file goes. @default `<repo>/.test-services` */
  logDir?: string;
  /** The Python interpreter. @default `python3` */
  python?: string;
  /** How long to wait for the server to answer HTTP. @default 30000 */
  startTimeoutMs?: number;
}

/** A running moto server. */
export interface MotoServer {
  /** The base URL, e.g. `http://127.0.0.1:5123`, for every AWS client. */
  readonly endpoint: string;
  /** The port it listens on. */
  readonly port: number;
  /** The file receiving the server's output. */
  readonly logFile: string;
  /** The server's process id. */
  readonly pid: number;
  /** Stops the server (SIGTERM, then SIGKILL after 5 s); safe to call again. */
  stop(): Promise<void>;
}

/** Fails with an install hint unless `python -c "import moto, flask"` succeeds. */
export declare const checkMotoInstalled: (python: string) => void;
/** Asks the OS for a free TCP port on 127.0.0.1. */
export declare const findFreePort: () => Promise<number>;
/** Starts moto's server and resolves once it answers HTTP. */
export declare const startMoto: (options?: StartMotoOptions) => Promise<MotoServer>;
