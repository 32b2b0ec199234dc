// One tracker tick over N in-flight jobs, against the real proxy simulator over loopback
// (real MjClient, a real JobStore: SQLite in a temp dir, and Postgres on a throwaway server
// when Postgres is installed, see test/support/postgres.ts). Besides the timings, it prints how
// many HTTP requests one tick costs: docs/architecture.md promises ceil(N/100)
// list-by-condition calls and no per-task fetch, so polling cost does not grow per job.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bench, describe } from "vitest";
import type { Job } from "../src/jobs/job.js";
import { JobStore } from "../src/jobs/store.js";
import { Tracker } from "../src/jobs/tracker.js";
import { MjClient } from "../src/mj/client.js";
import { type Simulator, startSimulator } from "../src/simulator/index.js";
import { testJob } from "../test/support/jobs.js";
import { freshDatabase, postgresAvailable } from "../test/support/postgres.js";

const SIZES = [10, 100, 1000];
type Backend = "sqlite" | "postgres";
const BACKENDS: Backend[] = postgresAvailable() ? ["sqlite", "postgres"] : ["sqlite"];
const KEY = "bench-key";
const HOUR = 3_600_000;
/** Submits in flight at once while setting up (keeps the socket count modest). */
const SUBMIT_CONCURRENCY = 50;

function makeJob(id: string, taskId: string): Job {
  const now = Date.now();
  return testJob({ id, taskId, createdAt: now, updatedAt: now, deadlineAt: now + HOUR });
}

interface World {
  sim: Simulator;
  client: MjClient;
  store: JobStore;
  tracker: Tracker;
  dir: string;
  /** Warnings and errors the tracker logged (there should be none). */
  problems: string[];
  /** The first tick, where every job changed (one write and one notification each). */
  firstTickMs: number;
}

async function setUp(n: number, backend: Backend): Promise<World> {
  // stepMs at its maximum (10 min): every task stays NOT_START for the whole run.
  const sim = await startSimulator({ apiKey: KEY, stepMs: 600_000, recordLimit: 1_000_000 });
  const client = new MjClient({ baseUrl: sim.url, apiKey: KEY });
  const dir = mkdtempSync(join(tmpdir(), "mjcord-bench-"));
  const store = JobStore.open(
    backend === "sqlite" ? `sqlite://${join(dir, "jobs.sqlite")}` : await freshDatabase(),
  );
  const problems: string[] = [];
  const tracker = new Tracker({
    source: client,
    store,
    intervalMs: 3000,
    onChange: async () => {},
    log: {
      debug() {},
      info() {},
      warn: (_obj: unknown, msg?: string) => void problems.push(`warn: ${msg}`),
      error: (_obj: unknown, msg?: string) => void problems.push(`error: ${msg}`),
    },
  });

  const taskIds: string[] = [];
  for (let i = 0; i < n; i += SUBMIT_CONCURRENCY) {
    const batch = Array.from({ length: Math.min(SUBMIT_CONCURRENCY, n - i) }, (_, k) =>
      client.imagine({ prompt: `a red fox, take ${i + k}` }),
    );
    for (const outcome of await Promise.all(batch)) {
      if (outcome.kind !== "submitted") throw new Error(`submit answered ${outcome.kind}`);
      taskIds.push(outcome.taskId);
    }
  }
  for (const [i, taskId] of taskIds.entries()) {
    const job = makeJob(`bench${n}x${i}`, taskId);
    await store.putJob(job);
    await tracker.follow(job);
  }
  // The first tick moves every job from "waiting" to "queued" (writes and notifications);
  // the measured ticks are the steady state that follows: nothing changed, nothing written.
  const started = performance.now();
  await tracker.tick();
  await tracker.settled();
  const firstTickMs = performance.now() - started;
  return { sim, client, store, tracker, dir, problems, firstTickMs };
}

async function tearDown(world: World | undefined): Promise<void> {
  if (!world) return;
  await world.tracker.stop();
  await world.store.close();
  await world.client.close();
  await world.sim.close();
  rmSync(world.dir, { recursive: true, force: true });
}

/** Runs one tick and counts the HTTP requests the simulator saw for it. */
async function countOneTick(world: World, n: number, backend: Backend): Promise<void> {
  const before = world.sim.requests.length;
  const started = performance.now();
  await world.tracker.tick();
  const ms = performance.now() - started;
  const seen = world.sim.requests.slice(before);
  const lists = seen.filter((r) => r.path.endsWith("/task/list-by-condition")).length;
  const fetches = seen.filter((r) => r.path.endsWith("/fetch")).length;
  const expected = Math.ceil(n / 100);
  console.log(
    `tracker N=${n} on ${backend}: one tick = ${seen.length} HTTP requests ` +
      `(${lists} list-by-condition, ${fetches} fetch; expected ${expected} and 0) in ` +
      `${ms.toFixed(0)} ms; the first tick, where all ${n} jobs changed, took ` +
      `${world.firstTickMs.toFixed(0)} ms`,
  );
  if (lists !== expected || fetches !== 0 || seen.length !== expected) {
    throw new Error(`N=${n}: polling is not frugal: ${seen.map((r) => r.path).join(", ")}`);
  }
  if (world.problems.length > 0) throw new Error(world.problems.join("; "));
}

// Vitest runs no beforeAll/afterAll hooks in benchmark mode; tinybench's setup (awaited,
// before the warm-up and again before the run) and teardown (not awaited) do the work.
let closing: Promise<void> = Promise.resolve();
const tempDirs = new Set<string>();
// Last resort: the temp dirs go even if the worker exits before the last close finished.
process.once("exit", () => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

for (const backend of BACKENDS) {
  for (const n of SIZES) {
    describe(`tracker tick, ${n} jobs in flight, ${backend}`, () => {
      let world: World | undefined;

      bench(
        `tick over ${n} jobs (${backend} + loopback proxy)`,
        async () => {
          if (!world) throw new Error("the bench setup did not run");
          await world.tracker.tick();
        },
        {
          // Bounded: at least `iterations` runs and `time` ms, whichever takes longer.
          time: 1000,
          iterations: n >= 1000 ? 5 : 10,
          warmupTime: 0,
          warmupIterations: n >= 1000 ? 1 : 3,
          setup: async () => {
            if (world) return;
            await closing; // the previous size's simulator and database are gone
            world = await setUp(n, backend);
            tempDirs.add(world.dir);
            await countOneTick(world, n, backend);
          },
          teardown: (_task, mode) => {
            if (mode !== "run" || !world) return;
            const done = world;
            world = undefined;
            closing = tearDown(done)
              .then(() => void tempDirs.delete(done.dir))
              .catch((error: unknown) => console.error("bench teardown failed", error));
          },
        },
      );
    });
  }
}
