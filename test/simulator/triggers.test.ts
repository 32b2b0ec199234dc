import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Simulator, TRIGGERS } from "../../src/simulator/index.js";
import { fetchTask, imagined, post, press, start, waitFor } from "./helpers.js";

let sim: Simulator;

beforeAll(async () => {
  sim = await start();
});

afterAll(async () => {
  await sim.close();
});

describe("submit-time trigger words", () => {
  it.each([
    [
      "sim:banned",
      {
        code: 24,
        description: "可能包含敏感词",
        result: null,
        properties: { promptEn: "a sim:banned thing", bannedWord: "sim:banned" },
      },
    ],
    [
      "sim:queue-full",
      {
        code: 23,
        description: "队列已满，请稍后尝试",
        result: null,
        properties: { discordInstanceId: expect.any(String) },
      },
    ],
    [
      "sim:busy",
      {
        code: 9,
        description: "提交失败，队列已满，请稍后重试",
        result: null,
        properties: expect.objectContaining({ discordInstanceId: expect.any(String) }),
      },
    ],
    ["sim:invalid", { code: 4, description: expect.any(String), result: null, properties: {} }],
    ["sim:no-account", { code: 3, description: "无可用的账号实例", result: null, properties: {} }],
  ])("%s gives its envelope", async (word, expected) => {
    const answer = await post(sim, "/mj/submit/imagine", { prompt: `a ${word} thing` });
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual(expected);
  });

  it("sim:http500, sim:gateway-error and sim:overloaded answer at the HTTP level", async () => {
    const http500 = await post(sim, "/mj/submit/imagine", { prompt: "x sim:http500" });
    expect(http500.status).toBe(500);
    const gw = await post(sim, "/mj/submit/imagine", { prompt: "x sim:gateway-error" });
    expect(gw.status).toBe(400);
    expect(gw.json).toEqual({ description: expect.any(String), type: "upstream_error", code: 5 });
    const busy = await post(sim, "/mj/submit/imagine", { prompt: "x sim:overloaded" });
    expect(busy.status).toBe(429);
    expect(busy.json.code).toBe(30);
  });

  it("sim:queued answers 22 and the task waits in NOT_START before running", async () => {
    // Slow steps: the states in between must be observable on a loaded machine.
    const slow = await start({ stepMs: 150 });
    try {
      const answer = await post(slow, "/mj/submit/imagine", { prompt: "later sim:queued" });
      expect(answer.json).toEqual({
        code: 22,
        description: "排队中，前面还有2个任务",
        result: expect.stringMatching(/^\d{16}$/),
        properties: expect.objectContaining({ numberOfQueues: 2 }),
      });
      await new Promise((r) => setTimeout(r, 25));
      expect((await fetchTask(slow, answer.json.result)).status).toBe("NOT_START");
      expect((await waitFor(slow, answer.json.result)).status).toBe("SUCCESS");
    } finally {
      await slow.close();
    }
  });

  it("applies to shorten, video, edits and modal prompts too", async () => {
    for (const [path, body] of [
      ["/mj/submit/shorten", { prompt: "sim:banned" }],
      ["/mj/submit/video", { prompt: "sim:banned", image: "https://example.com/a.png" }],
      ["/mj/submit/edits", { prompt: "sim:banned", image: "https://example.com/a.png" }],
    ] as const) {
      expect((await post(sim, path, body)).json.code, path).toBe(24);
    }
    const up = await press(sim, await imagined(sim, "modal trigger"), "MJ::JOB::upsample::1::");
    const zoom = up.buttons.find((b: { customId: string }) =>
      b.customId.startsWith("MJ::CustomZoom"),
    );
    const open = await post(sim, "/mj/submit/action", { taskId: up.id, customId: zoom.customId });
    const modal = await post(sim, "/mj/submit/modal", {
      taskId: open.json.result,
      prompt: "x --zoom 2 sim:no-account",
    });
    expect(modal.json.code).toBe(3);
    expect((await fetchTask(sim, open.json.result)).status).toBe("MODAL");
  });
});

describe("run-time trigger words", () => {
  it("sim:fail ends in FAILURE with Midjourney's banned-prompt reason", async () => {
    const answer = await post(sim, "/mj/submit/imagine", { prompt: "gore sim:fail" });
    expect(answer.json.code).toBe(1);
    const task = await waitFor(sim, answer.json.result);
    expect(task).toMatchObject({ status: "FAILURE", progress: "", buttons: [] });
    expect(task.failReason).toMatch(/^\[Banned prompt detected\] Sorry! /);
    expect(task.startTime).not.toBeNull();
  });

  it("sim:moderated fails at dequeue with 可能包含敏感词", async () => {
    const answer = await post(sim, "/mj/submit/imagine", { prompt: "nude sim:moderated" });
    const task = await waitFor(sim, answer.json.result);
    expect(task).toMatchObject({
      status: "FAILURE",
      failReason: "可能包含敏感词",
      startTime: null,
    });
  });

  it("sim:timeout fails with 执行超时 5 分钟 after some progress", async () => {
    const answer = await post(sim, "/mj/submit/imagine", { prompt: "slow sim:timeout" });
    const task = await waitFor(sim, answer.json.result);
    expect(task).toMatchObject({ status: "FAILURE", failReason: "执行超时 5 分钟", progress: "" });
    expect(task.imageUrl).toContain("_grid_46.png");
    expect(task.properties.messageHash).toEqual(expect.any(String));
  });

  it("sim:stuck stops at a percentage; sim:slow steps ten times slower", async () => {
    const stuck = await post(sim, "/mj/submit/imagine", { prompt: "x sim:stuck" });
    const running = await waitFor(sim, stuck.json.result, "IN_PROGRESS");
    await new Promise((r) => setTimeout(r, 200));
    const later = await fetchTask(sim, stuck.json.result);
    expect(later).toMatchObject({ status: "IN_PROGRESS", progress: "62%" });
    expect(running.status).toBe("IN_PROGRESS");

    const slow = await post(sim, "/mj/submit/imagine", { prompt: "x sim:slow" });
    const normal = await post(sim, "/mj/submit/imagine", { prompt: "x normal" });
    await waitFor(sim, normal.json.result);
    expect((await fetchTask(sim, slow.json.result)).status).not.toBe("SUCCESS");
  });

  it("are listed in the exported table", () => {
    const words = TRIGGERS.map((t) => t.word);
    for (const w of ["sim:banned", "sim:queued", "sim:fail", "sim:stuck", "sim:http500"]) {
      expect(words).toContain(w);
    }
  });
});
