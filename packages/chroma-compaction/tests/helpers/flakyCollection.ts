import { VectorStoreError } from '../../src/errors.js';
import type {
  DeleteRequest,
  GetRequest,
  GetResponse,
  UpdateRequest,
  UpsertRequest,
  VectorCollection,
} from '../../src/ports/vectorCollection.js';
import type { VectorLimits } from '../../src/vectors/limits.js';

type Operation = 'get' | 'upsert' | 'update' | 'delete' | 'count';

/**
 * A `VectorCollection` that forwards to another and fails chosen calls: the n-th call of an
 * operation, or every call whose request a predicate picks (e.g. one poisoned id).
 */
export class FlakyCollection implements VectorCollection {
  readonly #inner: VectorCollection;
  readonly #calls = new Map<Operation, number>();
  readonly #failures: {
    operation: Operation;
    when: (call: number, request: unknown) => boolean;
  }[] = [];

  constructor(inner: VectorCollection) {
    this.#inner = inner;
  }

  get name(): string {
    return this.#inner.name;
  }

  get limits(): VectorLimits | undefined {
    return this.#inner.limits;
  }

  /** Fails the `call`-th call (1-based) of `operation`. */
  failCall(operation: Operation, call: number): this {
    this.#failures.push({ operation, when: (n) => n === call });
    return this;
  }

  /** Fails every call of `operation` whose request `pick` selects. */
  failWhen(operation: Operation, pick: (request: unknown) => boolean): this {
    this.#failures.push({ operation, when: (_, request) => pick(request) });
    return this;
  }

  #check(operation: Operation, request: unknown): void {
    const call = (this.#calls.get(operation) ?? 0) + 1;
    this.#calls.set(operation, call);
    if (
      this.#failures.some(
        (failure) => failure.operation === operation && failure.when(call, request),
      )
    ) {
      throw new VectorStoreError(`Injected ${operation} failure`, {
        collection: this.name,
        operation,
      });
    }
  }

  async get(request?: GetRequest): Promise<GetResponse> {
    this.#check('get', request);
    return this.#inner.get(request);
  }

  async upsert(request: UpsertRequest): Promise<void> {
    this.#check('upsert', request);
    return this.#inner.upsert(request);
  }

  async update(request: UpdateRequest): Promise<void> {
    this.#check('update', request);
    return this.#inner.update(request);
  }

  async delete(request: DeleteRequest): Promise<void> {
    this.#check('delete', request);
    return this.#inner.delete(request);
  }

  async count(): Promise<number> {
    this.#check('count', undefined);
    return this.#inner.count();
  }
}

/** Whether a request names `id` among its ids. */
export const namesId =
  (id: string) =>
  (request: unknown): boolean =>
    (request as { ids?: readonly string[] } | undefined)?.ids?.includes(id) ?? false;
