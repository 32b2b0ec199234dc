// The error of a store that cannot be used, in an operator's words, with its URL's password
// replaced: it reaches the console and the logs.

/** The store named by DATABASE_URL cannot be used; the message names the variable and why. */
export class StoreError extends Error {
  constructor(url: string, what: string, cause: unknown) {
    super(`DATABASE_URL (${redactUrl(url)}): ${explain(what, cause, url)}`, { cause });
    this.name = "StoreError";
  }
}

/** A URL fit for a message: any password replaced, also in a URL that does not parse. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.href;
  } catch {
    return url.replace(/(\/\/[^/:@]*):[^/@]*@/, "$1:***@");
  }
}

/** The password in a store URL ("" if none), e.g. for the logger's list of secrets. */
export function urlPassword(url: string): string {
  try {
    return decodeURIComponent(new URL(url).password);
  } catch {
    return "";
  }
}

/** `text` with the password of `url`, if it has one, replaced wherever it appears. */
function withoutPassword(text: string, url: string): string {
  const password = urlPassword(url);
  return password.length > 0 ? text.split(password).join("***") : text;
}

const HINTS: Record<string, string> = {
  SQLITE_READONLY:
    "the store is read-only: the bot's user must be able to write the file and its folder",
  EROFS: "the store is read-only: the bot's user must be able to write the file and its folder",
  EACCES: "the store is read-only: the bot's user must be able to write the file and its folder",
  EPERM: "the store is read-only: the bot's user must be able to write the file and its folder",
  SQLITE_FULL: "the disk of the store is full",
  ENOSPC: "the disk of the store is full",
  SQLITE_NOTADB:
    "the file is not an intact SQLite database (corrupted?): restore it from a backup or move it away",
  SQLITE_CORRUPT:
    "the file is not an intact SQLite database (corrupted?): restore it from a backup or move it away",
  SQLITE_BUSY: "another process holds the database locked",
  SQLITE_LOCKED: "another process holds the database locked",
  SQLITE_CANTOPEN: "the file cannot be opened: check the path and its permissions",
  // Postgres (node's socket errors, then the server's SQLSTATE codes)
  ECONNREFUSED: "the Postgres server cannot be reached: is it running, on that host and port?",
  ENOTFOUND: "the host of the Postgres server cannot be found",
  EAI_AGAIN: "the host of the Postgres server cannot be found",
  ETIMEDOUT: "the Postgres server did not answer in time",
  ECONNRESET: "the Postgres server closed the connection",
  "28P01": "the Postgres server refused the user name or password",
  "28000": "the Postgres server refused this user (check pg_hba.conf)",
  "3D000": "the database does not exist on the Postgres server: create it first",
  "42501": "the Postgres user may not create or write the store's table",
  "53300": "the Postgres server has too many connections",
  "57P03": "the Postgres server is starting up or shutting down",
};

/**
 * The cause in an operator's words where it is known, else what failed; the system's own
 * message is kept for searching (without the URL's password, should it ever hold it).
 */
function explain(what: string, cause: unknown, url: string): string {
  const code =
    typeof cause === "object" && cause !== null && "code" in cause ? String(cause.code) : "";
  const raw = cause instanceof Error ? cause.message : String(cause);
  const message =
    raw === "" && cause instanceof AggregateError
      ? cause.errors.map((e: unknown) => (e instanceof Error ? e.message : String(e))).join("; ")
      : raw;
  const timedOut =
    /^postgres(ql)?:/.test(url) && /timeout/i.test(message)
      ? "the Postgres server did not answer in time"
      : "";
  const hint = HINTS[code] ?? timedOut;
  return withoutPassword(`${hint || what} (${message})`, url);
}
