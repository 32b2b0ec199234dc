// The Postgres store shared by several processes: each JobStore below has pools of its own
// on one database, as two bot processes would. What one process's locks cannot give, the
// database must: one claim wins, no index update is lost, no limit is passed.
import { createServer } from "node:net";
import { afterEach, expect, it } from "vitest";
import { hookSecret } from "../../src/http/hook.js";
import { JobStore, StoreError } from "../../src/jobs/store.js";
import { Ledger } from "../../src/policy/ledger.js";
import { jobStoreLedger } from "../../src/policy/ledger-store.js";
import { ask, NOW } from "../policy/ledger-support.js";
import { policy } from "../policy/support.js";
import { testJob } from "../support/jobs.js";
import {
  describePostgres,
  freshDatabase,
  POSTGRES,
  wrongPasswordUrl,
} from "../support/postgres.js";

const opened: JobStore[] = [];
afterEach(async () => {
  for (const store of opened.splice(0)) await store.close().catch(() => undefined);
});

/** `count` stores ("processes") on one fresh database. */
async function processes(count: number): Promise<{ url: string; stores: JobStore[] }> {
  const url = await freshDatabase();
  const stores = Array.from({ length: count }, () => JobStore.open(url));
  opened.push(...stores);
  return { url, stores };
}

async function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === "object" && address ? address.port : 1));
    });
  });
}

