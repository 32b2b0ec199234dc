// The shared store: keyv on Postgres (@keyv/postgres) for plain keys, and `pg` itself for what
// must hold across processes sharing the database: a claim is one INSERT … ON CONFLICT, an
// index's read-modify-write runs in a transaction holding its row, and exclusive work (the
// ledger's check-and-spend) holds an advisory lock on a connection of its own.
import KeyvPostgres from "@keyv/postgres";
import Keyv from "keyv";
import pg from "pg";
import type { Backend, RawRow } from "./store.js";
import { StoreError } from "./store-error.js";

/** keyv's table, in the schema `public` (@keyv/postgres's defaults, with longer keys). */
const TABLE = "public.keyv";
const KEY_SIZE = 1024;
/** The first key of every advisory lock mjcord takes ("mjc"); the second names what it locks. */
const LOCK_CLASS = 0x6d6a63;
/** The lock of the set-up statements, so that processes starting together do not race. */
const SETUP_LOCK = 0;
/** Rows a sweep or a migration reads per statement. */
const BATCH = 500;
/** The top-level expiry keyv writes last into each value (`{"value":…,"expires":<ms>}`). */
const expiresOf = (column: string) =>
  `substring(${column} FROM '"expires":([0-9]{1,15})\\}$')::bigint`;
const isExpired = (column: string, param: string) =>
  `COALESCE(${expiresOf(column)} < ${param}, false)`;

interface PooledOptions {
  pool: pg.Pool;
  ready: Promise<unknown>;
}

/**
 * @keyv/postgres on a pool of this store's own: the adapter's module keeps one pool for the
 * whole process, which two stores (or a test's two "processes") would share and close for each
 * other. Its statements wait until the store's set-up has run.
 */
class PooledKeyvPostgres extends KeyvPostgres {
  override async connect(): Promise<(sql: string, values?: unknown[]) => Promise<unknown[]>> {
    const { pool, ready } = this.opts as unknown as PooledOptions;
    return async (sql, values) => {
      await ready;
      return (await pool.query(sql, values)).rows;
    };
  }

  /** The store ends its pools itself. */
  override async disconnect(): Promise<void> {}
}

