import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Simulator } from "../../src/simulator/index.js";
import {
  call,
  dataUri,
  decodePng,
  download,
  fetchTask,
  imagined,
  KEY,
  makePng,
  PNG_SIGNATURE,
  post,
  start,
  waitFor,
} from "./helpers.js";

let sim: Simulator;

beforeAll(async () => {
  sim = await start();
});

afterAll(async () => {
  await sim.close();
});

describe("the curl acceptance path", () => {
  it("imagine -> code 1 -> SUCCESS with the grid buttons and a real PNG", async () => {
    const submit = await call(
      sim,
      "/fast/mj/submit/imagine",
      { prompt: "a red fox in a snowy forest --ar 1:1 --v 7", state: "s-1" },
      { authorization: `Bearer ${KEY}` },
    );
    expect(submit.status).toBe(200);
    expect(submit.json).toEqual({
      code: 1,
      description: "提交成功",
      result: expect.stringMatching(/^\d{16}$/),
      properties: {
        discordInstanceId: expect.any(String),
        discordChannelId: expect.any(String),
      },
    });
    const id = submit.json.result as string;

    const task = await waitFor(sim, id, "SUCCESS");
    expect(task).toMatchObject({
      id,
      action: "IMAGINE",
      status: "SUCCESS",
      botType: "MID_JOURNEY",
      prompt: "a red fox in a snowy forest --ar 1:1 --v 7",
      description: "/imagine a red fox in a snowy forest --ar 1:1 --v 7",
      state: "s-1",
      progress: "100%",
      failReason: null,
      imageUrls: null,
      videoUrls: null,
      mode: "FAST",
    });
    expect(task.startTime).toBeGreaterThanOrEqual(task.submitTime);
    expect(task.finishTime).toBeGreaterThanOrEqual(task.startTime);
    const hash = task.properties.messageHash as string;
    expect(hash).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(task.properties.finalPrompt).toBe("a red fox in a snowy forest --ar 1:1 --v 7.0");
    expect(task.buttons).toEqual([
      ...[1, 2, 3, 4].map((n) => ({
        customId: `MJ::JOB::upsample::${n}::${hash}`,
        emoji: "",
        label: `U${n}`,
        style: 2,
        type: 2,
      })),
      { customId: `MJ::JOB::reroll::0::${hash}::SOLO`, emoji: "🔄", label: "", style: 2, type: 2 },
      ...[1, 2, 3, 4].map((n) => ({
        customId: `MJ::JOB::variation::${n}::${hash}`,
        emoji: "",
        label: `V${n}`,
        style: 2,
        type: 2,
      })),
    ]);

    expect(task.imageUrl.startsWith(`${sim.url}/sim/`)).toBe(true);
    const image = await download(task.imageUrl);
    expect(image.type).toBe("image/png");
    expect(image.bytes.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    const png = decodePng(image.bytes);
    expect([png.width, png.height]).toEqual([task.imageWidth, task.imageHeight]);
    expect(task.imageWidth).toBe(64);
  });

  it("keeps nulls and the fixture field names while running", async () => {
    // Slow steps, so that the first fetch surely sees NOT_START even on a loaded machine.
    const slow = await start({ stepMs: 400 });
    try {
      const submit = await post(slow, "/mj/submit/imagine", { prompt: "a quiet harbour" });
      const first = await fetchTask(slow, submit.json.result);
      expect(Object.keys(first).slice(0, 18)).toEqual([
        "id",
        "action",
        "status",
        "botType",
        "prompt",
        "promptEn",
        "description",
        "state",
        "submitTime",
        "startTime",
        "finishTime",
        "progress",
        "imageUrl",
        "imageUrls",
        "videoUrls",
        "failReason",
        "buttons",
        "properties",
      ]);
      expect(first.status).toBe("NOT_START");
      expect(first.progress).toBeNull();
      expect(first.startTime).toBeNull();
      expect(first.state).toBe("");

      const running = await waitFor(slow, submit.json.result, "IN_PROGRESS");
      expect(running.progress).toMatch(/^(15|31|46|62|78|93)%$/);
      expect(running.imageUrl).toContain("/sim/");
      expect(running.buttons).toEqual([]);
      await waitFor(slow, submit.json.result, "SUCCESS");
    } finally {
      await slow.close();
    }
  });

  it("serves a different, smaller preview per progress step", async () => {
    // Slow steps: the states in between must be observable on a loaded machine.
    const slow = await start({ stepMs: 150 });
    try {
      const submit = await post(slow, "/mj/submit/imagine", { prompt: "preview check" });
      const seen = new Map<string, string>();
      const deadline = Date.now() + 15_000;
      while (Date.now() < deadline) {
        const t = await fetchTask(slow, submit.json.result);
        if (t.status === "IN_PROGRESS") seen.set(t.progress, t.imageUrl);
        if (t.status === "SUCCESS") break;
        await new Promise((r) => setTimeout(r, 2));
      }
      expect(seen.size).toBeGreaterThanOrEqual(2);
      const bodies = await Promise.all([...seen.values()].map((u) => download(u)));
      const hex = new Set(bodies.map((b) => b.bytes.toString("hex")));
      expect(hex.size).toBe(bodies.length);
      expect(decodePng(bodies[0]?.bytes as Buffer).width).toBeLessThan(64);
    } finally {
      await slow.close();
    }
  });

  it("gives different prompts different grids", async () => {
    const [a, b] = await Promise.all([
      imagined(sim, "a green meadow"),
      imagined(sim, "a red desert"),
    ]);
    const [ia, ib] = await Promise.all([download(a.imageUrl), download(b.imageUrl)]);
    expect(ia.bytes.equals(ib.bytes)).toBe(false);
  });

  it("hands out unique 16-digit ids", async () => {
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => post(sim, "/mj/submit/shorten", { prompt: `p ${i}` })),
    );
    const ids = answers.map((a) => a.json.result as string);
    expect(new Set(ids).size).toBe(20);
    for (const id of ids) expect(id).toMatch(/^\d{16}$/);
  });
});

