// /edit end to end: the exact submit, the four edited pictures with their buttons, refused
// inputs, and a proxy whose account cannot edit.
import { PNG } from "pngjs";
import { afterEach, describe, expect, it } from "vitest";
import type { MemberFile } from "../fakes/index.js";
import {
  finalResult,
  labelsOf,
  messageSaying,
  press,
  proxyBodies,
  proxyCalls,
  refusalOf,
  resultWithFiles,
} from "./helpers.js";
import { type PictureHost, pictureHost, png } from "./pictures.js";
import { startWorld, type World } from "./world.js";

let world: World;
let host: PictureHost | undefined;
afterEach(async () => {
  await world?.close();
  await host?.close();
  host = undefined;
});

const PICTURE: MemberFile = {
  filename: "room.png",
  bytes: png(16, 12, [90, 90, 220]),
  contentType: "image/png",
};

/** Where the member's own picture host serves its picture. */
const PICTURE_PATH = "/pictures/room.png?size=large&v=2";

const submits = (w: World) => w.sim.requests.filter((r) => r.path.includes("/submit/"));

describe("/edit", () => {
  it("sends the prompt and the picture as a data URI, and shows the four edits with their buttons", async () => {
    world = await startWorld();
    const { fake } = world;
    const cmd = await fake.runCommand(
      "edit",
      { prompt: "paint the walls yellow" },
      { user: "alice", attachments: { image: PICTURE } },
    );
    expect((await cmd.firstResponse()).type).toBe(5);
    const result = await resultWithFiles(world, cmd, 4);

    const calls = proxyCalls(world, "/submit/edits");
    expect(calls).toHaveLength(1);
    expect(calls[0]?.path).toBe("/fast/mj/submit/edits");
    expect(calls[0]?.body).toEqual({
      prompt: "paint the walls yellow",
      image: `data:image/png;base64,${Buffer.from(PICTURE.bytes).toString("base64")}`,
      state: expect.stringMatching(/^mjcord:/),
    });

    // One public message: the four pictures as attachments, and the result's buttons.
    expect(result.ephemeral).toBe(false);
    expect(result.content).toContain("**paint the walls yellow**");
    expect(result.content).toContain(`<@${fake.users.alice?.id}>`);
    expect(result.content).not.toMatch(/https?:\/\//);
    const pictures = result.attachments.map((a) => PNG.sync.read(Buffer.from(a.bytes)));
    expect(pictures).toHaveLength(4);
    for (const p of pictures) expect(p.width).toBeGreaterThan(0);
    // Four different pictures, not one picture four times.
    expect(
      new Set(result.attachments.map((a) => Buffer.from(a.bytes).toString("base64"))).size,
    ).toBe(4);
    expect(labelsOf(world, result)).toEqual(["U1", "U2", "U3", "U4", "Reroll", "Seed"]);
    // Only the member's own attachment, from Discord's payload, was downloaded.
    const payload = cmd.payload as { data: { resolved: { attachments: Record<string, unknown> } } };
    expect(fake.downloads.map((d) => d.attachmentId)).toEqual(
      Object.keys(payload.data.resolved.attachments),
    );
    expect(fake.violations).toEqual([]);
  });

  it("the result's buttons work: U3 picks the third edit", async () => {
    world = await startWorld();
    const cmd = await world.fake.runCommand(
      "edit",
      { prompt: "paint the walls yellow" },
      { user: "alice", attachments: { image: PICTURE } },
    );
    const edits = await resultWithFiles(world, cmd, 4);
    const u3 = await press(world, edits, "U3");
    const picked = await finalResult(world, u3);
    const [action] = proxyBodies(world, "/submit/action");
    expect(action?.customId).toMatch(/^MJ::JOB::upsample::3::/);
    expect(world.sim.task(action?.taskId ?? "")).toMatchObject({ action: "EDIT" });
    expect(picked.content).toContain("U3 by");
    expect(picked.attachments).toHaveLength(1);
    expect(world.fake.violations).toEqual([]);
  });

  it("a typed link goes to the proxy verbatim and is never fetched by the bot", async () => {
    // The picture host is on loopback: its link is passed on with ALLOW_PRIVATE_IMAGE_URLS on.
    world = await startWorld({ config: { allowPrivateImageUrls: true } });
    host = await pictureHost(PICTURE_PATH);
    const cmd = await world.fake.runCommand(
      "edit",
      { prompt: "remove the lamp", image_url: host.url, mode: "relax" },
      { user: "alice" },
    );
    await resultWithFiles(world, cmd, 4);
    const [call] = proxyCalls(world, "/submit/edits");
    expect(call?.path).toBe("/relax/mj/submit/edits");
    expect(call?.body).toEqual({
      prompt: "remove the lamp",
      image: host.url,
      state: expect.stringMatching(/^mjcord:/),
    });
    expect(host.hits).toEqual([]);
    expect(world.fake.downloads).toEqual([]);
    expect(world.fake.violations).toEqual([]);
  });
});

describe("/edit, refused inputs", () => {
  const cases: { what: string; options: (url: string) => Record<string, string>; says: RegExp }[] =
    [
      {
        what: "both an attachment and a link",
        options: (url) => ({ prompt: "remove the lamp", image_url: url }),
        says: /exactly one of `image`.*or `image_url`/,
      },
      {
        what: "neither an attachment nor a link",
        options: () => ({ prompt: "remove the lamp" }),
        says: /exactly one of `image`.*or `image_url`/,
      },
      {
        what: "an ftp link",
        options: () => ({ prompt: "remove the lamp", image_url: "ftp://x" }),
        says: /`image_url` must be an http\(s\) link/,
      },
      {
        what: "text that is not a link",
        options: () => ({ prompt: "remove the lamp", image_url: "not a url" }),
        says: /`image_url` must be an http\(s\) link/,
      },
      {
        what: "a blank prompt",
        options: (url) => ({ prompt: "   ", image_url: url }),
        says: /prompt cannot be empty/,
      },
    ];

  for (const c of cases) {
    it(`${c.what}: a private answer, nothing fetched or sent`, async () => {
      world = await startWorld();
      host = await pictureHost(PICTURE_PATH);
      const both = c.what.startsWith("both");
      const cmd = await world.fake.runCommand("edit", c.options(host.url), {
        user: "alice",
        ...(both ? { attachments: { image: PICTURE } } : {}),
      });
      const reply = await refusalOf(world, cmd);
      expect(reply.ephemeral).toBe(true);
      expect(reply.content).toMatch(c.says);
      expect(world.fake.downloads).toEqual([]);
      expect(host.hits).toEqual([]);
      expect(submits(world)).toEqual([]);
      expect(world.fake.violations).toEqual([]);
    });
  }

  it("an attachment whose bytes are not a picture: the public reply is withdrawn, told privately", async () => {
    world = await startWorld();
    const cmd = await world.fake.runCommand(
      "edit",
      { prompt: "remove the lamp" },
      {
        user: "alice",
        attachments: {
          image: {
            filename: "room.png",
            bytes: Buffer.from("<html>not a picture</html>"),
            contentType: "image/png",
          },
        },
      },
    );
    const reply = await refusalOf(world, cmd);
    expect(reply.ephemeral).toBe(true);
    expect(reply.content).toMatch(/`image` is not a PNG, JPEG, WebP or GIF image/);
    expect(cmd.original()?.deleted ?? true).toBe(true);
    expect(submits(world)).toEqual([]);
    expect(world.fake.violations).toEqual([]);
  });
});

describe("/edit, proxy errors", () => {
  it("an account that cannot edit (code 9) is told in plain words", async () => {
    world = await startWorld({ sim: { editsSupported: false } });
    const cmd = await world.fake.runCommand(
      "edit",
      { prompt: "paint the walls yellow" },
      { user: "alice", attachments: { image: PICTURE } },
    );
    const failed = await messageSaying(world, cmd, /cannot edit/);
    expect(failed.ephemeral).toBe(false);
    expect(failed.content).toContain("❌");
    expect(failed.content).not.toMatch(/编辑|code 9/);
    expect(failed.attachments).toEqual([]);
    expect(labelsOf(world, failed)).toEqual(["Retry"]);
    expect(proxyCalls(world, "/submit/edits")).toHaveLength(1);
    expect(world.fake.violations).toEqual([]);
  });

  it("a task that fails while running is shown as failed, in plain words", async () => {
    world = await startWorld();
    const cmd = await world.fake.runCommand(
      "edit",
      { prompt: "paint the walls yellow sim:timeout" },
      { user: "alice", attachments: { image: PICTURE } },
    );
    const failed = await messageSaying(world, cmd, /timed out after 5 minutes/);
    expect(failed.attachments).toEqual([]);
    expect(labelsOf(world, failed)).toEqual(["Retry"]);
    expect(world.fake.violations).toEqual([]);
  });
});
