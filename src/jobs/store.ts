// keyv: jobs, the task -> job index, the in-flight index, the jobs watched after their
// deadline, member preferences, stashes that expire (swept on a timer: keyv itself deletes an
// expired entry only when it is read), one-time claims (replayed interactions, double
// clicks) and keyed values (the spending ledger), whose expired rows the same timer deletes.
import { randomUUID } from "node:crypto";
import { mkdirSync } from "node:fs";
import { dirname, isAbsolute, resolve } from "node:path";
import KeyvSqlite from "@keyv/sqlite";
import Keyv from "keyv";
import type { MjMode } from "../config.js";
import type { Job } from "./job.js";

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
/**
 * Keys a sweep reads per statement, and so at most deletes per statement: no statement of a
 * sweep holds SQLite's write lock, or its connection, for long.
 */
const SWEEP_BATCH = 500;

interface StashEntry {
  key: string;
  expiresAt: number;
}

/** The store named by DATABASE_URL cannot be used; the message names the variable and why. */
export class StoreError extends Error {
  constructor(url: string, what: string, cause: unknown) {
    super(`DATABASE_URL (${redactUrl(url)}): ${explain(what, cause)}`, { cause });
    this.name = "StoreError";
  }
}

export class JobStore {
  /** Serialises read-modify-write of the indexes (in flight, watched, stashes) in this process. */
  private indexLock: Promise<unknown> = Promise.resolve();
  private sweeper: NodeJS.Timeout | null = null;
  /** Claims taken in this process, so two presses in the same tick cannot both win. */
  private readonly claims = new Set<string>();

  /**
   * @param keyv with `throwOnErrors`, so that a failed write is seen, never silently lost
   * @param ready settles once the store's own set-up statements have run
   */
  constructor(
    private readonly keyv: Keyv,
    private readonly ready: Promise<unknown> = Promise.resolve(),
    /** DATABASE_URL, for messages */
    private readonly url = "memory://",
  ) {}

  /** Opens the store named by DATABASE_URL: `sqlite://path` or `memory://`. */
  static open(url: string): JobStore {
    if (url.startsWith("memory:")) return new JobStore(new Keyv({ throwOnErrors: true }));
    if (url.startsWith("sqlite://")) {
      const path = url.slice("sqlite://".length);
      const file = isAbsolute(path) ? path : resolve(path);
      try {
        mkdirSync(dirname(file), { recursive: true });
      } catch (error) {
        throw new StoreError(url, "cannot create the folder of the database file", error);
      }
      const sqlite = new BatchingSqlite({ uri: `sqlite://${file}`, busyTimeout: 5_000 });
      // Write-ahead logging: a progress write costs far less, and a killed process still
      // loses nothing it had committed. Issued first, before any job is read or written.
      // If they fail the store still works, only slower: that is no reason not to start.
      const ready = sqlite
        .query("PRAGMA journal_mode=WAL")
        .then(() => sqlite.query("PRAGMA synchronous=NORMAL"))
        .catch(() => undefined);
      return new JobStore(
        new Keyv({ store: sqlite, namespace: "mjcord", throwOnErrors: true }),
        ready,
        url,
      );
    }
    throw new Error(
      `DATABASE_URL: unsupported store "${url.split(":")[0]}"; use sqlite:// or memory://`,
    );
  }

