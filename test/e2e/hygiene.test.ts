// What members type, attach and press is checked before it can cost anything, and what the
// bot echoes cannot turn into links, markdown or pings. Some inputs only a modified client
// can send (a mode outside the choices, a 100,000-character prompt): the bot checks them too.
import { afterEach, describe, expect, it } from "vitest";
import type { FakeInteraction, FakeMessage } from "../fakes/index.js";
import { pngClaiming } from "../support/png.js";
import { forgeCommand, forgePress } from "./forged.js";
import {
  answerTo,
  finalResult,
  imagineGrid,
  press,
  proxyBodies,
  proxyCalls,
  refusalOf,
  taskOf,
} from "./helpers.js";
import { type PictureHost, pictureHost } from "./pictures.js";
import { startWorld, type World } from "./world.js";

let world: World;
let host: PictureHost | undefined;
afterEach(async () => {
  await world?.close();
  await host?.close();
  host = undefined;
});

/** Every submit the proxy received, of any kind. */
const submits = (w: World) => w.sim.requests.filter((r) => r.path.includes("/submit/"));

/** Runs a command and expects a private refusal matching `says`, with nothing submitted. */
async function refused(w: World, cmd: FakeInteraction, says: RegExp): Promise<FakeMessage> {
  const reply = await refusalOf(w, cmd);
  expect(reply.ephemeral).toBe(true);
  expect(reply.content).toMatch(says);
  expect(reply.content).toMatch(/Nothing was submitted/);
  expect(submits(w)).toEqual([]);
  return reply;
}

