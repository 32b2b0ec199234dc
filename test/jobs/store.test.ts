import sqlite3 from "sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { JobStore } from "../../src/jobs/store.js";
import { testJob } from "../support/jobs.js";
import { SQLITE, STORE_BACKENDS } from "../support/postgres.js";

const opened: JobStore[] = [];
afterEach(async () => {
  for (const store of opened.splice(0)) await store.close().catch(() => undefined);
});

function open(url: string): JobStore {
  const store = JobStore.open(url);
  opened.push(store);
  return store;
}

for (const backend of STORE_BACKENDS) {
  /** The rows of the store's table, read behind its back. */
  const storeRows = async (url: string) =>
    (await backend.rows(url)).map((r) => ({ key: r.key, size: r.value.length }));

  backend.describe(`JobStore on ${backend.name}`, () => {
    it("keeps jobs, finds them by task, and keeps them across a reopen", async () => {
      const url = await backend.url();
      const store = open(url);
      const job = testJob({ id: "j1", taskId: "1754300112345678" });
      await store.putJob(job);
      await store.addInFlight(job.id);
      await store.close();

      const again = open(url);
      expect(await again.getJob("j1")).toEqual(job);
      expect((await again.jobForTask("1754300112345678"))?.id).toBe("j1");
      expect(await again.inFlight()).toEqual(["j1"]);
      expect(await again.getJob("nope")).toBeUndefined();
    });

    it("saves many jobs in one batch and reads them back in one, also after a reopen; the task index stays", async () => {
      const url = await backend.url();
      const store = open(url);
      const jobs = Array.from({ length: 500 }, (_, i) => testJob({ id: `j${i}`, taskId: `t${i}` }));
      for (const job of jobs.slice(0, 3)) await store.putJob(job);
      const changed = jobs.map((job, i) => ({
        ...job,
        phase: "running" as const,
        progress: i % 100,
      }));
      await store.updateJobs(changed);
      const read = await store.getJobs([...jobs.map((j) => j.id), "missing"]);
      expect(read.size).toBe(500);
      expect(read.get("j42")).toEqual(changed[42]);
      expect(await store.getJob("j499")).toEqual(changed[499]);
      expect((await store.jobForTask("t1"))?.progress).toBe(1);
      await store.close();
      const again = open(url);
      expect((await again.getJobs(["j0", "j250"])).get("j250")).toEqual(changed[250]);
      // Job rows as any other write leaves them: the batch wrote keyv's own format.
      const rows = await storeRows(url);
      expect(rows.filter((r) => r.key.startsWith("mjcord:job:"))).toHaveLength(500);
    });

    it("loses no in-flight id when many are added and removed at once", async () => {
      const store = open(await backend.url());
      const ids = Array.from({ length: 50 }, (_, i) => `j${i}`);
      await Promise.all(ids.map((id) => store.addInFlight(id)));
      await Promise.all(ids.slice(0, 20).map((id) => store.removeInFlight(id)));
      expect((await store.inFlight()).sort()).toEqual(ids.slice(20).sort());
    });

    it("a claim is won once, also by a new process after a restart, and can be released", async () => {
      const url = await backend.url();
      const store = open(url);
      const [first, second] = await Promise.all([
        store.claim("interaction:1", 60_000),
        store.claim("interaction:1", 60_000),
      ]);
      expect([first, second].sort()).toEqual([false, true]);
      await store.close();

      const restarted = open(url);
      expect(await restarted.claim("interaction:1", 60_000)).toBe(false);
      await restarted.release("interaction:1");
      expect(await restarted.claim("interaction:1", 60_000)).toBe(true);
    });

    it("a value made once is the first one kept, whoever makes one later", async () => {
      const url = await backend.url();
      const store = open(url);
      const kept = await Promise.all(["a", "b", "c"].map((v) => store.keepFirst("made:once", v)));
      expect(new Set(kept).size).toBe(1);
      expect(await store.keepFirst("made:once", "d")).toBe(kept[0]);
      await store.close();
      expect(await open(url).getKeyed("made:once")).toBe(kept[0]);
    });

    it("member preferences default to the server's mode and remix off", async () => {
      const store = open(await backend.url());
      expect(await store.preferences("u1")).toEqual({ mode: null, remix: false });
      await store.setPreferences("u1", { mode: "relax", remix: true });
      expect(await store.preferences("u1")).toEqual({ mode: "relax", remix: true });
      expect(await store.preferences("u2")).toEqual({ mode: null, remix: false });
    });

    it("a stashed value is there until it expires", async () => {
      const store = open(await backend.url());
      await store.stash("pending:a", { n: 1 }, 60_000);
      await store.stash("pending:b", { n: 2 }, 1);
      await new Promise((r) => setTimeout(r, 20));
      expect(await store.unstash("pending:a")).toEqual({ n: 1 });
      expect(await store.unstash("pending:b")).toBeUndefined();
    });

    it("expired stashes are deleted by a sweep, not only when read (keyv deletes on read)", async () => {
      const url = await backend.url();
      const store = open(url);
      const big = "x".repeat(100_000);
      await store.stash("pending:old", { big }, 1);
      await store.stash("pending:new", { big }, 60_000);
      await new Promise((r) => setTimeout(r, 20));
      // Nobody reads the old one: only the sweep can remove it.
      expect(await store.sweep()).toBe(1);
      const rows = await storeRows(url);
      expect(rows.map((r) => r.key).filter((k) => k.includes("pending"))).toEqual([
        "mjcord:stash:pending:new",
      ]);
      expect(await store.unstash("pending:new")).toEqual({ big });
      expect(await store.sweep()).toBe(0);
    });

    it("a stash can be dropped before it expires", async () => {
      const url = await backend.url();
      const store = open(url);
      await store.stash("images:j1", ["data:image/png;base64,AAAA"], 60_000);
      await store.drop("images:j1");
      expect(await store.unstash("images:j1")).toBeUndefined();
      expect((await storeRows(url)).map((r) => r.key).filter((k) => k.includes("images"))).toEqual(
        [],
      );
    });

    it("keeps the jobs watched after their deadline, apart from those in flight", async () => {
      const store = open(await backend.url());
      await store.addInFlight("j1");
      await store.addWatched("j2");
      await store.addWatched("j3");
      await store.removeWatched("j2");
      expect(await store.inFlight()).toEqual(["j1"]);
      expect(await store.watched()).toEqual(["j3"]);
    });

    it("a write that fails is an error, never a silent loss", async () => {
      const store = JobStore.open(await backend.url());
      await store.close();
      await expect(store.putJob(testJob())).rejects.toThrow();
    });

    it("refuses a store URL it cannot open, naming DATABASE_URL", () => {
      expect(() => JobStore.open("redis://localhost")).toThrow(/DATABASE_URL/);
    });

    it("a working store passes the start-up check and keeps nothing of it", async () => {
      const url = await backend.url();
      const store = await JobStore.openChecked(url);
      opened.push(store);
      expect(await backend.rows(url)).toEqual([]);
    });
  });
}

describe("JobStore on SQLite only", () => {
  it("a database another process holds locked stops the start-up check, naming DATABASE_URL", async () => {
    const url = await SQLITE.url();
    await (await JobStore.openChecked(url)).close();
    const holder = new sqlite3.Database(url.slice("sqlite://".length));
    await new Promise<void>((resolve, reject) =>
      holder.exec("BEGIN EXCLUSIVE", (err) => (err ? reject(err) : resolve())),
    );
    try {
      await expect(JobStore.openChecked(url)).rejects.toThrow(
        `DATABASE_URL (${url}): another process holds the database locked (SQLITE_BUSY`,
      );
    } finally {
      await new Promise((resolve) => holder.close(resolve));
    }
  }, 30_000);
});