describe("auth", () => {
  const body = { prompt: "auth check" };

  it("accepts Authorization: Bearer, the raw key, and mj-api-secret", async () => {
    const styles: Record<string, string>[] = [
      { authorization: `Bearer ${KEY}` },
      { authorization: KEY },
      { "mj-api-secret": KEY },
      { authorization: "midjourney-proxy", "mj-api-secret": KEY },
    ];
    for (const headers of styles) {
      const answer = await call(sim, "/mj/submit/imagine", body, headers);
      expect(answer.status, JSON.stringify(headers)).toBe(200);
      expect(answer.json.code).toBe(1);
    }
  });

  it("answers 401 for a missing or wrong key, without echoing it", async () => {
    const missing = await call(sim, "/mj/submit/imagine", body, {});
    expect(missing.status).toBe(401);
    expect(missing.text).toBe("Authorization header missing.");
    const wrong = await call(sim, "/mj/task/1/fetch", undefined, {
      authorization: "Bearer nope-123",
    });
    expect(wrong.status).toBe(401);
    expect(wrong.text).not.toContain("nope-123");
    expect(wrong.text).not.toContain(KEY);
  });

  it("accepts any non-empty key when none is configured; media need no key", async () => {
    const open = await start({ apiKey: undefined });
    try {
      const answer = await call(open, "/mj/submit/imagine", body, { "mj-api-secret": "whatever" });
      expect(answer.json.code).toBe(1);
      expect((await call(open, "/mj/submit/imagine", body, {})).status).toBe(401);
      expect(
        (await call(open, "/mj/submit/imagine", body, { authorization: "Bearer " })).status,
      ).toBe(401);
      const task = await waitFor(open, answer.json.result, "SUCCESS");
      expect((await fetch(task.imageUrl)).status).toBe(200);
    } finally {
      await open.close();
    }
  });
});

