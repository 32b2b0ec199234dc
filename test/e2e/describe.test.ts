import { afterEach, describe, expect, it } from "vitest";
import {
  finalResult,
  GRID_BUTTONS,
  labelsOf,
  messageSaying,
  newGrids,
  prefilled,
  press,
  proxyBodies,
  proxyCalls,
  resultWithButtons,
  taskOf,
} from "./helpers.js";
import { JPEG, png } from "./pictures.js";
import { buttonsByLabel, startWorld, type World } from "./world.js";

let world: World;
afterEach(async () => {
  await world?.close();
});

const KEYCAPS = ["1️⃣", "2️⃣", "3️⃣", "4️⃣"];
/** A describe result's buttons by label: the four picks (1️⃣–4️⃣), 🔄 and 🎉. */
const DESCRIBE_BUTTONS = [
  "Imagine 1",
  "Imagine 2",
  "Imagine 3",
  "Imagine 4",
  "Retry",
  "Imagine all",
];

/** The four prompts the proxy wrote for a describe task, keycaps removed, in order. */
function proxyPrompts(w: World, taskId: string): string[] {
  const task = w.sim.task(taskId) as { properties: { finalPrompt: string } };
  const prompts = task.properties.finalPrompt
    .split(/\n+/)
    .filter((l) => l.trim() !== "")
    .map((l) => l.replace(/^\s*[1-4]\uFE0F?\u20E3\s*/u, ""));
  expect(prompts).toHaveLength(4);
  return prompts;
}

/** /describe of a PNG, to its result with the four prompts and their buttons. */
async function described(w: World) {
  const cmd = await w.fake.runCommand(
    "describe",
    {},
    {
      user: "alice",
      attachments: {
        image: { filename: "photo.png", bytes: png(6, 4, [90, 90, 200]), contentType: "image/png" },
      },
    },
  );
  const result = await resultWithButtons(w, cmd);
  const taskId = taskOf(w, result);
  return { cmd, result, taskId, prompts: proxyPrompts(w, taskId) };
}

