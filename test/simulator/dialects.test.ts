import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Simulator } from "../../src/simulator/index.js";
import {
  call,
  dataUri,
  fetchTask,
  imagined,
  type Json,
  KEY,
  makePng,
  post,
  start,
  waitFor,
} from "./helpers.js";

const PREFIXES = [
  "mj",
  "fast/mj",
  "relax/mj",
  "turbo/mj",
  "mj-fast/mj",
  "mj-relax/mj",
  "mj-turbo/mj",
];
const LIST = "task/list-by-condition";

/** A distinct small PNG per n (different sizes, different bytes). */
const img = (n: number) => dataUri(makePng(8 + n, 8 + n));

async function statusOn(sim: Simulator, prefix: string): Promise<number> {
  return (await post(sim, `/${prefix}/${LIST}`, { ids: [] })).status;
}

describe("routes styles", () => {
  const cases: [string, string[]][] = [
    ["all", PREFIXES],
    ["mj-path", ["mj", "mj-fast/mj", "mj-relax/mj", "mj-turbo/mj"]],
    ["path", ["mj", "fast/mj", "relax/mj", "turbo/mj"]],
    ["filter", ["mj"]],
  ];
  let sim: Simulator;
  beforeAll(async () => {
    sim = await start();
  });
  afterAll(async () => {
    await sim.close();
  });

  for (const [routes, answering] of cases) {
    it(`routes: ${routes} answers on ${answering.join(", ")} and 404s elsewhere`, async () => {
      sim.configure({ routes: routes as "all" });
      for (const prefix of PREFIXES) {
        const status = await statusOn(sim, prefix);
        expect([prefix, status]).toEqual([prefix, answering.includes(prefix) ? 200 : 404]);
      }
      // A 404 for an unrouted prefix is plain and comes before the key check.
      const missing = PREFIXES.find((p) => !answering.includes(p));
      if (missing) {
        const answer = await call(sim, `/${missing}/submit/imagine`, { prompt: "x" }, {});
        expect(answer.status).toBe(404);
        expect(answer.text).toBe("");
      }
    });
  }

  it("the prefix still sets the mode where it is routed; null resets the style", async () => {
    sim.configure({ routes: "mj-path" });
    const a = await post(sim, "/mj-relax/mj/submit/imagine", { prompt: "routed relax" });
    expect((await waitFor(sim, a.json.result)).mode).toBe("RELAX");
    expect((await post(sim, "/relax/mj/submit/imagine", { prompt: "x" })).status).toBe(404);
    sim.configure({ routes: null as unknown as "all" });
    expect(await statusOn(sim, "relax/mj")).toBe(200);
  });

  it("is validated, also over /sim/config", async () => {
    expect(() => sim.configure({ routes: "fast" as "all" })).toThrow(/routes/);
    const bad = await post(sim, "/sim/config", { routes: "nope", unrouted: ["video", "teleport"] });
    expect(bad.status).toBe(400);
    expect(bad.json.error).toMatch(/routes/);
    expect(bad.json.error).toMatch(/unrouted/);
    const shown = await call(sim, "/sim/config");
    expect(shown.json).toMatchObject({ routes: "all", unrouted: [] });
  });
});

describe("unrouted endpoints", () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await start({
      unrouted: ["cancel", "video", "edits", "swap", "seed", "shorten", "list"],
    });
  });
  afterAll(async () => {
    await sim.close();
  });

  it("answer a plain 404, routed ones still work", async () => {
    const grid = await imagined(sim, "unrouted base");
    const png = img(1);
    const gone: [string, unknown][] = [
      [`/mj/task/${grid.id}/cancel`, {}],
      ["/mj/submit/video", { prompt: "v" }],
      ["/mj/submit/edits", { prompt: "e", image: png }],
      ["/mj/submit/edit", { prompt: "e", image: png }],
      ["/mj/insight-face/swap", { sourceBase64: png, targetBase64: png }],
      ["/fast/mj/submit/shorten", { prompt: "s" }],
      [`/mj/task/${grid.id}/image-seed`, undefined],
      ["/mj/task/list", undefined],
    ];
    for (const [path, body] of gone) {
      const answer = await call(sim, path, body);
      expect([path, answer.status, answer.text]).toEqual([path, 404, ""]);
    }
    expect((await call(sim, "/mj/task/queue")).status).toBe(200);
    expect((await post(sim, "/mj/submit/describe", { base64: png })).json.code).toBe(1);
    expect((await fetchTask(sim, grid.id)).id).toBe(grid.id);
  });

  it("can change at run time; videoSupported stays a routed code 9", async () => {
    sim.configure({ unrouted: ["action"], videoSupported: false });
    const video = await post(sim, "/mj/submit/video", { prompt: "v" });
    expect(video.status).toBe(200);
    expect(video.json).toMatchObject({ code: 9, description: "视频功能未启用" });
    const grid = await imagined(sim, "no buttons pressed");
    const press = await post(sim, "/mj/submit/action", {
      taskId: grid.id,
      customId: grid.buttons[0].customId,
    });
    expect(press.status).toBe(404);
    sim.configure({ unrouted: [], videoSupported: true });
  });
});

