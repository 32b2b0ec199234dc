import Keyv from "keyv";
import { afterEach, describe, expect, it } from "vitest";
import { failureWords } from "../../src/discord/lang/failures.js";
import { JOB_CODES, type Job, timedOut } from "../../src/jobs/job.js";
import { JobStore } from "../../src/jobs/store.js";
import { type TaskSource, Tracker, type TrackerOptions } from "../../src/jobs/tracker.js";
import type { ReadOptions } from "../../src/mj/client.js";
import type { Task, TaskStatus } from "../../src/mj/task.js";
import { fixtureTask as fixture } from "../support/fixtures.js";
import { testJob } from "../support/jobs.js";

const fixtureTask = (name: string, id: string): Task => fixture(name, { id });

const MINUTE = 60_000;

function makeTask(id: string, status: TaskStatus, extra: Partial<Task> = {}): Task {
  return {
    id,
    action: "IMAGINE",
    status,
    progress: status === "SUCCESS" ? 100 : null,
    prompt: "a red fox",
    promptEn: "a red fox",
    description: "",
    state: "",
    submitTime: null,
    startTime: null,
    finishTime: null,
    imageUrl: null,
    imageUrls: [],
    videoUrl: null,
    videoUrls: [],
    imageWidth: null,
    imageHeight: null,
    failReason: "",
    buttons: [],
    properties: {},
    finalPrompt: "",
    parentId: null,
    ...extra,
  };
}

const running = (id: string, progress: number, imageUrl: string | null = null) =>
  makeTask(id, "IN_PROGRESS", { progress, imageUrl });

function makeJob(id: string, taskId: string, overrides: Partial<Job> = {}): Job {
  return testJob({ id, taskId, prompt: "a red fox", ...overrides });
}

/** The proxy, as the tracker sees it: tasks by id, and which ones the list leaves out. */
class FakeSource implements TaskSource {
  readonly tasks = new Map<string, Task>();
  /** Ids list-by-condition does not return (but fetch does). */
  readonly notListed = new Set<string>();
  readonly listCalls: string[][] = [];
  readonly fetchCalls: string[] = [];
  listError: (Error & { httpStatus?: number }) | null = null;
  /** What GET /mj/task/list answers: the proxy's latest tasks, whatever their id. */
  recent: Task[] = [];
  recentError: (Error & { httpStatus?: number }) | null = null;
  readonly recentCalls: number[] = [];
  /** The options of every call: the tracker asks once, with a short timeout. */
  readonly options: (ReadOptions | undefined)[] = [];

  async listTasks(ids: readonly string[], options?: ReadOptions): Promise<Task[]> {
    this.listCalls.push([...ids]);
    this.options.push(options);
    if (this.listError) throw this.listError;
    return ids.flatMap((id) => {
      const task = this.tasks.get(id);
      return task && !this.notListed.has(id) ? [task] : [];
    });
  }

  async fetchTask(id: string, options?: ReadOptions): Promise<Task | null> {
    this.fetchCalls.push(id);
    this.options.push(options);
    return this.tasks.get(id) ?? null;
  }

  async recentTasks(options?: ReadOptions): Promise<Task[]> {
    this.recentCalls.push(this.recentCalls.length);
    this.options.push(options);
    if (this.recentError) throw this.recentError;
    return this.recent;
  }

  set(task: Task): void {
    this.tasks.set(task.id, task);
  }
}

const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const stores: JobStore[] = [];

afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
});

interface World {
  store: JobStore;
  source: FakeSource;
  tracker: Tracker;
  /** Every job handed to the listener, in order. */
  shown: Job[];
  clock: { now: number };
  /** Makes the listener reject while it returns true. */
  failListener: { when: (job: Job) => boolean };
  /** Saves a job, starts following it and returns it. */
  add(job: Job): Promise<Job>;
  /** One tick, then waits for the listener. */
  step(): Promise<void>;
  job(id: string): Promise<Job>;
}

