import type { OperationResultBase, OperationStatus } from '../operations/results.js';
import type { CollectionUpdateInput, RecordOutcome } from './types.js';

const SEVERITY: Readonly<Record<OperationStatus, number>> = { skipped: 0, applied: 1, failed: 2 };

/**
 * Collects the outcome of every input by record id. When an input gets two outcomes (a
 * merged delta whose section recompute then failed, or the same record delivered twice),
 * the more severe wins: `failed` over `applied` over `skipped`.
 * @internal
 */
export class OutcomeTracker {
  readonly #outcomes = new Map<string, RecordOutcome>();

  /** Records an outcome (see the class doc for how two outcomes combine). */
  set(outcome: RecordOutcome): void {
    const current = this.#outcomes.get(outcome.recordId);
    if (current === undefined || SEVERITY[outcome.status] > SEVERITY[current.status]) {
      this.#outcomes.set(outcome.recordId, outcome);
    }
  }

  /** Records a status for each input. */
  setAll(
    inputs: readonly CollectionUpdateInput[],
    status: OperationStatus,
    reason: string,
    error?: Error,
  ): void {
    for (const { recordId } of inputs) this.set({ recordId, status, reason, error });
  }

  /** Records the outcome of an operation result for each record id it covers. */
  fromResult(result: OperationResultBase): void {
    for (const recordId of result.recordIds ?? []) {
      this.set({ recordId, status: result.status, reason: result.reason, error: result.error });
    }
  }

  /** Whether an input already has an outcome. */
  has(recordId: string): boolean {
    return this.#outcomes.has(recordId);
  }

  /** The outcome of an input, if it has one. */
  get(recordId: string): RecordOutcome | undefined {
    return this.#outcomes.get(recordId);
  }

  /** Fails each input that has no outcome yet (an operation returned none for it). */
  failMissing(inputs: readonly CollectionUpdateInput[], reason: string, error?: Error): void {
    for (const input of inputs) {
      if (!this.has(input.recordId)) {
        this.set({ recordId: input.recordId, status: 'failed', reason, error });
      }
    }
  }
}