describe("speed mode and botType", () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await start();
  });
  afterAll(async () => {
    await sim.close();
  });

  it("priority: path prefix, then accountFilter.modes, then the prompt flag", async () => {
    const cases: [string, Json, string][] = [
      ["/mj/submit/imagine", { prompt: "plain" }, "FAST"],
      ["/mj/submit/imagine", { prompt: "flag --relax" }, "RELAX"],
      ["/mj/submit/imagine", { prompt: "filter", accountFilter: { modes: ["RELAX"] } }, "RELAX"],
      ["/mj/submit/imagine", { prompt: "filter", accountFilter: { modes: ["TURBO"] } }, "TURBO"],
      [
        "/mj/submit/imagine",
        { prompt: "filter beats flag --fast", accountFilter: { modes: ["RELAX"] } },
        "RELAX",
      ],
      [
        "/mj-turbo/mj/submit/imagine",
        { prompt: "path beats filter --relax", accountFilter: { modes: ["RELAX"] } },
        "TURBO",
      ],
      [
        "/mj/submit/imagine",
        { prompt: "unknown mode", accountFilter: { modes: ["SLOW"] } },
        "FAST",
      ],
    ];
    for (const [path, body, mode] of cases) {
      const answer = await post(sim, path, body);
      expect(answer.json.code).toBe(1);
      expect([body.prompt, (await waitFor(sim, answer.json.result)).mode]).toEqual([
        body.prompt,
        mode,
      ]);
    }
  });

  it("accountFilter.modes applies to blend and describe too", async () => {
    const png = img(2);
    const blend = await post(sim, "/mj/submit/blend", {
      base64Array: [png, img(3)],
      accountFilter: { modes: ["RELAX"] },
    });
    expect((await waitFor(sim, blend.json.result)).mode).toBe("RELAX");
    const describe = await post(sim, "/mj/submit/describe", {
      base64: png,
      accountFilter: { modes: ["TURBO"] },
    });
    expect((await waitFor(sim, describe.json.result)).mode).toBe("TURBO");
  });

  it("botType NIJI_JOURNEY is recorded on imagine, blend, describe, shorten and their children", async () => {
    const png = img(4);
    const submits: [string, Json][] = [
      ["/mj/submit/imagine", { prompt: "niji cat --niji 6" }],
      ["/mj/submit/blend", { base64Array: [png, img(5)] }],
      ["/mj/submit/describe", { base64: png }],
      ["/mj/submit/shorten", { prompt: "a long niji prompt" }],
    ];
    const done: Json[] = [];
    for (const [path, body] of submits) {
      const answer = await post(sim, path, { ...body, botType: "NIJI_JOURNEY" });
      expect(answer.json.code).toBe(1);
      const task = await waitFor(sim, answer.json.result);
      expect([path, task.botType, task.properties.botType]).toEqual([
        path,
        "NIJI_JOURNEY",
        "NIJI_JOURNEY",
      ]);
      done.push(task);
    }
    const up = await post(sim, "/mj/submit/action", {
      taskId: done[0].id,
      customId: done[0].buttons[1].customId,
    });
    expect((await waitFor(sim, up.json.result)).botType).toBe("NIJI_JOURNEY");
    const plain = await imagined(sim, "default bot");
    expect(plain.botType).toBe("MID_JOURNEY");
  });
});