function world(options: Partial<TrackerOptions> = {}): World {
  const store = options.store ?? JobStore.open("memory://");
  stores.push(store);
  const source = new FakeSource();
  const shown: Job[] = [];
  const clock = { now: 1 * MINUTE };
  const failListener = { when: (_job: Job) => false };
  const tracker = new Tracker({
    source,
    store,
    intervalMs: 1000,
    log: quiet,
    now: () => clock.now,
    onChange: async (job) => {
      shown.push(job);
      if (failListener.when(job)) throw new Error("Discord is down");
    },
    ...options,
  });
  return {
    store,
    source,
    tracker,
    shown,
    clock,
    failListener,
    async add(job) {
      await store.putJob(job);
      await tracker.follow(job);
      return job;
    },
    async step() {
      await tracker.tick();
      await tracker.settled();
    },
    async job(id) {
      const job = await store.getJob(id);
      if (!job) throw new Error(`job ${id} is not in the store`);
      return job;
    },
  };
}

describe("states apply monotonically", () => {
  it("a late, older state never overwrites a newer one", async () => {
    const w = world();
    await w.add(makeJob("j1", "t1"));

    w.source.set(running("t1", 50, "https://cdn.example.com/grid_0.webp"));
    await w.step();
    expect(await w.job("j1")).toMatchObject({
      phase: "running",
      progress: 50,
      previewUrl: "https://cdn.example.com/grid_0.webp",
    });
    expect(w.shown).toHaveLength(1);

    // A lagging replica answers with older states.
    for (const older of [
      makeTask("t1", "SUBMITTED"),
      makeTask("t1", "NOT_START"),
      running("t1", 30),
      makeTask("t1", "MODAL"),
    ]) {
      w.source.set(older);
      await w.step();
      expect(await w.job("j1")).toMatchObject({ phase: "running", progress: 50 });
    }
    expect(w.shown).toHaveLength(1);

    w.source.set(running("t1", 80, "https://cdn.example.com/grid_1.webp"));
    await w.step();
    expect(await w.job("j1")).toMatchObject({ phase: "running", progress: 80 });

    w.source.set(fixtureTask("task-imagine-success.json", "t1"));
    await w.step();
    const done = await w.job("j1");
    expect(done.phase).toBe("done");
    expect(done.result?.buttons).toHaveLength(9);
    expect(w.shown.map((j) => j.phase)).toEqual(["running", "running", "done"]);
  });

  it("a state seen again is not shown again", async () => {
    const w = world();
    await w.add(makeJob("j1", "t1"));
    w.source.set(running("t1", 40, "https://cdn.example.com/p.webp"));
    await w.step();
    await w.step();
    await w.step();
    expect(w.shown).toHaveLength(1);
  });

  it("a finished job is not reopened by a later progress state", async () => {
    const w = world();
    const job = await w.add(makeJob("j1", "t1"));
    await w.tracker.apply(job, makeTask("t1", "SUCCESS", { imageUrl: "https://cdn/x.png" }));
    await w.tracker.settled();
    const done = await w.job("j1");
    await w.tracker.apply(done, running("t1", 99));
    await w.tracker.settled();
    expect(await w.job("j1")).toMatchObject({ phase: "done", delivered: true });
    expect(w.shown.map((j) => j.phase)).toEqual(["done"]);
  });

  it("a state applied to an out-of-date copy of the job does not undo a newer one", async () => {
    const w = world();
    const stale = await w.add(makeJob("j1", "t1"));
    await w.tracker.apply(stale, running("t1", 70));
    await w.tracker.apply(stale, running("t1", 20));
    await w.tracker.settled();
    expect((await w.job("j1")).progress).toBe(70);
  });

  it("NOT_START shows the job as queued, MODAL as waiting for the form", async () => {
    const w = world();
    await w.add(makeJob("j1", "t1"));
    await w.add(makeJob("j2", "t2", { prompt: "original" }));
    w.source.set(makeTask("t1", "NOT_START"));
    w.source.set(makeTask("t2", "MODAL", { finalPrompt: "a fox --v 7.0" }));
    await w.step();
    expect((await w.job("j1")).phase).toBe("queued");
    expect(await w.job("j2")).toMatchObject({ phase: "needs-form", formPrompt: "a fox --v 7.0" });
  });
});

