// Trackers of several processes on one store, each running some of the Discord shards: each
// polls, shows and closes only the jobs of guilds on its shards; the jobs of a shard no
// process runs wait in the store, and the process that takes the shard over (a restart, a
// re-shard) resumes them.
import { afterEach, describe, expect, it } from "vitest";
import type { Job } from "../../src/jobs/job.js";
import { jobsOnShards, type ShardSet } from "../../src/jobs/shards.js";
import { JobStore } from "../../src/jobs/store.js";
import { type TaskSource, Tracker } from "../../src/jobs/tracker.js";
import type { Task, TaskStatus } from "../../src/mj/task.js";
import { fixtureTask } from "../support/fixtures.js";
import { testJob } from "../support/jobs.js";

const MINUTE = 60_000;

function task(id: string, status: TaskStatus, progress: number | null = null): Task {
  return {
    ...fixtureTask("task-imagine-success.json", { id }),
    status,
    progress,
    ...(status === "SUCCESS" ? {} : { imageUrl: null, imageUrls: [], buttons: [] }),
  };
}

/** A guild id on shard `shard` of `count` (Discord's rule: (id >> 22) % count). */
function guildOn(shard: number, count: number, n = 0): string {
  return ((BigInt(1_000_000_000 + n * count + shard) << 22n) | 12345n).toString();
}

function jobIn(id: string, guildId: string | null, overrides: Partial<Job> = {}): Job {
  const base = testJob({ id, taskId: `t-${id}` });
  return { ...base, message: { ...base.message, guildId }, ...overrides };
}

/** The proxy as one process's tracker sees it: every task, and which ids it was asked about. */
class ProxyTasks implements TaskSource {
  constructor(readonly tasks: Map<string, Task>) {}
  readonly asked: string[] = [];
  async listTasks(ids: readonly string[]): Promise<Task[]> {
    this.asked.push(...ids);
    return ids.flatMap((id) => {
      const t = this.tasks.get(id);
      return t ? [t] : [];
    });
  }
  async fetchTask(id: string): Promise<Task | null> {
    this.asked.push(id);
    return this.tasks.get(id) ?? null;
  }
  async recentTasks(): Promise<Task[]> {
    return [...this.tasks.values()];
  }
}

const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const stores: JobStore[] = [];
afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
});

interface Process {
  tracker: Tracker;
  proxy: ProxyTasks;
  /** Job ids this process showed, in order. */
  shown: string[];
  step(): Promise<void>;
}

/** One shared store and the proxy's tasks; `process(shards)` starts a tracker on them. */
function cluster() {
  const store = JobStore.open("memory://");
  stores.push(store);
  const tasks = new Map<string, Task>();
  const clock = { now: MINUTE };
  return {
    store,
    tasks,
    clock,
    process(shards: ShardSet | undefined, extra: { watchEveryTicks?: number } = {}): Process {
      const proxy = new ProxyTasks(tasks);
      const shown: string[] = [];
      const tracker = new Tracker({
        source: proxy,
        store,
        intervalMs: 1000,
        log: quiet,
        now: () => clock.now,
        onChange: async (job) => {
          shown.push(`${job.id}:${job.phase}`);
        },
        mine: jobsOnShards(shards),
        ...extra,
      });
      return {
        tracker,
        proxy,
        shown,
        async step() {
          await tracker.tick();
          await tracker.settled();
        },
      };
    },
    /** A job saved and listed in flight, as the process that made it does. */
    async add(job: Job, by?: Process): Promise<Job> {
      await store.putJob(job);
      if (by) await by.tracker.follow(job);
      else await store.addInFlight(job.id);
      return job;
    },
  };
}

