// /video end to end: the price offer, the confirmation, the exact submit, the result's media
// and buttons, refused inputs and a proxy that has video switched off.
import { PNG } from "pngjs";
import { afterEach, describe, expect, it } from "vitest";
import type { FakeInteraction, FakeMessage, MemberFile } from "../fakes/index.js";
import {
  labelsOf,
  messageSaying,
  press,
  proxyBodies,
  proxyCalls,
  refusalOf,
  resultWithButtons,
  resultWithFiles,
} from "./helpers.js";
import { dataUri, type PictureHost, pictureHost, png } from "./pictures.js";
import { buttonsByLabel, startWorld, type World } from "./world.js";

let world: World;
let host: PictureHost | undefined;
afterEach(async () => {
  await world?.close();
  await host?.close();
  host = undefined;
});

const START_FRAME: MemberFile = {
  filename: "start.png",
  bytes: png(12, 8, [200, 40, 40]),
  contentType: "image/png",
};

/**
 * Where the member's own picture host serves its picture. The query string is as Discord's CDN
 * signs it: it must reach the proxy untouched.
 */
const PICTURE_PATH = "/pictures/start.png?ex=6650a1b2&is=664f5032&hm=abc123&";

/** The private offer the command answers with, once it shows its button. */
function offerOf(w: World, cmd: FakeInteraction): Promise<FakeMessage> {
  return w.fake.waitFor(
    () => {
      const m = cmd.original();
      return m && !m.loading && w.fake.buttons(m.id).length > 0 ? m : undefined;
    },
    { what: "the video offer" },
  );
}

const extensions = (m: FakeMessage) => m.attachments.map((a) => a.filename.split(".").pop());