/** `postgres://user:password@host:port/database` (or `postgresql://`), any `pg` options. */
export function openPostgres(url: string, namespace: string): Backend {
  try {
    new URL(url);
  } catch {
    throw new StoreError(url, "is not a valid URL", "expected postgres://user:password@host/db");
  }
  const options: pg.PoolConfig = {
    connectionString: url,
    connectionTimeoutMillis: 10_000,
    allowExitOnIdle: true,
  };
  const pool = new pg.Pool({ ...options, max: 10 });
  // Connections held while exclusive work runs: apart, so that work waiting for a lock never
  // takes the connections the work holding it needs.
  const locks = new pg.Pool({ ...options, max: 10 });
  // A connection that breaks while idle (the server restarted) is dropped by the pool; the
  // next statement opens another or fails, and is reported where it is made.
  pool.on("error", () => undefined);
  locks.on("error", () => undefined);
  const ready = setUp(pool);
  ready.catch(() => undefined); // reported by the first statement (start-up's probe)
  const adapter = new PooledKeyvPostgres({
    uri: url,
    table: "keyv",
    schema: "public",
    keySize: KEY_SIZE,
    ...({ pool, ready } satisfies PooledOptions),
  });

  return {
    keyv: new Keyv({ store: adapter, namespace, throwOnErrors: true }),
    ready,

    async sweepExpired(prefixes, now) {
      await ready;
      let deleted = 0;
      for (const prefix of prefixes) {
        // Bytewise order (COLLATE "C", indexed so): every key under `prefix` lies between it
        // and `prefix` with its last character the next one. Read a batch of keys at a time
        // from where the last ended, delete a batch's expired keys checking again.
        const end =
          prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
        let after: string | undefined;
        for (;;) {
          const { rows } = await pool.query<{ key: string; expired: boolean }>(
            `SELECT key, ${isExpired("value", "$1")} AS expired FROM ${TABLE}
             WHERE key COLLATE "C" ${after === undefined ? ">=" : ">"} $2 AND key COLLATE "C" < $3
             ORDER BY key COLLATE "C" LIMIT ${BATCH}`,
            [now, after ?? prefix, end],
          );
          const old = rows.filter((r) => r.expired).map((r) => r.key);
          if (old.length > 0) {
            const gone = await pool.query(
              `DELETE FROM ${TABLE} WHERE key = ANY($1) AND ${isExpired("value", "$2")}`,
              [old, now],
            );
            deleted += gone.rowCount ?? 0;
          }
          if (rows.length < BATCH) break;
          after = rows[rows.length - 1]?.key;
        }
      }
      return deleted;
    },

    shared: {
      async insertIfAbsent(key, value, now) {
        await ready;
        // One statement: a row is written where there is none or only an expired one; a
        // live row stays, and no row comes back. Concurrent callers queue on the key.
        const { rowCount } = await pool.query(
          `INSERT INTO ${TABLE} (key, value) VALUES ($1, $2)
           ON CONFLICT (key) DO UPDATE SET value = excluded.value
           WHERE ${isExpired("keyv.value", "$3")}
           RETURNING key`,
          [key, value, now],
        );
        return (rowCount ?? 0) > 0;
      },

      async update(key, change) {
        await ready;
        const client = await pool.connect();
        let broken: unknown;
        try {
          await client.query("BEGIN");
          // Holds the row (made if missing) until COMMIT: another process's update waits.
          const { rows } = await client.query<{ value: string | null }>(
            `INSERT INTO ${TABLE} (key, value) VALUES ($1, NULL)
             ON CONFLICT (key) DO UPDATE SET key = excluded.key RETURNING value`,
            [key],
          );
          const next = await change(rows[0]?.value ?? undefined);
          await client.query(`UPDATE ${TABLE} SET value = $2 WHERE key = $1`, [key, next]);
          await client.query("COMMIT");
        } catch (error) {
          await client.query("ROLLBACK").catch((e: unknown) => {
            broken = e;
          });
          throw error;
        } finally {
          client.release(broken instanceof Error ? broken : undefined);
        }
      },

      async exclusive(scope, work) {
        await ready;
        const client = await locks.connect();
        try {
          await client.query("SELECT pg_advisory_lock($1, hashtext($2))", [LOCK_CLASS, scope]);
        } catch (error) {
          client.release(true);
          throw error;
        }
        try {
          return await work();
        } finally {
          try {
            await client.query("SELECT pg_advisory_unlock($1, hashtext($2))", [LOCK_CLASS, scope]);
            client.release();
          } catch {
            client.release(true); // a connection that goes lets its locks go with it
          }
        }
      },
    },

    async *rows() {
      await ready;
      let after: string | undefined;
      for (;;) {
        const { rows } = await pool.query<RawRow>(
          `SELECT key, value FROM ${TABLE}${after === undefined ? "" : ` WHERE key COLLATE "C" > $1`}
           ORDER BY key COLLATE "C" LIMIT ${BATCH}`,
          after === undefined ? [] : [after],
        );
        yield* rows;
        if (rows.length < BATCH) return;
        after = rows[rows.length - 1]?.key;
      }
    },

    async putRows(rows) {
      if (rows.length === 0) return;
      await ready;
      await pool.query(
        `INSERT INTO ${TABLE} (key, value) SELECT * FROM UNNEST($1::text[], $2::text[])
         ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
        [rows.map((r) => r.key), rows.map((r) => r.value)],
      );
    },

    async close() {
      // The adapter's own set-up statement first: a statement still queued when the pool
      // ends would wait for the connection timeout.
      await adapter.query("SELECT 1").catch(() => undefined);
      await Promise.all([pool.end(), locks.end()]);
    },
  };
}

/**
 * keyv's table (as @keyv/postgres makes it) and an index of the keys in bytewise order (the
 * sweep's ranges), made once, under a lock: processes that start together do not race.
 */
async function setUp(pool: pg.Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    await client.query("SELECT pg_advisory_xact_lock($1, $2)", [LOCK_CLASS, SETUP_LOCK]);
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${TABLE} (key VARCHAR(${KEY_SIZE}) PRIMARY KEY, value TEXT)`,
    );
    await client.query(`CREATE INDEX IF NOT EXISTS keyv_key_bytes ON ${TABLE} (key COLLATE "C")`);
    await client.query("COMMIT");
    client.release();
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    client.release(true);
    throw error;
  }
}
