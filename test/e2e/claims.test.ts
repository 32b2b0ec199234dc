// A press is claimed for as long as its submit can take, not for a fixed time: a second
// press of the same button while the proxy has not yet answered the first never bills twice.
import { afterEach, describe, expect, it } from "vitest";
import { AFTER_SUBMIT_MS } from "../../src/discord/claims.js";
import type { FakeInteraction } from "../fakes/index.js";
import { finalResult, imagineGrid, press, proxyCalls } from "./helpers.js";
import { startWorld, type World } from "./world.js";

let world: World;
afterEach(async () => {
  await world?.close();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The private answer a press got, if it got one. */
const privateAnswer = (click: FakeInteraction) =>
  [click.original(), ...click.followUps()].find((m) => m?.ephemeral && m.content !== "");

describe("double-click claims follow the submit", () => {
  it("a second press while the proxy is still answering the first is refused, however long that takes", async () => {
    world = await startWorld();
    const { grid } = await imagineGrid(world);
    // The upstream takes longer to answer this U1 than the short window after a submit.
    world.sim.injectFault({ match: "/submit/action", delayMs: AFTER_SUBMIT_MS + 2_000 });
    const first = await press(world, grid, "U1");
    await sleep(AFTER_SUBMIT_MS + 500);
    expect(proxyCalls(world, "/submit/action")).toHaveLength(1); // still unanswered
    const second = await press(world, grid, "U1");
    const refused = await world.fake.waitFor(() => privateAnswer(second), {
      what: "the second press refused",
    });
    expect(refused.content).toMatch(/Already on it/);
    await finalResult(world, first);
    expect(proxyCalls(world, "/submit/action")).toHaveLength(1);
    expect(world.fake.violations).toEqual([]);
  });

  it("once the first submit is answered and the short window has passed, pressing again is a new job", async () => {
    world = await startWorld();
    const { grid } = await imagineGrid(world);
    const first = await press(world, grid, "U1");
    await finalResult(world, first);
    await sleep(AFTER_SUBMIT_MS + 500);
    const second = await press(world, grid, "U1");
    await finalResult(world, second);
    expect(privateAnswer(second)).toBeUndefined();
    expect(proxyCalls(world, "/submit/action")).toHaveLength(2);
    expect(world.fake.violations).toEqual([]);
  });
});
