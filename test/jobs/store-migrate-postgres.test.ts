// `npm run migrate-store -- FROM TO`: a SQLite store copied into Postgres (and back), every
// key with its TTL; what had expired stays behind.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterEach, expect, it } from "vitest";
import { JobStore } from "../../src/jobs/store.js";
import { MigrateError, migrateStore } from "../../src/jobs/store-migrate.js";
import { testJob } from "../support/jobs.js";
import { describePostgres, POSTGRES, SQLITE } from "../support/postgres.js";

const root = fileURLToPath(new URL("../..", import.meta.url));
const opened: JobStore[] = [];
afterEach(async () => {
  for (const store of opened.splice(0)) await store.close().catch(() => undefined);
});

function open(url: string): JobStore {
  const store = JobStore.open(url);
  opened.push(store);
  return store;
}

/** A store with one of everything it keeps, then closed. */
async function filled(url: string): Promise<void> {
  const store = JobStore.open(url);
  await store.putJob(testJob({ id: "j1", taskId: "1754300112345678" }));
  await store.updateJobs([testJob({ id: "j2", taskId: "t2", progress: 40 })]);
  await store.addInFlight("j1");
  await store.addWatched("j2");
  await store.setPreferences("u1", { mode: "relax", remix: true });
  await store.stash("pending:p1", { n: 1 }, 3_600_000);
  expect(await store.claim("interaction:1", 3_600_000)).toBe(true);
  await store.setKeyed("ledger:entry:j1", { credits: 1 }, 3_600_000);
  await store.setKeyed("ledger:forever", 7);
  await store.setKeyed("ledger:old", 1, 1);
  await new Promise((r) => setTimeout(r, 10));
  await store.close();
}

describePostgres("migrating a store", () => {
  it("copies every key of SQLite into Postgres with its TTL, and leaves the expired ones", async () => {
    const from = await SQLITE.url();
    const to = await POSTGRES.url();
    await filled(from);
    const result = await migrateStore(from, to);
    expect(result).toEqual({ copied: 11, expired: 1 });

    const store = open(to);
    expect(await store.getJob("j1")).toEqual(testJob({ id: "j1", taskId: "1754300112345678" }));
    expect((await store.jobForTask("1754300112345678"))?.id).toBe("j1");
    expect((await store.getJobs(["j2"])).get("j2")?.progress).toBe(40);
    expect(await store.inFlight()).toEqual(["j1"]);
    expect(await store.watched()).toEqual(["j2"]);
    expect(await store.preferences("u1")).toEqual({ mode: "relax", remix: true });
    expect(await store.unstash("pending:p1")).toEqual({ n: 1 });
    expect(await store.claim("interaction:1", 3_600_000)).toBe(false);
    expect(await store.getKeyed("ledger:entry:j1")).toEqual({ credits: 1 });
    expect(await store.getKeyed("ledger:forever")).toBe(7);
    expect(await store.getKeyed("ledger:old")).toBeUndefined();
    // The very rows, expiry and all.
    const before = (await SQLITE.rows(from)).filter((r) => r.key !== "mjcord:kv:ledger:old");
    expect(await POSTGRES.rows(to)).toEqual(before);
    // A stash copied with its TTL is still swept when it expires.
    expect(await store.sweep(Date.now() + 7_200_000)).toBe(3);
  });

  it("copies Postgres back into SQLite, and refuses a target that holds data", async () => {
    const first = await SQLITE.url();
    const pg = await POSTGRES.url();
    const back = await SQLITE.url();
    await filled(first);
    await migrateStore(first, pg);
    await expect(migrateStore(first, pg)).rejects.toThrow(MigrateError);
    await expect(migrateStore(first, pg)).rejects.toThrow(/holds data already/);
    expect(await migrateStore(first, pg, { overwrite: true })).toEqual({ copied: 11, expired: 1 });
    expect(await migrateStore(pg, back)).toEqual({ copied: 11, expired: 0 });
    expect(await open(back).getJob("j1")).toEqual(
      testJob({ id: "j1", taskId: "1754300112345678" }),
    );
  });

  it("as `npm run migrate-store -- FROM TO`: says what it copied, never the password", async () => {
    const from = await SQLITE.url();
    const to = await POSTGRES.url();
    await filled(from);
    const run = spawnSync(process.execPath, ["--import", "tsx", "src/migrate-store.ts", from, to], {
      cwd: root,
      encoding: "utf8",
    });
    const password = decodeURIComponent(new URL(to).password);
    expect(run.stderr).toBe("");
    expect(run.stdout).toContain("Copied 11 keys from sqlite://");
    expect(run.stdout).toContain(":***@127.0.0.1:");
    expect(run.stdout).toContain("(1 expired ones left behind)");
    expect(run.stdout + run.stderr).not.toContain(password);
    expect(run.status).toBe(0);
    expect(await open(to).getJob("j1")).toBeDefined();

    const usage = spawnSync(process.execPath, ["--import", "tsx", "src/migrate-store.ts", from], {
      cwd: root,
      encoding: "utf8",
    });
    expect(usage.status).toBe(2);
    expect(usage.stderr).toContain("usage: npm run migrate-store -- FROM TO");

    const missing = spawnSync(
      process.execPath,
      ["--import", "tsx", "src/migrate-store.ts", "sqlite:///nonexistent/x.sqlite", to],
      { cwd: root, encoding: "utf8" },
    );
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain("there is no such file");
  });
});
