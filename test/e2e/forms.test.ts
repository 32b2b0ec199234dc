import { PNG } from "pngjs";
import { afterEach, describe, expect, it } from "vitest";
import {
  finalResult,
  imagineGrid,
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
});
