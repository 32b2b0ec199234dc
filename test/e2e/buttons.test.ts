import { afterEach, describe, expect, it } from "vitest";
import {
  finalResult,
  GRID_BUTTONS,
  imagineGrid,
  press,
  proxyBodies,
  proxyCalls,
} from "./helpers.js";
import { buttonsByLabel, startWorld, type World } from "./world.js";

let world: World;
afterEach(async () => {
  await world?.close();
});

describe("result buttons", () => {
  it("U2 upscales the second image: the exact customId and owning task reach the proxy", async () => {
    world = await startWorld();
    const { grid } = await imagineGrid(world);
    const u2 = await press(world, grid, "U2");
    const upscaled = await finalResult(world, u2);
    const [action] = proxyCalls(world, "/submit/action");
    expect(action?.body).toMatchObject({
      customId: expect.stringMatching(/^MJ::JOB::upsample::2::/),
    });
    const taskId = proxyBodies(world, "/submit/action")[0]?.taskId ?? "";
    // The button's owner: the grid task this member's /imagine made.
    expect(world.sim.task(taskId)).toMatchObject({ action: "IMAGINE", prompt: "a red fox" });
    expect(upscaled.content).toContain("U2 by");
    const labels = [...buttonsByLabel(world, upscaled.id).keys()];
    expect(labels).toContain("Vary (Region)");
    expect(labels).toContain("Custom Zoom");
    expect(labels).not.toContain("❤️");
    expect(world.fake.violations).toEqual([]);
  });

  it("V3 makes a new grid with its own nine buttons", async () => {
    world = await startWorld();
    const { grid } = await imagineGrid(world);
    const v3 = await press(world, grid, "V3");
    const variation = await finalResult(world, v3);
    expect(proxyCalls(world, "/submit/action")[0]?.body).toMatchObject({
      customId: expect.stringMatching(/^MJ::JOB::variation::3::/),
    });
    expect(variation.id).not.toBe(grid.id);
    expect([...buttonsByLabel(world, variation.id).keys()]).toEqual(GRID_BUTTONS);
    expect(world.fake.violations).toEqual([]);
  });

  it("a double click, or a replayed interaction, submits only once", async () => {
    world = await startWorld();
    const { grid } = await imagineGrid(world);
    const clicks = [await press(world, grid, "U1"), await press(world, grid, "U1")];
    // Whichever click the bot handled first makes the job; the other is told privately.
    const refused = await world.fake.waitFor(() =>
      clicks.find((c) => c.followUps()[0]?.ephemeral || c.original()?.ephemeral),
    );
    const made = clicks.find((c) => c !== refused);
    await finalResult(world, made ?? refused);
    const reply = refused.original() ?? refused.followUps()[0];
    expect(reply?.content).toMatch(/already/i);
    // Discord re-delivers the same interaction: nothing happens again.
    world.fake.dispatch("INTERACTION_CREATE", made?.payload);
    await new Promise((r) => setTimeout(r, 300));
    expect(proxyCalls(world, "/submit/action")).toHaveLength(1);
  });

  it("only the member who made the picture can spend on its buttons", async () => {
    world = await startWorld();
    const { grid } = await imagineGrid(world, "a red fox", "alice");
    const bobs = await press(world, grid, "V1", "bob");
    const reply = await world.fake.waitFor(() => bobs.original() ?? bobs.followUps()[0]);
    expect(reply.ephemeral).toBe(true);
    expect(reply.content).toMatch(/Only <@\d+> can use the buttons/);
    expect(proxyCalls(world, "/submit/action")).toHaveLength(0);
  });
});
