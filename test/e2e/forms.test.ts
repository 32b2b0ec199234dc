import { PNG } from "pngjs";
import { afterEach, describe, expect, it } from "vitest";
import type { FakeInteraction } from "../fakes/index.js";
import { blackPng } from "../support/png.js";
import {
  finalResult,
  imagineGrid,
  loseTheStore,
  messageSaying,
  press,
  proxyBodies,
  proxyCalls,
} from "./helpers.js";
import { buttonsByLabel, startWorld, type World } from "./world.js";

let world: World;
afterEach(async () => {
  await world?.close();
});

async function upscaled(w: World) {
  const { grid } = await imagineGrid(w);
  const u1 = await press(w, grid, "U1");
  return finalResult(w, u1);
}

/** The private answer a member got for an interaction (a reply, or a follow-up after a withdrawal). */
function privateAnswer(w: World, interaction: FakeInteraction) {
  return w.fake.waitFor(
    () =>
      [interaction.original(), ...interaction.followUps()].find((m) => m?.ephemeral && !m.deleted),
    { what: "a private answer" },
  );
}

/** Whether the bot has answered an interaction in any way. */
const answered = (interaction: FakeInteraction) => interaction.attempts.some((a) => a.accepted);

/** The files a modal submit carried, by attachment id. */
function uploadsOf(interaction: FakeInteraction): Record<string, unknown> {
  const data = interaction.payload.data as { resolved?: { attachments?: Record<string, unknown> } };
  return data.resolved?.attachments ?? {};
}

/** A member's client that sends a region the form does not offer (only a forged one can). */
function offerRegion(opener: FakeInteraction, value: string): void {
  const labels = (opener.modal?.components ?? []) as {
    component?: { custom_id?: string; options?: unknown[]; max_values?: number };
  }[];
  const select = labels.map((l) => l.component).find((c) => c?.custom_id === "region");
  if (!select?.options) throw new Error("the form has no region select");
  select.options.push({ value, label: value });
  select.max_values = select.options.length;
}

function decodeMask(dataUri: string): PNG {
  return PNG.sync.read(Buffer.from(dataUri.replace(/^data:image\/png;base64,/, ""), "base64"));
}