describe("/describe", () => {
  it("sends the image as a data URI and shows the four prompts, numbered, with 1️⃣–4️⃣, 🔄 and 🎉", async () => {
    world = await startWorld();
    const cmd = await world.fake.runCommand(
      "describe",
      {},
      {
        user: "alice",
        // Named .png, but the bytes are a JPEG: the data URI says what the bytes are.
        attachments: { image: { filename: "holiday.png", bytes: JPEG, contentType: "image/png" } },
      },
    );
    expect((await cmd.firstResponse()).type).toBe(5);
    const result = await resultWithButtons(world, cmd);

    const calls = proxyCalls(world, "/submit/describe");
    expect(calls).toHaveLength(1);
    expect(calls[0]?.path).toBe("/fast/mj/submit/describe");
    expect(calls[0]?.body).toEqual({
      base64: `data:image/jpeg;base64,${JPEG.toString("base64")}`,
      state: expect.stringMatching(/^mjcord:/),
    });

    const prompts = proxyPrompts(world, taskOf(world, result));
    expect(result.ephemeral).toBe(false);
    expect(result.content).toContain(`<@${world.fake.users.alice?.id}>`);
    // One prompt per line, each after its keycap, in order, as the proxy wrote it.
    const lines = result.content.split("\n");
    for (const [i, prompt] of prompts.entries()) {
      expect(lines).toContain(`${KEYCAPS[i]} ${prompt}`);
    }
    const order = KEYCAPS.map((k) => result.content.indexOf(`${k} `));
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(order[0]).toBeGreaterThan(-1);

    expect([...buttonsByLabel(world, result.id).keys()]).toEqual(DESCRIBE_BUTTONS);
    expect(world.fake.buttons(result.id).map((b) => b.emoji?.name)).toEqual([
      ...KEYCAPS,
      "🔄",
      "🎉",
    ]);
    expect(world.fake.violations).toEqual([]);
  });

  it("2️⃣ opens a form with the 2nd prompt (no keycap); the edit goes action -> modal -> a grid", async () => {
    world = await startWorld();
    const { result, taskId, prompts } = await described(world);

    const opener = await press(world, result, "Imagine 2");
    const shown = await opener.firstResponse();
    expect(shown.type).toBe(9);
    expect(prefilled(shown)).toBe(prompts[1]);
    expect(String(prefilled(shown))).not.toMatch(/\u20E3/);
    // Opening the form costs nothing.
    expect(proxyCalls(world, "/submit/action")).toHaveLength(0);

    const edited = `${prompts[1]}, in watercolour`;
    const submit = await world.fake.submitModal(opener, { fields: { prompt: edited } });
    const grid = await finalResult(world, submit);

    expect(proxyBodies(world, "/submit/action")).toEqual([
      {
        taskId,
        customId: "MJ::Job::PicReader::2",
        state: expect.stringMatching(/^mjcord:/),
        enableRemix: true,
      },
    ]);
    const modals = proxyBodies(world, "/submit/modal");
    expect(modals).toEqual([{ taskId: expect.any(String), prompt: edited }]);
    // The modal goes to the MODAL task the action's 21 created, not to the describe.
    expect(modals[0]?.taskId).not.toBe(taskId);
    expect(proxyCalls(world, "/submit/imagine")).toHaveLength(0);

    expect(grid.ephemeral).toBe(false);
    expect(grid.content).toContain("in watercolour");
    expect([...buttonsByLabel(world, grid.id).keys()]).toEqual(GRID_BUTTONS);
    expect(world.fake.violations).toEqual([]);
  });

  it("🔄 describes the same image again: a new result with four prompts and the same buttons", async () => {
    world = await startWorld();
    const { result, taskId } = await described(world);

    const again = await press(world, result, "Retry");
    const second = await resultWithButtons(world, again);
    expect(second.id).not.toBe(result.id);
    expect(proxyBodies(world, "/submit/action")).toEqual([
      { taskId, customId: "MJ::Picread::Retry", state: expect.stringMatching(/^mjcord:/) },
    ]);
    // No second upload: the proxy re-describes the image it has.
    expect(proxyCalls(world, "/submit/describe")).toHaveLength(1);

    const newTask = taskOf(world, second);
    expect(newTask).not.toBe(taskId);
    const prompts = proxyPrompts(world, newTask);
    const lines = second.content.split("\n");
    for (const [i, prompt] of prompts.entries()) {
      expect(lines).toContain(`${KEYCAPS[i]} ${prompt}`);
    }
    expect([...buttonsByLabel(world, second.id).keys()]).toEqual(DESCRIBE_BUTTONS);

    // The picks on the new result use the new prompts.
    const opener = await press(world, second, "Imagine 3");
    expect(prefilled(await opener.firstResponse())).toBe(prompts[2]);
    expect(world.fake.violations).toEqual([]);
  });

  it("🎉 Imagine all starts four jobs: the press's reply and three new channel messages", async () => {
    world = await startWorld();
    const { result, taskId, prompts } = await described(world);
    const before = new Set(world.fake.channelMessages().map((m) => m.id));

    const all = await press(world, result, "Imagine all");
    const first = await finalResult(world, all);
    expect(proxyBodies(world, "/submit/action")).toEqual([
      { taskId, customId: "MJ::Job::PicReader::all", state: expect.stringMatching(/^mjcord:/) },
    ]);

    const grids = await newGrids(world, before);
    expect(grids).toHaveLength(4);
    expect(grids.map((m) => m.id)).toContain(first.id);
    // Each grid shows its own prompt, keycap removed.
    for (const prompt of prompts) {
      const shownFor = grids.filter((m) => m.content.includes(`**${prompt}**`));
      expect(shownFor, prompt).toHaveLength(1);
    }
    expect(first.content).toContain(`**${prompts[0]}**`);
    for (const grid of grids) {
      expect(grid.ephemeral).toBe(false);
      expect(grid.content).not.toMatch(/\u20E3/);
      expect([...buttonsByLabel(world, grid.id).keys()]).toEqual(GRID_BUTTONS);
    }
    // One press, one proxy call: the proxy started the four tasks itself.
    expect(proxyCalls(world, "/submit/action")).toHaveLength(1);
    expect(proxyCalls(world, "/submit/imagine")).toHaveLength(0);
    expect(world.fake.violations).toEqual([]);
  });

  it("on a gateway that refuses describe buttons: a pick is imagined directly, the buttons it refuses are not offered", async () => {
    world = await startWorld({ sim: { dialect: "gateway" } });
    const { result, prompts } = await described(world);
    // Imagine all and 🔄 would be answered unknown_action; the picks the bot imagines itself.
    expect(labelsOf(world, result)).toEqual(["Imagine 1", "Imagine 2", "Imagine 3", "Imagine 4"]);

    const opener = await press(world, result, "Imagine 1");
    expect(prefilled(await opener.firstResponse())).toBe(prompts[0]);
    const submit = await world.fake.submitModal(opener, { fields: { prompt: prompts[0] ?? "" } });
    const grid = await finalResult(world, submit);
    expect(proxyBodies(world, "/submit/imagine")).toEqual([
      { prompt: prompts[0], base64Array: [], state: expect.stringMatching(/^mjcord:/) },
    ]);
    expect(proxyCalls(world, "/submit/modal")).toHaveLength(0);
    expect([...buttonsByLabel(world, grid.id).keys()]).toEqual(GRID_BUTTONS);
    expect(proxyCalls(world, "/submit/imagine")).toHaveLength(1);
    expect(world.fake.violations).toEqual([]);
  });

  it("Imagine all a proxy refuses (unknown_action) says why in plain words", async () => {
    world = await startWorld();
    const { result, taskId } = await described(world);
    world.sim.injectFault({
      match: "/submit/action",
      status: 400,
      body: JSON.stringify({
        code: 4,
        description: `unknown_action:MJ::Job::PicReader::all`,
        type: "upstream_error",
      }),
    });
    const all = await press(world, result, "Imagine all");
    const refused = await messageSaying(world, all, /❌/);
    expect(refused.content).toMatch(/does not support this button/);
    expect(refused.content).not.toMatch(/[\u4e00-\u9fff]/);
    expect(proxyBodies(world, "/submit/action")).toEqual([
      { taskId, customId: "MJ::Job::PicReader::all", state: expect.stringMatching(/^mjcord:/) },
    ]);
    expect(proxyCalls(world, "/submit/imagine")).toHaveLength(0);
    expect(world.fake.violations).toEqual([]);
  });

  it("a file that is not an image is refused privately, and nothing reaches the proxy", async () => {
    world = await startWorld();
    const cmd = await world.fake.runCommand(
      "describe",
      {},
      {
        user: "alice",
        attachments: {
          image: {
            filename: "photo.png",
            bytes: Buffer.from("hello, I am a text file"),
            contentType: "image/png",
          },
        },
      },
    );
    const reply = await world.fake.waitFor(() => cmd.followUps()[0] ?? undefined, {
      what: "a private answer",
    });
    expect(reply.ephemeral).toBe(true);
    expect(reply.content).toMatch(/`image` is not a PNG, JPEG, WebP or GIF image/);
    expect(reply.content).toMatch(/Nothing was submitted/);
    expect(cmd.original()?.deleted ?? true).toBe(true);
    expect(proxyCalls(world, "/submit/describe")).toHaveLength(0);
    expect(world.fake.violations).toEqual([]);
  });

  it("a proxy error is shown in plain words in the job message", async () => {
    world = await startWorld();
    world.sim.injectFault({
      match: "/submit/describe",
      body: JSON.stringify({
        code: 9,
        description: "提交失败，系统异常",
        result: null,
        properties: {},
      }),
    });
    const cmd = await world.fake.runCommand(
      "describe",
      {},
      {
        user: "alice",
        attachments: {
          image: { filename: "photo.png", bytes: png(6, 4, [1, 2, 3]), contentType: "image/png" },
        },
      },
    );
    const shown = await messageSaying(world, cmd, /❌/);
    expect(shown.ephemeral).toBe(false);
    expect(shown.content).toMatch(/could not submit the job because of an internal error/);
    expect(shown.content).not.toMatch(/[\u4e00-\u9fff]/);
    expect(buttonsByLabel(world, shown.id).has("Retry")).toBe(true);
    expect(proxyCalls(world, "/submit/describe")).toHaveLength(1);
    expect(world.fake.violations).toEqual([]);
  });
});
