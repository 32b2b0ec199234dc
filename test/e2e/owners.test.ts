// Who may spend on a result's buttons, when the store no longer knows whose result it is.
// The operator pays for every press: a lost store must not let anyone spend on anything.
import { Routes } from "discord.js";
import { afterEach, describe, expect, it } from "vitest";
import { forgePress } from "./forged.js";
import {
  answerTo,
  finalResult,
  imagineGrid,
  loseTheStore,
  newGrids,
  press,
  proxyCalls,
  resultWithButtons,
  taskOf,
} from "./helpers.js";
import { png } from "./pictures.js";
import { buttonsByLabel, startWorld, type World } from "./world.js";

let world: World;
afterEach(async () => {
  await world?.close();
});

/** alice describes a picture and presses 🎉 Imagine all: four grids, three of them channel messages. */
async function imaginedAll(w: World) {
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
  const described = await resultWithButtons(w, cmd);
  const before = new Set(w.fake.channelMessages().map((m) => m.id));
  const all = await press(w, described, "Imagine all");
  const first = await finalResult(w, all);
  const grids = await newGrids(w, before);
  // A grid the bot posted in the channel: no interaction says whose it is.
  const posted = grids.find((m) => m.id !== first.id && m.via === "channel");
  if (!posted) throw new Error("no grid posted as a channel message");
  return { posted };
}

describe("owners survive the loss of the store", () => {
  it("a result posted as a channel message: bob is refused and nothing is spent; alice spends once", async () => {
    world = await startWorld();
    const { posted } = await imaginedAll(world);
    await loseTheStore(world);
    const spent = proxyCalls(world, "/submit/action").length;

    const bobs = await press(world, posted, "U1", "bob");
    const refused = await answerTo(world, bobs);
    expect(refused.ephemeral).toBe(true);
    expect(refused.content).toContain(`Only <@${world.fake.users.alice?.id}> can use the buttons`);
    expect(proxyCalls(world, "/submit/action")).toHaveLength(spent);

    const alices = await press(world, posted, "U1", "alice");
    await finalResult(world, alices);
    expect(proxyCalls(world, "/submit/action")).toHaveLength(spent + 1);
    expect(world.fake.violations).toEqual([]);
  });

  it("an owner written into a custom_id by anyone but the bot is not believed", async () => {
    world = await startWorld();
    const { posted } = await imaginedAll(world);
    await loseTheStore(world);
    const spent = proxyCalls(world, "/submit/action").length;
    const taskId = taskOf(world, posted);

    // A modified client presses U1 with bob's id in place of alice's.
    const bobId = world.fake.users.bob?.id ?? "";
    const forged = await forgePress(world, posted, `mj:${taskId}:0:${bobId}`, "bob");
    const refused = await answerTo(world, forged);
    expect(refused.ephemeral).toBe(true);
    expect(refused.content).toMatch(/not one of mine/);
    expect(proxyCalls(world, "/submit/action")).toHaveLength(spent);
    expect(world.fake.violations).toEqual([]);
  });

  it("buttons from before owners were in custom_ids: the store decides, and without it nobody spends", async () => {
    world = await startWorld();
    const { grid } = await imagineGrid(world, "a red fox", "alice");
    const taskId = taskOf(world, grid);
    // A result as an older mjcord posted it: `mj:<taskId>:<n>`, no owner.
    const legacy = (await world.app.client.rest.post(Routes.channelMessages(world.fake.channelId), {
      body: {
        content: "**a red fox** (an older result)",
        components: [
          {
            type: 1,
            components: [{ type: 2, style: 2, label: "U1", custom_id: `mj:${taskId}:0` }],
          },
        ],
        allowed_mentions: { parse: [] },
      },
    })) as { id: string };
    const message = world.fake.message(legacy.id);
    if (!message) throw new Error("the older result was not posted");
    expect(buttonsByLabel(world, message.id).get("U1")).toBe(`mj:${taskId}:0`);

    const bobs = await press(world, message, "U1", "bob");
    expect((await answerTo(world, bobs)).content).toMatch(/Only <@\d+> can use the buttons/);
    expect(proxyCalls(world, "/submit/action")).toHaveLength(0);
    const alices = await press(world, message, "U1", "alice");
    await finalResult(world, alices);
    expect(proxyCalls(world, "/submit/action")).toHaveLength(1);

    await loseTheStore(world);
    for (const user of ["bob", "alice"]) {
      const click = await press(world, message, "U1", user);
      const refused = await answerTo(world, click);
      expect(refused.ephemeral).toBe(true);
      expect(refused.content).toMatch(/owner of this result is no longer known/);
    }
    expect(proxyCalls(world, "/submit/action")).toHaveLength(1);
    expect(world.fake.violations).toEqual([]);
  });
});
