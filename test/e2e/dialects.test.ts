// mjcord against each proxy family, with no speed settings at all (MJ_MODE_STYLE=auto): the
// exact paths and bodies the proxy receives and the buttons the member sees.
import { afterEach, describe, expect, it } from "vitest";
import {
  finalResult,
  GRID_BUTTONS,
  imagineGrid,
  labelsOf,
  press,
  proxyCalls,
  taskOf,
} from "./helpers.js";
import { startWorld, type World } from "./world.js";

let world: World;
afterEach(async () => {
  await world?.close();
});

/** Every submit the proxy received: path and body, without the job's own state tag. */
function submits(w: World) {
  return w.sim.requests
    .filter((r) => r.path.includes("/submit/"))
    .map((r) => {
      const { state: _state, ...body } = r.body as Record<string, unknown>;
      return { path: r.path, body };
    });
}

describe("proxy families", () => {
  it("trueai (routes /mj-fast/mj only): found by probing; /imagine and U2 go there", async () => {
    world = await startWorld({ sim: { routes: "mj-path" } });
    const { grid } = await imagineGrid(world, "a red fox");
    expect(labelsOf(world, grid)).toEqual(GRID_BUTTONS);
    await finalResult(world, await press(world, grid, "U2"));
    expect(submits(world).map((s) => s.path)).toEqual([
      "/mj-fast/mj/submit/imagine",
      "/mj-fast/mj/submit/action",
    ]);
    expect(world.logs.join("")).not.toContain('"level":50');
    expect(world.fake.violations).toEqual([]);
  });

  it("plain /mj: the speed goes in accountFilter.modes", async () => {
    world = await startWorld({ sim: { routes: "filter" } });
    await imagineGrid(world, "a red fox");
    expect(submits(world)).toEqual([
      {
        path: "/mj/submit/imagine",
        body: { prompt: "a red fox", base64Array: [], accountFilter: { modes: ["FAST"] } },
      },
    ]);
  });

  it("legacy (novicezk, no buttons on tasks): U1–U4, 🔄, V1–V4 of our own, through /submit/change", async () => {
    world = await startWorld({ sim: { dialect: "legacy" } });
    const { grid } = await imagineGrid(world, "a red fox");
    expect(labelsOf(world, grid)).toEqual(GRID_BUTTONS);
    expect(proxyCalls(world, "/submit/imagine").map((r) => r.path)).toEqual(["/mj/submit/imagine"]);

    const up = await finalResult(world, await press(world, grid, "U2"));
    const variation = await finalResult(world, await press(world, grid, "V3"));
    const reroll = await finalResult(world, await press(world, grid, "Reroll"));
    const changes = submits(world).filter((s) => s.path === "/mj/submit/change");
    const parent = taskOf(world, grid);
    expect(changes).toEqual([
      { path: "/mj/submit/change", body: { taskId: parent, action: "UPSCALE", index: 2 } },
      { path: "/mj/submit/change", body: { taskId: parent, action: "VARIATION", index: 3 } },
      { path: "/mj/submit/change", body: { taskId: parent, action: "REROLL" } },
    ]);
    // The grids it makes have the buttons too; an upscale has none but its seed.
    expect(labelsOf(world, variation)).toEqual(GRID_BUTTONS);
    expect(labelsOf(world, reroll)).toEqual(GRID_BUTTONS);
    expect(labelsOf(world, up)).toEqual(["Seed"]);
    // No route the legacy proxy lacks was ever asked for.
    expect(proxyCalls(world, "/submit/action")).toHaveLength(0);
    expect(world.fake.violations).toEqual([]);
  });

  it("Niji: bot:niji on /imagine, /blend, /describe and /shorten is sent as botType NIJI_JOURNEY", async () => {
    world = await startWorld();
    const cmd = await world.fake.runCommand("imagine", { prompt: "a red fox", bot: "niji" });
    const grid = await finalResult(world, cmd);
    await finalResult(world, await world.fake.runCommand("imagine", { prompt: "a blue fox" }));
    await world.fake.runCommand("shorten", {
      prompt: "a very long prompt about a red fox in the snow",
      bot: "niji",
    });
    await world.fake.waitFor(
      () => (proxyCalls(world, "/submit/shorten").length ? true : undefined),
      {
        what: "the shorten submit",
      },
    );
    expect(
      proxyCalls(world, "/submit/imagine").map((r) => (r.body as { botType?: string }).botType),
    ).toEqual(["NIJI_JOURNEY", undefined]);
    const shortenBody = proxyCalls(world, "/submit/shorten")[0]?.body as
      | { botType?: string }
      | undefined;
    expect(shortenBody?.botType).toBe("NIJI_JOURNEY");
    expect((world.sim.task(taskOf(world, grid)) as { botType?: string }).botType).toBe(
      "NIJI_JOURNEY",
    );
    expect(world.fake.violations).toEqual([]);
  });
});