describePostgres("JobStore on Postgres, shared by several processes", () => {
  it("of 20 simultaneous claims of one key from two processes exactly one wins, also after a reopen", async () => {
    const { url, stores } = await processes(2);
    for (let round = 0; round < 5; round++) {
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => stores[i % 2]?.claim(`interaction:${round}`, 60_000)),
      );
      expect(results.filter((r) => r === true)).toHaveLength(1);
    }
    const later = JobStore.open(url);
    opened.push(later);
    expect(await later.claim("interaction:1", 60_000)).toBe(false);
    expect(await later.claim("interaction:5", 60_000)).toBe(true);
  });

  it("of ten processes claiming one key at once exactly one wins; an expired claim can be won again", async () => {
    const { stores } = await processes(10);
    const results = await Promise.all(stores.map((s) => s.claim("retry:j1", 60_000)));
    expect(results.filter(Boolean)).toHaveLength(1);

    const short = await Promise.all(stores.map((s) => s.claim("confirm:p1", 50)));
    expect(short.filter(Boolean)).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 80));
    // The one that won it keeps it in its own memory a while; any other process may win it now.
    const winner = short.indexOf(true);
    const others = stores.filter((_, i) => i !== winner);
    const again = await Promise.all(others.map((s) => s.claim("confirm:p1", 60_000)));
    expect(again.filter(Boolean)).toHaveLength(1);
  });

  it("a released claim can be won by another process", async () => {
    const { url, stores } = await processes(2);
    const [a, b] = stores as [JobStore, JobStore];
    expect(await a.claim("cancel:j1", 60_000)).toBe(true);
    expect(await b.claim("cancel:j1", 60_000)).toBe(false);
    await a.release("cancel:j1");
    // b refused it a moment ago and remembers that for a while: a third process asks.
    const third = JobStore.open(url);
    opened.push(third);
    expect(await third.claim("cancel:j1", 60_000)).toBe(true);
  });

  it("loses no in-flight or watched id when two processes add and remove at once", async () => {
    const { stores } = await processes(2);
    const [a, b] = stores as [JobStore, JobStore];
    const ids = Array.from({ length: 60 }, (_, i) => `j${i}`);
    await Promise.all(ids.map((id, i) => (i % 2 ? a : b).addInFlight(id)));
    expect((await a.inFlight()).sort()).toEqual([...ids].sort());
    await Promise.all(ids.slice(0, 20).map((id, i) => (i % 2 ? b : a).removeInFlight(id)));
    expect((await b.inFlight()).sort()).toEqual(ids.slice(20).sort());

    await Promise.all(ids.slice(0, 10).map((id, i) => (i % 2 ? a : b).addWatched(id)));
    expect((await a.watched()).sort()).toEqual(ids.slice(0, 10).sort());
  });

  it("keeps every stash two processes make at once, and a sweep finds each when it expires", async () => {
    const { stores } = await processes(2);
    const [a, b] = stores as [JobStore, JobStore];
    await Promise.all(
      Array.from({ length: 30 }, (_, i) => (i % 2 ? a : b).stash(`pending:${i}`, { i }, 60_000)),
    );
    expect(await b.unstash("pending:3")).toEqual({ i: 3 });
    expect(await a.sweep(Date.now() + 120_000)).toBe(30);
    expect(await b.unstash("pending:4")).toBeUndefined();
  });

  it("reserves from two processes at a limit never spend past it", async () => {
    const { stores } = await processes(2);
    const p = policy("members: { daily: 5, concurrent: 50 }\nserver: { daily: 7 }");
    const ledgers = stores.map(
      (store) => new Ledger({ store: jobStoreLedger(store), policy: () => p, now: () => NOW }),
    );
    const results = await Promise.all(
      Array.from({ length: 24 }, (_, i) => ledgers[i % 2]?.reserve({ ...ask(), now: NOW })),
    );
    expect(results.filter((r) => r?.ok)).toHaveLength(5);
    // The server's budget, by two members together from both processes.
    const bob = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        ledgers[i % 2]?.reserve({ ...ask({ memberId: "300000000000000004" }), now: NOW }),
      ),
    );
    expect(bob.filter((r) => r?.ok)).toHaveLength(2);
  });

  it("a value made once is the first one kept, for every process making it at once", async () => {
    const { stores } = await processes(6);
    for (const key of ["made:once", "a", "b", "c"]) {
      const kept = await Promise.all(stores.map((s, i) => s.keepFirst(key, `${key}-${i}`)));
      expect(new Set(kept).size).toBe(1);
      expect(await stores[0]?.getKeyed(key)).toBe(kept[0]);
    }
    // The notify hook's secret: processes starting at once all serve the same one.
    const secrets = await Promise.all(stores.map((s) => hookSecret(s)));
    expect(new Set(secrets).size).toBe(1);
    expect(secrets[0]?.length).toBeGreaterThanOrEqual(32);
  });

  it("a batch of a thousand jobs written by one process is read back by another", async () => {
    const { stores } = await processes(2);
    const [a, b] = stores as [JobStore, JobStore];
    const jobs = Array.from({ length: 1_000 }, (_, i) => testJob({ id: `j${i}`, taskId: `t${i}` }));
    await a.putJob(jobs[0] ?? testJob());
    await a.updateJobs(jobs.map((job, i) => ({ ...job, progress: i % 100 })));
    const read = await b.getJobs(jobs.map((j) => j.id));
    expect(read.size).toBe(1_000);
    expect(read.get("j999")?.progress).toBe(99);
    expect((await b.jobForTask("t0"))?.id).toBe("j0");
  });

  it("processes starting together on an empty database all pass the start-up check", async () => {
    const url = await freshDatabase();
    const stores = await Promise.all(Array.from({ length: 5 }, () => JobStore.openChecked(url)));
    opened.push(...stores);
    expect(await POSTGRES.rows(url)).toEqual([]);
  });

  it("a server that cannot be reached stops the start-up check, naming DATABASE_URL, without the password", async () => {
    const port = await closedPort();
    const url = `postgres://mjcord:s3cret-Pass@127.0.0.1:${port}/mjcord`;
    const error = await JobStore.openChecked(url).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreError);
    const message = (error as Error).message;
    expect(message).toContain(
      `DATABASE_URL (postgres://mjcord:***@127.0.0.1:${port}/mjcord): the Postgres server cannot be reached`,
    );
    expect(message).not.toContain("s3cret-Pass");
  });

  it("a refused password or a missing database is named, never the password", async () => {
    const wrong = await wrongPasswordUrl();
    const refused = await JobStore.openChecked(wrong).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(StoreError);
    expect((refused as Error).message).toContain("refused the user name or password");
    expect((refused as Error).message).not.toContain("not-the-password");

    const missing = `${(await freshDatabase()).replace(/\/[^/]+$/, "")}/no_such_database`;
    const password = decodeURIComponent(new URL(missing).password);
    const absent = await JobStore.openChecked(missing).catch((e: unknown) => e);
    expect((absent as Error).message).toContain("the database does not exist");
    expect((absent as Error).message).not.toContain(password);
  });
});
