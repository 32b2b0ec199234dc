import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Simulator } from "../../src/simulator/index.js";
import {
  dataUri,
  decodePng,
  download,
  fetchTask,
  imagined,
  makePng,
  PNG_SIGNATURE,
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

describe("video", () => {
  it("a video task gives four mp4s, U1-U4 and reroll; U gives a selected video with extends", async () => {
    const answer = await post(sim, "/mj/submit/video", {
      prompt: "the fox turns its head",
      image: dataUri(makePng(16, 16, (x, y) => x > y)),
      motion: "high",
      state: "v",
    });
    expect(answer.json.code).toBe(1);
    const task = await waitFor(sim, answer.json.result);
    expect(task).toMatchObject({ action: "VIDEO", status: "SUCCESS", state: "v" });
    expect(task.prompt).toMatch(/the fox turns its head --video 1 --motion high$/);
    expect(task.videoUrls).toHaveLength(4);
    expect(task.imageUrls).toEqual(task.videoUrls);
    for (const link of task.videoUrls) {
      expect(Object.keys(link).sort()).toEqual(["thumbnail", "url"]);
    }
    const mp4 = await download(task.videoUrls[0].url);
    expect(mp4.type).toBe("video/mp4");
    expect(mp4.bytes.subarray(4, 8).toString("latin1")).toBe("ftyp");
    const thumb = await download(task.videoUrls[0].thumbnail);
    expect(thumb.bytes.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    expect((await download(task.imageUrl)).type).toBe("image/png");

    const h = task.properties.messageHash;
    expect(task.buttons.map((b: { customId: string }) => b.customId)).toEqual([
      `MJ::JOB::video_virtual_upscale::1::${h}`,
      `MJ::JOB::video_virtual_upscale::2::${h}`,
      `MJ::JOB::video_virtual_upscale::3::${h}`,
      `MJ::JOB::video_virtual_upscale::4::${h}`,
      `MJ::JOB::reroll::0::${h}::SOLO`,
    ]);

    const selected = await press(sim, task, "MJ::JOB::video_virtual_upscale::3::");
    expect(selected).toMatchObject({ action: "UPSCALE", status: "SUCCESS" });
    expect(selected.videoUrl).toBe(task.videoUrls[2].url);
    expect(selected.buttons).toEqual([
      {
        customId: `MJ::JOB::animate_high_extend::3::${h}`,
        emoji: "🎞️",
        label: "Extend (High motion)",
        style: 2,
        type: 2,
      },
      {
        customId: `MJ::JOB::animate_low_extend::3::${h}`,
        emoji: "🎞️",
        label: "Extend (Low motion)",
        style: 2,
        type: 2,
      },
    ]);
    const extended = await press(sim, selected, "MJ::JOB::animate_low_extend::");
    expect(extended).toMatchObject({ action: "VIDEO", status: "SUCCESS" });

    const viaApi = await post(sim, "/mj/submit/video", {
      prompt: "walks away",
      action: "extend",
      taskId: task.id,
      index: 0,
    });
    expect(viaApi.json.code).toBe(1);
    expect((await waitFor(sim, viaApi.json.result)).description).toBe("/video extend");
    const badIndex = await post(sim, "/mj/submit/video", {
      action: "extend",
      taskId: task.id,
      index: 7,
    });
    expect(badIndex.json.code).toBe(4);
    const noParent = await post(sim, "/mj/submit/video", {
      action: "extend",
      taskId: "1754300999999999",
      index: 0,
    });
    expect(noParent.status).toBe(404);
  });

  it("animate on an upscale gives a video; video can be switched off", async () => {
    const up = await press(sim, await imagined(sim, "animate me"), "MJ::JOB::upsample::1::");
    const video = await press(sim, up, "MJ::JOB::animate_high::");
    expect(video.action).toBe("VIDEO");
    expect(video.videoUrls).toHaveLength(4);
    sim.configure({ videoSupported: false });
    try {
      expect((await post(sim, "/mj/submit/video", { prompt: "x" })).json).toMatchObject({
        code: 9,
        description: "视频功能未启用",
      });
    } finally {
      sim.configure({ videoSupported: true });
    }
  });
});

describe("edits and face swap", () => {
  it("edits give four PNGs in imageUrls with U1-U4 and reroll", async () => {
    const answer = await post(sim, "/mj/submit/edits", {
      prompt: "replace the sky with a starry night",
      image: dataUri(makePng(24, 24)),
    });
    const task = await waitFor(sim, answer.json.result);
    expect(task).toMatchObject({ action: "EDIT", status: "SUCCESS", videoUrls: null });
    expect(task.imageUrls).toHaveLength(4);
    expect(task.imageUrl).toBe(task.imageUrls[0].url);
    const png = decodePng((await download(task.imageUrls[3].url)).bytes);
    expect(png.width).toBe(64);
    expect(task.buttons.map((b: { label: string; emoji: string }) => b.label || b.emoji)).toEqual([
      "U1",
      "U2",
      "U3",
      "U4",
      "🔄",
    ]);
    const alias = await post(sim, "/mj/submit/edit", { prompt: "x", image: "https://e.com/a.png" });
    expect(alias.json.code).toBe(1);
    sim.configure({ editsSupported: false });
    try {
      expect(
        (await post(sim, "/mj/submit/edits", { prompt: "x", image: "https://e.com/a.png" })).json,
      ).toMatchObject({ code: 9, description: "当前账号不支持编辑/重绘任务" });
    } finally {
      sim.configure({ editsSupported: true });
    }
  });

  it("face swap stays at 0% until 100%, with no buttons", async () => {
    const same = dataUri(makePng(8, 8));
    expect(
      (await post(sim, "/mj/insight-face/swap", { sourceBase64: same, targetBase64: same })).json
        .code,
    ).toBe(4);
    const answer = await post(sim, "/mj/insight-face/swap", {
      sourceBase64: dataUri(makePng(8, 8)),
      targetUrl: "https://example.com/target.png",
    });
    expect(answer.json.code).toBe(1);
    const progress = new Set<string>();
    let task = await fetchTask(sim, answer.json.result);
    while (task.status !== "SUCCESS") {
      if (task.progress !== null) progress.add(task.progress);
      await new Promise((r) => setTimeout(r, 2));
      task = await fetchTask(sim, answer.json.result);
    }
    expect([...progress]).toEqual(["0%"]);
    expect(task).toMatchObject({
      action: "SWAP_FACE",
      botType: "INSIGHT_FACE",
      prompt: null,
      buttons: [],
      progress: "100%",
    });
    expect(Object.keys(task.properties).sort()).toEqual(["nonce", "notifyHook"]);
    expect((await download(task.imageUrl)).type).toBe("image/png");
  });
});
