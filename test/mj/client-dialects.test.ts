// The proxy client against each proxy family the simulator plays: which speed route it finds
// by probing (MJ_MODE_STYLE=auto) and where its submits then go, the legacy /submit/change,
// cancel, and a missing route told apart from an unknown task.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { MjClient } from "../../src/mj/client.js";
import type { RecordedRequest, Simulator } from "../../src/simulator/index.js";
import { start } from "../simulator/helpers.js";
import { clientsFor, failure, submittedId } from "./support.js";

let sim: Simulator;
const { client, closeAll } = clientsFor(() => sim);

beforeAll(async () => {
  sim = await start();
});

afterEach(async () => {
  await closeAll();
  sim.configure({ dialect: "trueai", routes: "all", unrouted: [] });
});

afterAll(async () => {
  await sim.close();
});

/** A field of the simulator's task, as the proxy would send it. */
const taskField = (id: string, field: string) =>
  (sim.task(id) as Record<string, unknown> | undefined)?.[field];

const since = (mark: number): RecordedRequest[] => sim.requests.slice(mark);

/** Imagines once and returns the paths and body the simulator received from the start. */
async function imagineVia(c: MjClient, mode: "fast" | "relax" | "turbo" = "fast") {
  const mark = sim.requests.length;
  const outcome = await c.imagine({ prompt: "a red fox", mode });
  const requests = since(mark);
  return { id: submittedId(outcome), requests, last: requests[requests.length - 1] };
}

describe("speed styles", () => {
  it("auto on trueai (mj-path only): probes /fast/mj, then /mj-fast/mj, and submits there", async () => {
    sim.configure({ routes: "mj-path" });
    const c = client({ modeStyle: "auto" });
    const { requests, last, id } = await imagineVia(c, "relax");
    expect(requests.map((r) => r.path)).toEqual([
      "/fast/mj/task/list-by-condition",
      "/mj-fast/mj/task/list-by-condition",
      "/mj-relax/mj/submit/imagine",
    ]);
    expect(taskField(id, "mode")).toBe("RELAX");
    // Probed once: the next submit goes straight there.
    const next = await imagineVia(c, "turbo");
    expect(next.requests.map((r) => r.path)).toEqual(["/mj-turbo/mj/submit/imagine"]);
    expect(last?.body).not.toHaveProperty("accountFilter");
    expect(await c.speedStyle()).toEqual({ style: "mj-path", probed: false });
  });

  it("auto on an openai-hk style proxy (path): the first probe answers", async () => {
    sim.configure({ routes: "path" });
    const c = client({ modeStyle: "auto" });
    const { requests } = await imagineVia(c, "fast");
    expect(requests.map((r) => r.path)).toEqual([
      "/fast/mj/task/list-by-condition",
      "/fast/mj/submit/imagine",
    ]);
  });

  it("auto on plain /mj: accountFilter.modes carries the speed; actions carry none", async () => {
    sim.configure({ routes: "filter" });
    const c = client({ modeStyle: "auto" });
    const { requests, last, id } = await imagineVia(c, "relax");
    expect(requests.map((r) => r.path)).toEqual([
      "/fast/mj/task/list-by-condition",
      "/mj-fast/mj/task/list-by-condition",
      "/mj/submit/imagine",
    ]);
    expect(last?.body).toMatchObject({ prompt: "a red fox", accountFilter: { modes: ["RELAX"] } });
    expect(taskField(id, "mode")).toBe("RELAX");
    expect(await c.speedStyle()).toEqual({ style: "filter", probed: false });
  });

  it("a proxy that cannot be probed (down): /mj for now, probed again on the next submit", async () => {
    const down = client({ modeStyle: "auto", baseUrl: "http://127.0.0.1:1" });
    expect(await down.speedStyle()).toEqual({ style: "filter", probed: true });
    // Nothing was learned: asked again, it probes again (and the proxy is still down).
    expect(await down.speedStyle()).toEqual({ style: "filter", probed: true });
  });

  it("a configured style is used without probing; mode none has no prefix", async () => {
    sim.configure({ routes: "mj-path" });
    const c = client({ modeStyle: "mj-path" });
    const mark = sim.requests.length;
    await c.imagine({ prompt: "a", mode: "fast" });
    await c.imagine({ prompt: "b", mode: "none" });
    expect(since(mark).map((r) => r.path)).toEqual([
      "/mj-fast/mj/submit/imagine",
      "/mj/submit/imagine",
    ]);
  });
});

describe("legacy proxies, cancel, missing routes", () => {
  it("legacy: /submit/change makes the upscale; /submit/action is a missing route", async () => {
    sim.configure({ dialect: "legacy" });
    const c = client({ modeStyle: "auto", authHeader: "mj-api-secret" });
    const grid = submittedId(await c.imagine({ prompt: "a red fox", mode: "fast" }));
    for (let i = 0; i < 500 && (await c.fetchTask(grid))?.status !== "SUCCESS"; i++) {
      await new Promise((r) => setTimeout(r, 5));
    }
    const mark = sim.requests.length;
    const up = submittedId(await c.change({ taskId: grid, action: "UPSCALE", index: 2 }));
    expect(since(mark).map((r) => [r.path, r.body])).toEqual([
      ["/mj/submit/change", { taskId: grid, action: "UPSCALE", index: 2 }],
    ]);
    expect(taskField(up, "action")).toBe("UPSCALE");
    const error = await failure(c.action({ taskId: grid, customId: "MJ::JOB::upsample::2::x" }));
    expect(error.routeMissing).toBe(true);
    // Asking again cannot go differently.
    expect(error.worthRetrying).toBe(false);
  });

  it("an unknown task is not a missing route (trueai's 404 with code 3)", async () => {
    const c = client();
    const error = await failure(
      c.action({ taskId: "1234567890123456", customId: "MJ::JOB::upsample::1::abc" }),
    );
    expect([error.httpStatus, error.code]).toEqual([404, 3]);
    expect(error.routeMissing).toBe(false);
  });

  it("cancel ends a running task; without the route, it is a missing route", async () => {
    const c = client();
    const id = submittedId(await c.imagine({ prompt: "a slow fox sim:slow" }));
    await c.cancel(id);
    expect((await c.fetchTask(id))?.status).toBe("FAILURE");
    sim.configure({ unrouted: ["cancel", "video"] });
    expect((await failure(c.cancel(id))).routeMissing).toBe(true);
    expect(
      (await failure(c.video({ prompt: "a", image: "https://example.com/a.png" }))).routeMissing,
    ).toBe(true);
  });
});
