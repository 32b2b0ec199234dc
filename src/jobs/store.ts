// keyv: jobs, the task -> job index, the in-flight index, the jobs watched after their
// deadline, member preferences, stashes that expire (swept on a timer: keyv itself deletes an
// expired entry only when it is read), one-time claims (replayed interactions, double
// clicks) and keyed values (the spending ledger), whose expired rows the same timer deletes.
// The backends: `sqlite://` (store-sqlite.ts, one process), `postgres://` (store-postgres.ts,
// shared by several processes: claims, indexes and exclusive work atomic across them) and
// `memory://` (tests).
import { randomUUID } from "node:crypto";
import Keyv from "keyv";
import type { MjMode } from "../config.js";
import type { Job } from "./job.js";
import { StoreError } from "./store-error.js";
import { openPostgres } from "./store-postgres.js";
import { openSqlite } from "./store-sqlite.js";

export { StoreError } from "./store-error.js";

export interface Preferences {
  mode: Exclude<MjMode, "none"> | null;
  remix: boolean;
}

export const DEFAULT_PREFERENCES: Preferences = { mode: null, remix: false };

const INFLIGHT = "inflight";
const WATCHED = "watched";
/** Every stash and when it expires, so that a sweep finds them without reading them. */
const STASHES = "stashes";

/**
 * The keys whose rows may carry a TTL and that no index lists (keyed values such as the
 * ledger's, and claims): a sweep deletes those whose expiry has passed, found by the expiry
 * keyv writes into each row. Never jobs, tasks, preferences or the indexes: none has a TTL.
 */
const EXPIRING = ["kv:", "claim:"];

interface StashEntry {
  key: string;
  expiresAt: number;
}

/** A row of keyv's table as it is stored: the full key and keyv's serialised value. */
export interface RawRow {
  key: string;
  value: string;
}

/** What a backend does its own way; JobStore does the rest through its keyv. */
export interface Backend {
  /** with `throwOnErrors`, so that a failed write is seen, never silently lost */
  keyv: Keyv;
  /** settles once the store's own set-up statements have run */
  ready: Promise<unknown>;
  /** Deletes the rows under `prefixes` (full keys) whose keyv expiry is before `now`. */
  sweepExpired(prefixes: string[], now: number): Promise<number>;
  /** A store several processes share: what must be atomic among them. */
  shared?: SharedBackend;
  /** Every row, in key order (for a migration). */
  rows?(): AsyncIterable<RawRow>;
  /** Writes rows as they are (keyv's serialised values, TTLs included), in one statement. */
  putRows?(rows: readonly RawRow[]): Promise<void>;
  /** After keyv's own disconnect. */
  close?(): Promise<void>;
}

export interface SharedBackend {
  /** Writes `value` under `key` unless a row is there that has not expired; true if written. */
  insertIfAbsent(key: string, value: string, now: number): Promise<boolean>;
  /** Replaces the row of `key` by `change` of it, with no other process's change in between. */
  update(key: string, change: (value: string | undefined) => Promise<string>): Promise<void>;
  /** Runs `work` alone among all processes' work locked on the same `scope`. */
  exclusive<T>(scope: string, work: () => Promise<T>): Promise<T>;
}

export class JobStore {
  /** Serialises read-modify-write of the indexes (in flight, watched, stashes) in this process. */
  private indexLock: Promise<unknown> = Promise.resolve();
  private sweeper: NodeJS.Timeout | null = null;
  /** Claims taken in this process, so two presses in the same tick cannot both win. */
  private readonly claims = new Set<string>();
  private readonly keyv: Keyv;
  private readonly ready: Promise<unknown>;

  private readonly backend: Backend;

  /** @param backend a backend, or a keyv of its own (one process, swept only on a Map) */
  constructor(
    backend: Backend | Keyv,
    /** DATABASE_URL, for messages */
    private readonly url = "memory://",
  ) {
    this.backend = backend instanceof Keyv ? keyvBackend(backend) : backend;
    this.keyv = this.backend.keyv;
    this.ready = this.backend.ready;
  }

  /** Opens the store named by DATABASE_URL: `sqlite://path`, `postgres://…` or `memory://`. */
  static open(url: string): JobStore {
    if (url.startsWith("memory:")) return new JobStore(openMemory());
    if (url.startsWith("sqlite://")) return new JobStore(openSqlite(url, NAMESPACE), url);
    if (url.startsWith("postgres://") || url.startsWith("postgresql://")) {
      return new JobStore(openPostgres(url, NAMESPACE), url);
    }
    throw new Error(
      `DATABASE_URL: unsupported store "${url.split(":")[0]}"; use sqlite://, postgres:// or memory://`,
    );
  }

