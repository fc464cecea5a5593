import { formatPythonTimestamp } from '@receipt-chroma/dynamo-stream';
import type {
  AcquireLockRequest,
  LockOwnerRef,
  LockRecord,
  LockStore,
  RefreshLockRequest,
} from '../../src/ports/lockStore.js';
import type { Logger } from '../../src/ports/observability.js';
import { InMemoryLockStore } from '../../src/testing/InMemoryLockStore.js';

/** 2026-01-04T12:00:00.000Z in epoch milliseconds: the fake clock's start in lock tests. */
export const LOCK_T0 = 1_767_528_000_000;

/** The lock item timestamp `ms` milliseconds after {@link LOCK_T0}. */
export const lockAt = (ms: number): string => formatPythonTimestamp((LOCK_T0 + ms) * 1000);

/** One log call a {@link RecordingLogger} received. */
export interface RecordedLog {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly message: string;
  readonly extra: Record<string, unknown> | undefined;
}

/** A logger that keeps every call. */
export class RecordingLogger implements Logger {
  readonly logs: RecordedLog[] = [];

  debug(message: string, extra?: Record<string, unknown>): void {
    this.logs.push({ level: 'debug', message, extra });
  }

  info(message: string, extra?: Record<string, unknown>): void {
    this.logs.push({ level: 'info', message, extra });
  }

  warn(message: string, extra?: Record<string, unknown>): void {
    this.logs.push({ level: 'warn', message, extra });
  }

  error(message: string, extra?: Record<string, unknown>): void {
    this.logs.push({ level: 'error', message, extra });
  }

  /** The logs with this message. */
  named(message: string): RecordedLog[] {
    return this.logs.filter((log) => log.message === message);
  }
}

type Operation = 'acquire' | 'refresh' | 'release' | 'read';

/** What a scripted call does instead of reaching the store: fail, or never answer. */
export type ScriptedReply = { readonly error: unknown } | 'hang';

/**
 * A `LockStore` over an {@link InMemoryLockStore} that records every call and can be told to
 * fail or hang the next calls of an operation.
 */
export class ScriptedLockStore implements LockStore {
  readonly inner: InMemoryLockStore;
  /** Every call, in order, as `operation` names. */
  readonly calls: Operation[] = [];
  readonly #script = new Map<Operation, ScriptedReply[]>();

  constructor(inner: InMemoryLockStore = new InMemoryLockStore()) {
    this.inner = inner;
  }

  /** Queues replies for the next calls of `operation`; later calls reach the store. */
  script(operation: Operation, ...replies: ScriptedReply[]): this {
    this.#script.set(operation, [...(this.#script.get(operation) ?? []), ...replies]);
    return this;
  }

  /** How many calls of `operation` were made. */
  count(operation: Operation): number {
    return this.calls.filter((call) => call === operation).length;
  }

  acquire(request: AcquireLockRequest): Promise<LockRecord> {
    return this.#call('acquire', () => this.inner.acquire(request));
  }

  refresh(request: RefreshLockRequest): Promise<LockRecord> {
    return this.#call('refresh', () => this.inner.refresh(request));
  }

  release(request: LockOwnerRef): Promise<void> {
    return this.#call('release', () => this.inner.release(request));
  }

  read(lock: { lockId: string; collection: string }): Promise<LockRecord | undefined> {
    return this.#call('read', () => this.inner.read(lock));
  }

  async #call<T>(operation: Operation, run: () => Promise<T>): Promise<T> {
    this.calls.push(operation);
    const reply = this.#script.get(operation)?.shift();
    if (reply === 'hang') return new Promise<T>(() => {});
    if (reply !== undefined) throw reply.error;
    return run();
  }
}