describe("prompts", () => {
  it("a masked link is echoed as plain text: no live link, no preview; the proxy gets the prompt as typed", async () => {
    world = await startWorld();
    const prompt = "[Claim your free Nitro](https://evil.example/claim)";
    const { grid } = await imagineGrid(world, prompt);
    expect(grid.content).not.toMatch(/https?:\/\//i);
    for (const m of grid.content.matchAll(/[[\]]/g)) {
      expect(grid.content[(m.index ?? 0) - 1]).toBe("\\");
    }
    expect(grid.embeds).toEqual([]);
    expect(proxyBodies(world, "/submit/imagine")[0]?.prompt).toBe(prompt);
    expect(world.fake.violations).toEqual([]);
  });

  it.each([
    ["zero-width characters", "\u200b\u200d\u2060\ufeff"],
    ["Hangul fillers", "\u3164\u3164\u3164"],
    ["control characters", "\u0007\u001b[0m\u0000"],
  ])("a prompt of only %s is refused privately and costs nothing", async (_what, prompt) => {
    world = await startWorld();
    const cmd = await world.fake.runCommand("imagine", { prompt }, { user: "alice" });
    const reply = await refusalOf(world, cmd);
    expect(reply.ephemeral).toBe(true);
    expect(reply.content).toMatch(/no visible text/);
    expect(submits(world)).toEqual([]);
    expect(world.fake.violations).toEqual([]);
  });

  it("control characters and ANSI escapes are stripped before the submit and the echo", async () => {
    world = await startWorld();
    const { grid } = await imagineGrid(
      world,
      "\u001b[31ma red\u001b[0m fox\u0007 \u202eon ice\u202c",
    );
    expect(proxyBodies(world, "/submit/imagine")[0]?.prompt).toBe("a red fox on ice");
    expect(grid.content).toContain("**a red fox on ice**");
    // Line breaks are the message's own.
    expect(grid.content.replace(/\n/g, "")).not.toMatch(/[\p{Cc}\u202a-\u202e]/u);
    expect(world.fake.violations).toEqual([]);
  });

  it("a 100,000-character prompt from a modified client is refused with the limit", async () => {
    world = await startWorld();
    const cmd = await forgeCommand(world, "imagine", { prompt: "fox ".repeat(25_000) });
    await refused(world, cmd, /`prompt` is 100000 characters long; the limit is 4000/);
    expect(world.fake.violations).toEqual([]);
  });
});

describe("a mode outside the known set", () => {
  it("`../../admin` is refused before anything reaches the proxy", async () => {
    world = await startWorld();
    const asked = world.sim.requests.length;
    const cmd = await forgeCommand(world, "imagine", { prompt: "a red fox", mode: "../../admin" });
    await refused(world, cmd, /`mode` must be one of: fast, relax/);
    expect(world.sim.requests.slice(asked)).toEqual([]);
    expect(world.fake.violations).toEqual([]);
  });
});

describe("pictures", () => {
  it("a PNG whose header claims 100000×100000 px is refused, not forwarded", async () => {
    world = await startWorld();
    const cmd = await world.fake.runCommand(
      "imagine",
      { prompt: "a red fox" },
      {
        user: "alice",
        attachments: {
          image: {
            filename: "huge.png",
            bytes: pngClaiming(100_000, 100_000),
            contentType: "image/png",
          },
        },
      },
    );
    await refused(world, cmd, /`image` is 100000×100000 px; the limit is 16384 px a side/);
    expect(world.fake.violations).toEqual([]);
  });
});

describe("image links", () => {
  it.each([
    [
      "the cloud metadata address",
      "http://169.254.169.254/latest/meta-data/",
      /link-local address/,
    ],
    ["localhost", "http://localhost:8080/x.png", /private or local address/],
    ["a private address", "http://10.0.0.5/x.png", /private or local address/],
    ["a user name and password", "https://user:pass@example.com/x.png", /user name or password/],
  ])("a link to %s is refused and nothing is fetched or submitted", async (_what, url, says) => {
    world = await startWorld();
    const cmd = await world.fake.runCommand("edit", { prompt: "remove the lamp", image_url: url });
    await refused(world, cmd, says);
    expect(world.fake.violations).toEqual([]);
  });

  it("a loopback picture host is refused by default and passed on when ALLOW_PRIVATE_IMAGE_URLS is set", async () => {
    host = await pictureHost("/pictures/lamp.png");
    world = await startWorld();
    const cmd = await world.fake.runCommand("edit", {
      prompt: "remove the lamp",
      image_url: host.url,
    });
    await refused(world, cmd, /`image_url` points to a private or local address \(127\.0\.0\.1\)/);
    await world.close();

    world = await startWorld({ config: { allowPrivateImageUrls: true } });
    const allowed = await world.fake.runCommand("edit", {
      prompt: "remove the lamp",
      image_url: host.url,
    });
    await world.fake.waitFor(() => proxyCalls(world, "/submit/edits").length === 1, {
      what: "the edit submitted",
    });
    expect(proxyBodies(world, "/submit/edits")[0]).toMatchObject({ image: host.url });
    expect(allowed.original()?.ephemeral ?? false).toBe(false);
    // Link-local stays refused whatever the switch says.
    const metadata = await world.fake.runCommand("edit", {
      prompt: "remove the lamp",
      image_url: "http://169.254.169.254/latest/meta-data/",
    });
    const reply = await refusalOf(world, metadata);
    expect(reply.content).toMatch(/link-local address/);
    expect(proxyCalls(world, "/submit/edits")).toHaveLength(1);
    expect(host.hits).toEqual([]);
    expect(world.fake.violations).toEqual([]);
  });

  it("a 10,000-character link from a modified client is refused with the limit", async () => {
    world = await startWorld();
    const cmd = await forgeCommand(world, "edit", {
      prompt: "remove the lamp",
      image_url: `https://example.com/${"a".repeat(9980)}`,
    });
    await refused(world, cmd, /`image_url` is 10000 characters long; the limit is 2000/);
    expect(world.fake.violations).toEqual([]);
  });
});

describe("buttons checked against their known sets", () => {
  it("the hidden ❤️ bookmark cannot be pressed by its index", async () => {
    world = await startWorld();
    const { grid } = await imagineGrid(world);
    const upscaled = await finalResult(world, await press(world, grid, "U1"));
    const taskId = taskOf(world, upscaled);
    const buttons = (world.sim.task(taskId) as { buttons: { customId: string }[] }).buttons;
    const bookmark = buttons.findIndex((b) => b.customId.startsWith("MJ::BOOKMARK::"));
    expect(bookmark).toBeGreaterThanOrEqual(0);
    const spent = proxyCalls(world, "/submit/action").length;

    const alice = world.fake.users.alice?.id ?? "";
    for (const customId of [`mj:${taskId}:${bookmark}:${alice}`, `mj:${taskId}:${bookmark}`]) {
      const click = await forgePress(world, upscaled, customId, "alice");
      const reply = await answerTo(world, click);
      expect(reply.ephemeral).toBe(true);
      expect(reply.content).toMatch(/not one of mine/);
    }
    expect(proxyCalls(world, "/submit/action")).toHaveLength(spent);
    expect(world.fake.violations).toEqual([]);
  });

  it("a settings button pressed on another message leaves that message and the settings alone", async () => {
    world = await startWorld();
    const { grid } = await imagineGrid(world, "a red fox");
    const before = { content: grid.content, components: JSON.stringify(grid.components) };
    const click = await forgePress(world, grid, "st:mode:relax", "alice");
    const reply = await answerTo(world, click);
    expect(reply.ephemeral).toBe(true);
    expect(reply.id).not.toBe(grid.id);
    const after = world.fake.message(grid.id);
    expect(after?.content).toBe(before.content);
    expect(JSON.stringify(after?.components)).toBe(before.components);
    // The member's default did not change either.
    await imagineGrid(world, "a blue owl");
    expect(proxyCalls(world, "/submit/imagine").map((r) => r.path)).toEqual([
      "/fast/mj/submit/imagine",
      "/fast/mj/submit/imagine",
    ]);
    expect(world.fake.violations).toEqual([]);
  });
});