  /**
   * Opens the store and proves it works: one key written, read back and deleted. A store
   * that is read-only, full, locked for good, corrupted or cannot be reached stops start-up
   * here, not at the first member's job.
   */
  static async openChecked(url: string): Promise<JobStore> {
    const store = JobStore.open(url);
    try {
      await store.probe();
      return store;
    } catch (error) {
      await store.close().catch(() => undefined);
      throw error instanceof StoreError ? error : new StoreError(url, "cannot be used", error);
    }
  }

  /** Whether processes may share this store (Postgres): then claims and locks hold across them. */
  get shared(): boolean {
    return this.backend.shared !== undefined;
  }

  /**
   * Proves the store works now: one key of its own read, written, read back and deleted.
   * Rejects with a StoreError saying which step failed (start-up, and /healthz).
   */
  async probe(): Promise<void> {
    // A key of its own, so that processes sharing one store never read each other's probe.
    const key = `probe:${randomUUID()}`;
    const token = String(Date.now());
    const step = async (what: string, run: () => Promise<unknown>) => {
      try {
        return await run();
      } catch (error) {
        throw new StoreError(this.url, what, error);
      }
    };
    await step("cannot be opened", () => this.ready);
    await step("cannot be read", () => this.keyv.get(key));
    await step("cannot be written", () => this.keyv.set(key, token));
    const back = await step("cannot be read", () => this.keyv.get(key));
    if (back !== token) {
      throw new StoreError(this.url, "does not keep what is written", `read back ${String(back)}`);
    }
    await step("cannot be written", () => this.keyv.delete(key));
  }

  async getJob(id: string): Promise<Job | undefined> {
    return (await this.keyv.get<Job>(`job:${id}`)) ?? undefined;
  }

  /** Jobs by id, in one read; absent ones are left out. */
  async getJobs(ids: readonly string[]): Promise<Map<string, Job>> {
    const found = new Map<string, Job>();
    if (ids.length === 0) return found;
    const rows = await this.keyv.getMany<Job>(ids.map((id) => `job:${id}`));
    for (const job of rows) if (job) found.set(job.id, job);
    return found;
  }

  /**
   * Saves jobs whose task is already indexed (a new state of a followed job), in one write
   * on SQLite: a tick where a thousand jobs changed costs one statement, not a thousand.
   */
  async updateJobs(jobs: readonly Job[]): Promise<void> {
    if (jobs.length === 0) return;
    await this.keyv.setMany(jobs.map((job) => ({ key: `job:${job.id}`, value: job })));
  }

  async putJob(job: Job): Promise<void> {
    await this.keyv.set(`job:${job.id}`, job);
    await this.keyv.set(`task:${job.taskId}`, job.id);
  }

  /** The job that follows a proxy task. */
  async jobForTask(taskId: string): Promise<Job | undefined> {
    const id = await this.keyv.get<string>(`task:${taskId}`);
    return id === undefined ? undefined : this.getJob(id);
  }

  async inFlight(): Promise<string[]> {
    return (await this.keyv.get<string[]>(INFLIGHT)) ?? [];
  }

  addInFlight(jobId: string): Promise<void> {
    return this.updateIndex<string>(INFLIGHT, (ids) =>
      ids.includes(jobId) ? ids : [...ids, jobId],
    );
  }

  removeInFlight(jobId: string): Promise<void> {
    return this.updateIndex<string>(INFLIGHT, (ids) => ids.filter((id) => id !== jobId));
  }

  /** Jobs closed at their deadline that are still watched, in case they finish after all. */
  async watched(): Promise<string[]> {
    return (await this.keyv.get<string[]>(WATCHED)) ?? [];
  }

  addWatched(jobId: string): Promise<void> {
    return this.updateIndex<string>(WATCHED, (ids) =>
      ids.includes(jobId) ? ids : [...ids, jobId],
    );
  }

  removeWatched(jobId: string): Promise<void> {
    return this.updateIndex<string>(WATCHED, (ids) => ids.filter((id) => id !== jobId));
  }

  async preferences(userId: string): Promise<Preferences> {
    return { ...DEFAULT_PREFERENCES, ...(await this.keyv.get<Preferences>(`pref:${userId}`)) };
  }

