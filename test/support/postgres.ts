// A throwaway Postgres server for the tests: started once per test worker process, on demand
// (initdb into a temp folder, `postgres` on a free port of 127.0.0.1 with its socket in that
// folder, as the `postgres` OS user when the tests run as root, since Postgres refuses root),
// stopped when the worker exits, or by a watchdog when the worker is killed. Each caller of
// `freshDatabase()` gets a database of its own on it.
//
// Without Postgres installed the Postgres tests are skipped (`describePostgres`), unless
// MJCORD_REQUIRE_POSTGRES=1 (CI): then they run and fail, saying what is missing.
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import {
  accessSync,
  chownSync,
  constants,
  mkdtempSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import pg from "pg";
import sqlite3 from "sqlite3";
import { describe } from "vitest";

/** Set to 1 (CI): Postgres tests fail, instead of being skipped, where Postgres is missing. */
export const REQUIRE_POSTGRES = "MJCORD_REQUIRE_POSTGRES";
/** The marker of test processes (test/support/processes.ts): the server must not carry it. */
const MARK = "MJCORD_TEST_PROCESS";
const NEEDED = ["initdb", "postgres", "pg_ctl"];
const STARTUP_MS = 30_000;

interface Server {
  port: number;
  password: string;
  /** the temp folder: data directory, socket, log */
  dir: string;
}

/** This process's server: kept on globalThis, so that modules loaded again (vitest without
 * isolation) find the one already running instead of starting another. */
const shared = globalThis as { mjcordTestPostgres?: Promise<Server> };
let databases = 0;

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Where initdb, postgres and pg_ctl are: /usr/lib/postgresql/<newest>/bin, else on PATH. */
function binDir(): string | undefined {
  let versions: string[] = [];
  try {
    versions = readdirSync("/usr/lib/postgresql")
      .filter((v) => /^\d+(\.\d+)?$/.test(v))
      .sort((a, b) => Number(b) - Number(a));
  } catch {}
  const dirs = [
    ...versions.map((v) => join("/usr/lib/postgresql", v, "bin")),
    ...(process.env.PATH ?? "").split(delimiter).filter(Boolean),
  ];
  return dirs.find((dir) => NEEDED.every((name) => executable(join(dir, name))));
}

/** Whether a Postgres server can be started here (its binaries were found). */
export function postgresAvailable(): boolean {
  return binDir() !== undefined;
}

/** Whether Postgres tests must run (and fail where Postgres is missing). */
export function postgresRequired(): boolean {
  return process.env[REQUIRE_POSTGRES] === "1";
}

/**
 * `describe` for tests that need Postgres: skipped where it is not installed, unless
 * MJCORD_REQUIRE_POSTGRES=1, where they run and `freshDatabase()` fails saying why.
 */
export const describePostgres =
  postgresAvailable() || postgresRequired() ? describe : describe.skip;

/**
 * A new, empty database on this worker's server (started on the first call), as a
 * `postgres://user:password@127.0.0.1:PORT/NAME` URL. The URL holds a password: never print it.
 */
export async function freshDatabase(): Promise<string> {
  shared.mjcordTestPostgres ??= startServer();
  const s = await shared.mjcordTestPostgres;
  databases += 1;
  const name = `mjcord_${process.pid}_${databases}_${randomBytes(3).toString("hex")}`;
  const admin = new pg.Client(serverUrl(s, "postgres"));
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  return serverUrl(s, name);
}

/** A URL of this worker's server with a password that is wrong (for tests of refusals). */
export async function wrongPasswordUrl(): Promise<string> {
  shared.mjcordTestPostgres ??= startServer();
  const s = await shared.mjcordTestPostgres;
  return serverUrl({ ...s, password: "not-the-password" }, "postgres");
}

/** Runs one statement on the database of `url`, behind the store's back. */
export async function onDatabase<T extends pg.QueryResultRow = pg.QueryResultRow>(
  url: string,
  sql: string,
  params: unknown[] = [],
): Promise<T[]> {
  const client = new pg.Client(url);
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

function serverUrl(s: Pick<Server, "port" | "password">, database: string): string {
  return `postgres://postgres:${encodeURIComponent(s.password)}@127.0.0.1:${s.port}/${database}`;
}

/** The environment of the server and its tools: without the test-process marker. */
function serverEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, LC_ALL: "C.UTF-8", LANG: "C.UTF-8" };
  delete env[MARK];
  return env;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      const port = typeof address === "object" && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

async function startServer(): Promise<Server> {
  const bin = binDir();
  if (!bin) {
    throw new Error(
      `Postgres is needed for this test (${REQUIRE_POSTGRES}=${process.env[REQUIRE_POSTGRES] ?? ""}) but ${NEEDED.join(", ")} ` +
        "were not found in /usr/lib/postgresql/*/bin or on PATH: install it (Debian: apt-get install postgresql)",
    );
  }
  const asRoot = process.getuid?.() === 0;
  // Postgres refuses to run as root: then initdb and the server run as the postgres user.
  const wrap = asRoot ? ["runuser", "-u", "postgres", "--"] : [];
  const dir = mkdtempSync(join(tmpdir(), "mjcord-pg-"));
  const data = join(dir, "data");
  const password = randomBytes(12).toString("hex");
  writeFileSync(join(dir, "pwfile"), `${password}\n`);
  if (asRoot) {
    const uid = Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }).trim());
    const gid = Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }).trim());
    chownSync(dir, uid, gid);
    chownSync(join(dir, "pwfile"), uid, gid);
  }
  const run = (command: string, args: string[]) => {
    const [cmd, ...rest] = [...wrap, command, ...args] as [string, ...string[]];
    return spawnSync(cmd, rest, { env: serverEnv(), encoding: "utf8" });
  };
  const init = run(join(bin, "initdb"), [
    "-D",
    data,
    "-U",
    "postgres",
    "--pwfile",
    join(dir, "pwfile"),
    "--auth-host=scram-sha-256",
    "--auth-local=trust",
    "-E",
    "UTF8",
    "--no-sync",
  ]);
  if (init.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`initdb failed (${init.status}): ${init.stderr}`);
  }
  const stop = () => {
    run(join(bin, "pg_ctl"), ["stop", "-D", data, "-m", "immediate", "-w"]);
    rmSync(dir, { recursive: true, force: true });
  };
  process.once("exit", stop);

  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const [cmd, ...rest] = [
      ...wrap,
      join(bin, "postgres"),
      "-D",
      data,
      "-p",
      String(port),
      "-k",
      dir,
      "-c",
      "listen_addresses=127.0.0.1",
      "-c",
      "fsync=off",
      "-c",
      "synchronous_commit=off",
      "-c",
      "full_page_writes=off",
      "-c",
      "max_connections=300",
      "-c",
      "shared_buffers=32MB",
    ] as unknown as [string, ...string[]];
    const child = spawn(cmd, rest, { env: serverEnv(), stdio: ["ignore", "ignore", "pipe"] });
    let log = "";
    child.stderr?.on("data", (d) => {
      log = (log + String(d)).slice(-4_000);
    });
    let exited = false;
    child.once("exit", () => {
      exited = true;
    });
    child.unref();
    (child.stderr as unknown as { unref?: () => void } | null)?.unref?.();
    const s = { port, password, dir };
    if (await ready(s, () => exited)) {
      watchdog(wrap, join(bin, "pg_ctl"), data, dir);
      return s;
    }
    if (!exited) child.kill("SIGKILL");
    if (attempt >= 3) {
      stop();
      throw new Error(`the test Postgres server did not start: ${log}`);
    }
  }
}

