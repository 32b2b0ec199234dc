// Results with several pictures or videos, end to end: the job's message develops as a plain
// message and its final edit turns it into a Components V2 message — the words in a Text
// Display, every picture in a Media Gallery of the uploaded files, the buttons as before —
// which Discord (the fake) accepts on each route the bot may use. One picture stays plain.
import { afterEach, describe, expect, it } from "vitest";
import type { FakeInteraction, FakeMessage, MemberFile } from "../fakes/index.js";
import { finalResult, labelsOf, messageSaying, press, proxyBodies } from "./helpers.js";
import { png } from "./pictures.js";
import { startWorld, type World, type WorldOptions } from "./world.js";

let world: World;
afterEach(async () => {
  await world?.close();
});

const IS_COMPONENTS_V2 = 1 << 15;
const CJK = /[\u4e00-\u9fff]/;

const PICTURE: MemberFile = {
  filename: "room.png",
  bytes: png(16, 12, [90, 90, 220]),
  contentType: "image/png",
};

/** Waits until the message shows a gallery of `count` items. */
function galleryOf(w: World, message: () => FakeMessage | undefined, count: number) {
  return w.fake.waitFor(
    () => {
      const m = message();
      return m && !m.loading && w.fake.gallery(m.id).length === count ? m : undefined;
    },
    { what: `a gallery of ${count}`, timeoutMs: 20_000 },
  );
}

async function edit(options: WorldOptions = {}, user = "alice") {
  world = await startWorld(options);
  const cmd = await world.fake.runCommand(
    "edit",
    { prompt: "paint the walls yellow" },
    { user, attachments: { image: PICTURE } },
  );
  return cmd;
}

/** What every gallery of an /edit result shows: its four uploaded pictures, in order. */
function expectFourPictures(w: World, result: FakeMessage): void {
  expect(w.fake.isComponentsV2(result.id)).toBe(true);
  const items = w.fake.gallery(result.id);
  expect(items).toHaveLength(4);
  // Each item is one of the message's own uploads, and all four are there, each once.
  expect(items.map((i) => i.attachment?.id)).toEqual(result.attachments.map((a) => a.id));
  expect(
    new Set(items.map((i) => Buffer.from(i.attachment?.bytes ?? []).toString("base64"))).size,
  ).toBe(4);
  for (const item of items) expect(item.url).toMatch(/^attachment:\/\/mjcord_.+\.png$/);
}

const sentAsV2 = (m: FakeMessage) =>
  m.writes.filter((w) => ((w.body.flags as number | undefined) ?? 0) & IS_COMPONENTS_V2);