describe("trackers on shards of one store", () => {
  it("each process polls and shows only the jobs of guilds on its shards, each once", async () => {
    const c = cluster();
    const zero = c.process({ count: 2, ids: [0] });
    const one = c.process({ count: 2, ids: [1] });
    const jobs = [
      jobIn("a0", guildOn(0, 2)),
      jobIn("b0", guildOn(0, 2, 1)),
      jobIn("a1", guildOn(1, 2)),
      jobIn("dm", null), // no guild: shard 0
    ];
    for (const job of jobs) {
      await c.add(job);
      c.tasks.set(job.taskId, task(job.taskId, "IN_PROGRESS", 40));
    }
    await zero.step();
    await one.step();
    expect(zero.proxy.asked.sort()).toEqual(["t-a0", "t-b0", "t-dm"]);
    expect(one.proxy.asked).toEqual(["t-a1"]);
    // Each counts only its own jobs in flight (the store lists all four).
    expect(zero.tracker.followed).toBe(3);
    expect(one.tracker.followed).toBe(1);
    expect(await c.store.inFlight()).toHaveLength(4);
    for (const job of jobs) c.tasks.set(job.taskId, task(job.taskId, "SUCCESS", 100));
    for (let i = 0; i < 3; i += 1) {
      await zero.step();
      await one.step();
    }
    expect(zero.shown.sort()).toEqual(
      ["a0:running", "a0:done", "b0:running", "b0:done", "dm:running", "dm:done"].sort(),
    );
    expect(one.shown).toEqual(["a1:running", "a1:done"]);
    expect(await c.store.inFlight()).toEqual([]);
    for (const job of jobs) expect((await c.store.getJob(job.id))?.delivered).toBe(true);
  });

  it("leaves the jobs of a shard nobody runs in the store; the process that takes it over resumes them", async () => {
    const c = cluster();
    const zero = c.process({ count: 2, ids: [0] });
    await c.add(jobIn("mine", guildOn(0, 2)));
    await c.add(jobIn("theirs", guildOn(1, 2)));
    c.tasks.set("t-mine", task("t-mine", "SUCCESS", 100));
    c.tasks.set("t-theirs", task("t-theirs", "SUCCESS", 100));
    await zero.step();
    await zero.step();
    expect(zero.shown).toEqual(["mine:done"]);
    expect(zero.proxy.asked).toEqual(["t-mine"]);
    // Minutes on end, resync after resync: still not this process's.
    c.clock.now += 10 * MINUTE;
    await zero.step();
    expect(await c.store.inFlight()).toEqual(["theirs"]);
    expect((await c.store.getJob("theirs"))?.delivered).toBe(false);

    const one = c.process({ count: 2, ids: [1] }); // shard 1 is back
    await one.step();
    await one.step();
    expect(one.shown).toEqual(["theirs:done"]);
    expect(await c.store.inFlight()).toEqual([]);
  });

  it("after a re-shard each job goes to the process of its guild's new shard", async () => {
    const c = cluster();
    // Made while the bot ran 2 shards; the guilds' shards of 4 differ.
    const guilds = [0, 1, 2, 3].map((s) => guildOn(s, 4));
    for (const [n, g] of guilds.entries()) {
      await c.add(jobIn(`j${n}`, g));
      c.tasks.set(`t-j${n}`, task(`t-j${n}`, "SUCCESS", 100));
    }
    const low = c.process({ count: 4, ids: [0, 1] });
    const high = c.process({ count: 4, ids: [2, 3] });
    for (let i = 0; i < 2; i += 1) {
      await low.step();
      await high.step();
    }
    expect(low.shown.sort()).toEqual(["j0:done", "j1:done"]);
    expect(high.shown.sort()).toEqual(["j2:done", "j3:done"]);
  });

  it("a job handed to the wrong process's follow is listed, not polled there", async () => {
    const c = cluster();
    const zero = c.process({ count: 2, ids: [0] });
    const one = c.process({ count: 2, ids: [1] });
    await c.add(jobIn("x", guildOn(1, 2)), zero);
    c.tasks.set("t-x", task("t-x", "SUCCESS", 100));
    await zero.step();
    expect(zero.proxy.asked).toEqual([]);
    expect(await c.store.inFlight()).toEqual(["x"]);
    await one.step();
    expect(one.shown).toEqual(["x:done"]);
  });

  it("a notify hook's state of another process's job changes nothing here", async () => {
    const c = cluster();
    const zero = c.process({ count: 2, ids: [0] });
    const one = c.process({ count: 2, ids: [1] });
    const job = await c.add(jobIn("x", guildOn(1, 2)));
    await zero.tracker.hint(job, task("t-x", "IN_PROGRESS", 60));
    await zero.tracker.settled();
    expect(zero.shown).toEqual([]);
    expect((await c.store.getJob("x"))?.progress).toBeNull();
    await one.tracker.hint(job, task("t-x", "IN_PROGRESS", 60));
    await one.tracker.settled();
    expect(one.shown).toEqual(["x:running"]);
    expect((await c.store.getJob("x"))?.progress).toBe(60);
  });

  it("only the owner of a job closed at its deadline watches it and shows it when it succeeds", async () => {
    const c = cluster();
    const zero = c.process({ count: 2, ids: [0] }, { watchEveryTicks: 1 });
    const one = c.process({ count: 2, ids: [1] }, { watchEveryTicks: 1 });
    await c.add(jobIn("late", guildOn(1, 2), { createdAt: 0, deadlineAt: 30 * MINUTE }));
    c.tasks.set("t-late", task("t-late", "IN_PROGRESS", 90));
    c.clock.now = 30 * MINUTE + 1;
    await one.step();
    expect(one.shown).toEqual(["late:failed"]);
    expect(await c.store.watched()).toEqual(["late"]);
    c.tasks.set("t-late", task("t-late", "SUCCESS", 100));
    await zero.step();
    await zero.step();
    expect(zero.proxy.asked).toEqual([]);
    expect(zero.shown).toEqual([]);
    expect(await c.store.watched()).toEqual(["late"]);
    await one.step();
    expect(one.shown).toEqual(["late:failed", "late:done"]);
    expect(await c.store.watched()).toEqual([]);
  });

  it("without shards (one process runs them all) every job is followed", async () => {
    const c = cluster();
    const all = c.process(undefined);
    const every = c.process({ count: 2, ids: [0, 1] });
    await c.add(jobIn("a", guildOn(0, 2)));
    await c.add(jobIn("b", guildOn(1, 2)));
    c.tasks.set("t-a", task("t-a", "IN_PROGRESS", 10));
    c.tasks.set("t-b", task("t-b", "IN_PROGRESS", 10));
    await all.step();
    await every.step();
    expect(all.proxy.asked.sort()).toEqual(["t-a", "t-b"]);
    expect(every.proxy.asked.sort()).toEqual(["t-a", "t-b"]);
  });
});
