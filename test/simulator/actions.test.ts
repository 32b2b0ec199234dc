import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Simulator } from "../../src/simulator/index.js";
import {
  dataUri,
  decodePng,
  download,
  fetchTask,
  imagined,
  makePng,
  post,
  press,
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

/** The v7 upscale set of fixtures/task-upscale-success-v7.json, for job hash `h`. */
function v7(h: string) {
  const b = (customId: string, label: string, emoji: string) => ({
    customId,
    emoji,
    label,
    style: 2,
    type: 2,
  });
  return [
    b(`MJ::JOB::upsample_v7_2x_subtle::1::${h}::SOLO`, "Upscale (Subtle)", "upscale_1"),
    b(`MJ::JOB::upsample_v7_2x_creative::1::${h}::SOLO`, "Upscale (Creative)", "upscale_1"),
    b(`MJ::JOB::low_variation::1::${h}::SOLO`, "Vary (Subtle)", "🪄"),
    b(`MJ::JOB::high_variation::1::${h}::SOLO`, "Vary (Strong)", "🪄"),
    b(`MJ::Inpaint::1::${h}::SOLO`, "Vary (Region)", "🖌️"),
    b(`MJ::Outpaint::50::1::${h}::SOLO`, "Zoom Out 2x", "🔍"),
    b(`MJ::Outpaint::75::1::${h}::SOLO`, "Zoom Out 1.5x", "🔍"),
    b(`MJ::CustomZoom::${h}`, "Custom Zoom", "🔍"),
    b(`MJ::JOB::pan_left::1::${h}::SOLO`, "", "⬅️"),
    b(`MJ::JOB::pan_right::1::${h}::SOLO`, "", "➡️"),
    b(`MJ::JOB::pan_up::1::${h}::SOLO`, "", "⬆️"),
    b(`MJ::JOB::pan_down::1::${h}::SOLO`, "", "⬇️"),
    b(`MJ::JOB::animate_high::1::${h}::SOLO`, "Animate (High motion)", "🎞️"),
    b(`MJ::JOB::animate_low::1::${h}::SOLO`, "Animate (Low motion)", "🎞️"),
    b(`MJ::BOOKMARK::${h}`, "", "❤️"),
  ];
}

describe("buttons", () => {
  it("U2 gives an UPSCALE with the v7 set, straight from SUBMITTED to SUCCESS", async () => {
    const grid = await imagined(sim, "a red fox --ar 1:1 --v 7");
    const action = await post(sim, "/mj/submit/action", {
      taskId: grid.id,
      customId: grid.buttons[1].customId,
      state: "press",
    });
    expect(action.json).toMatchObject({ code: 1, description: "提交成功" });
    const seen = new Set<string>();
    let up = await fetchTask(sim, action.json.result);
    while (up.status !== "SUCCESS") {
      seen.add(`${up.status}:${up.progress}`);
      await new Promise((r) => setTimeout(r, 2));
      up = await fetchTask(sim, action.json.result);
    }
    expect([...seen].some((s) => s.startsWith("IN_PROGRESS"))).toBe(false);
    expect(up).toMatchObject({
      action: "UPSCALE",
      parentId: grid.id,
      state: "press",
      prompt: "a red fox --ar 1:1 --v 7",
      promptEn: "a red fox --ar 1:1 --v 7.0",
    });
    expect(up.properties).toMatchObject({ custom_id: grid.buttons[1].customId, action_index: 2 });
    const h = up.properties.messageHash;
    expect(h).not.toBe(grid.properties.messageHash);
    expect(up.buttons).toEqual(v7(h));
    const png = decodePng((await download(up.imageUrl)).bytes);
    expect([png.width, png.height]).toEqual([up.imageWidth, up.imageHeight]);
  });

  it("Upscale (Subtle) gives UPSCALE_HD at twice the size, with vary/animate/bookmark", async () => {
    const grid = await imagined(sim, "hd check");
    const up = await press(sim, grid, "MJ::JOB::upsample::1::");
    const hd = await press(sim, up, "MJ::JOB::upsample_v7_2x_subtle");
    expect(hd.action).toBe("UPSCALE_HD");
    expect(hd.imageWidth).toBe(128);
    const ids = (hd.buttons as { customId: string }[]).map((b) => b.customId);
    expect(ids.some((c) => c.startsWith("MJ::JOB::low_variation"))).toBe(true);
    expect(ids.some((c) => c.startsWith("MJ::JOB::animate_high"))).toBe(true);
    expect(ids.some((c) => c.startsWith("MJ::BOOKMARK"))).toBe(true);
  });

  it("variation, reroll, zoom and pan give new grids", async () => {
    const grid = await imagined(sim, "grids --ar 1:1");
    const [v, r, up] = await Promise.all([
      press(sim, grid, "MJ::JOB::variation::3::"),
      press(sim, grid, "MJ::JOB::reroll::"),
      press(sim, grid, "MJ::JOB::upsample::4::"),
    ]);
    expect(v.action).toBe("VARIATION");
    expect(v.buttons).toHaveLength(9);
    expect(r.action).toBe("IMAGINE");
    expect(r.buttons).toHaveLength(9);
    const [zoom, pan, upReroll] = await Promise.all([
      press(sim, up, "MJ::Outpaint::50::"),
      press(sim, up, "MJ::JOB::pan_left::"),
      press(sim, up, "MJ::JOB::high_variation::"),
    ]);
    expect(zoom.action).toBe("ZOOM");
    expect(zoom.properties.finalPrompt).toContain("--zoom 2");
    expect(pan.action).toBe("PAN");
    expect(pan.properties.finalPrompt).toContain("--ar 3:2");
    expect(pan.imageWidth).toBeGreaterThan(pan.imageHeight);
    expect(upReroll.action).toBe("VARIATION");
  });

  it("refuses bookmark, foreign customIds, missing and unfinished parents", async () => {
    const grid = await imagined(sim, "refusals");
    const up = await press(sim, grid, "MJ::JOB::upsample::1::");
    const bookmark = up.buttons.find((b: { customId: string }) =>
      b.customId.startsWith("MJ::BOOKMARK"),
    );
    const answer = await post(sim, "/mj/submit/action", {
      taskId: up.id,
      customId: bookmark.customId,
    });
    expect(answer.json).toEqual({
      code: 4,
      description: "未知的 Action 类型",
      result: null,
      properties: {},
    });
    const foreign = await post(sim, "/mj/submit/action", {
      taskId: grid.id,
      customId: "MJ::JOB::upsample::1::00000000-0000-4000-8000-000000000000",
    });
    expect(foreign.json.code).toBe(4);
    expect(foreign.json.description).toBe("未知的 Action 类型");

    const missing = await post(sim, "/mj/submit/action", {
      taskId: "1754300999999999",
      customId: grid.buttons[0].customId,
    });
    expect(missing.status).toBe(404);
    expect(missing.json).toEqual({
      code: 3,
      description: "关联任务不存在或已失效",
      result: null,
      properties: {},
    });

    const running = await post(sim, "/mj/submit/imagine", { prompt: "not yet" });
    const early = await post(sim, "/mj/submit/action", {
      taskId: running.json.result,
      customId: grid.buttons[0].customId,
    });
    expect(early.json).toMatchObject({ code: 4, description: "关联任务状态错误" });
    expect((await post(sim, "/mj/submit/action", { taskId: grid.id })).json.code).toBe(4);
  });
});

describe("the MODAL flow", () => {
  it("Vary (Region): 21 with an empty prompt, a parked MODAL task, then the mask run", async () => {
    const grid = await imagined(sim, "a cat on a sofa");
    const up = await press(sim, grid, "MJ::JOB::upsample::2::");
    const inpaintId = up.buttons.find((b: { customId: string }) =>
      b.customId.startsWith("MJ::Inpaint::"),
    ).customId;
    const answer = await post(sim, "/mj/submit/action", {
      taskId: up.id,
      customId: inpaintId,
      state: "region",
    });
    expect(answer.json).toEqual({
      code: 21,
      description: "Waiting for window confirm",
      result: expect.stringMatching(/^\d{16}$/),
      properties: { finalPrompt: "", remix: true },
    });
    const modalId = answer.json.result;
    await new Promise((r) => setTimeout(r, 60));
    const parked = await fetchTask(sim, modalId);
    expect(parked).toMatchObject({
      id: modalId,
      action: "VARIATION",
      status: "MODAL",
      prompt: "",
      progress: null,
      buttons: [],
      parentId: up.id,
      state: "region",
    });
    expect(parked.properties.custom_id).toBe(inpaintId);

    // The parent is not a MODAL task.
    const wrong = await post(sim, "/mj/submit/modal", { taskId: up.id, prompt: "x" });
    expect(wrong.json).toMatchObject({ code: 3, description: "目标任务不存在" });

    const mask = makePng(32, 32, (x, y) => x >= 8 && x < 24 && y >= 8 && y < 24);
    const ok = await post(sim, "/mj/submit/modal", {
      taskId: modalId,
      prompt: "a cat wearing a hat",
      maskBase64: dataUri(mask),
    });
    expect(ok.json).toMatchObject({ code: 1, result: modalId });
    const done = await waitFor(sim, modalId, ["SUCCESS", "FAILURE"]);
    expect(done).toMatchObject({
      status: "SUCCESS",
      action: "VARIATION",
      prompt: "a cat wearing a hat",
    });
    expect(done.buttons).toHaveLength(9);
    // The mask shows: the centre of a cell is repainted, its corner is not.
    const png = decodePng((await download(done.imageUrl)).bytes);
    const upPng = decodePng((await download(up.imageUrl)).bytes);
    const px = (p: typeof png, x: number, y: number) =>
      [...p.data.subarray((y * p.width + x) * 4, (y * p.width + x) * 4 + 3)].join(",");
    expect(px(png, 16, 16)).not.toBe(px(upPng, 32, 32));

    // A MODAL task is submitted once.
    const twice = await post(sim, "/mj/submit/modal", { taskId: modalId, prompt: "again" });
    expect(twice.json.code).toBe(3);
  });

  it("Vary (Region) with a mask that is not a PNG fails the task; raw base64 masks work", async () => {
    const up = await press(sim, await imagined(sim, "mask checks"), "MJ::JOB::upsample::1::");
    const inpaint = up.buttons.find((b: { customId: string }) =>
      b.customId.startsWith("MJ::Inpaint"),
    );
    const open = async () =>
      (await post(sim, "/mj/submit/action", { taskId: up.id, customId: inpaint.customId })).json
        .result as string;

    const bad = await open();
    await post(sim, "/mj/submit/modal", { taskId: bad, prompt: "p", maskBase64: "aGVsbG8=" });
    const failed = await waitFor(sim, bad, ["SUCCESS", "FAILURE"]);
    expect(failed.status).toBe("FAILURE");
    expect(failed.progress).toBe("");
    expect(failed.failReason).toMatch(/mask/i);

    const raw = await open();
    await post(sim, "/mj/submit/modal", {
      taskId: raw,
      prompt: "p",
      maskBase64: makePng(16, 16, (x) => x < 8).toString("base64"),
    });
    expect((await waitFor(sim, raw, ["SUCCESS", "FAILURE"])).status).toBe("SUCCESS");
  });

  it("Custom Zoom: 21 with the prompt minus the speed flag; --zoom must be in (1, 2]", async () => {
    const grid = await imagined(sim, "a lighthouse --v 7 --fast");
    const up = await press(sim, grid, "MJ::JOB::upsample::1::");
    const zoomId = up.buttons.find((b: { customId: string }) =>
      b.customId.startsWith("MJ::CustomZoom::"),
    ).customId;
    const open = await post(sim, "/mj/submit/action", { taskId: up.id, customId: zoomId });
    expect(open.json).toMatchObject({
      code: 21,
      properties: { finalPrompt: "a lighthouse --v 7.0", remix: true },
    });
    const parked = await fetchTask(sim, open.json.result);
    expect(parked).toMatchObject({
      action: "ZOOM",
      status: "MODAL",
      description: "Waiting for window confirm",
    });
    await post(sim, "/mj/submit/modal", {
      taskId: open.json.result,
      prompt: "a lighthouse --v 7.0 --zoom 1.8",
    });
    const zoomed = await waitFor(sim, open.json.result);
    expect(zoomed).toMatchObject({ status: "SUCCESS", action: "ZOOM" });
    expect(zoomed.properties.finalPrompt).toContain("--zoom 1.8");

    for (const prompt of ["a lighthouse --zoom 3", "a lighthouse --zoom 1", "a lighthouse"]) {
      const again = await post(sim, "/mj/submit/action", { taskId: up.id, customId: zoomId });
      await post(sim, "/mj/submit/modal", { taskId: again.json.result, prompt });
      const failed = await waitFor(sim, again.json.result);
      expect(failed.status, prompt).toBe("FAILURE");
      expect(failed.failReason).toMatch(/^\[Invalid parameter\] /);
    }
  });

  it("remix on: V1 answers 21 with the parent's final prompt; an empty modal prompt falls back", async () => {
    const grid = await imagined(sim, "remix me --v 7");
    sim.configure({ remix: true });
    try {
      const v1 = grid.buttons.find((b: { label: string }) => b.label === "V1").customId;
      const open = await post(sim, "/mj/submit/action", { taskId: grid.id, customId: v1 });
      expect(open.json).toEqual({
        code: 21,
        description: "Waiting for window confirm",
        result: expect.any(String),
        properties: { finalPrompt: "remix me --v 7.0", remix: true },
      });
      expect((await fetchTask(sim, open.json.result)).status).toBe("MODAL");
      const submit = await post(sim, "/mj/submit/modal", { taskId: open.json.result });
      expect(submit.json).toMatchObject({ code: 1, result: open.json.result });
      const done = await waitFor(sim, open.json.result);
      expect(done).toMatchObject({
        status: "SUCCESS",
        action: "VARIATION",
        prompt: "remix me --v 7",
      });

      // U is never remixed.
      const u = await post(sim, "/mj/submit/action", {
        taskId: grid.id,
        customId: grid.buttons[0].customId,
      });
      expect(u.json.code).toBe(1);
    } finally {
      sim.configure({ remix: false });
    }
    // enableRemix on a remix-off account is refused.
    const refused = await post(sim, "/mj/submit/action", {
      taskId: grid.id,
      customId: grid.buttons[5].customId,
      enableRemix: true,
    });
    expect(refused.json.code).toBe(4);

    // Remix auto-submit: V runs at once with the parent's prompt, unless enableRemix asks for the form.
    sim.configure({ remix: true, remixAutoSubmit: true });
    try {
      const v = grid.buttons[5].customId;
      const ran = await post(sim, "/mj/submit/action", { taskId: grid.id, customId: v });
      expect(ran.json.code).toBe(1);
      expect((await fetchTask(sim, ran.json.result)).action).toBe("VARIATION");
      const asked = await post(sim, "/mj/submit/action", {
        taskId: grid.id,
        customId: v,
        enableRemix: true,
      });
      expect(asked.json.code).toBe(21);
      expect((await fetchTask(sim, asked.json.result)).status).toBe("MODAL");
    } finally {
      sim.configure({ remix: false, remixAutoSubmit: false });
    }
  });

  it("describe: PicReader::N answers 21 with the keycap prompt; Imagine all gives four ids", async () => {
    const image = makePng(48, 32, (x) => x > 20);
    const submit = await post(sim, "/mj/submit/describe", { base64: dataUri(image) });
    expect(submit.json.code).toBe(1);
    const described = await waitFor(sim, submit.json.result);
    expect(described).toMatchObject({
      action: "DESCRIBE",
      status: "SUCCESS",
      prompt: null,
      description: "/describe",
    });
    const text = described.properties.finalPrompt as string;
    expect(described.promptEn).toBe(text);
    const parts = text.split("\n\n");
    expect(parts).toHaveLength(4);
    parts.forEach((p, i) => {
      expect(p.startsWith(`${["1️⃣", "2️⃣", "3️⃣", "4️⃣"][i]} `)).toBe(true);
    });
    expect(parts[0]).toContain("--ar 3:2");
    expect(described.buttons.map((b: { customId: string }) => b.customId)).toEqual([
      "MJ::Job::PicReader::1",
      "MJ::Job::PicReader::2",
      "MJ::Job::PicReader::3",
      "MJ::Job::PicReader::4",
      "MJ::Picread::Retry",
      "MJ::Job::PicReader::all",
    ]);
    expect(described.buttons[5]).toMatchObject({ label: "Imagine all", emoji: "🎉" });
    expect((await download(described.imageUrl)).bytes.equals(image)).toBe(true);

    // Deterministic: the same image gives the same prompts.
    const same = await waitFor(
      sim,
      (await post(sim, "/mj/submit/describe", { base64: dataUri(image) })).json.result,
    );
    expect(same.properties.finalPrompt).toBe(text);

    const pick = await post(sim, "/mj/submit/action", {
      taskId: described.id,
      customId: "MJ::Job::PicReader::2",
    });
    expect(pick.json).toMatchObject({
      code: 21,
      properties: { finalPrompt: parts[1], remix: true },
    });
    const parked = await fetchTask(sim, pick.json.result);
    expect(parked).toMatchObject({ status: "MODAL", action: "IMAGINE" });
    const chosen = (parts[1] as string).replace(/^2️⃣ /, "");
    await post(sim, "/mj/submit/modal", { taskId: pick.json.result, prompt: chosen });
    const imagine = await waitFor(sim, pick.json.result);
    expect(imagine).toMatchObject({ status: "SUCCESS", action: "IMAGINE", prompt: chosen });

    const all = await post(sim, "/mj/submit/action", {
      taskId: described.id,
      customId: "MJ::Job::PicReader::all",
      state: "st",
    });
    expect(all.json.code).toBe(1);
    const ids = (all.json.result as string).split(",");
    expect(ids).toHaveLength(4);
    const tasks = await Promise.all(ids.map((id) => waitFor(sim, id)));
    tasks.forEach((t, i) => {
      expect(t.action).toBe("IMAGINE");
      expect(t.state).toBe(`st::${i + 1}`);
      expect(t.prompt).toBe((parts[i] as string).slice(4));
    });

    const retry = await press(sim, described, "MJ::Picread::Retry");
    expect(retry.action).toBe("DESCRIBE");
    expect(retry.properties.finalPrompt).not.toBe(text);
  });

  it("shorten: five picks open a modal (plus) or are refused (trueai v11)", async () => {
    const prompt =
      "a breathtaking ultra detailed cinematic matte painting of an ancient floating city above the clouds, dramatic lighting, trending on artstation, 8k";
    const submit = await post(sim, "/mj/submit/shorten", { prompt });
    const task = await waitFor(sim, submit.json.result);
    expect(task).toMatchObject({ action: "SHORTEN", status: "SUCCESS", imageUrl: null });
    expect(task.description).toBe(task.properties.finalPrompt);
    expect(task.description).toMatch(/^## Important tokens\n[\s\S]*\n## Shortened prompts\n1️⃣ /);
    expect(task.description).toContain("~~trending~~");
    expect(task.description).toContain("5️⃣ ");
    expect(task.buttons.map((b: { customId: string; label: string }) => b.label)).toEqual([
      "",
      "",
      "",
      "",
      "",
      "Show Details",
    ]);
    const pick = await post(sim, "/mj/submit/action", {
      taskId: task.id,
      customId: "MJ::Job::PromptAnalyzer::4",
    });
    expect(pick.json.code).toBe(21);
    expect(task.description).toContain(`4️⃣ ${pick.json.properties.finalPrompt}`);

    sim.configure({ shortenPicks: "reject" });
    try {
      const refused = await post(sim, "/mj/submit/action", {
        taskId: task.id,
        customId: "MJ::Job::PromptAnalyzer::1",
      });
      expect(refused.json).toMatchObject({ code: 4, description: "未知的 Action 类型" });
    } finally {
      sim.configure({ shortenPicks: "modal" });
    }
  });
});

describe("the gateway dialect", () => {
  let gw: Simulator;
  beforeAll(async () => {
    gw = await start({ dialect: "gateway", remix: true });
  });
  afterAll(async () => {
    await gw.close();
  });

  it("rewrites remix 21 to 1 (task stays MODAL) but keeps 21 for Vary (Region)", async () => {
    const grid = await imagined(gw, "gateway remix");
    const v = await post(gw, "/mj/submit/action", {
      taskId: grid.id,
      customId: grid.buttons[5].customId,
    });
    expect(v.json.code).toBe(1);
    await new Promise((r) => setTimeout(r, 50));
    expect((await fetchTask(gw, v.json.result)).status).toBe("MODAL");

    gw.configure({ remix: false });
    const up = await press(gw, grid, "MJ::JOB::upsample::1::");
    const inpaint = up.buttons.find((b: { customId: string }) =>
      b.customId.startsWith("MJ::Inpaint"),
    );
    const answer = await post(gw, "/mj/submit/action", {
      taskId: up.id,
      customId: inpaint.customId,
    });
    expect(answer.json.code).toBe(21);
  });

  it("refuses customIds new-api cannot map, and unknown fetches, with HTTP 400", async () => {
    const grid = await imagined(gw, "gateway refusals");
    const up = await press(gw, grid, "MJ::JOB::upsample::1::");
    const animate = up.buttons.find((b: { customId: string }) =>
      b.customId.startsWith("MJ::JOB::animate_"),
    );
    const refused = await post(gw, "/mj/submit/action", {
      taskId: up.id,
      customId: animate.customId,
    });
    expect(refused.status).toBe(400);
    expect(refused.json).toEqual({
      description: `unknown_action:${animate.customId}`,
      type: "upstream_error",
      code: 4,
    });
    const unknown = await fetchTask(gw, "1754300999999999");
    expect(unknown).toEqual({ description: "task_no_found ", type: "upstream_error", code: 4 });
  });

  it("rewrites 22 to 1 and shows the gateway's task shape", async () => {
    const queued = await post(gw, "/mj/submit/imagine", { prompt: "wait sim:queued" });
    expect(queued.json.code).toBe(1);
    const fail = await post(gw, "/mj/submit/imagine", { prompt: "x sim:fail" });
    const failed = await waitFor(gw, fail.json.result, "FAILURE");
    expect(failed.progress).toBe("100%");
    expect(Object.keys(failed.properties).sort()).toEqual(["finalPrompt", "finalZhPrompt"]);
    expect(failed).not.toHaveProperty("imageUrls");
    const done = await waitFor(gw, queued.json.result);
    expect(done.properties.finalPrompt).toBe("wait sim:queued");
  });
});
