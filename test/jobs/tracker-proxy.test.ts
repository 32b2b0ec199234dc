// The tracker against the simulator through the real MjClient: what a hanging or failing
// proxy costs one tick. Nothing here asserts timings: a tick that waited for the proxy's
// retries would outlast the test's timeout.
import { afterEach, describe, expect, it } from "vitest";
import type { Job } from "../../src/jobs/job.js";
import { JobStore } from "../../src/jobs/store.js";
import { Tracker } from "../../src/jobs/tracker.js";
import { MjClient } from "../../src/mj/client.js";
import type { Simulator } from "../../src/simulator/index.js";
import { KEY, start } from "../simulator/helpers.js";
import { testJob } from "../support/jobs.js";

let sim: Simulator | undefined;
let store: JobStore | undefined;
let client: MjClient | undefined;

afterEach(async () => {
  await client?.close();
  await store?.close();
  await sim?.close();
  sim = undefined;
  store = undefined;
  client = undefined;
});

async function setUp() {
  sim = await start({ stepMs: 200 });
  // The client's own defaults: reads wait 20 s and are tried 4 times.
  client = new MjClient({ baseUrl: sim.url, apiKey: KEY });
  store = JobStore.open("memory://");
  const shown: Job[] = [];
  const tracker = new Tracker({
    source: client,
    store,
    intervalMs: 1000,
    readTimeoutMs: 300,
    onChange: async (job) => {
      shown.push(job);
    },
    log: { debug() {}, info() {}, warn() {}, error() {} },
  });
  const jobs: Job[] = [];
  for (const n of [1, 2, 3]) {
    const outcome = await client.imagine({ prompt: `a fox ${n}` });
    if (outcome.kind !== "submitted") throw new Error(outcome.kind);
    const now = Date.now();
    const job = testJob({
      id: `j${n}`,
      taskId: outcome.taskId,
      createdAt: now,
      deadlineAt: now + 600_000,
    });
    await store.putJob(job);
    await tracker.follow(job);
    jobs.push(job);
  }
  return { sim, store, tracker, jobs, shown };
}

describe("the tracker when list-by-condition hangs", () => {
  it("gives the list one short attempt, then fetches the jobs instead, in the same tick", async () => {
    const { sim, store, tracker } = await setUp();
    sim.injectFault({ match: "/task/list-by-condition", delayMs: 10_000, times: 10 });
    const mark = sim.requests.length;
    await tracker.tick();
    await tracker.settled();
    const paths = sim.requests.slice(mark).map((r) => r.path);
    expect(paths.filter((p) => p.endsWith("/list-by-condition"))).toHaveLength(1);
    expect(paths.filter((p) => p.endsWith("/fetch")).sort()).toHaveLength(3);
    for (const id of ["j1", "j2", "j3"]) {
      expect((await store.getJob(id))?.phase).not.toBe("waiting");
    }
  });
});