/** Waits until the server answers, or it exited, or too long passed. */
async function ready(s: Server, exited: () => boolean): Promise<boolean> {
  const until = Date.now() + STARTUP_MS;
  while (Date.now() < until && !exited()) {
    const client = new pg.Client(serverUrl(s, "postgres"));
    try {
      await client.connect();
      await client.query("SELECT 1");
      return true;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    } finally {
      await client.end().catch(() => undefined);
    }
  }
  return false;
}

/**
 * A shell that outlives this worker if it is killed (no exit handler runs then): once the
 * worker is gone it stops the server and deletes its folder.
 */
function watchdog(wrap: string[], pgCtl: string, data: string, dir: string): void {
  const quote = (s: string) => `'${s.replace(/'/g, "'\\''")}'`;
  const script =
    `while kill -0 ${process.pid} 2>/dev/null; do sleep 1; done; ` +
    `${[...wrap, pgCtl].map(quote).join(" ")} stop -D ${quote(data)} -m immediate -w >/dev/null 2>&1; ` +
    `rm -rf ${quote(dir)}`;
  const child = spawn("sh", ["-c", script], {
    env: serverEnv(),
    stdio: "ignore",
    detached: true,
  });
  child.unref();
}

/** A backend the store's tests run on: how to get a fresh store URL, and its raw rows. */
export interface TestBackend {
  name: "SQLite" | "Postgres";
  /** `describe`, or `describe.skip` where the backend cannot run here */
  describe: typeof describePostgres;
  /** the URL of a new, empty store */
  url(): Promise<string>;
  /** every row of keyv's table, behind the store's back, in bytewise key order */
  rows(url: string): Promise<Array<{ key: string; value: string }>>;
  /** writes rows behind the store's back (its table exists already) */
  insert(url: string, rows: ReadonlyArray<readonly [string, string]>): Promise<void>;
}

async function onSqlite<T>(url: string, sql: string, params: unknown[]): Promise<T[]> {
  const db = new sqlite3.Database(url.slice("sqlite://".length));
  try {
    return await new Promise<T[]>((resolve, reject) =>
      db.all(sql, params, (err, rows: T[]) => (err ? reject(err) : resolve(rows))),
    );
  } finally {
    await new Promise((resolve) => db.close(resolve));
  }
}

export const SQLITE: TestBackend = {
  name: "SQLite",
  describe,
  url: async () => `sqlite://${join(mkdtempSync(join(tmpdir(), "mjcord-store-")), "jobs.sqlite")}`,
  rows: (url) => onSqlite(url, "SELECT key, value FROM keyv ORDER BY key", []),
  insert: async (url, rows) => {
    if (rows.length === 0) return;
    await onSqlite(
      url,
      `INSERT INTO keyv (key, value) VALUES ${rows.map(() => "(?, ?)").join(", ")}`,
      rows.flat(),
    );
  },
};

export const POSTGRES: TestBackend = {
  name: "Postgres",
  describe: describePostgres,
  url: freshDatabase,
  rows: (url) =>
    onDatabase<{ key: string; value: string }>(
      url,
      `SELECT key, value FROM keyv ORDER BY key COLLATE "C"`,
    ),
  insert: async (url, rows) => {
    await onDatabase(
      url,
      "INSERT INTO keyv (key, value) SELECT * FROM UNNEST($1::text[], $2::text[])",
      [rows.map((r) => r[0]), rows.map((r) => r[1])],
    );
  },
};

/** Both backends, for `for (const backend of STORE_BACKENDS) backend.describe(…)`. */
export const STORE_BACKENDS: readonly TestBackend[] = [SQLITE, POSTGRES];
