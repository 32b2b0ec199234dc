// The sweep of expired keyed values (the spending ledger's) and claims: keyv deletes an
// expired row only when it is read, so without it SQLite keeps every old day for ever.
import { afterEach, describe, expect, it } from "vitest";
import { JobStore } from "../../src/jobs/store.js";
import { KEEP_MS } from "../../src/policy/ledger.js";
import { jobStoreLedger } from "../../src/policy/ledger-store.js";
import { testJob } from "../support/jobs.js";
import { STORE_BACKENDS } from "../support/postgres.js";

const opened: JobStore[] = [];
afterEach(async () => {
  for (const store of opened.splice(0)) await store.close().catch(() => undefined);
});

function open(url: string): JobStore {
  const store = JobStore.open(url);
  opened.push(store);
  return store;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

for (const backend of STORE_BACKENDS) {
  const rows = (url: string) => backend.rows(url);
  const keys = async (url: string) => (await rows(url)).map((r) => r.key);

  backend.describe(`JobStore sweep of expired rows, on ${backend.name}`, () => {
    it("deletes expired keyed values and claims, and nothing within its TTL or without one", async () => {
      const url = await backend.url();
      const store = open(url);
      const ledger = jobStoreLedger(store);
      const job = testJob({ id: "j1", taskId: "1754300112345678" });
      await store.putJob(job);
      await store.setPreferences("u1", { mode: "relax", remix: true });
      await ledger.set("ledger:entry:old", { credits: 2 }, 5);
      await ledger.set("ledger:used:g1:u1:d:0", 2, 5);
      await ledger.set("ledger:day:g1:0", ["old"], 5);
      await ledger.set("ledger:entry:new", { credits: 3 }, KEEP_MS);
      await ledger.set("ledger:forever", { n: 1 });
      expect(await store.claim("interaction:old", 5)).toBe(true);
      expect(await store.claim("interaction:new", 60_000)).toBe(true);
      await store.stash("pending:new", { n: 2 }, 60_000);
      await sleep(30);

      // The three old ledger rows and the old claim; nobody read them.
      expect(await store.sweep()).toBe(4);
      expect(await keys(url)).toEqual([
        "mjcord:claim:interaction:new",
        "mjcord:job:j1",
        "mjcord:kv:ledger:entry:new",
        "mjcord:kv:ledger:forever",
        "mjcord:pref:u1",
        "mjcord:stash:pending:new",
        "mjcord:stashes",
        "mjcord:task:1754300112345678",
      ]);
      expect(await store.getJob("j1")).toEqual(job);
      expect(await store.jobForTask("1754300112345678")).toEqual(job);
      expect(await store.preferences("u1")).toEqual({ mode: "relax", remix: true });
      expect(await ledger.get("ledger:entry:new")).toEqual({ credits: 3 });
      expect(await ledger.get("ledger:forever")).toEqual({ n: 1 });
      expect(await store.claim("interaction:new", 60_000)).toBe(false);
      expect(await store.unstash("pending:new")).toEqual({ n: 2 });

      // Nothing left to do: nothing deleted, every row as it was.
      const before = await rows(url);
      expect(await store.sweep()).toBe(0);
      expect(await rows(url)).toEqual(before);
    });

    it("a sweep with nothing expired deletes nothing", async () => {
      const url = await backend.url();
      const store = open(url);
      await store.putJob(testJob({ id: "j1" }));
      await store.setPreferences("u1", { mode: null, remix: true });
      await store.setKeyed("ledger:entry:j1", { credits: 1 }, KEEP_MS);
      await store.setKeyed("ledger:forever", 1);
      await store.claim("interaction:1", 60_000);
      await store.sweep();
      const before = await rows(url);
      expect(await store.sweepExpired()).toBe(0);
      expect(await store.sweep()).toBe(0);
      expect(await rows(url)).toEqual(before);
    });

    it("deletes only what expired strictly before now, as keyv reads it", async () => {
      const url = await backend.url();
      const store = open(url);
      await store.setKeyed("ledger:entry:j1", { credits: 1 }, 60_000);
      const [row] = await rows(url);
      const expires = (JSON.parse(row?.value ?? "{}") as { expires: number }).expires;
      expect(expires).toBeGreaterThan(Date.now());
      expect(await store.sweepExpired(expires - 1)).toBe(0);
      expect(await store.sweepExpired(expires)).toBe(0);
      expect(await keys(url)).toEqual(["mjcord:kv:ledger:entry:j1"]);
      expect(await store.sweepExpired(expires + 1)).toBe(1);
      expect(await keys(url)).toEqual([]);
    });

    it("sweeps in batches, expired rows among live ones, and leaves values keyv did not write", async () => {
      const url = await backend.url();
      const store = open(url);
      await store.setKeyed("ledger:probe", 0); // creates the table
      const now = Date.now();
      // 1,300 expired rows (more than two batches) interleaved with 1,300 live ones, written
      // in keyv's own format in one statement, and some rows keyv would never write.
      const raw: Array<[string, string]> = [];
      for (let i = 0; i < 1_300; i++) {
        const n = String(i).padStart(4, "0");
        raw.push(
          [`mjcord:kv:ledger:entry:${n}a`, `{"value":{"credits":1},"expires":${now - 1_000}}`],
          [`mjcord:kv:ledger:entry:${n}b`, `{"value":{"credits":1},"expires":${now + KEEP_MS}}`],
        );
      }
      raw.push(
        ["mjcord:kv:odd:text", "not json"],
        ["mjcord:kv:odd:string", '{"value":1,"expires":"1"}'],
        ["mjcord:kv:odd:null", '{"value":1,"expires":null}'],
        ["mjcord:kv:odd:nested", '{"value":{"expires":1}}'],
        // Expired, but under no swept prefix: a job is never touched.
        ["mjcord:job:odd", '{"value":{},"expires":1}'],
        ["other:kv:odd", '{"value":1,"expires":1}'],
      );
      await backend.insert(url, raw);

      expect(await store.sweepExpired(now)).toBe(1_300);
      const left = await keys(url);
      expect(left.filter((k) => k.endsWith("a") && k.includes("entry"))).toEqual([]);
      expect(left.filter((k) => k.endsWith("b"))).toHaveLength(1_300);
      expect(left.filter((k) => k.includes("odd"))).toEqual([
        "mjcord:job:odd",
        "mjcord:kv:odd:nested",
        "mjcord:kv:odd:null",
        "mjcord:kv:odd:string",
        "mjcord:kv:odd:text",
        "other:kv:odd",
      ]);
      expect(await store.getKeyed("ledger:entry:0042b")).toEqual({ credits: 1 });
      expect(await store.sweepExpired(now)).toBe(0);
    });
  });
}

describe("JobStore sweep of expired rows, in memory", () => {
  it("drops expired keyed values and claims from keyv's map, and keeps the rest", async () => {
    const store = open("memory://");
    await store.putJob(testJob({ id: "j1" }));
    await store.setPreferences("u1", { mode: "relax", remix: false });
    await store.setKeyed("ledger:entry:old", { credits: 2 }, 5);
    await store.setKeyed("ledger:entry:new", { credits: 3 }, KEEP_MS);
    await store.setKeyed("ledger:forever", 1);
    await store.claim("interaction:old", 5);
    await store.claim("interaction:new", 60_000);
    await sleep(30);

    expect(await store.sweep()).toBe(2);
    expect(await store.sweep()).toBe(0);
    expect((await store.getJob("j1"))?.id).toBe("j1");
    expect(await store.preferences("u1")).toEqual({ mode: "relax", remix: false });
    expect(await store.getKeyed("ledger:entry:new")).toEqual({ credits: 3 });
    expect(await store.getKeyed("ledger:forever")).toBe(1);
    expect(await store.claim("interaction:new", 60_000)).toBe(false);
  });
});
