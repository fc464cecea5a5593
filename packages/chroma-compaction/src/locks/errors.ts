import type { LockLostError } from '../errors.js';
import { ChromaCompactionError, type ChromaCompactionErrorOptions } from '../errors.js';
import type { LockManager } from './LockManager.js';

/**
 * What a {@link LockManager} was doing when it was misused: `idle` (it holds no lock: never
 * acquired, or released), `acquiring` (an acquire is still running) or `held` (it already
 * holds the lock; a manager is not re-entrant).
 */
export type LockManagerState = 'idle' | 'acquiring' | 'held';

/** Options of {@link LockStateError}. */
export interface LockStateErrorOptions extends ChromaCompactionErrorOptions {
  /** The manager's state when it was asked. */
  readonly state: LockManagerState;
}

/**
 * A {@link LockManager} was asked for something its state does not allow: the fence or a
 * heartbeat while it holds no lock, or a second acquire while it holds one. A lock that was
 * held and then lost is reported with {@link LockLostError} instead.
 */
export class LockStateError extends ChromaCompactionError {
  /** The manager's state when it was asked. */
  readonly state: LockManagerState;

  constructor(message: string, options: LockStateErrorOptions) {
    super(message, { cause: options.cause, context: { ...options.context, state: options.state } });
    this.state = options.state;
  }
}