/** The real store, counting the job rows it reads. */
class CountingStore extends JobStore {
  reads = 0;
  override async getJob(id: string): Promise<Job | undefined> {
    this.reads += 1;
    return super.getJob(id);
  }
  override async getJobs(ids: readonly string[]): Promise<Map<string, Job>> {
    this.reads += ids.length;
    return super.getJobs(ids);
  }
}

describe("reading the store", () => {
  it("a tick reads the store only for jobs whose task changed; a new tracker resumes them from it", async () => {
    const store = new CountingStore(new Keyv({ throwOnErrors: true }));
    const w = world({ store });
    for (let i = 0; i < 50; i++) {
      await w.add(makeJob(`j${i}`, `t${i}`));
      w.source.set(makeTask(`t${i}`, "NOT_START"));
    }
    await w.step(); // every job changes: waiting -> queued
    expect(w.shown).toHaveLength(50);

    store.reads = 0;
    await w.step();
    await w.step();
    expect(store.reads).toBe(0);
    expect(w.shown).toHaveLength(50);

    w.source.set(running("t7", 30));
    await w.step();
    expect(store.reads).toBe(1);
    expect((await w.job("j7")).progress).toBe(30);

    // A restart: the in-flight jobs are read from the store once, then followed from memory.
    const again = new Tracker({
      source: w.source,
      store,
      intervalMs: 1000,
      log: quiet,
      now: () => w.clock.now,
      onChange: async () => {},
    });
    store.reads = 0;
    await again.tick();
    expect(store.reads).toBe(50);
    store.reads = 0;
    await again.tick();
    expect(store.reads).toBe(0);
  });
});

describe("asking the proxy", () => {
  it("fetches one by one only the tasks list-by-condition left out", async () => {
    const w = world();
    for (const n of [1, 2, 3]) {
      await w.add(makeJob(`j${n}`, `t${n}`));
      w.source.set(running(`t${n}`, 10 * n));
    }
    w.source.notListed.add("t2");
    await w.step();
    expect(w.source.listCalls).toEqual([["t1", "t2", "t3"]]);
    expect(w.source.fetchCalls).toEqual(["t2"]);
    expect((await w.job("j2")).progress).toBe(20);
  });

  it("asks about 150 jobs without a request per job", async () => {
    const w = world();
    const ids = Array.from({ length: 150 }, (_, i) => `t${1000 + i}`);
    for (const [i, id] of ids.entries()) {
      await w.add(makeJob(`j${i}`, id));
      w.source.set(running(id, 10));
    }
    await w.step();
    // Every in-flight task is asked about exactly once, all through list-by-condition.
    // (Cutting the list into batches of 100 is MjClient.listTasks' work: see client.test.ts.)
    expect(w.source.listCalls.flat().sort()).toEqual([...ids].sort());
    expect(w.source.listCalls.length).toBeLessThanOrEqual(2);
    expect(w.source.fetchCalls).toEqual([]);
    await w.step();
    expect(w.source.listCalls.flat()).toHaveLength(300);
    expect(w.source.fetchCalls).toEqual([]);
    for (const i of [0, 99, 100, 149]) expect((await w.job(`j${i}`)).progress).toBe(10);
  });

  it("does not ask the proxy when nothing is in flight", async () => {
    const w = world();
    await w.step();
    expect(w.source.listCalls).toEqual([]);
    expect(w.source.fetchCalls).toEqual([]);
  });

  it("falls back to fetching when list-by-condition fails, and stops listing after a 404", async () => {
    const w = world();
    await w.add(makeJob("j1", "t1"));
    w.source.set(running("t1", 60));
    w.source.listError = Object.assign(new Error("Not Found"), { httpStatus: 404 });
    await w.step();
    expect((await w.job("j1")).progress).toBe(60);
    expect(w.source.fetchCalls).toEqual(["t1"]);
    await w.step();
    expect(w.source.listCalls).toHaveLength(1);
    expect(w.source.fetchCalls).toEqual(["t1", "t1"]);
  });
});

