// Ledger tests: a ledger on a real store (SQLite in a temp folder, or Postgres: `ledgerOn`),
// with a clock the test moves and a policy it can change, and the requests a member makes.
import { join } from "node:path";
import { afterEach, beforeAll, beforeEach } from "vitest";
import { JobStore } from "../../src/jobs/store.js";
import { Ledger, type SpendRequest } from "../../src/policy/ledger.js";
import { jobStoreLedger } from "../../src/policy/ledger-store.js";
import type { Policy } from "../../src/policy/policy.js";
import { onDatabase, SQLITE, type TestBackend } from "../support/postgres.js";
import { tempDir } from "./support.js";

export const GUILD = "100000000000000001";
export const CHANNEL = "200000000000000002";
export const ALICE = "300000000000000003";
export const NOW = Date.parse("2026-12-02T16:00:00Z");

const stores: JobStore[] = [];

/** The backend of the tests now running, and the Postgres databases a test may use. */
let backend: TestBackend = SQLITE;
const databases: string[] = [];
let taken = 0;
/** The most stores of their own one ledger test opens. */
const DATABASES_PER_TEST = 3;

/**
 * Runs the tests of the enclosing describe block on `on`: every `ledgerSetup` (and
 * `ledgerStoreUrl`) of a test gets an empty store of that backend. On Postgres a few
 * databases are made once and emptied before each test.
 */
export function ledgerOn(on: TestBackend): void {
  if (on === SQLITE) return;
  beforeAll(async () => {
    while (databases.length < DATABASES_PER_TEST) databases.push(await on.url());
  });
  beforeEach(async () => {
    backend = on;
    taken = 0;
    for (const url of databases) await onDatabase(url, "DROP TABLE IF EXISTS keyv");
  });
  afterEach(() => {
    backend = SQLITE;
  });
}

/** The URL of an empty store of the current backend, not yet opened. */
export function ledgerStoreUrl(): string {
  if (backend === SQLITE) return `sqlite://${join(tempDir(), "ledger.sqlite")}`;
  const url = databases[taken++];
  if (!url) throw new Error(`a ledger test may open ${DATABASES_PER_TEST} stores at most`);
  return url;
}

/** Closes every store the tests opened (for afterEach). */
export async function closeLedgerStores(): Promise<void> {
  for (const s of stores.splice(0)) await s.close().catch(() => undefined);
}

export interface LedgerSetup {
  ledger: Ledger;
  store: JobStore;
  clock: { now: number };
  set(p: Policy): void;
}

export function ledgerSetup(
  p: Policy,
  options: { url?: string; start?: number } = {},
): LedgerSetup {
  const store = JobStore.open(options.url ?? ledgerStoreUrl());
  stores.push(store);
  const clock = { now: options.start ?? NOW };
  let current = p;
  const ledger = new Ledger({
    store: jobStoreLedger(store),
    policy: () => current,
    now: () => clock.now,
  });
  return {
    ledger,
    store,
    clock,
    set: (next) => {
      current = next;
    },
  };
}

/** alice asks for one fast imagine in the channel, unless `over` says otherwise. */
export const ask = (over: Partial<SpendRequest> = {}): SpendRequest => ({
  guildId: GUILD,
  channelId: CHANNEL,
  memberId: ALICE,
  roleIds: [],
  command: "imagine",
  kind: "imagine",
  mode: "fast",
  ...over,
});

/** Reserves and commits one job under `jobId`, at the setup's clock; throws if refused. */
export async function spendJob(
  s: LedgerSetup,
  jobId: string,
  over: Partial<SpendRequest> = {},
): Promise<void> {
  const r = await s.ledger.reserve({ ...ask(over), now: s.clock.now });
  if (!r.ok) throw new Error(`refused: ${JSON.stringify(r.refusal)}`);
  await s.ledger.commit(r.reservation, [jobId]);
}