describe("cancel (trueai)", () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await start({ stepMs: 20 });
  });
  afterAll(async () => {
    await sim.close();
  });

  async function cancelled(id: string): Promise<Json> {
    const answer = await post(sim, `/mj/task/${id}/cancel`, {});
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ code: 1, result: id });
    const task = await fetchTask(sim, id);
    expect(task).toMatchObject({ status: "FAILURE", failReason: "取消任务", progress: "" });
    expect(task.buttons).toEqual([]);
    return task;
  }

  it("a running task fails with 取消任务 and stops progressing", async () => {
    const submit = await post(sim, "/mj/submit/imagine", { prompt: "cancel me sim:slow" });
    await waitFor(sim, submit.json.result, "IN_PROGRESS");
    const task = await cancelled(submit.json.result);
    await new Promise((r) => setTimeout(r, 500));
    expect(await fetchTask(sim, task.id)).toEqual(task);
  });

  it("a queued task (NOT_START) fails and never starts", async () => {
    const submit = await post(sim, "/mj/submit/imagine", { prompt: "queued sim:queued" });
    expect(submit.json.code).toBe(22);
    expect((await fetchTask(sim, submit.json.result)).status).toBe("NOT_START");
    const task = await cancelled(submit.json.result);
    await new Promise((r) => setTimeout(r, 300));
    const later = await fetchTask(sim, task.id);
    expect(later).toEqual(task);
    expect(later.startTime).toBeNull();
  });

  it("unknown id: HTTP 404 code 3; finished: code 4; GET: 405", async () => {
    const unknown = await post(sim, "/mj/task/1234567890123456/cancel", {});
    expect(unknown.status).toBe(404);
    expect(unknown.json).toMatchObject({ code: 3, description: "关联任务不存在或已失效" });
    const grid = await imagined(sim, "finished");
    const finished = await post(sim, `/mj/task/${grid.id}/cancel`, {});
    expect(finished.json).toMatchObject({ code: 4, description: "关联任务状态错误" });
    expect((await fetchTask(sim, grid.id)).status).toBe("SUCCESS");
    expect((await call(sim, `/mj/task/${grid.id}/cancel`)).status).toBe(405);
  });
});