describe("/video", () => {
  it("offers the price privately, submits only on confirmation, and shows the grid and the videos", async () => {
    world = await startWorld();
    const { fake } = world;
    const cmd = await fake.runCommand(
      "video",
      { prompt: "the fox starts running" },
      { user: "alice", attachments: { image: START_FRAME } },
    );
    const offer = await offerOf(world, cmd);
    expect(offer.ephemeral).toBe(true);
    expect(offer.content).toContain("480p");
    expect(offer.content).toContain("7.5×");
    expect(labelsOf(world, offer)).toEqual(["Make the video (7.5×)"]);
    // The command has answered: nothing was spent yet.
    expect(proxyCalls(world, "/submit/video")).toHaveLength(0);
    // Only the member's own attachment, from Discord's payload, was downloaded.
    const payload = cmd.payload as { data: { resolved: { attachments: Record<string, unknown> } } };
    const given = Object.keys(payload.data.resolved.attachments);
    expect(fake.downloads.map((d) => d.attachmentId)).toEqual(given);

    const go = await press(world, offer, "Make the video (7.5×)");
    const result = await resultWithFiles(world, go, 5);
    const calls = proxyCalls(world, "/submit/video");
    expect(calls).toHaveLength(1);
    expect(calls[0]?.path).toBe("/fast/mj/submit/video");
    expect(calls[0]?.body).toEqual({
      prompt: "the fox starts running",
      image: dataUri(START_FRAME.bytes),
      motion: "low",
      videoType: "vid_1.1_i2v_480",
      state: expect.stringMatching(/^mjcord:/),
    });

    // A public message: the animated grid, then the four videos, all uploaded.
    expect(result.ephemeral).toBe(false);
    expect(result.content).toContain("**the fox starts running**");
    expect(result.content).toContain(`<@${fake.users.alice?.id}>`);
    expect(extensions(result)).toEqual(["png", "mp4", "mp4", "mp4", "mp4"]);
    const [grid, ...videos] = result.attachments;
    expect(PNG.sync.read(Buffer.from(grid?.bytes ?? [])).width).toBeGreaterThan(0);
    for (const v of videos) {
      expect(Buffer.from(v.bytes).subarray(4, 8).toString("latin1")).toBe("ftyp");
    }
    expect(result.content).not.toMatch(/https?:\/\//);
    expect(labelsOf(world, result)).toEqual(["U1", "U2", "U3", "U4", "Reroll", "Seed"]);
    // 🌱 answers the presser privately.
    const seed = await press(world, result, "Seed");
    const seedReply = await fake.waitFor(() => {
      const m = seed.original();
      return m && !m.loading ? m : undefined;
    });
    expect(seedReply.ephemeral).toBe(true);
    expect(seedReply.content).toMatch(/🌱 Seed: `\d+`/);
    expect(fake.violations).toEqual([]);
  });

  it("720p costs 26×; motion, quality and mode reach the proxy; a typed link is passed verbatim, never fetched", async () => {
    // The picture host is on loopback: its link is passed on with ALLOW_PRIVATE_IMAGE_URLS on.
    world = await startWorld({ config: { allowPrivateImageUrls: true } });
    host = await pictureHost(PICTURE_PATH);
    const cmd = await world.fake.runCommand(
      "video",
      {
        prompt: "waves crash",
        image_url: host.url,
        motion: "high",
        quality: "720p",
        mode: "relax",
      },
      { user: "alice" },
    );
    const offer = await offerOf(world, cmd);
    expect(offer.ephemeral).toBe(true);
    expect(offer.content).toContain("720p");
    expect(offer.content).toContain("26×");
    expect(offer.content).toContain("high motion");
    expect(proxyCalls(world, "/submit/video")).toHaveLength(0);

    const go = await press(world, offer, "Make the video (26×)");
    await resultWithFiles(world, go, 5);
    const [call] = proxyCalls(world, "/submit/video");
    expect(call?.path).toBe("/relax/mj/submit/video");
    expect(call?.body).toEqual({
      prompt: "waves crash",
      image: host.url,
      motion: "high",
      videoType: "vid_1.1_i2v_720",
      state: expect.stringMatching(/^mjcord:/),
    });
    // Neither the bot nor anything else asked the member's host for the picture.
    expect(host.hits).toEqual([]);
    expect(world.fake.downloads).toEqual([]);
    expect(world.fake.violations).toEqual([]);
  });

  it("only the member who asked can confirm, and a second press does not submit again", async () => {
    world = await startWorld();
    const { fake } = world;
    const cmd = await fake.runCommand(
      "video",
      { prompt: "the fox starts running" },
      { user: "alice", attachments: { image: START_FRAME } },
    );
    const offer = await offerOf(world, cmd);
    const confirm = buttonsByLabel(world, offer.id).get("Make the video (7.5×)") ?? "";

    // Discord shows the private offer to alice only: bob cannot press it at all.
    await expect(fake.pressButton(offer.id, confirm, { user: "bob" })).rejects.toThrow(/ephemeral/);
    // Even if Discord delivered a press from bob, the bot would refuse it.
    const visibleTo = offer.visibleTo;
    offer.visibleTo = fake.users.bob?.id;
    const bobs = await fake.pressButton(offer.id, confirm, { user: "bob" });
    offer.visibleTo = visibleTo;
    const refused = await fake.waitFor(() => bobs.original() ?? bobs.followUps()[0]);
    expect(refused.ephemeral).toBe(true);
    expect(refused.content).toMatch(new RegExp(`Only <@${fake.users.alice?.id}> can confirm`));
    expect(proxyCalls(world, "/submit/video")).toHaveLength(0);

    // A double click: one press makes the video, the other is told privately.
    const clicks = [
      await fake.pressButton(offer.id, confirm, { user: "alice" }),
      await fake.pressButton(offer.id, confirm, { user: "alice" }),
    ];
    const second = await fake.waitFor(() =>
      clicks.find((c) => c.original()?.ephemeral || c.followUps()[0]?.ephemeral),
    );
    const first = clicks.find((c) => c !== second) as FakeInteraction;
    await resultWithFiles(world, first, 5);
    expect((second.original() ?? second.followUps()[0])?.content).toMatch(/already confirmed/i);
    // A later press, after the video is made, does not submit again either.
    const late = await fake.pressButton(offer.id, confirm, { user: "alice" });
    const lateReply = await fake.waitFor(() => late.original() ?? late.followUps()[0]);
    expect(lateReply.ephemeral).toBe(true);
    expect(lateReply.content).toMatch(/already confirmed/i);
    expect(proxyCalls(world, "/submit/video")).toHaveLength(1);
    expect(fake.violations).toEqual([]);
  });

  it("uploads what fits the channel's limit and links the videos that do not", async () => {
    // The simulator's mp4s are 4096 bytes; its 96 px grid PNG is far smaller.
    world = await startWorld({
      fake: { attachmentSizeLimit: 4000 },
      config: { allowPrivateImageUrls: true },
    });
    host = await pictureHost(PICTURE_PATH);
    const cmd = await world.fake.runCommand(
      "video",
      { prompt: "the fox starts running", image_url: host.url },
      { user: "alice" },
    );
    const go = await press(world, await offerOf(world, cmd), "Make the video (7.5×)");
    const result = await resultWithButtons(world, go);
    expect(extensions(result)).toEqual(["png"]);
    const links = result.content.match(/https?:\/\/\S+\.mp4/g) ?? [];
    expect(links).toHaveLength(4);
    for (const link of links) expect(link.startsWith(`${world.sim.url}/`)).toBe(true);
    expect(labelsOf(world, result)).toEqual(["U1", "U2", "U3", "U4", "Reroll", "Seed"]);
    expect(host.hits).toEqual([]);
    expect(world.fake.violations).toEqual([]);
  });

  it("U1 selects a video, whose Extend (High/Low motion) buttons make new videos", async () => {
    world = await startWorld();
    const cmd = await world.fake.runCommand(
      "video",
      { prompt: "the fox starts running" },
      { user: "alice", attachments: { image: START_FRAME } },
    );
    const go = await press(world, await offerOf(world, cmd), "Make the video (7.5×)");
    const grid = await resultWithFiles(world, go, 5);

    // U1: video_virtual_upscale, no form: the selected video with its thumbnail.
    const u1 = await press(world, grid, "U1");
    expect((await u1.firstResponse()).type).toBe(5);
    const selected = await resultWithFiles(world, u1, 2);
    const [select] = proxyBodies(world, "/submit/action");
    expect(select?.customId).toMatch(/^MJ::JOB::video_virtual_upscale::1::/);
    expect(world.sim.task(select?.taskId ?? "")).toMatchObject({ action: "VIDEO" });
    expect(selected.content).toContain("U1 by");
    expect(extensions(selected)).toEqual(["png", "mp4"]);
    const selectedLabels = labelsOf(world, selected);
    expect(selectedLabels).toContain("Extend (High motion)");
    expect(selectedLabels).toContain("Extend (Low motion)");

    // Remix is off by default: Extend submits at once (no form), and gives a new video grid.
    const high = await press(world, selected, "Extend (High motion)");
    expect((await high.firstResponse()).type).toBe(5);
    const extendedHigh = await resultWithFiles(world, high, 5);
    const low = await press(world, selected, "Extend (Low motion)");
    expect((await low.firstResponse()).type).toBe(5);
    const extendedLow = await resultWithFiles(world, low, 5);

    const actions = proxyBodies(world, "/submit/action");
    expect(actions).toHaveLength(3);
    expect(actions[1]?.customId).toMatch(/^MJ::JOB::animate_high_extend::/);
    expect(actions[2]?.customId).toMatch(/^MJ::JOB::animate_low_extend::/);
    // The extends press the selected video's own buttons, not the grid's.
    const selectedTaskId = actions[1]?.taskId ?? "";
    expect(selectedTaskId).not.toBe(select?.taskId);
    expect(world.sim.task(selectedTaskId)).toMatchObject({ action: "UPSCALE" });
    expect(actions[2]?.taskId).toBe(selectedTaskId);
    for (const extended of [extendedHigh, extendedLow]) {
      expect(extensions(extended)).toEqual(["png", "mp4", "mp4", "mp4", "mp4"]);
      expect(labelsOf(world, extended)).toEqual(["U1", "U2", "U3", "U4", "Reroll", "Seed"]);
    }
    expect(extendedHigh.content).toContain("Extend (High motion) by");
    expect(proxyCalls(world, "/submit/modal")).toHaveLength(0);
    expect(world.fake.violations).toEqual([]);
  });
});

describe("/video, refused inputs", () => {
  const cases: { what: string; options: (url: string) => Record<string, string>; says: RegExp }[] =
    [
      {
        what: "both an attachment and a link",
        options: (url) => ({ prompt: "the fox runs", image_url: url }),
        says: /exactly one of `image`.*or `image_url`/,
      },
      {
        what: "neither an attachment nor a link",
        options: () => ({ prompt: "the fox runs" }),
        says: /exactly one of `image`.*or `image_url`/,
      },
      {
        what: "an ftp link",
        options: () => ({ prompt: "the fox runs", image_url: "ftp://x" }),
        says: /`image_url` must be an http\(s\) link/,
      },
      {
        what: "text that is not a link",
        options: () => ({ prompt: "the fox runs", image_url: "not a url" }),
        says: /`image_url` must be an http\(s\) link/,
      },
    ];

  for (const c of cases) {
    it(`${c.what}: a private answer, no offer, nothing fetched or sent`, async () => {
      world = await startWorld();
      host = await pictureHost(PICTURE_PATH);
      const both = c.what.startsWith("both");
      const cmd = await world.fake.runCommand("video", c.options(host.url), {
        user: "alice",
        ...(both ? { attachments: { image: START_FRAME } } : {}),
      });
      const reply = await refusalOf(world, cmd);
      expect(reply.ephemeral).toBe(true);
      expect(reply.content).toMatch(c.says);
      expect(reply.content).toMatch(/Nothing was submitted/);
      expect(world.fake.buttons(reply.id)).toEqual([]);
      expect(world.fake.downloads).toEqual([]);
      expect(host.hits).toEqual([]);
      expect(world.sim.requests.filter((r) => r.path.includes("/submit/"))).toEqual([]);
      expect(world.fake.violations).toEqual([]);
    });
  }

  it("an attachment that is not a picture is refused from its bytes, whatever its name says", async () => {
    world = await startWorld();
    const cmd = await world.fake.runCommand(
      "video",
      { prompt: "the fox runs" },
      {
        user: "alice",
        attachments: {
          image: {
            filename: "frame.png",
            bytes: Buffer.from("GIF? no."),
            contentType: "image/png",
          },
        },
      },
    );
    const reply = await refusalOf(world, cmd);
    expect(reply.ephemeral).toBe(true);
    expect(reply.content).toMatch(/`image` is not a PNG, JPEG, WebP or GIF image/);
    expect(world.fake.buttons(reply.id)).toEqual([]);
    expect(world.sim.requests.filter((r) => r.path.includes("/submit/"))).toEqual([]);
    expect(world.fake.violations).toEqual([]);
  });

  it("a file Discord says is not an image is refused before it is downloaded", async () => {
    world = await startWorld();
    const cmd = await world.fake.runCommand(
      "video",
      { prompt: "the fox runs" },
      {
        user: "alice",
        attachments: {
          image: { filename: "notes.txt", bytes: Buffer.from("hello"), contentType: "text/plain" },
        },
      },
    );
    const reply = await refusalOf(world, cmd);
    expect(reply.ephemeral).toBe(true);
    expect(reply.content).toMatch(/`image` is not an image/);
    expect(world.fake.downloads).toEqual([]);
    expect(world.sim.requests.filter((r) => r.path.includes("/submit/"))).toEqual([]);
    expect(world.fake.violations).toEqual([]);
  });
});

describe("/video, proxy errors", () => {
  it("a proxy with video switched off (code 9) is told in plain words, with a Retry", async () => {
    world = await startWorld({ sim: { videoSupported: false } });
    const cmd = await world.fake.runCommand(
      "video",
      { prompt: "the fox starts running" },
      { user: "alice", attachments: { image: START_FRAME } },
    );
    const offer = await offerOf(world, cmd);
    expect(proxyCalls(world, "/submit/video")).toHaveLength(0);
    const go = await press(world, offer, "Make the video (7.5×)");
    const failed = await messageSaying(world, go, /Video is not enabled on this proxy/);
    expect(failed.ephemeral).toBe(false);
    expect(failed.content).toContain("❌");
    expect(failed.content).not.toMatch(/视频|code 9/);
    expect(labelsOf(world, failed)).toEqual(["Retry"]);
    expect(failed.attachments).toEqual([]);
    // The refused submit was not retried: the proxy was asked once.
    expect(proxyCalls(world, "/submit/video")).toHaveLength(1);
    expect(world.fake.violations).toEqual([]);
  });
});
