// Where the ledger keeps its counters and entries, and how it runs a check-and-spend alone.
// A promise chain per scope serialises within this process; on a store several processes
// share (Postgres) the store's `exclusive` (an advisory lock) serialises among them too.
import type { JobStore } from "../jobs/store.js";

export interface LedgerStore {
  get<T>(key: string): Promise<T | undefined>;
  set<T>(key: string, value: T, ttlMs?: number): Promise<void>;
  delete(key: string): Promise<void>;
  /** Runs `work` alone among all work locked on the same `scope`. */
  exclusive<T>(scope: string, work: () => Promise<T>): Promise<T>;
}

/** Serialises work per scope within this process. */
export class ScopeLocks {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(scope: string, work: () => Promise<T>): Promise<T> {
    const before = this.tails.get(scope) ?? Promise.resolve();
    const result = before.then(work);
    const tail = result.catch(() => undefined);
    this.tails.set(scope, tail);
    void tail.then(() => {
      if (this.tails.get(scope) === tail) this.tails.delete(scope);
    });
    return result;
  }
}

/**
 * The ledger on the bot's JobStore (keyv), locked per scope in this process and, where the
 * store is shared, in every process: one waiter per scope here holds a connection to wait on.
 */
export function jobStoreLedger(store: JobStore): LedgerStore {
  const locks = new ScopeLocks();
  return {
    get: (key) => store.getKeyed(key),
    set: (key, value, ttlMs) => store.setKeyed(key, value, ttlMs),
    delete: (key) => store.deleteKeyed(key),
    exclusive: (scope, work) => locks.run(scope, () => store.exclusive(`ledger:${scope}`, work)),
  };
}
