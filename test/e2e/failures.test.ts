import { afterEach, describe, expect, it } from "vitest";
import { finalResult, messageSaying, proxyCalls } from "./helpers.js";
import { buttonsByLabel, startWorld, type World } from "./world.js";

let world: World;
afterEach(async () => {
  await world?.close();
});

describe("when things go wrong", () => {
  it.each([
    ["sim:banned", /word filter/],
    ["sim:queue-full", /queue is full/],
    ["sim:busy", /queue is full/],
    ["sim:invalid", /incomplete/],
  ])(
    "a submit refused with %s shows plain words, once, and is never retried",
    async (trigger, words) => {
      world = await startWorld();
      const cmd = await world.fake.runCommand(
        "imagine",
        { prompt: `a red fox ${trigger}` },
        { user: "alice" },
      );
      const shown = await messageSaying(world, cmd, /❌/);
      expect(shown.content).toMatch(words);
      expect(shown.content).not.toMatch(/[\u4e00-\u9fff]/);
      expect(shown.ephemeral).toBe(false);
      expect(
        proxyCalls(world, "/submit/imagine").filter((r) =>
          JSON.stringify(r.body).includes(trigger),
        ),
      ).toHaveLength(1);
      expect(world.fake.violations).toEqual([]);
    },
  );

  it("a job that fails shows the reason in plain words, and Retry submits it again", async () => {
    world = await startWorld();
    const cmd = await world.fake.runCommand(
      "imagine",
      { prompt: "a red fox sim:timeout" },
      { user: "alice" },
    );
    const failed = await messageSaying(world, cmd, /❌/);
    expect(failed.content).toMatch(/timed out after 5 minutes/);
    const retry = buttonsByLabel(world, failed.id).get("Retry");
    expect(retry).toBeDefined();
    const again = await world.fake.pressButton(failed.id, retry ?? "", { user: "alice" });
    await messageSaying(world, again, /❌/);
    expect(proxyCalls(world, "/submit/imagine")).toHaveLength(2);
    // A second press of the same Retry does not submit a third time.
    const twice = await world.fake.pressButton(failed.id, retry ?? "", { user: "alice" });
    const reply = await world.fake.waitFor(() => twice.original() ?? twice.followUps()[0]);
    expect(reply.content).toMatch(/already retried/);
    expect(proxyCalls(world, "/submit/imagine")).toHaveLength(2);
  });

  it("a job that never finishes is closed with a clear message", async () => {
    world = await startWorld({ jobDeadlineMs: 1500 });
    const cmd = await world.fake.runCommand(
      "imagine",
      { prompt: "a red fox sim:stuck" },
      { user: "alice" },
    );
    const closed = await messageSaying(world, cmd, /No result after/);
    expect(closed.content).toContain("❌");
  });

  it("the proxy answering HTTP 503 is said plainly: the job may still be running, no Retry", async () => {
    world = await startWorld();
    world.sim.injectFault({ match: "/submit/imagine", status: 503, times: 1 });
    const cmd = await world.fake.runCommand("imagine", { prompt: "a red fox" }, { user: "alice" });
    const shown = await messageSaying(world, cmd, /may still be running/);
    expect(shown.content).not.toMatch(/❌/);
    expect(buttonsByLabel(world, shown.id).has("Retry")).toBe(false);
    expect(proxyCalls(world, "/submit/imagine")).toHaveLength(1);
  });
});

describe("Retry is offered only where asking again could go differently", () => {
  it("a banned prompt (24) and refused input (4) get no Retry button", async () => {
    world = await startWorld();
    for (const trigger of ["sim:banned", "sim:invalid"]) {
      const cmd = await world.fake.runCommand(
        "imagine",
        { prompt: `a fox ${trigger}` },
        { user: "alice" },
      );
      const shown = await messageSaying(world, cmd, /❌/);
      expect(buttonsByLabel(world, shown.id).has("Retry")).toBe(false);
    }
  });

  it("a submit that may have reached the proxy offers no Retry: its task is found and shown", async () => {
    world = await startWorld();
    world.sim.injectFault({ match: "/submit/imagine", drop: true, afterHandling: true, times: 1 });
    const cmd = await world.fake.runCommand("imagine", { prompt: "a red fox" }, { user: "alice" });
    const shown = await finalResult(world, cmd);
    expect(buttonsByLabel(world, shown.id).has("Retry")).toBe(false);
    expect(proxyCalls(world, "/submit/imagine")).toHaveLength(1);
  });
});