  async setPreferences(userId: string, prefs: Preferences): Promise<void> {
    await this.keyv.set(`pref:${userId}`, prefs);
  }

  /**
   * Keeps something for a while (e.g. a request awaiting the member's confirmation); it is
   * deleted once `ttlMs` has passed, by the next sweep if nobody reads it.
   */
  async stash<T>(key: string, value: T, ttlMs: number): Promise<void> {
    const expiresAt = Date.now() + ttlMs;
    await this.updateIndex<StashEntry>(STASHES, (entries) => [
      ...entries.filter((e) => e.key !== key),
      { key, expiresAt },
    ]);
    await this.keyv.set(`stash:${key}`, value, ttlMs);
  }

  /** Deletes a stash before it expires. */
  async drop(key: string): Promise<void> {
    await this.keyv.delete(`stash:${key}`);
    await this.updateIndex<StashEntry>(STASHES, (entries) => entries.filter((e) => e.key !== key));
  }

  /**
   * Deletes every expired stash, then every expired keyed value and claim (`sweepExpired`);
   * resolves with how many there were in all.
   */
  async sweep(now = Date.now()): Promise<number> {
    let expired: StashEntry[] = [];
    await this.updateIndex<StashEntry>(STASHES, (entries) => {
      expired = entries.filter((e) => e.expiresAt <= now);
      return entries.filter((e) => e.expiresAt > now);
    });
    for (const entry of expired) await this.keyv.delete(`stash:${entry.key}`);
    return expired.length + (await this.sweepExpired(now));
  }

  /**
   * Deletes the keyed values and claims whose TTL has passed (keyv deletes an expired row only
   * when it is read: without this the ledger's old days would stay in the database for ever);
   * resolves with how many rows went. Only rows whose expiry is set and before `now`: a row
   * kept without a TTL is never touched, nor one still within its TTL.
   */
  async sweepExpired(now = Date.now()): Promise<number> {
    await this.ready;
    return this.backend.sweepExpired(
      EXPIRING.map((p) => this.fullKey(p)),
      now,
    );
  }

  /** Sweeps now and then every `intervalMs` until the store is closed. */
  sweepEvery(intervalMs: number, onError: (error: unknown) => void): void {
    if (this.sweeper) clearInterval(this.sweeper);
    const run = () => void this.sweep().catch(onError);
    run();
    this.sweeper = setInterval(run, intervalMs);
    this.sweeper.unref();
  }

  async unstash<T>(key: string): Promise<T | undefined> {
    return (await this.keyv.get<T>(`stash:${key}`)) ?? undefined;
  }

  /**
   * Claims `key` once: true for the first caller, false for every later one until `ttlMs`
   * has passed. Persisted, so a replay after a restart is refused too.
   */
  async claim(key: string, ttlMs: number): Promise<boolean> {
    const k = `claim:${key}`;
    if (this.claims.has(k)) return false;
    this.claims.add(k);
    setTimeout(() => this.claims.delete(k), Math.min(ttlMs, 60_000)).unref();
    const shared = this.backend.shared;
    if (shared) {
      // One statement, so that of several processes pressing at once exactly one wins.
      const now = Date.now();
      return shared.insertIfAbsent(this.fullKey(k), await this.serialize(true, now + ttlMs), now);
    }
    if (await this.keyv.get(k)) return false;
    await this.keyv.set(k, true, ttlMs);
    return true;
  }

  /** Lets a claim go again (the submit it guarded never happened). */
  async release(key: string): Promise<void> {
    this.claims.delete(`claim:${key}`);
    await this.keyv.delete(`claim:${key}`);
  }

  /**
   * A value kept under a key of its own (the spending ledger's counters and entries), for
   * `ttlMs` if given. Namespaced apart from jobs, stashes and claims.
   */
  async getKeyed<T>(key: string): Promise<T | undefined> {
    return (await this.keyv.get<T>(`kv:${key}`)) ?? undefined;
  }

  async setKeyed<T>(key: string, value: T, ttlMs?: number): Promise<void> {
    await this.keyv.set(`kv:${key}`, value, ttlMs);
  }

  async deleteKeyed(key: string): Promise<void> {
    await this.keyv.delete(`kv:${key}`);
  }

