// The embedded store: keyv on one SQLite file (@keyv/sqlite), for one process. What keyv does
// not do well enough there: a batch of writes as one statement, and the sweep of expired rows.
import { mkdirSync } from "node:fs";
import { dirname, isAbsolute, resolve } from "node:path";
import KeyvSqlite from "@keyv/sqlite";
import Keyv from "keyv";
import type { Backend, RawRow } from "./store.js";
import { StoreError } from "./store-error.js";

/**
 * Keys a sweep reads per statement, and so at most deletes per statement: no statement of a
 * sweep holds SQLite's write lock, or its connection, for long.
 */
const SWEEP_BATCH = 500;

/** `sqlite://path` (relative to the working directory, or absolute). */
export function openSqlite(url: string, namespace: string): Backend {
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
  const table = sqlite.opts.table ?? "keyv"; // already reduced to [A-Za-z0-9_] by the adapter
  return {
    keyv: new Keyv({ store: sqlite, namespace, throwOnErrors: true }),
    ready,
    sweepExpired: (prefixes, now) => sweepSqlite(sqlite, prefixes, now),
    async *rows() {
      let after: string | undefined;
      for (;;) {
        const batch: RawRow[] = await sqlite.query(
          `SELECT key, value FROM ${table}${after === undefined ? "" : " WHERE key > ?"} ORDER BY key LIMIT ?`,
          ...(after === undefined ? [] : [after]),
          SWEEP_BATCH,
        );
        yield* batch;
        if (batch.length < SWEEP_BATCH) return;
        after = batch[batch.length - 1]?.key;
      }
    },
    async putRows(rows) {
      if (rows.length > 0) await sqlite.setMany([...rows]);
    },
  };
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