describe("forms", () => {
  it("Custom Zoom opens a form prefilled with the prompt and --zoom 2, then action -> 21 -> modal", async () => {
    world = await startWorld();
    const image = await upscaled(world);
    const opener = await press(world, image, "Custom Zoom");
    const shown = await opener.firstResponse();
    expect(shown.type).toBe(9);
    expect(JSON.stringify(shown.body)).toContain("--zoom 2");
    expect(proxyCalls(world, "/submit/action")).toHaveLength(1); // only U1 so far: nothing spent yet

    const submit = await world.fake.submitModal(opener, {
      fields: { prompt: "a red fox --zoom 1.5" },
    });
    await finalResult(world, submit);
    const actions = proxyCalls(world, "/submit/action");
    expect(actions.at(-1)?.body).toMatchObject({
      customId: expect.stringMatching(/^MJ::CustomZoom::/),
    });
    const [modal] = proxyCalls(world, "/submit/modal");
    expect(modal?.body).toMatchObject({ prompt: "a red fox --zoom 1.5" });
    // The modal goes to the MODAL task the 21 created, not to the parent.
    const modalTaskId = proxyBodies(world, "/submit/modal")[0]?.taskId;
    expect(modalTaskId).not.toBe(proxyBodies(world, "/submit/action").at(-1)?.taskId);
    expect(world.fake.violations).toEqual([]);
  });

  it("a zoom outside 1 < z <= 2 is refused with a clear message and costs nothing", async () => {
    world = await startWorld();
    const image = await upscaled(world);
    const opener = await press(world, image, "Custom Zoom");
    await opener.firstResponse();
    const submit = await world.fake.submitModal(opener, {
      fields: { prompt: "a red fox --zoom 3" },
    });
    const reply = await world.fake.waitFor(() => submit.original() ?? submit.followUps()[0]);
    expect(reply.ephemeral).toBe(true);
    expect(reply.content).toMatch(/above 1 and at most 2/);
    expect(proxyCalls(world, "/submit/action")).toHaveLength(1);
    expect(proxyCalls(world, "/submit/modal")).toHaveLength(0);
  });

  it("--zoom 0x2 (hex, which JavaScript reads as 2) is refused and costs nothing", async () => {
    world = await startWorld();
    const image = await upscaled(world);
    const opener = await press(world, image, "Custom Zoom");
    await opener.firstResponse();
    const submit = await world.fake.submitModal(opener, {
      fields: { prompt: "a red fox --zoom 0x2" },
    });
    const reply = await privateAnswer(world, submit);
    expect(reply.content).toMatch(/plain number above 1 and at most 2/);
    expect(reply.content).toContain("`--zoom 0x2`");
    expect(reply.content).toMatch(/Nothing was submitted/);
    expect(proxyCalls(world, "/submit/action")).toHaveLength(1); // U1 only
    expect(proxyCalls(world, "/submit/modal")).toHaveLength(0);
    expect(world.fake.violations).toEqual([]);
  });

  it("Vary (Region) sends a mask drawn at the image's pixel size: white = repaint", async () => {
    world = await startWorld({ sim: { imageSize: 64 } });
    const image = await upscaled(world);
    const opener = await press(world, image, "Vary (Region)");
    expect((await opener.firstResponse()).type).toBe(9);
    const submit = await world.fake.submitModal(opener, {
      fields: { prompt: "a red fox wearing a scarf", region: ["left"] },
    });
    await finalResult(world, submit);
    const [modal] = proxyCalls(world, "/submit/modal");
    const body = modal?.body as { maskBase64: string; prompt: string };
    expect(body.prompt).toBe("a red fox wearing a scarf");
    const mask = decodeMask(body.maskBase64);
    const parent = world.sim.task(proxyBodies(world, "/submit/action").at(-1)?.taskId ?? "") as {
      imageWidth: number;
      imageHeight: number;
    };
    expect([mask.width, mask.height]).toEqual([parent.imageWidth, parent.imageHeight]);
    const at = (x: number, y: number) => mask.data[(y * mask.width + x) * 4];
    expect(at(1, 1)).toBe(255);
    expect(at(mask.width - 2, 1)).toBe(0);
    expect(world.fake.violations).toEqual([]);
  });

  it("Vary (Region) takes an uploaded mask and fits it to the image", async () => {
    world = await startWorld({ sim: { imageSize: 64 } });
    const image = await upscaled(world);
    const opener = await press(world, image, "Vary (Region)");
    await opener.firstResponse();
    const drawn = new PNG({ width: 10, height: 10 });
    for (let i = 0; i < 100; i++)
      drawn.data.fill(i % 10 >= 5 ? 255 : 0, i * 4, i * 4 + 3).fill(255, i * 4 + 3, i * 4 + 4);
    const submit = await world.fake.submitModal(opener, {
      fields: { prompt: "snowy trees" },
      files: { mask: { filename: "mask.png", bytes: PNG.sync.write(drawn) } },
    });
    await finalResult(world, submit);
    const mask = decodeMask(proxyBodies(world, "/submit/modal")[0]?.maskBase64 ?? "");
    expect(mask.width).toBe(64);
    expect(mask.data[(5 * 64 + 2) * 4]).toBe(0);
    expect(mask.data[(5 * 64 + 60) * 4]).toBe(255);
  });

  it("an unexpected 21 (the account has Remix on) gives the presser a button that opens the form", async () => {
    world = await startWorld({ sim: { remix: true } });
    const { grid } = await imagineGrid(world);
    const v1 = await press(world, grid, "V1");
    const waiting = await messageSaying(world, v1, /confirm the prompt/);
    const confirm = buttonsByLabel(world, waiting.id).get("Confirm prompt");
    expect(confirm).toBeDefined();
    const opener = await world.fake.pressButton(waiting.id, confirm ?? "", { user: "alice" });
    const form = await opener.firstResponse();
    expect(form.type).toBe(9);
    expect(JSON.stringify(form.body)).toContain("a red fox");
    const submit = await world.fake.submitModal(opener, {
      fields: { prompt: "a red fox in the rain" },
    });
    await submit.firstResponse();
    await finalResult(world, v1);
    expect(proxyCalls(world, "/submit/modal")[0]?.body).toMatchObject({
      prompt: "a red fox in the rain",
    });
    expect(world.fake.violations).toEqual([]);
  });

  it("a confirmed prompt whose answer is lost (502 after the proxy took it) is never confirmed twice, and its picture arrives", async () => {
    // Slow polling: the second try comes before any poll shows the prompt running.
    world = await startWorld({ sim: { remix: true }, pollIntervalMs: 3_000 });
    const w = world;
    const { grid } = await imagineGrid(w);
    const v1 = await press(w, grid, "V1");
    const waiting = await messageSaying(w, v1, /confirm the prompt/);
    const confirm = buttonsByLabel(w, waiting.id).get("Confirm prompt") ?? "";
    w.sim.injectFault({ match: "/submit/modal", status: 502, afterHandling: true });
    const first = await w.fake.pressButton(waiting.id, confirm, { user: "alice" });
    await first.firstResponse();
    const lost = await w.fake.submitModal(first, { fields: { prompt: "a red fox in the rain" } });
    await w.fake.waitFor(() => lost.followUps()[0], { what: "the word about the lost answer" });
    // A second try at the same form is refused: the prompt may already be running.
    const second = await w.fake.pressButton(waiting.id, confirm, { user: "alice" });
    if ((await second.firstResponse()).type === 9) {
      const again = await w.fake.submitModal(second, { fields: { prompt: "again" } });
      await again.firstResponse();
    }
    await finalResult(w, v1);
    expect(proxyCalls(w, "/submit/modal")).toHaveLength(1);
    expect(w.fake.violations).toEqual([]);
  });

  it("a polled task in status MODAL (a gateway hid the 21) gets the same form", async () => {
    world = await startWorld({ sim: { remix: true, dialect: "gateway" } });
    const { grid } = await imagineGrid(world);
    const v2 = await press(world, grid, "V2");
    const waiting = await messageSaying(world, v2, /confirm the prompt/);
    const opener = await world.fake.pressButton(
      waiting.id,
      buttonsByLabel(world, waiting.id).get("Confirm prompt") ?? "",
      {
        user: "alice",
      },
    );
    await opener.firstResponse();
    const submit = await world.fake.submitModal(opener, {
      fields: { prompt: "a red fox at dawn" },
    });
    await submit.firstResponse();
    await finalResult(world, v2);
    expect(proxyCalls(world, "/submit/modal")).toHaveLength(1);
    expect(world.fake.violations).toEqual([]);
  });

  it("a mask bomb (250 kB, 16000×16000 px) is refused privately at once while another member's command is acknowledged in time; nothing is submitted", async () => {
    world = await startWorld({ sim: { imageSize: 64 } });
    const image = await upscaled(world);
    const opener = await press(world, image, "Vary (Region)");
    await opener.firstResponse();
    const bomb = blackPng(16_000, 16_000);
    expect(bomb.length).toBeLessThan(300_000);
    const submit = await world.fake.submitModal(opener, {
      fields: { prompt: "snowy trees" },
      files: { mask: { filename: "mask.png", bytes: bomb } },
    });
    const [bombId] = Object.keys(uploadsOf(submit));
    const bombDownloads = () => world.fake.downloads.filter((d) => d.attachmentId === bombId);
    // Bob runs a command while the bot deals with the bomb: once it is fetched, or refused.
    await world.fake.waitFor(() => bombDownloads().length > 0 || answered(submit));
    const bob = await world.fake.runCommand("imagine", { prompt: "a blue owl" }, { user: "bob" });
    expect((await bob.firstResponse()).type).toBe(5);
    const refusal = await privateAnswer(world, submit);
    // Discord already says how large it is: refused without downloading it.
    expect(bombDownloads()).toEqual([]);
    expect(refusal.content).toMatch(/16000×16000 pixels/);
    expect(refusal.content).toMatch(/4096×4096/);
    expect(refusal.content).toMatch(/Nothing was submitted/);
    await finalResult(world, bob);
    expect(proxyCalls(world, "/submit/imagine")).toHaveLength(2); // alice's and bob's
    expect(proxyCalls(world, "/submit/action")).toHaveLength(1); // U1 only
    expect(proxyCalls(world, "/submit/modal")).toHaveLength(0);
    expect(world.fake.violations).toEqual([]);
  });

  it("a mask larger than the picture is scaled down to the picture's size", async () => {
    world = await startWorld({ sim: { imageSize: 64 } });
    const image = await upscaled(world);
    const opener = await press(world, image, "Vary (Region)");
    await opener.firstResponse();
    // 256×256, white on the right half: four times the picture's size.
    const drawn = new PNG({ width: 256, height: 256 });
    for (let i = 0; i < 256 * 256; i++) {
      drawn.data.fill(i % 256 >= 128 ? 255 : 0, i * 4, i * 4 + 3).fill(255, i * 4 + 3, i * 4 + 4);
    }
    const submit = await world.fake.submitModal(opener, {
      fields: { prompt: "snowy trees" },
      files: { mask: { filename: "mask.png", bytes: PNG.sync.write(drawn) } },
    });
    await finalResult(world, submit);
    const mask = decodeMask(proxyBodies(world, "/submit/modal")[0]?.maskBase64 ?? "");
    expect([mask.width, mask.height]).toEqual([64, 64]);
    expect(mask.data[(10 * 64 + 31) * 4]).toBe(0);
    expect(mask.data[(10 * 64 + 32) * 4]).toBe(255);
    expect(world.fake.violations).toEqual([]);
  });

  it.each([
    ["only an unknown region", ["nowhere"]],
    ["a known and an unknown region", ["left", "__proto__"]],
  ])("a forged form with %s is refused; no blank mask is submitted", async (_name, regions) => {
    world = await startWorld({ sim: { imageSize: 64 } });
    const image = await upscaled(world);
    const opener = await press(world, image, "Vary (Region)");
    await opener.firstResponse();
    for (const value of regions) if (value !== "left") offerRegion(opener, value);
    const submit = await world.fake.submitModal(opener, {
      fields: { prompt: "snowy trees", region: regions },
    });
    const refusal = await privateAnswer(world, submit);
    expect(refusal.content).toMatch(/region/);
    expect(refusal.content).toMatch(/Nothing was submitted/);
    expect(proxyCalls(world, "/submit/action")).toHaveLength(1); // U1 only
    expect(proxyCalls(world, "/submit/modal")).toHaveLength(0);
    expect(world.fake.violations).toEqual([]);
  });

  it("the form is acknowledged before the picture's size is looked up, when the proxy does not say it", async () => {
    // new-api's tasks carry no imageWidth/imageHeight: the size comes from the image.
    world = await startWorld({ sim: { imageSize: 64, dialect: "gateway" } });
    const image = await upscaled(world);
    const opener = await press(world, image, "Vary (Region)");
    await opener.firstResponse();
    // The proxy's media links are slow to answer: longer than Discord waits for a first response.
    world.sim.injectFault({ match: "/sim/", delayMs: 3_500 });
    const submit = await world.fake.submitModal(opener, {
      fields: { prompt: "a red fox wearing a scarf", region: ["left"] },
    });
    expect((await submit.firstResponse()).type).toBe(5);
    await finalResult(world, submit);
    const mask = decodeMask(proxyBodies(world, "/submit/modal")[0]?.maskBase64 ?? "");
    expect([mask.width, mask.height]).toEqual([64, 64]);
    expect(mask.data[(1 * 64 + 1) * 4]).toBe(255);
    expect(mask.data[(1 * 64 + 62) * 4]).toBe(0);
    expect(world.fake.violations).toEqual([]);
  });

  it("a mask that turns out not to be a PNG withdraws the public reply and answers privately", async () => {
    world = await startWorld({ sim: { imageSize: 64 } });
    const image = await upscaled(world);
    const opener = await press(world, image, "Vary (Region)");
    await opener.firstResponse();
    const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0, 1]);
    const submit = await world.fake.submitModal(opener, {
      fields: { prompt: "snowy trees" },
      files: { mask: { filename: "mask.png", bytes: jpeg } },
    });
    expect((await submit.firstResponse()).type).toBe(5); // acknowledged before the download
    const refusal = await privateAnswer(world, submit);
    expect(refusal.content).toBe("The mask must be a PNG image. Nothing was submitted.");
    await world.fake.waitFor(() => submit.original()?.deleted);
    expect(proxyCalls(world, "/submit/action")).toHaveLength(1); // U1 only
    expect(world.fake.violations).toEqual([]);
  });

  it("after the store is lost, the form still works for its owner: acknowledged, then the proxy is asked", async () => {
    world = await startWorld({ sim: { imageSize: 64 } });
    const image = await upscaled(world);
    const opener = await press(world, image, "Vary (Region)");
    await opener.firstResponse();
    await loseTheStore(world);
    // The proxy takes longer to show the task than Discord waits for a first response.
    world.sim.injectFault({ match: "/fetch", delayMs: 3_500 });
    const submit = await world.fake.submitModal(opener, {
      fields: { prompt: "a red fox wearing a scarf", region: ["right"] },
    });
    expect((await submit.firstResponse()).type).toBe(5);
    await finalResult(world, submit);
    const mask = decodeMask(proxyBodies(world, "/submit/modal")[0]?.maskBase64 ?? "");
    expect([mask.width, mask.height]).toEqual([64, 64]);
    expect(mask.data[(1 * 64 + 62) * 4]).toBe(255);
    expect(world.fake.violations).toEqual([]);
  });

  it("after the store is lost, another member cannot send the owner's form (its key names the owner)", async () => {
    world = await startWorld({ sim: { imageSize: 64 } });
    const image = await upscaled(world);
    const opener = await press(world, image, "Vary (Region)");
    await opener.firstResponse();
    await loseTheStore(world);
    const submit = await world.fake.submitModal(opener, {
      fields: { prompt: "a red fox wearing a scarf", region: ["right"] },
      user: "bob",
    });
    const refusal = await privateAnswer(world, submit);
    expect(refusal.content).toContain(`Only <@${world.fake.users.alice?.id}>`);
    expect(proxyCalls(world, "/submit/action")).toHaveLength(1); // U1 only
    expect(proxyCalls(world, "/submit/modal")).toHaveLength(0);
    expect(world.fake.violations).toEqual([]);
  });
});