  /**
   * Keeps `value` under the keyed `key` unless a value is kept there already (something made
   * once, such as a secret), and resolves with the value that is kept: of several processes
   * making one at once, all get the first one's.
   */
  async keepFirst<T>(key: string, value: T): Promise<T> {
    const k = `kv:${key}`;
    const shared = this.backend.shared;
    if (shared) {
      await shared.insertIfAbsent(this.fullKey(k), await this.serialize(value), Date.now());
    } else {
      await this.serially(async () => {
        if ((await this.keyv.get(k)) === undefined) await this.keyv.set(k, value);
      });
    }
    return (await this.keyv.get<T>(k)) ?? value;
  }

  /**
   * Runs `work` alone among all work locked on the same `scope`: in every process sharing
   * the store (an advisory lock on Postgres); elsewhere the caller's own lock in this process
   * is all there is to it, and `work` simply runs.
   */
  exclusive<T>(scope: string, work: () => Promise<T>): Promise<T> {
    const shared = this.backend.shared;
    return shared ? shared.exclusive(scope, work) : work();
  }

  /** Every row as it is stored, TTLs included (for `npm run migrate-store`). */
  rows(): AsyncIterable<RawRow> {
    const { rows } = this.backend;
    if (!rows) throw new Error(`DATABASE_URL (${this.url}): this store cannot list its rows`);
    return rows();
  }

  /** Writes rows as `rows()` gave them, in one statement. */
  async putRows(rows: readonly RawRow[]): Promise<void> {
    const { putRows } = this.backend;
    if (!putRows) throw new Error(`DATABASE_URL (${this.url}): this store cannot take rows`);
    await this.ready;
    await putRows(rows);
  }

  async close(): Promise<void> {
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = null;
    await this.ready.catch(() => undefined);
    await this.indexLock;
    await this.keyv.disconnect();
    await this.backend.close?.();
  }

  /** keyv's key for `key` (with the namespace it prefixes). */
  private fullKey(key: string): string {
    const namespace = this.keyv.useKeyPrefix ? this.keyv.namespace : undefined;
    return namespace ? `${namespace}:${key}` : key;
  }

  /** `value` as keyv writes it (with its expiry, if any). */
  private async serialize(value: unknown, expires?: number): Promise<string> {
    const data = await this.keyv.serializeData({ value, expires });
    return typeof data === "string" ? data : JSON.stringify(data);
  }

  /** Runs `work` after every earlier index change of this process. */
  private serially<T>(work: () => Promise<T>): Promise<T> {
    const next = this.indexLock.then(work);
    this.indexLock = next.catch(() => undefined);
    return next;
  }

  private updateIndex<T>(key: string, change: (entries: T[]) => T[]): Promise<void> {
    const shared = this.backend.shared;
    return this.serially(async () => {
      if (!shared) {
        await this.keyv.set(key, change((await this.keyv.get<T[]>(key)) ?? []));
        return;
      }
      await shared.update(this.fullKey(key), async (raw) => {
        const current = raw === undefined ? undefined : await this.keyv.deserializeData<T[]>(raw);
        return this.serialize(change(current?.value ?? []));
      });
    });
  }
}

/** The namespace keyv prefixes to every key (`mjcord:job:…`). */
const NAMESPACE = "mjcord";

/** keyv's own Map (`memory://`), for tests: one process, nothing kept. */
function openMemory(): Backend {
  return keyvBackend(new Keyv({ throwOnErrors: true }));
}

/** Any keyv in one process; expired rows are swept where its store is keyv's own Map. */
function keyvBackend(keyv: Keyv): Backend {
  return {
    keyv,
    ready: Promise.resolve(),
    sweepExpired: async (prefixes, now) =>
      keyv.store instanceof Map ? sweepMap(keyv.store, prefixes, now) : 0,
  };
}

/** The same on keyv's own Map (`memory://`), which also drops an expired entry only when read. */
function sweepMap(map: Map<unknown, unknown>, prefixes: string[], now: number): number {
  let deleted = 0;
  for (const [key, raw] of map) {
    if (typeof key !== "string" || !prefixes.some((p) => key.startsWith(p))) continue;
    const expires = expiryOf(raw);
    if (expires !== undefined && expires < now) {
      map.delete(key);
      deleted += 1;
    }
  }
  return deleted;
}

/** The expiry keyv wrote into a stored value (serialised or not), if it has one. */
function expiryOf(raw: unknown): number | undefined {
  let data = raw;
  if (typeof raw === "string") {
    try {
      data = JSON.parse(raw);
    } catch {
      return undefined;
    }
  }
  const expires =
    typeof data === "object" && data !== null && "expires" in data ? data.expires : undefined;
  return typeof expires === "number" ? expires : undefined;
}
