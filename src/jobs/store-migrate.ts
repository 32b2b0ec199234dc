// Copies a store into another (`npm run migrate-store -- FROM TO`): every row as it is kept,
// so each key keeps its TTL (keyv writes the expiry into the value). Rows already expired,
// and the start-up check's own keys, are left behind.
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { JobStore, type RawRow } from "./store.js";
import { redactUrl } from "./store-error.js";

/** Rows written per statement. */
const BATCH = 500;

export interface MigrateOptions {
  /** write into a store that holds rows already (keys in both are replaced) */
  overwrite?: boolean;
  now?: number;
}

export interface MigrateResult {
  copied: number;
  /** rows whose TTL had passed: not copied */
  expired: number;
}

export class MigrateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MigrateError";
  }
}

/** Copies every live row of the store at `from` into the store at `to`. */
export async function migrateStore(
  from: string,
  to: string,
  options: MigrateOptions = {},
): Promise<MigrateResult> {
  for (const url of [from, to]) {
    if (url.startsWith("memory:")) {
      throw new MigrateError(`${redactUrl(url)}: a memory store keeps nothing to migrate`);
    }
  }
  if (from === to) throw new MigrateError("FROM and TO are the same store");
  if (from.startsWith("sqlite://") && !existsSync(resolve(from.slice("sqlite://".length)))) {
    throw new MigrateError(`FROM (${from}): there is no such file`);
  }
  const source = await JobStore.openChecked(from);
  try {
    const target = await JobStore.openChecked(to);
    try {
      if (!options.overwrite) {
        for await (const _ of target.rows()) {
          throw new MigrateError(
            `TO (${redactUrl(to)}) holds data already: migrate into an empty store, or pass --overwrite`,
          );
        }
      }
      const now = options.now ?? Date.now();
      const result: MigrateResult = { copied: 0, expired: 0 };
      let batch: RawRow[] = [];
      for await (const row of source.rows()) {
        if (row.key.startsWith("mjcord:probe:")) continue;
        const expires = expiryOf(row.value);
        if (expires !== undefined && expires < now) {
          result.expired += 1;
          continue;
        }
        batch.push(row);
        if (batch.length >= BATCH) {
          await target.putRows(batch);
          result.copied += batch.length;
          batch = [];
        }
      }
      await target.putRows(batch);
      result.copied += batch.length;
      return result;
    } finally {
      await target.close();
    }
  } finally {
    await source.close();
  }
}

/** The top-level expiry keyv wrote into a value, if it is keyv's JSON and has one. */
function expiryOf(value: string): number | undefined {
  try {
    const data: unknown = JSON.parse(value);
    const expires =
      typeof data === "object" && data !== null && "expires" in data ? data.expires : undefined;
    return typeof expires === "number" ? expires : undefined;
  } catch {
    return undefined;
  }
}