describe("the legacy dialect (novicezk Java)", () => {
  let sim: Simulator;
  const secret = { "mj-api-secret": KEY };
  const send = (path: string, body?: unknown) => call(sim, path, body, secret);
  const task = async (id: string) => (await send(`/mj/task/${id}/fetch`)).json;
  async function done(id: string, statuses = ["SUCCESS", "FAILURE"]): Promise<Json> {
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline) {
      const t = await task(id);
      if (t && statuses.includes(t.status)) return t;
      await new Promise((r) => setTimeout(r, 5));
    }
    throw new Error(`task ${id} did not finish`);
  }
  async function grid(prompt = "a legacy fox --v 6"): Promise<Json> {
    const answer = await send("/mj/submit/imagine", { prompt, state: "s-legacy" });
    expect(answer.json).toEqual({
      code: 1,
      description: "提交成功",
      result: expect.stringMatching(/^\d{16}$/),
      properties: { discordInstanceId: expect.any(String) },
    });
    return done(answer.json.result);
  }

  beforeAll(async () => {
    sim = await start({ dialect: "legacy", routes: "all" });
  });
  afterEach(() => {
    sim.configure({ unrouted: [] });
  });
  afterAll(async () => {
    await sim.close();
  });

  it("imagine -> SUCCESS without buttons or trueai fields", async () => {
    const t = await grid();
    expect(t).toMatchObject({
      action: "IMAGINE",
      status: "SUCCESS",
      prompt: "a legacy fox --v 6",
      description: "/imagine a legacy fox --v 6",
      state: "s-legacy",
      progress: "100%",
      failReason: null,
    });
    expect(t).not.toHaveProperty("buttons");
    for (const key of ["botType", "mode", "imageUrls", "videoUrls", "parentId", "seed"]) {
      expect(t).not.toHaveProperty(key);
    }
    expect(t.properties.finalPrompt).toBe("a legacy fox --v 6.0");
    expect(t.properties).not.toHaveProperty("discordChannelId");
    expect(t.properties).not.toHaveProperty("botType");
    expect((await fetch(t.imageUrl)).status).toBe(200);
  });

  it("routes /mj only, whatever routes says", async () => {
    for (const prefix of PREFIXES.slice(1)) {
      const answer = await send(`/${prefix}/${LIST}`, { ids: [] });
      expect([prefix, answer.status, answer.text]).toEqual([prefix, 404, ""]);
    }
    expect((await send(`/mj/${LIST}`, { ids: [] })).status).toBe(200);
  });

  it("trueai-only endpoints answer Spring's JSON 404", async () => {
    const t = await grid("for missing routes");
    const missing: [string, unknown][] = [
      ["/mj/submit/action", { taskId: t.id, customId: "MJ::JOB::upsample::1::x" }],
      ["/mj/submit/modal", { taskId: t.id, prompt: "p" }],
      ["/mj/submit/shorten", { prompt: "p" }],
      ["/mj/submit/video", { prompt: "p" }],
      ["/mj/submit/edits", { prompt: "p" }],
      ["/mj/insight-face/swap", {}],
      [`/mj/task/${t.id}/image-seed`, undefined],
      [`/mj/task/${t.id}/cancel`, {}],
      ["/mj/task/list-by-ids", { ids: [t.id] }],
    ];
    for (const [path, body] of missing) {
      const answer = await send(path, body);
      expect([path, answer.status]).toEqual([path, 404]);
      expect(answer.json).toEqual({
        timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00$/),
        status: 404,
        error: "Not Found",
        path,
      });
    }
    const wrongMethod = await send("/mj/submit/imagine");
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.json).toMatchObject({ status: 405, error: "Method Not Allowed" });
  });

  it("/submit/change UPSCALE index 2 -> an UPSCALE of that grid's second image", async () => {
    const g = await grid("upscale me");
    const answer = await send("/mj/submit/change", {
      taskId: g.id,
      action: "UPSCALE",
      index: 2,
      state: "s-up",
    });
    expect(answer.json).toMatchObject({ code: 1, description: "提交成功" });
    expect(answer.json.properties).not.toHaveProperty("discordChannelId");
    const up = await done(answer.json.result);
    expect(up).toMatchObject({
      action: "UPSCALE",
      status: "SUCCESS",
      prompt: "upscale me",
      description: `/up ${g.id} U2`,
      state: "s-up",
    });
    expect(up).not.toHaveProperty("buttons");
    expect(up.properties.progressMessageId).toBe(g.properties.messageId);
    expect(up.properties.messageContent).toContain("Image #2");
    expect((await fetch(up.imageUrl)).status).toBe(200);
  });

  it("VARIATION and REROLL make new grids; simple-change works the same", async () => {
    const g = await grid("vary me");
    const v = await send("/mj/submit/change", { taskId: g.id, action: "VARIATION", index: 3 });
    const r = await send("/mj/submit/change", { taskId: g.id, action: "REROLL" });
    const s = await send("/mj/submit/simple-change", { content: `${g.id} U4`, state: "s-simple" });
    const sv = await send("/mj/submit/simple-change", { content: `${g.id} v1` });
    const sr = await send("/mj/submit/simple-change", { content: `${g.id} R` });
    for (const a of [v, r, s, sv, sr]) expect(a.json.code).toBe(1);
    const expected: [Json, string, string][] = [
      [v, "VARIATION", `/up ${g.id} V3`],
      [r, "REROLL", `/up ${g.id} R`],
      [s, "UPSCALE", `/up ${g.id} U4`],
      [sv, "VARIATION", `/up ${g.id} V1`],
      [sr, "REROLL", `/up ${g.id} R`],
    ];
    const images = new Set<string>();
    for (const [answer, action, description] of expected) {
      const t = await done(answer.json.result);
      expect(t).toMatchObject({ action, description, status: "SUCCESS" });
      expect(t).not.toHaveProperty("buttons");
      images.add(t.imageUrl);
    }
    expect(images.size).toBe(5);
    expect((await task(s.json.result)).state).toBe("s-simple");
    // A variation's grid can be changed again.
    const again = await send("/mj/submit/change", {
      taskId: v.json.result,
      action: "UPSCALE",
      index: 1,
    });
    expect((await done(again.json.result)).action).toBe("UPSCALE");
  });

  it("change refuses like java", async () => {
    const g = await grid("refusals");
    const up = await done(
      (await send("/mj/submit/change", { taskId: g.id, action: "UPSCALE", index: 1 })).json.result,
    );
    const running = await send("/mj/submit/imagine", { prompt: "still running sim:stuck" });
    const cases: [unknown, number, string][] = [
      [{ action: "UPSCALE", index: 1 }, 4, "taskId不能为空"],
      [{ taskId: g.id, action: "ZOOM", index: 1 }, 4, "action参数错误"],
      [{ taskId: g.id, index: 1 }, 4, "action参数错误"],
      [{ taskId: "1234567890123456", action: "UPSCALE", index: 1 }, 3, "关联任务不存在或已失效"],
      [{ taskId: running.json.result, action: "UPSCALE", index: 1 }, 4, "关联任务状态错误"],
      [{ taskId: up.id, action: "VARIATION", index: 1 }, 4, "关联任务不允许执行变化"],
      [{ taskId: g.id, action: "UPSCALE", index: 5 }, 4, "index参数错误"],
      [{ taskId: g.id, action: "VARIATION" }, 4, "index参数错误"],
    ];
    for (const [body, code, description] of cases) {
      const answer = await send("/mj/submit/change", body);
      expect([answer.status, answer.json]).toEqual([
        200,
        { code, description, result: null, properties: {} },
      ]);
    }
    for (const content of ["", g.id, `${g.id} U5`, `${g.id} X1`, `${g.id} U1 extra`]) {
      const answer = await send("/mj/submit/simple-change", { content });
      expect(answer.json).toMatchObject({ code: 4, description: "content参数错误" });
    }
  });

  it("list-by-condition, list and queue work; unknown fetch is an empty 200", async () => {
    const a = await grid("listed a");
    const b = await grid("listed b");
    const listed = await send(`/mj/${LIST}`, { ids: [a.id, "nope", b.id] });
    expect(listed.status).toBe(200);
    expect(listed.json.map((t: Json) => t.id).sort()).toEqual([a.id, b.id].sort());
    for (const t of listed.json) expect(t).not.toHaveProperty("buttons");
    const all = await send("/mj/task/list");
    expect(all.json.map((t: Json) => t.id)).toEqual(expect.arrayContaining([a.id, b.id]));
    expect((await send("/mj/task/queue")).status).toBe(200);
    const unknown = await send("/mj/task/1234567890123456/fetch");
    expect([unknown.status, unknown.text]).toEqual([200, ""]);
  });

  it("blend and describe behave like java; accountFilter is accepted and ignored", async () => {
    const png = img(6);
    const other = img(7);
    const noDims = await send("/mj/submit/blend", { base64Array: [png, other] });
    expect(noDims.json).toMatchObject({ code: 4, description: "dimensions参数错误" });
    const blend = await send("/mj/submit/blend", {
      base64Array: [png, other],
      dimensions: "SQUARE",
      accountFilter: { modes: ["RELAX"] },
      botType: "NIJI_JOURNEY",
    });
    expect(blend.json.code).toBe(1);
    const bt = await done(blend.json.result);
    expect(bt).toMatchObject({ action: "BLEND", description: `/blend ${bt.id} 2` });
    expect(bt).not.toHaveProperty("mode");
    expect(bt).not.toHaveProperty("botType");
    const linkOnly = await send("/mj/submit/describe", { link: "https://example.com/a.png" });
    expect(linkOnly.json).toMatchObject({ code: 4, description: "base64不能为空" });
    const d = await done((await send("/mj/submit/describe", { base64: png })).json.result);
    expect(d).toMatchObject({ action: "DESCRIBE", description: `/describe ${d.id}.png` });
    expect(d.prompt).toBe(d.promptEn);
    expect(d.prompt).toContain("1️⃣");
  });

  it("--video is just a prompt; the key is read from mj-api-secret only", async () => {
    const v = await grid("not a video --video");
    expect(v.action).toBe("IMAGINE");
    const bearer = await call(sim, "/mj/task/list", undefined, { authorization: `Bearer ${KEY}` });
    expect([bearer.status, bearer.text]).toEqual([401, ""]);
    const wrong = await call(sim, "/mj/task/list", undefined, { "mj-api-secret": "nope" });
    expect([wrong.status, wrong.text]).toEqual([401, ""]);
    const open = await start({ dialect: "legacy", apiKey: undefined });
    try {
      expect((await call(open, "/mj/task/list", undefined, {})).status).toBe(200);
    } finally {
      await open.close();
    }
  });

  it("unrouted applies on top: a java without list answers Spring's 404", async () => {
    sim.configure({ unrouted: ["list", "simple-change"] });
    expect((await send("/mj/task/list")).json).toMatchObject({
      status: 404,
      path: "/mj/task/list",
    });
    expect((await send("/mj/submit/simple-change", { content: "1 U1" })).status).toBe(404);
    expect((await send("/mj/task/queue")).status).toBe(200);
  });

  it("notifyHook gets the legacy task JSON", async () => {
    const bodies: Json[] = [];
    const { createServer } = await import("node:http");
    const hook = createServer((req, res) => {
      let raw = "";
      req.on("data", (c) => {
        raw += c;
      });
      req.on("end", () => {
        bodies.push(JSON.parse(raw));
        res.end();
      });
    });
    await new Promise<void>((r) => hook.listen(0, "127.0.0.1", r));
    const port = (hook.address() as { port: number }).port;
    try {
      const g = await grid("hooked parent");
      const answer = await send("/mj/submit/change", {
        taskId: g.id,
        action: "UPSCALE",
        index: 3,
        state: "s-hook",
        notifyHook: `http://127.0.0.1:${port}/hook`,
      });
      await done(answer.json.result);
      const deadline = Date.now() + 5000;
      while (!bodies.some((b) => b.status === "SUCCESS") && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 10));
      }
      const last = bodies.find((b) => b.status === "SUCCESS");
      expect(last).toMatchObject({ id: answer.json.result, action: "UPSCALE", state: "s-hook" });
      expect(last).not.toHaveProperty("buttons");
    } finally {
      await new Promise((r) => hook.close(r));
    }
  });
});