describe("mode prefixes", () => {
  it.each([
    ["/mj", "FAST"],
    ["/fast/mj", "FAST"],
    ["/relax/mj", "RELAX"],
    ["/mj-fast/mj", "FAST"],
    ["/mj-relax/mj", "RELAX"],
    ["/mj-turbo/mj", "TURBO"],
  ])("%s records mode %s", async (prefix, mode) => {
    const submit = await post(sim, `${prefix}/submit/imagine`, { prompt: "mode check" });
    expect(submit.json.code).toBe(1);
    const fetched = await call(sim, `${prefix}/task/${submit.json.result}/fetch`);
    expect(fetched.json.mode).toBe(mode);
  });

  it("uses the prompt flag when there is no prefix", async () => {
    const submit = await post(sim, "/mj/submit/imagine", { prompt: "slowly --relax" });
    expect((await fetchTask(sim, submit.json.result)).mode).toBe("RELAX");
  });
});

describe("validation", () => {
  it("rejects an empty prompt and bad base64 with code 4", async () => {
    expect((await post(sim, "/mj/submit/imagine", { prompt: "  " })).json).toEqual({
      code: 4,
      description: "prompt不能为空",
      result: null,
      properties: {},
    });
    const bad = await post(sim, "/mj/submit/imagine", {
      prompt: "x",
      base64Array: ["data:image/png;base64,@@not base64@@"],
    });
    expect(bad.json).toMatchObject({ code: 4, description: "base64格式错误", result: null });
  });

  it("accepts data URIs, bare base64 and URLs in base64Array, prepending their URLs", async () => {
    const png = makePng(8, 8);
    const submit = await post(sim, "/mj/submit/imagine", {
      prompt: "with images",
      base64Array: [dataUri(png), png.toString("base64"), "https://example.com/cat.png"],
    });
    expect(submit.json.code).toBe(1);
    const task = await fetchTask(sim, submit.json.result);
    const urls = (task.promptEn as string).split(" ").slice(0, 3);
    expect(urls[2]).toBe("https://example.com/cat.png");
    const uploaded = await download(urls[0] as string);
    expect(uploaded.bytes.equals(png)).toBe(true);
    expect(urls[0]).toBe(urls[1]);
  });

  it("blend takes 2-5 images and a dimension", async () => {
    const png = dataUri(makePng(4, 4));
    expect((await post(sim, "/mj/submit/blend", { base64Array: [png] })).json.code).toBe(4);
    expect(
      (await post(sim, "/mj/submit/blend", { base64Array: Array(6).fill(png) })).json.code,
    ).toBe(4);
    const ok = await post(sim, "/mj/submit/blend", {
      base64Array: [png, dataUri(makePng(4, 4, () => true))],
      dimensions: "LANDSCAPE",
    });
    expect(ok.json.code).toBe(1);
    const task = await waitFor(sim, ok.json.result, "SUCCESS");
    expect(task.action).toBe("BLEND");
    expect(task.description).toBe(`/blend ${task.id} 2`);
    expect(task.prompt).toMatch(/--ar 3:2$/);
    expect(task.imageWidth).toBeGreaterThan(task.imageHeight);
    expect(task.buttons).toHaveLength(9);
  });

  it("answers a body that is not JSON with HTTP 400", async () => {
    const res = await fetch(`${sim.url}/mj/submit/imagine`, {
      method: "POST",
      headers: { authorization: `Bearer ${KEY}`, "content-type": "application/json" },
      body: "{nope",
    });
    expect(res.status).toBe(400);
  });
});

