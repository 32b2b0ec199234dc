// /swapface end to end: the exact submit, the swapped picture with no buttons, refused
// inputs, and a proxy whose face-swap queue is full.
import { PNG } from "pngjs";
import { afterEach, describe, expect, it } from "vitest";
import type { MemberFile } from "../fakes/index.js";
import { finalResult, messageSaying, proxyCalls, refusalOf } from "./helpers.js";
import { dataUri, png } from "./pictures.js";
import { buttonsByLabel, startWorld, type World } from "./world.js";

let world: World;
afterEach(async () => {
  await world?.close();
});

const FACE: MemberFile = {
  filename: "face.png",
  bytes: png(10, 10, [230, 180, 150]),
  contentType: "image/png",
};
const TARGET: MemberFile = {
  filename: "poster.png",
  bytes: png(12, 16, [40, 60, 160]),
  contentType: "image/png",
};

const swaps = (w: World) => proxyCalls(w, "/insight-face/swap");

describe("/swapface", () => {
  it("sends face and target as data URIs and shows the swapped picture, without buttons", async () => {
    world = await startWorld();
    const { fake } = world;
    const cmd = await fake.runCommand(
      "swapface",
      {},
      { user: "alice", attachments: { face: FACE, target: TARGET } },
    );
    expect((await cmd.firstResponse()).type).toBe(5);
    const result = await finalResult(world, cmd);

    const calls = swaps(world);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.path).toBe("/fast/mj/insight-face/swap");
    expect(calls[0]?.body).toEqual({
      sourceBase64: dataUri(FACE.bytes),
      targetBase64: dataUri(TARGET.bytes),
      state: expect.stringMatching(/^mjcord:/),
    });

    expect(result.ephemeral).toBe(false);
    expect(result.content).toContain(`<@${fake.users.alice?.id}>`);
    expect(result.attachments).toHaveLength(1);
    const [picture] = result.attachments;
    expect(picture?.filename).toMatch(/\.png$/);
    expect(PNG.sync.read(Buffer.from(picture?.bytes ?? [])).width).toBeGreaterThan(0);
    // The proxy gives a face swap no buttons, and a swap has no seed: no 🌱 either.
    expect(fake.buttons(result.id)).toEqual([]);
    expect(buttonsByLabel(world, result.id).has("Seed")).toBe(false);
    // Only the member's two attachments, from Discord's payload, were downloaded.
    const payload = cmd.payload as { data: { resolved: { attachments: Record<string, unknown> } } };
    expect(fake.downloads.map((d) => d.attachmentId).sort()).toEqual(
      Object.keys(payload.data.resolved.attachments).sort(),
    );
    expect(fake.violations).toEqual([]);
  });

  it("takes the picture type from the bytes, not from the file's name or declared type", async () => {
    world = await startWorld();
    const cmd = await world.fake.runCommand(
      "swapface",
      {},
      {
        user: "alice",
        attachments: {
          face: { filename: "face.jpg", bytes: FACE.bytes, contentType: "image/jpeg" },
          target: { filename: "poster", bytes: TARGET.bytes, contentType: "image/webp" },
        },
      },
    );
    await finalResult(world, cmd);
    expect(swaps(world)[0]?.body).toMatchObject({
      sourceBase64: dataUri(FACE.bytes),
      targetBase64: dataUri(TARGET.bytes),
    });
    expect(world.fake.violations).toEqual([]);
  });
});

