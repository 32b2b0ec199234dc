import { PNG } from "pngjs";
import { afterEach, describe, expect, it } from "vitest";
import { finalResult, GRID_BUTTONS, messageSaying, proxyCalls } from "./helpers.js";
import { dataUri, JPEG, png } from "./pictures.js";
import { buttonsByLabel, startWorld, type World } from "./world.js";

let world: World;
afterEach(async () => {
  await world?.close();
});

/** Minimal WebP container header: RIFF....WEBPVP8L. */
const WEBP = Buffer.concat([
  Buffer.from("RIFF"),
  Buffer.from([0x1a, 0x00, 0x00, 0x00]),
  Buffer.from("WEBPVP8L"),
  Buffer.from([0x0d, 0x00, 0x00, 0x00, 0x2f, 0x00, 0x00, 0x00, 0x10, 0x07, 0x10, 0x11, 0x11]),
]);

/** Minimal GIF: header, 1×1 logical screen, trailer. */
const GIF = Buffer.concat([
  Buffer.from("GIF89a"),
  Buffer.from([0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x3b]),
]);

describe("/blend", () => {
  it("two images: the exact body at /submit/blend, then a finished grid for the member", async () => {
    world = await startWorld();
    const first = png(6, 4, [200, 40, 40]);
    const cmd = await world.fake.runCommand(
      "blend",
      {},
      {
        user: "alice",
        attachments: {
          image1: { filename: "one.png", bytes: first, contentType: "image/png" },
          // Named .bin and declared as octet-stream: the type comes from the bytes.
          image2: { filename: "two.bin", bytes: JPEG },
        },
      },
    );
    expect((await cmd.firstResponse()).type).toBe(5);
    const grid = await finalResult(world, cmd);

    const calls = proxyCalls(world, "/submit/blend");
    expect(calls).toHaveLength(1);
    expect(calls[0]?.path).toBe("/fast/mj/submit/blend");
    expect(calls[0]?.body).toEqual({
      base64Array: [dataUri(first), dataUri(JPEG, "image/jpeg")],
      state: expect.stringMatching(/^mjcord:/),
    });
    expect(grid.ephemeral).toBe(false);
    expect(grid.content).toContain(`<@${world.fake.users.alice?.id}>`);
    expect(grid.content).toMatch(/Blend of 2 images/);
    expect(PNG.sync.read(Buffer.from(grid.attachments[0]?.bytes ?? [])).width).toBeGreaterThan(0);
    expect([...buttonsByLabel(world, grid.id).keys()]).toEqual(GRID_BUTTONS);
    // The images were fetched from the attachments of Discord's own interaction payload.
    const resolved = (cmd.payload.data as { resolved?: { attachments?: object } }).resolved;
    const given = Object.keys(resolved?.attachments ?? {});
    expect(given).toHaveLength(2);
    expect(world.fake.downloads.map((d) => d.attachmentId).sort()).toEqual([...given].sort());
    expect(world.fake.violations).toEqual([]);
  });

  it("three images, landscape, relax: data URIs in order, LANDSCAPE, under /relax", async () => {
    world = await startWorld();
    const first = png(6, 4, [40, 160, 70]);
    const cmd = await world.fake.runCommand(
      "blend",
      { dimensions: "landscape", mode: "relax" },
      {
        user: "alice",
        attachments: {
          image1: { filename: "a.webp", bytes: WEBP, contentType: "image/webp" },
          image2: { filename: "b.png", bytes: first, contentType: "image/png" },
          image3: { filename: "c.gif", bytes: GIF, contentType: "image/gif" },
        },
      },
    );
    const grid = await finalResult(world, cmd);

    const calls = proxyCalls(world, "/submit/blend");
    expect(calls).toHaveLength(1);
    expect(calls[0]?.path).toBe("/relax/mj/submit/blend");
    expect(calls[0]?.body).toEqual({
      base64Array: [dataUri(WEBP, "image/webp"), dataUri(first), dataUri(GIF, "image/gif")],
      dimensions: "LANDSCAPE",
      state: expect.stringMatching(/^mjcord:/),
    });
    expect(grid.content).toMatch(/Blend of 3 images, landscape/);
    expect(grid.content).toContain("(relax)");
    // The proxy made a 3:2 picture, and the member sees it.
    const picture = PNG.sync.read(Buffer.from(grid.attachments[0]?.bytes ?? []));
    expect(picture.width).toBeGreaterThan(picture.height);
    expect([...buttonsByLabel(world, grid.id).keys()]).toEqual(GRID_BUTTONS);
    expect(world.fake.violations).toEqual([]);
  });

  it("a text file named .png is refused privately, and nothing reaches the proxy", async () => {
    world = await startWorld();
    const cmd = await world.fake.runCommand(
      "blend",
      {},
      {
        user: "alice",
        attachments: {
          image1: { filename: "one.png", bytes: png(6, 4, [1, 2, 3]), contentType: "image/png" },
          image2: {
            filename: "notes.png",
            bytes: Buffer.from("these are my notes, not a picture"),
            contentType: "image/png",
          },
        },
      },
    );
    const reply = await world.fake.waitFor(() => cmd.followUps()[0] ?? undefined, {
      what: "a private answer",
    });
    expect(reply.ephemeral).toBe(true);
    expect(reply.content).toMatch(/`image2` is not a PNG, JPEG, WebP or GIF image/);
    expect(reply.content).toMatch(/Nothing was submitted/);
    // The public "thinking" reply was withdrawn.
    expect(cmd.original()?.deleted ?? true).toBe(true);
    expect(proxyCalls(world, "/submit/blend")).toHaveLength(0);
    expect(world.fake.violations).toEqual([]);
  });

  it("a file Discord reports as text is refused before any download", async () => {
    world = await startWorld();
    const cmd = await world.fake.runCommand(
      "blend",
      {},
      {
        user: "alice",
        attachments: {
          image1: { filename: "one.png", bytes: png(6, 4, [1, 2, 3]), contentType: "image/png" },
          image2: {
            filename: "two.png",
            bytes: Buffer.from("plain text"),
            contentType: "text/plain",
          },
        },
      },
    );
    const reply = await cmd.firstResponse();
    expect(reply.type).toBe(4);
    const shown = await world.fake.waitFor(() => cmd.original());
    expect(shown.ephemeral).toBe(true);
    expect(shown.content).toMatch(/`image2` is not an image/);
    expect(proxyCalls(world, "/submit/blend")).toHaveLength(0);
    expect(world.fake.violations).toEqual([]);
  });

  it("an image larger than MAX_IMAGE_MB is refused privately, and nothing reaches the proxy", async () => {
    world = await startWorld();
    expect(world.config.maxImageMb).toBe(10);
    const big = Buffer.concat([png(6, 4, [9, 9, 9]), Buffer.alloc(10 * 1024 * 1024 + 1)]);
    const cmd = await world.fake.runCommand(
      "blend",
      {},
      {
        user: "alice",
        attachments: {
          image1: { filename: "big.png", bytes: big, contentType: "image/png" },
          image2: { filename: "two.png", bytes: png(6, 4, [1, 2, 3]), contentType: "image/png" },
        },
      },
    );
    const shown = await world.fake.waitFor(() => cmd.original() ?? cmd.followUps()[0], {
      what: "a private answer",
    });
    expect(shown.ephemeral).toBe(true);
    expect(shown.content).toMatch(/`image1` is 10\.0 MB; the limit is 10 MB/);
    expect(proxyCalls(world, "/submit/blend")).toHaveLength(0);
    // Nothing was downloaded either: Discord's payload already told the size.
    expect(world.fake.downloads).toHaveLength(0);
    expect(world.fake.violations).toEqual([]);
  });

  it("a proxy error is shown in plain words in the job message, and not retried", async () => {
    world = await startWorld();
    // A refusal that leaves nothing running (a gateway's "overloaded"): Retry may ask again.
    // (A 5xx may follow a submit the proxy took: that job is looked for, never retried.)
    world.sim.injectFault({
      match: "/submit/blend",
      status: 429,
      body: JSON.stringify({ description: "当前分组负载已饱和", type: "upstream_error", code: 30 }),
    });
    const cmd = await world.fake.runCommand(
      "blend",
      {},
      {
        user: "alice",
        attachments: {
          image1: { filename: "one.png", bytes: png(6, 4, [1, 2, 3]), contentType: "image/png" },
          image2: { filename: "two.png", bytes: png(6, 4, [4, 5, 6]), contentType: "image/png" },
        },
      },
    );
    const shown = await messageSaying(world, cmd, /❌/);
    expect(shown.ephemeral).toBe(false);
    expect(shown.content).toMatch(/proxy is busy/);
    expect(shown.content).not.toMatch(/[\u4e00-\u9fff]/);
    expect(buttonsByLabel(world, shown.id).has("Retry")).toBe(true);
    expect(proxyCalls(world, "/submit/blend")).toHaveLength(1);
    expect(world.fake.violations).toEqual([]);
  });

  it("a proxy refusal (code 4) is shown in plain words", async () => {
    world = await startWorld();
    world.sim.injectFault({
      match: "/submit/blend",
      status: 200,
      body: JSON.stringify({
        code: 4,
        description: "base64List参数错误",
        result: null,
        properties: {},
      }),
    });
    const cmd = await world.fake.runCommand(
      "blend",
      {},
      {
        user: "alice",
        attachments: {
          image1: { filename: "one.png", bytes: png(6, 4, [1, 2, 3]), contentType: "image/png" },
          image2: { filename: "two.png", bytes: png(6, 4, [4, 5, 6]), contentType: "image/png" },
        },
      },
    );
    const shown = await messageSaying(world, cmd, /❌/);
    expect(shown.content).toMatch(/request to the proxy was incomplete/);
    expect(shown.content).not.toMatch(/[\u4e00-\u9fff]/);
    expect(proxyCalls(world, "/submit/blend")).toHaveLength(1);
    expect(world.fake.violations).toEqual([]);
  });
});