describe("/edit's four pictures", () => {
  it("the plain progress message becomes a gallery of all four, with the words and the buttons", async () => {
    const cmd = await edit({ sim: { stepMs: 150 } });
    const progress = await messageSaying(world, cmd, /%/);
    expect(world.fake.isComponentsV2(progress.id)).toBe(false);
    const result = await galleryOf(world, () => cmd.original(), 4);

    expect(result.id).toBe(progress.id); // the same message, edited
    expect(result.ephemeral).toBe(false);
    expectFourPictures(world, result);
    // What the member reads: the prompt, the mention, no links, the alt text of each picture.
    expect(result.content).toContain("**paint the walls yellow**");
    expect(result.content).toContain(`<@${world.fake.users.alice?.id}>`);
    expect(result.content).not.toMatch(/https?:\/\//);
    expect(world.fake.gallery(result.id).map((i) => i.description)).toEqual([
      "Picture 1 of 4",
      "Picture 2 of 4",
      "Picture 3 of 4",
      "Picture 4 of 4",
    ]);
    expect(labelsOf(world, result)).toEqual(["U1", "U2", "U3", "U4", "Reroll", "Seed"]);
    // The flag came with the final edit, through the interaction webhook, with the legacy
    // fields cleared; nothing before it had it.
    const [upgrade, ...later] = sentAsV2(result);
    expect(later).toEqual([]);
    expect(upgrade?.via).toBe("webhook");
    expect(upgrade?.body).toMatchObject({ content: null, embeds: null });
    expect(result.writes.at(-1)).toBe(upgrade);
    expect(world.fake.violations).toEqual([]);
  });

  it("the gallery's buttons work: U3 picks the third edit, shown as one plain picture", async () => {
    const cmd = await edit();
    const edits = await galleryOf(world, () => cmd.original(), 4);
    const u3 = await press(world, edits, "U3");
    const picked = await finalResult(world, u3);
    const [action] = proxyBodies(world, "/submit/action");
    expect(action?.customId).toMatch(/^MJ::JOB::upsample::3::/);
    expect(picked.attachments).toHaveLength(1);
    expect(world.fake.isComponentsV2(picked.id)).toBe(false);
    expect(world.fake.gallery(picked.id)).toEqual([]);
    expect(picked.content).toContain("U3 by");
    expect(sentAsV2(picked)).toEqual([]);
    expect(world.fake.violations).toEqual([]);
  });

  it("with the interaction token unusable, the gallery goes through the channel route", async () => {
    const cmd = await edit({ tokenSafetyMs: 0 });
    const result = await galleryOf(world, () => cmd.original(), 4);
    expectFourPictures(world, result);
    expect(sentAsV2(result).map((w) => w.via)).toEqual(["channel"]);
    expect(world.fake.violations).toEqual([]);
  });

  it("a message deleted mid-job: the gallery is posted anew", async () => {
    const cmd = await edit({ sim: { stepMs: 150 } });
    const progress = await messageSaying(world, cmd, /%/);
    world.fake.deleteMessage(progress.id);
    const anew = await galleryOf(world, () => cmd.followUps()[0], 4);
    expectFourPictures(world, anew);
    expect(anew.writes[0]?.kind).toBe("create");
    expect(labelsOf(world, anew)).toEqual(["U1", "U2", "U3", "U4", "Reroll", "Seed"]);
    expect(world.fake.violations).toEqual([]);
  });

  it("deleted mid-job with the token unusable: the gallery is posted anew in the channel", async () => {
    const cmd = await edit({ sim: { stepMs: 150 }, tokenSafetyMs: 0 });
    const progress = await messageSaying(world, cmd, /%/);
    world.fake.deleteMessage(progress.id);
    const anew = await galleryOf(
      world,
      () => world.fake.channelMessages().find((m) => m.id !== progress.id && m.via === "channel"),
      4,
    );
    expectFourPictures(world, anew);
    expect(sentAsV2(anew).map((w) => [w.kind, w.via])).toEqual([["create", "channel"]]);
    expect(world.fake.violations).toEqual([]);
  });

  it("a zh-CN member's gallery reads Chinese", async () => {
    world = await startWorld();
    world.fake.addMember("li", { locale: "zh-CN" });
    const cmd = await world.fake.runCommand(
      "edit",
      { prompt: "paint the walls yellow" },
      { user: "li", attachments: { image: PICTURE } },
    );
    const result = await galleryOf(world, () => cmd.original(), 4);
    expectFourPictures(world, result);
    expect(result.content).toContain("**paint the walls yellow**");
    expect(result.content).toContain("(快速)");
    expect(world.fake.gallery(result.id).map((i) => i.description)).toEqual([
      "第 1 张图片，共 4 项",
      "第 2 张图片，共 4 项",
      "第 3 张图片，共 4 项",
      "第 4 张图片，共 4 项",
    ]);
    expect(labelsOf(world, result)).toContain("种子");
    expect(result.content).not.toMatch(/\(fast\)/);
    expect(CJK.test(result.content)).toBe(true);
    expect(world.fake.violations).toEqual([]);
  });
});

describe("a video result", () => {
  /** /video to its confirmed offer's press. */
  async function video(): Promise<FakeInteraction> {
    world = await startWorld();
    const cmd = await world.fake.runCommand(
      "video",
      { prompt: "the fox starts running" },
      { user: "alice", attachments: { image: PICTURE } },
    );
    const offer = await world.fake.waitFor(() => {
      const m = cmd.original();
      return m && !m.loading && world.fake.buttons(m.id).length > 0 ? m : undefined;
    });
    return press(world, offer, "Make the video (7.5×)");
  }

  it("the grid's picture and its four videos in one gallery; U1 works from it", async () => {
    const go = await video();
    const grid = await galleryOf(world, () => go.original(), 5);
    const items = world.fake.gallery(grid.id);
    expect(items.map((i) => i.attachment?.filename.split(".").pop())).toEqual([
      "png",
      "mp4",
      "mp4",
      "mp4",
      "mp4",
    ]);
    expect(items.map((i) => i.description)).toEqual([
      "Picture 1 of 5",
      "Video 2 of 5",
      "Video 3 of 5",
      "Video 4 of 5",
      "Video 5 of 5",
    ]);
    expect(grid.content).toContain("**the fox starts running**");
    expect(labelsOf(world, grid)).toEqual(["U1", "U2", "U3", "U4", "Reroll", "Seed"]);

    const u1 = await press(world, grid, "U1");
    const selected = await galleryOf(world, () => u1.original(), 2);
    expect(world.fake.gallery(selected.id).map((i) => i.description)).toEqual([
      "Picture 1 of 2",
      "Video 2 of 2",
    ]);
    expect(labelsOf(world, selected)).toContain("Extend (High motion)");
    expect(world.fake.violations).toEqual([]);
  });
});

describe("a result with one picture", () => {
  it("an /imagine grid stays a plain message: content and one attachment, no gallery", async () => {
    world = await startWorld();
    const cmd = await world.fake.runCommand("imagine", { prompt: "a red fox" }, { user: "alice" });
    const grid = await finalResult(world, cmd);
    expect(world.fake.isComponentsV2(grid.id)).toBe(false);
    expect(world.fake.gallery(grid.id)).toEqual([]);
    expect(grid.attachments).toHaveLength(1);
    expect(grid.content).toContain("**a red fox**");
    expect(sentAsV2(grid)).toEqual([]);
    expect(world.fake.violations).toEqual([]);
  });
});