describe("/swapface, refused inputs", () => {
  it("the same picture twice is refused privately and nothing is sent", async () => {
    world = await startWorld();
    const cmd = await world.fake.runCommand(
      "swapface",
      {},
      {
        user: "alice",
        // The same bytes under two names: still the same picture.
        attachments: { face: FACE, target: { ...FACE, filename: "copy.png" } },
      },
    );
    const reply = await refusalOf(world, cmd);
    expect(reply.ephemeral).toBe(true);
    expect(reply.content).toMatch(/same picture/);
    expect(reply.content).toMatch(/Nothing was submitted/);
    expect(cmd.original()?.deleted ?? true).toBe(true);
    expect(swaps(world)).toEqual([]);
    expect(world.fake.violations).toEqual([]);
  });

  it("a file Discord says is not an image is refused before anything is downloaded", async () => {
    world = await startWorld();
    const cmd = await world.fake.runCommand(
      "swapface",
      {},
      {
        user: "alice",
        attachments: {
          face: FACE,
          target: { filename: "notes.txt", bytes: Buffer.from("hello"), contentType: "text/plain" },
        },
      },
    );
    const reply = await refusalOf(world, cmd);
    expect(reply.ephemeral).toBe(true);
    expect(reply.content).toMatch(/`target` is not an image/);
    expect(world.fake.downloads).toEqual([]);
    expect(swaps(world)).toEqual([]);
    expect(world.fake.violations).toEqual([]);
  });

  it("an attachment whose bytes are not a picture is refused after reading it", async () => {
    world = await startWorld();
    const cmd = await world.fake.runCommand(
      "swapface",
      {},
      {
        user: "alice",
        attachments: {
          face: {
            filename: "face.png",
            bytes: Buffer.from("%PDF-1.7 not a face"),
            contentType: "image/png",
          },
          target: TARGET,
        },
      },
    );
    const reply = await refusalOf(world, cmd);
    expect(reply.ephemeral).toBe(true);
    expect(reply.content).toMatch(/`face` is not a PNG, JPEG, WebP or GIF image/);
    expect(cmd.original()?.deleted ?? true).toBe(true);
    expect(swaps(world)).toEqual([]);
    expect(world.fake.violations).toEqual([]);
  });
});

describe("/swapface, proxy errors", () => {
  it("a full face-swap queue (code 9) is told in plain words, and the submit is not repeated", async () => {
    world = await startWorld();
    world.sim.injectFault({
      match: "/insight-face/swap",
      body: JSON.stringify({
        code: 9,
        description: "提交失败，队列已满，请稍后重试",
        result: null,
        properties: {},
      }),
    });
    const cmd = await world.fake.runCommand(
      "swapface",
      {},
      { user: "alice", attachments: { face: FACE, target: TARGET } },
    );
    const failed = await messageSaying(world, cmd, /queue is full/);
    expect(failed.ephemeral).toBe(false);
    expect(failed.content).toContain("❌");
    expect(failed.content).not.toMatch(/队列|code 9/);
    expect(failed.attachments).toEqual([]);
    expect([...buttonsByLabel(world, failed.id).keys()]).toEqual(["Retry"]);
    expect(swaps(world)).toHaveLength(1);
    expect(world.fake.violations).toEqual([]);
  });

  it("Retry after the error submits the same pair again and shows the picture", async () => {
    world = await startWorld();
    world.sim.injectFault({
      match: "/insight-face/swap",
      body: JSON.stringify({
        code: 9,
        description: "提交失败，队列已满，请稍后重试",
        result: null,
        properties: {},
      }),
    });
    const cmd = await world.fake.runCommand(
      "swapface",
      {},
      { user: "alice", attachments: { face: FACE, target: TARGET } },
    );
    const failed = await messageSaying(world, cmd, /queue is full/);
    const retry = buttonsByLabel(world, failed.id).get("Retry") ?? "";
    const again = await world.fake.pressButton(failed.id, retry, { user: "alice" });
    const result = await finalResult(world, again);
    expect(result.attachments).toHaveLength(1);
    expect(world.fake.buttons(result.id)).toEqual([]);
    const calls = swaps(world);
    expect(calls).toHaveLength(2);
    expect(calls[1]?.body).toMatchObject({
      sourceBase64: dataUri(FACE.bytes),
      targetBase64: dataUri(TARGET.bytes),
    });
    expect(world.fake.violations).toEqual([]);
  });
});