describe("finishing a job", () => {
  it("hands a finished job to the listener once, then marks it delivered and stops following it", async () => {
    const w = world();
    await w.add(makeJob("j1", "t1"));
    w.source.set(fixtureTask("task-imagine-success.json", "t1"));
    await w.step();
    expect(w.shown).toHaveLength(1);
    expect(w.shown[0]).toMatchObject({ id: "j1", phase: "done", request: null });
    expect(w.shown[0]?.result?.imageUrl).toMatch(/^https:\/\/cdn\.discordapp\.com\//);
    expect(await w.job("j1")).toMatchObject({ phase: "done", delivered: true });
    expect(await w.store.inFlight()).toEqual([]);

    const asked = w.source.listCalls.length;
    await w.step();
    await w.step();
    expect(w.shown).toHaveLength(1);
    expect(w.source.listCalls).toHaveLength(asked);
  });

  it("keeps following the other jobs", async () => {
    const w = world();
    await w.add(makeJob("j1", "t1"));
    await w.add(makeJob("j2", "t2"));
    w.source.set(makeTask("t1", "SUCCESS"));
    w.source.set(running("t2", 5));
    await w.step();
    expect(await w.store.inFlight()).toEqual(["j2"]);
    expect((await w.job("j2")).delivered).toBe(false);
  });

  it("a failed task is shown in plain words, once", async () => {
    const w = world();
    await w.add(makeJob("j1", "t1"));
    w.source.set(fixtureTask("task-failure-banned-prompt-mj.json", "t1"));
    await w.step();
    await w.step();
    expect(w.shown).toHaveLength(1);
    const job = await w.job("j1");
    expect(job).toMatchObject({ phase: "failed", delivered: true });
    expect(job.failure).toBe(JOB_CODES.couldNotMake);
    expect(failureWords(job).length).toBeGreaterThan(0);
    expect(job.request).not.toBeNull(); // Retry can submit it again
    expect(await w.store.inFlight()).toEqual([]);
  });

  it("progress changes do not end the tracking", async () => {
    const w = world();
    await w.add(makeJob("j1", "t1"));
    w.source.set(running("t1", 30));
    await w.step();
    expect(await w.job("j1")).toMatchObject({ delivered: false });
    expect(await w.store.inFlight()).toEqual(["j1"]);
  });

  it("retries on the next tick when the listener failed to show the final state", async () => {
    const w = world();
    await w.add(makeJob("j1", "t1"));
    w.source.set(makeTask("t1", "SUCCESS", { imageUrl: "https://cdn.example.com/r.png" }));
    let failures = 1;
    w.failListener.when = () => failures-- > 0;

    await w.step();
    expect(w.shown).toHaveLength(1);
    expect(await w.job("j1")).toMatchObject({ phase: "done", delivered: false });
    expect(await w.store.inFlight()).toEqual(["j1"]);

    const asked = w.source.listCalls.length;
    await w.step();
    expect(w.shown.map((j) => j.phase)).toEqual(["done", "done"]);
    expect(w.shown[1]?.result?.imageUrl).toBe("https://cdn.example.com/r.png");
    expect(await w.job("j1")).toMatchObject({ delivered: true });
    expect(await w.store.inFlight()).toEqual([]);
    // The result was known: the proxy was not asked again.
    expect(w.source.listCalls).toHaveLength(asked);

    await w.step();
    expect(w.shown).toHaveLength(2);
  });
});

describe("jobs that never finish", () => {
  it("closes a job past its deadline as failed, with a message", async () => {
    const w = world();
    await w.add(makeJob("j1", "t1", { createdAt: 0, deadlineAt: 30 * MINUTE }));
    w.source.set(running("t1", 99));
    w.clock.now = 30 * MINUTE; // not past yet
    await w.step();
    expect((await w.job("j1")).phase).toBe("running");

    w.clock.now = 30 * MINUTE + 1;
    await w.step();
    const job = await w.job("j1");
    expect(job.phase).toBe("failed");
    expect(job.failure).toBe(timedOut(30));
    expect(failureWords(job)).toMatch(/30 minutes/);
    expect(failureWords(job)).toMatch(/may still/);
    expect(failureWords(job)).not.toMatch(/try again/i);
    expect(job.request).toBeNull(); // no Retry: the task may still be running
    expect(job.delivered).toBe(true);
    expect(w.shown.at(-1)).toMatchObject({ id: "j1", phase: "failed" });
    expect(await w.store.inFlight()).toEqual([]);
  });

  it("does not ask the proxy about a job it closes for its deadline", async () => {
    const w = world();
    await w.add(makeJob("j1", "t1", { deadlineAt: 0 }));
    w.source.set(running("t1", 10));
    await w.step();
    expect(w.source.listCalls).toEqual([]);
    expect(w.source.fetchCalls).toEqual([]);
    expect((await w.job("j1")).phase).toBe("failed");
  });

  it("drops ids of jobs that are gone from the store", async () => {
    const w = world();
    await w.store.addInFlight("ghost");
    await w.step();
    expect(await w.store.inFlight()).toEqual([]);
    expect(w.source.listCalls).toEqual([]);
  });
});

describe("a task the proxy does not know for a while", () => {
  it("a 20 s unknown-task blip: the job is still followed, and delivered when the task is back", async () => {
    const w = world();
    await w.add(makeJob("j1", "t1"));
    const start = w.clock.now;
    for (let s = 0; s <= 20; s += 2) {
      w.clock.now = start + s * 1000;
      await w.step();
    }
    expect(await w.job("j1")).toMatchObject({ phase: "waiting", failure: null });
    expect(w.shown).toEqual([]);
    w.source.set(fixtureTask("task-imagine-success.json", "t1"));
    await w.step();
    expect(await w.job("j1")).toMatchObject({ phase: "done", delivered: true });
  });

  it("fails the job only after unknownGraceMs of continuous absence; Retry stays (nothing runs)", async () => {
    const w = world({ unknownGraceMs: 3 * MINUTE });
    await w.add(makeJob("j1", "gone"));
    const start = w.clock.now;
    await w.step();
    w.clock.now = start + 3 * MINUTE - 1;
    await w.step();
    expect(await w.job("j1")).toMatchObject({ phase: "waiting", failure: null });
    w.clock.now = start + 3 * MINUTE;
    await w.step();
    const job = await w.job("j1");
    expect(job.phase).toBe("failed");
    expect(job.failure).toBe(JOB_CODES.unknownToProxy);
    expect(failureWords(job)).toMatch(/no longer knows/);
    expect(job.request).not.toBeNull();
    expect(w.shown).toHaveLength(1);
    expect(await w.store.inFlight()).toEqual([]);
  });

  it("the absence must be continuous: a sighting starts the clock again", async () => {
    const w = world({ unknownGraceMs: 3 * MINUTE });
    await w.add(makeJob("j1", "t1"));
    const start = w.clock.now;
    await w.step();
    w.clock.now = start + 2 * MINUTE;
    w.source.set(makeTask("t1", "SUBMITTED"));
    await w.step();
    w.source.tasks.delete("t1");
    w.clock.now = start + 4 * MINUTE;
    await w.step();
    expect((await w.job("j1")).phase).toBe("running");
    w.clock.now = start + 7 * MINUTE;
    await w.step();
    expect((await w.job("j1")).phase).toBe("failed");
  });
});

describe("a list that hangs or fails", () => {
  it("every proxy call of a tick is one attempt with a short timeout", async () => {
    const w = world({ readTimeoutMs: 4_000 });
    await w.add(makeJob("j1", "t1"));
    await w.add(makeJob("j2", "", { state: "mjcord:j2" }));
    w.source.notListed.add("t1");
    w.source.set(running("t1", 10));
    await w.step();
    expect(w.source.options.length).toBeGreaterThanOrEqual(3); // list, fetch, search
    for (const options of w.source.options)
      expect(options).toEqual({ timeoutMs: 4_000, attempts: 1 });
  });

  it("a failing list does not become a fetch of every job on every tick", async () => {
    const w = world({ maxFetchesPerTick: 10 });
    const ids = Array.from({ length: 45 }, (_, i) => `t${100 + i}`);
    for (const [i, id] of ids.entries()) {
      await w.add(makeJob(`j${i}`, id));
      w.source.set(running(id, 10));
    }
    w.source.listError = Object.assign(new Error("Bad Gateway"), { httpStatus: 502 });
    await w.step();
    expect(w.source.fetchCalls).toHaveLength(10);
    for (let n = 0; n < 4; n++) await w.step();
    // Five ticks, ten fetches each at most, in turn: every job was asked about.
    expect(w.source.fetchCalls).toHaveLength(50);
    expect([...new Set(w.source.fetchCalls)].sort()).toEqual([...ids].sort());
    expect(w.source.listCalls).toHaveLength(5); // the list is tried again each tick
    for (const i of [0, 22, 44]) expect((await w.job(`j${i}`)).progress).toBe(10);
  });
});

describe("a job closed at its deadline", () => {
  it("is watched rarely for a while, and delivered when its task succeeds after all", async () => {
    const w = world({ watchEveryTicks: 3 });
    await w.add(makeJob("j1", "t1", { createdAt: 0, deadlineAt: 30 * MINUTE }));
    w.source.set(running("t1", 99));
    w.clock.now = 30 * MINUTE + 1;
    await w.step();
    expect(await w.job("j1")).toMatchObject({ phase: "failed", delivered: true, request: null });
    w.source.set(fixtureTask("task-imagine-success.json", "t1"));
    await w.step(); // tick 2: not asked (rarely, not every tick)
    expect(w.source.listCalls).toHaveLength(0);
    expect((await w.job("j1")).phase).toBe("failed");
    await w.step(); // tick 3
    expect(w.source.listCalls).toHaveLength(1);
    const done = await w.job("j1");
    expect(done).toMatchObject({ phase: "done", delivered: true, failure: null });
    expect(done.result?.buttons).toHaveLength(9);
    expect(w.shown.map((j) => j.phase)).toEqual(["failed", "done"]);
    expect(await w.store.watched()).toEqual([]);
    await w.step();
    await w.step();
    await w.step();
    expect(w.shown).toHaveLength(2);
  });

  it("stops watching after watchMs", async () => {
    const w = world({ watchEveryTicks: 1, watchMs: 60 * MINUTE });
    await w.add(makeJob("j1", "t1", { createdAt: 0, deadlineAt: 30 * MINUTE }));
    w.source.set(running("t1", 50));
    w.clock.now = 30 * MINUTE + 1;
    await w.step();
    expect(await w.store.watched()).toEqual(["j1"]);
    w.clock.now = 91 * MINUTE;
    await w.step();
    expect(await w.store.watched()).toEqual([]);
    w.source.set(fixtureTask("task-imagine-success.json", "t1"));
    await w.step();
    expect((await w.job("j1")).phase).toBe("failed");
  });
});

describe("a job whose submit got no clear answer (no task id)", () => {
  it("is found by the state it was sent with, adopted and delivered", async () => {
    const w = world();
    await w.add(makeJob("j1", "", { state: "mjcord:j1" }));
    w.source.recent = [
      makeTask("t10", "SUCCESS", { state: "mjcord:j10" }), // another job's
      running("t9", 40),
      makeTask("t8", "SUBMITTED", { state: "mjcord:j1" }),
    ];
    await w.step();
    expect(await w.job("j1")).toMatchObject({ taskId: "t8", phase: "running" });
    expect((await w.store.jobForTask("t8"))?.id).toBe("j1");
    w.source.set(fixtureTask("task-imagine-success.json", "t8"));
    await w.step();
    expect(await w.job("j1")).toMatchObject({ phase: "done", delivered: true });
    expect(w.source.recentCalls).toHaveLength(1);
  });

  it("is not looked for while its submit is still under way in this process", async () => {
    const w = world();
    await w.add(makeJob("j1", "", { state: "mjcord:j1" }));
    w.tracker.hold("j1");
    await w.step();
    expect(w.source.recentCalls).toHaveLength(0);
    w.tracker.release("j1");
    await w.step();
    expect(w.source.recentCalls).toHaveLength(1);
  });

  it("is closed in plain words, without Retry, when its task does not turn up within searchMs", async () => {
    const w = world({ searchMs: 5 * MINUTE });
    await w.add(makeJob("j1", "", { state: "mjcord:j1" }));
    const start = w.clock.now;
    await w.step();
    w.clock.now = start + 5 * MINUTE - 1;
    await w.step();
    expect((await w.job("j1")).phase).toBe("waiting");
    w.clock.now = start + 5 * MINUTE;
    await w.step();
    const job = await w.job("j1");
    expect(job).toMatchObject({ phase: "failed", request: null, delivered: true });
    expect(job.failure).toBe(JOB_CODES.neverFound);
    expect(failureWords(job)).toMatch(/never confirmed/);
    expect(await w.store.inFlight()).toEqual([]);
  });

  it("Imagine all: the four tasks of one submit become four jobs", async () => {
    const w = world();
    await w.add(makeJob("j1", "", { state: "mjcord:j1", kind: "action" }));
    w.source.recent = [4, 2, 3, 1].map((n) =>
      makeTask(`t${n}`, "SUBMITTED", { state: `mjcord:j1::${n}`, prompt: `prompt ${n}` }),
    );
    await w.step();
    expect(await w.job("j1")).toMatchObject({ taskId: "t1", phase: "running" });
    const siblings = await Promise.all(["t2", "t3", "t4"].map((t) => w.store.jobForTask(t)));
    expect(siblings.map((j) => j?.prompt)).toEqual(["prompt 2", "prompt 3", "prompt 4"]);
    expect(siblings.every((j) => j?.message.interactionToken === null)).toBe(true);
    expect((await w.store.inFlight()).sort()).toEqual(
      ["j1", ...siblings.map((j) => j?.id ?? "")].sort(),
    );
    // Found again on the next tick (the list still has them): nothing is added twice.
    await w.step();
    expect(await w.store.inFlight()).toHaveLength(4);
  });

  it("a proxy without a task list: closed at once, saying so, without Retry", async () => {
    const w = world();
    await w.add(makeJob("j1", "", { state: "mjcord:j1" }));
    w.source.recentError = Object.assign(new Error("Not Found"), { httpStatus: 404 });
    await w.step();
    const job = await w.job("j1");
    expect(job).toMatchObject({ phase: "failed", request: null });
    expect(job.failure).toBe(JOB_CODES.cannotSearch);
    expect(failureWords(job)).toMatch(/cannot be looked up/);
  });

  it("a search that fails for a while is tried again on the next tick", async () => {
    const w = world();
    await w.add(makeJob("j1", "", { state: "mjcord:j1" }));
    w.source.recentError = Object.assign(new Error("Bad Gateway"), { httpStatus: 502 });
    await w.step();
    expect((await w.job("j1")).phase).toBe("waiting");
    w.source.recentError = null;
    w.source.recent = [makeTask("t5", "SUBMITTED", { state: "mjcord:j1" })];
    await w.step();
    expect((await w.job("j1")).taskId).toBe("t5");
  });
});