  /**
   * Opens the store and proves it works: one key written, read back and deleted. A store
   * that is read-only, full, locked for good or corrupted stops start-up here, not at the
   * first member's job.
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

  /**
   * Proves the store works now: one key of its own read, written, read back and deleted.
   * Rejects with a StoreError saying which step failed (start-up, and /healthz).
   */
  async probe(): Promise<void> {
    await this.ready;
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
    for (const taskId of job.taskId.split(",")) await this.keyv.set(`task:${taskId}`, job.id);
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
    const store: unknown = this.keyv.store;
    const namespace = this.keyv.useKeyPrefix ? this.keyv.namespace : undefined;
    const prefixes = EXPIRING.map((p) => (namespace ? `${namespace}:${p}` : p));
    if (store instanceof KeyvSqlite) return sweepSqlite(store, prefixes, now);
    if (store instanceof Map) return sweepMap(store, prefixes, now);
    // Another adapter (Postgres, later) needs a statement of its own (its value column, its
    // JSON functions): until it has one, nothing is swept there and nothing is lost.
    return 0;
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

  async close(): Promise<void> {
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = null;
    await this.ready;
    await this.indexLock;
    await this.keyv.disconnect();
  }

  private updateIndex<T>(key: string, change: (entries: T[]) => T[]): Promise<void> {
    const next = this.indexLock.then(async () => {
      await this.keyv.set(key, change((await this.keyv.get<T[]>(key)) ?? []));
    });
    this.indexLock = next.catch(() => undefined);
    return next;
  }
}

/**
 * The expired rows under `prefixes` in @keyv/sqlite's table (`key` the primary key, `value`
 * keyv's JSON `{"value":…,"expires":<ms>}`, `expires` absent when there is no TTL). The
 * range is read a batch of keys at a time along the key index, each batch from where the last
 * ended, so the whole range is read once (a read: in WAL mode it blocks no writer); the expired
 * keys of a batch are then deleted in one short statement that checks the expiry again, so a
 * row written anew in between (a new TTL, or none) stays.
 */
async function sweepSqlite(db: KeyvSqlite, prefixes: string[], now: number): Promise<number> {
  const table = db.opts.table ?? "keyv"; // already reduced to [A-Za-z0-9_] by the adapter
  // A value that is not JSON (not written by keyv) has no expiry: it must not fail the sweep.
  const expires = "CASE WHEN json_valid(value) THEN json_extract(value, '$.expires') END";
  const remove =
    `DELETE FROM ${table} WHERE key IN (SELECT value FROM json_each(?)) AND ${expires} < ?` +
    " RETURNING key";
  let deleted = 0;
  for (const prefix of prefixes) {
    // Keys compare bytewise (the column's BINARY collation), so every key that starts with
    // `prefix` lies between it and `prefix` with its last character the next one (":" -> ";"),
    // and the range is a search of the primary key's index, not a read of the whole table.
    const end = prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
    let after: string | undefined;
    for (;;) {
      // The next SWEEP_BATCH keys, each with whether it has expired: a read of bounded length
      // however few rows have expired, so other statements on the connection never wait long.
      const rows: Array<{ key: string; expired: number | null }> = await db.query(
        `SELECT key, ${expires} < ? AS expired FROM ${table}` +
          ` WHERE key ${after === undefined ? ">=" : ">"} ? AND key < ? ORDER BY key LIMIT ?`,
        now,
        after ?? prefix,
        end,
        SWEEP_BATCH,
      );
      const old = rows.filter((r) => r.expired === 1).map((r) => r.key);
      if (old.length > 0) {
        const gone: unknown[] = await db.query(remove, JSON.stringify(old), now);
        deleted += gone.length;
      }
      if (rows.length < SWEEP_BATCH) break;
      after = rows[rows.length - 1]?.key;
    }
  }
  return deleted;
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

/** A URL fit for a message: any password replaced. */
function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.href;
  } catch {
    return url;
  }
}

/**
 * The cause in an operator's words where it is known, else what failed; the system's own
 * message is kept for searching.
 */
function explain(what: string, cause: unknown): string {
  const code =
    typeof cause === "object" && cause !== null && "code" in cause ? String(cause.code) : "";
  const message = cause instanceof Error ? cause.message : String(cause);
  const hint =
    code === "SQLITE_READONLY" || code === "EROFS" || code === "EACCES" || code === "EPERM"
      ? "the store is read-only: the bot's user must be able to write the file and its folder"
      : code === "SQLITE_FULL" || code === "ENOSPC"
        ? "the disk of the store is full"
        : code === "SQLITE_NOTADB" || code === "SQLITE_CORRUPT"
          ? "the file is not an intact SQLite database (corrupted?): restore it from a backup or move it away"
          : code === "SQLITE_BUSY" || code === "SQLITE_LOCKED"
            ? "another process holds the database locked"
            : code === "SQLITE_CANTOPEN"
              ? "the file cannot be opened: check the path and its permissions"
              : "";
  return `${hint || what} (${message})`;
}

/**
 * @keyv/sqlite with `setMany` as one statement (keyv otherwise sends one upsert per entry):
 * the rows come as one JSON array, so a batch is a single statement and a single commit.
 */
class BatchingSqlite extends KeyvSqlite {
  async setMany(entries: Array<{ key: string; value: unknown }>): Promise<boolean[]> {
    const table = (this as unknown as { opts: { table?: string } }).opts.table ?? "keyv";
    // `WHERE true` lets SQLite read ON CONFLICT as the upsert's, not the SELECT's join.
    const upsert = `INSERT INTO ${table} (key, value)
      SELECT json_extract(e.value, '$.key'), json_extract(e.value, '$.value') FROM json_each(?) AS e WHERE true
      ON CONFLICT(key) DO UPDATE SET value = excluded.value`;
    await this.query(upsert, JSON.stringify(entries.map(({ key, value }) => ({ key, value }))));
    return entries.map(() => true);
  }
}
