import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Simulator } from "../../src/simulator/index.js";
import { call, KEY, post, start, waitFor } from "./helpers.js";

let sim: Simulator;

beforeAll(async () => {
  sim = await start();
});

afterAll(async () => {
  await sim.close();
});

describe("injected faults", () => {
  it("answers the next N matching requests with the given status and body", async () => {
    sim.injectFault({ match: "/submit/imagine", times: 2, status: 503, body: "upstream down" });
    for (let i = 0; i < 2; i++) {
      const answer = await post(sim, "/fast/mj/submit/imagine", { prompt: "fault" });
      expect(answer.status).toBe(503);
      expect(answer.text).toBe("upstream down");
    }
    const third = await post(sim, "/fast/mj/submit/imagine", { prompt: "fault" });
    expect(third.json.code).toBe(1);
  });

  it("matches by regular expression and sends JSON bodies as JSON", async () => {
    sim.injectFault({ match: /\/task\/\d+\/fetch$/, status: 400, body: '{"code":4}' });
    const answer = await call(sim, "/mj/task/123/fetch");
    expect(answer.status).toBe(400);
    expect(answer.headers.get("content-type")).toContain("application/json");
    expect(answer.json).toEqual({ code: 4 });
  });

  it("drops the connection", async () => {
    sim.injectFault({ match: "/submit/shorten", drop: true });
    await expect(post(sim, "/mj/submit/shorten", { prompt: "x" })).rejects.toThrow();
    expect((await post(sim, "/mj/submit/shorten", { prompt: "x" })).json.code).toBe(1);
  });

  it("delays (for client timeouts); afterHandling creates the task before the fault", async () => {
    sim.injectFault({ match: "/submit/imagine", delayMs: 300, afterHandling: true });
    const before = Date.now();
    await expect(
      fetch(`${sim.url}/mj/submit/imagine`, {
        method: "POST",
        headers: { authorization: `Bearer ${KEY}`, "content-type": "application/json" },
        body: JSON.stringify({ prompt: "timed out but billed", state: "billed" }),
        signal: AbortSignal.timeout(50),
      }),
    ).rejects.toThrow();
    expect(Date.now() - before).toBeLessThan(250);
    const list = await call(sim, "/mj/task/list");
    const billed = (list.json as { state: string; id: string }[]).find((t) => t.state === "billed");
    expect(billed).toBeDefined();
    expect((await waitFor(sim, billed?.id as string)).status).toBe("SUCCESS");

    sim.injectFault({ match: "/submit/describe", delayMs: 80 });
    const start = Date.now();
    const slow = await post(sim, "/mj/submit/describe", { link: "https://example.com/a.png" });
    expect(Date.now() - start).toBeGreaterThanOrEqual(70);
    expect(slow.json.code).toBe(1);
  });

  it("can fail image downloads", async () => {
    const answer = await post(sim, "/mj/submit/imagine", { prompt: "cdn fault" });
    const task = await waitFor(sim, answer.json.result);
    sim.injectFault({ match: "/sim/attachments/", status: 404 });
    expect((await fetch(task.imageUrl)).status).toBe(404);
    expect((await fetch(task.imageUrl)).status).toBe(200);
  });
});

describe("HTTP control", () => {
  it("GET /sim/config shows the switches but never the key", async () => {
    const answer = await call(sim, "/sim/config");
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ dialect: "trueai", remix: false, apiKeySet: true });
    expect(answer.text).not.toContain(KEY);
    expect(answer.json).not.toHaveProperty("apiKey");
  });

  it("POST /sim/config changes switches and rejects bad ones", async () => {
    const bad = await post(sim, "/sim/config", { remix: "yes", colour: 1 });
    expect(bad.status).toBe(400);
    const ok = await post(sim, "/sim/config", { remix: true, stepMs: 10 });
    expect(ok.json.remix).toBe(true);
    const grid = await waitFor(
      sim,
      (await post(sim, "/mj/submit/imagine", { prompt: "control" })).json.result,
    );
    const v = await post(sim, "/mj/submit/action", {
      taskId: grid.id,
      customId: grid.buttons[5].customId,
    });
    expect(v.json.code).toBe(21);
    await post(sim, "/sim/config", { remix: false });
  });

  it("needs the key when one is configured", async () => {
    expect((await call(sim, "/sim/config", undefined, {})).status).toBe(401);
  });

  it("POST /sim/faults injects a fault; DELETE clears them", async () => {
    const added = await post(sim, "/sim/faults", { match: "/submit/blend", status: 502, times: 3 });
    expect(added.status).toBe(200);
    expect(added.json).toEqual([{ match: "/submit/blend", left: 3 }]);
    expect((await post(sim, "/mj/submit/blend", {})).status).toBe(502);
    const cleared = await call(sim, "/sim/faults", undefined, { authorization: `Bearer ${KEY}` });
    expect(cleared.json).toEqual([{ match: "/submit/blend", left: 2 }]);
    const del = await fetch(`${sim.url}/sim/faults`, {
      method: "DELETE",
      headers: { authorization: `Bearer ${KEY}` },
    });
    expect(await del.json()).toEqual([]);
    expect((await post(sim, "/mj/submit/blend", {})).json.code).toBe(4);
    expect((await post(sim, "/sim/faults", { status: 500 })).status).toBe(400);
  });

  it("keeps at most recordLimit requests", async () => {
    const requests = sim.requests;
    sim.configure({ recordLimit: 2 });
    try {
      for (let i = 0; i < 4; i++) await call(sim, `/mj/task/${i}/fetch`);
      expect(sim.requests).toBe(requests);
      expect(requests.map((r) => r.path)).toEqual(["/mj/task/2/fetch", "/mj/task/3/fetch"]);
    } finally {
      sim.configure({ recordLimit: 10_000 });
    }
  });

  it("serves a help page at /", async () => {
    const res = await fetch(`${sim.url}/`);
    const text = await res.text();
    expect(text).toContain(`MJ_API_URL=${sim.url}`);
    expect(text).toContain("sim:banned");
    expect(text).not.toContain(KEY);
  });
});