describe("queries", () => {
  it("fetch of an unknown id: 204 by default, 200 empty in the java style", async () => {
    const none = await call(sim, "/mj/task/1754300999999999/fetch");
    expect(none.status).toBe(204);
    expect(none.text).toBe("");
    sim.configure({ unknownFetch: "empty200" });
    try {
      const java = await call(sim, "/mj/task/1754300999999999/fetch");
      expect(java.status).toBe(200);
      expect(java.text).toBe("");
    } finally {
      sim.configure({ unknownFetch: "204" });
    }
  });

  it("list-by-condition leaves unknown ids out and does not keep the request order", async () => {
    const a = await post(sim, "/mj/submit/imagine", { prompt: "list a" });
    const b = await post(sim, "/mj/submit/imagine", { prompt: "list b" });
    const c = await post(sim, "/mj/submit/imagine", { prompt: "list c" });
    const ids = [a.json.result, "1754300999999999", b.json.result, c.json.result];
    for (const path of ["/mj/task/list-by-condition", "/fast/mj/task/list-by-ids"]) {
      const answer = await post(sim, path, { ids });
      expect(answer.status).toBe(200);
      const got = (answer.json as { id: string }[]).map((t) => t.id);
      expect(got.sort()).toEqual([a.json.result, b.json.result, c.json.result].sort());
      const order = (answer.json as { id: string }[]).map((t) => t.id);
      expect(order).not.toEqual([a.json.result, b.json.result, c.json.result]);
    }
    expect((await post(sim, "/mj/task/list-by-condition", { ids: null })).json).toEqual([]);
    expect((await post(sim, "/mj/task/list-by-condition", { ids: [] })).json).toEqual([]);
    expect((await post(sim, "/mj/task/list-by-condition", {})).json).toEqual([]);
  });

  it("image-seed: 404 unknown, 400 unfinished, a stable number when done", async () => {
    const unknown = await call(sim, "/mj/task/1754300999999999/image-seed");
    expect(unknown.status).toBe(404);
    expect(unknown.json).toMatchObject({ code: 3, description: "关联任务不存在或已失效" });

    const submit = await post(sim, "/mj/submit/imagine", { prompt: "seed check" });
    const early = await call(sim, `/mj/task/${submit.json.result}/image-seed`);
    expect(early.status).toBe(400);
    expect(early.json).toMatchObject({ code: 4, description: "关联任务状态错误" });

    await waitFor(sim, submit.json.result, "SUCCESS");
    const seed = await call(sim, `/mj/task/${submit.json.result}/image-seed`);
    expect(seed.status).toBe(200);
    expect(seed.json).toEqual({
      code: 1,
      description: "成功",
      result: expect.stringMatching(/^\d+$/),
      properties: {},
    });
    const again = await call(sim, `/mj/task/${submit.json.result}/image-seed`);
    expect(again.json.result).toBe(seed.json.result);
    expect((await fetchTask(sim, submit.json.result)).seed).toBe(seed.json.result);

    sim.configure({ seedSupport: false });
    try {
      const noDm = await call(sim, `/mj/task/${submit.json.result}/image-seed`);
      expect(noDm.json).toEqual({
        code: 9,
        description: "请配置私聊频道",
        result: null,
        properties: {},
      });
    } finally {
      sim.configure({ seedSupport: true });
    }
  });

  it("records every request with its body", async () => {
    const before = sim.requests.length;
    await call(
      sim,
      "/relax/mj/submit/imagine",
      { prompt: "recorded", state: "x" },
      {
        "mj-api-secret": KEY,
      },
    );
    const rec = sim.requests[before];
    expect(rec).toMatchObject({
      method: "POST",
      path: "/relax/mj/submit/imagine",
      body: { prompt: "recorded", state: "x" },
    });
    expect(rec?.headers["mj-api-secret"]).toBe(KEY);
    expect(rec?.headers["content-type"]).toBe("application/json");
  });

  it("exposes the wire JSON through task()", async () => {
    const submit = await post(sim, "/mj/submit/imagine", { prompt: "task() check" });
    const task = sim.task(submit.json.result) as { id: string; status: string };
    expect(task.id).toBe(submit.json.result);
    expect(sim.task("nope")).toBeUndefined();
  });
});
