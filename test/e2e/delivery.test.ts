import { afterEach, describe, expect, it } from "vitest";
import {
  finalResult,
  GRID_BUTTONS,
  imagineGrid,
  messageSaying,
  press,
  proxyCalls,
} from "./helpers.js";
import { buttonsByLabel, startWorld, type World } from "./world.js";

let world: World;
afterEach(async () => {
  await world?.close();
});

describe("getting the result to Discord", () => {
  it("when the interaction token expires mid-job, the job continues with the bot token", async () => {
    world = await startWorld({ sim: { stepMs: 150 } });
    const cmd = await world.fake.runCommand("imagine", { prompt: "a red fox" }, { user: "alice" });
    await messageSaying(world, cmd, /%/);
    cmd.expireToken();
    const final = await finalResult(world, cmd);
    const lastWrite = final.writes.at(-1);
    expect(lastWrite?.via).toBe("channel");
    expect([...buttonsByLabel(world, final.id).keys()]).toEqual(GRID_BUTTONS);
    expect(world.fake.violations).toEqual([]);
  });

  it("a token near its 15 minutes is not used at all", async () => {
    world = await startWorld({ tokenSafetyMs: 0 });
    const cmd = await world.fake.runCommand("imagine", { prompt: "a red fox" }, { user: "alice" });
    const final = await finalResult(world, cmd);
    expect(final.writes.filter((w) => w.kind !== "defer").every((w) => w.via === "channel")).toBe(
      true,
    );
    expect(world.fake.violations).toEqual([]);
  });

  it("429s on edits are waited out and the final result still lands", async () => {
    world = await startWorld();
    world.fake.rateLimitNext({ match: /messages/, method: "PATCH", times: 3, retryAfterMs: 200 });
    const { grid } = await imagineGrid(world);
    expect([...buttonsByLabel(world, grid.id).keys()]).toEqual(GRID_BUTTONS);
    expect(world.fake.requests.filter((r) => r.status === 429).length).toBeGreaterThan(0);
    expect(world.fake.violations).toEqual([]);
  });

  it("5xx from Discord on the final edit is retried until it lands", async () => {
    world = await startWorld();
    const cmd = await world.fake.runCommand("imagine", { prompt: "a red fox" }, { user: "alice" });
    await messageSaying(world, cmd, /%/);
    world.fake.failNext({ match: /messages/, method: "PATCH", status: 502, times: 5 });
    const final = await finalResult(world, cmd, 20_000);
    expect(final.attachments).toHaveLength(1);
    expect(world.fake.requests.filter((r) => r.status === 502)).toHaveLength(5);
  });

  it("a prompt with @everyone, a role and another member pings only the member", async () => {
    world = await startWorld();
    const bob = world.fake.users.bob?.id;
    const prompt = `@everyone look <@&123456789012345678> <@${bob}> a red fox`;
    const cmd = await world.fake.runCommand("imagine", { prompt }, { user: "alice" });
    const final = await finalResult(world, cmd);
    for (const write of final.writes.filter((w) => w.kind !== "defer")) {
      expect(write.allowedMentions).toEqual({ parse: [], users: [world.fake.users.alice?.id] });
    }
    expect(final.content).not.toContain("@everyone");
    expect(final.content).not.toContain(`<@${bob}>`);
    expect(proxyCalls(world, "/submit/imagine")[0]?.body).toMatchObject({ prompt });
  });
});

describe("restarts", () => {
  it("a job in flight when the bot is killed resumes after the restart, and old buttons still work", async () => {
    world = await startWorld({ sim: { stepMs: 120 } });
    const { grid } = await imagineGrid(world);
    const cmd = await world.fake.runCommand("imagine", { prompt: "a blue owl" }, { user: "alice" });
    await messageSaying(world, cmd, /%|Waiting|Queued/);
    await world.crash();
    await world.restart();
    const resumed = await finalResult(world, cmd, 15_000);
    expect(resumed.content).toContain("a blue owl");
    expect([...buttonsByLabel(world, resumed.id).keys()]).toEqual(GRID_BUTTONS);
    // A press on a result posted before the restart.
    const u3 = await press(world, grid, "U3");
    await finalResult(world, u3);
    expect(proxyCalls(world, "/submit/imagine")).toHaveLength(2);
    expect(world.fake.violations).toEqual([]);
  });
});
