// A final state Discord refuses for good: a message a moderator deleted, a channel that
// refuses the bot, a channel that is gone. Delivery is bounded: a few tries, the picture
// downloaded once, then the member is told privately and the job is let go.
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe, expect, it } from "vitest";
import type { FakeInteraction, RecordedRequest } from "../fakes/index.js";
import { GRID_BUTTONS, labelsOf, messageSaying } from "./helpers.js";
import { startWorld, type World } from "./world.js";

let world: World;
afterEach(async () => {
  await world?.close();
});

/** Lets the tracker run this many poll ticks (a finished job is no longer polled, so wait). */
const ticks = (n: number) => sleep(n * world.config.pollIntervalMs);

/** The Discord requests the bot made about this interaction's job that Discord refused. */
function refused(cmd: FakeInteraction): RecordedRequest[] {
  const channel = world.fake.channelId;
  return world.fake.requests.filter(
    (r) =>
      r.status >= 400 &&
      (r.path.includes(`/webhooks/${world.fake.applicationId}/${cmd.token}`) ||
        r.path.startsWith(`/channels/${channel}/`)),
  );
}

/** The result media the bot downloaded from the proxy (the simulator's CDN). */
const downloads = () =>
  world.sim.requests.filter(
    (r) => r.method === "GET" && /\.(png|jpe?g|webp|gif|mp4)$/.test(r.path.split("?")[0] ?? ""),
  );

/** The warn lines saying a result could not be posted. */
const givenUp = () => world.logs.filter((l) => l.includes("cannot post in channel"));

/** Waits for the bot's DM to a member. */
const dmTo = (user: string) =>
  world.fake.waitFor(() => world.fake.dms(user)[0], { what: `a DM to ${user}`, timeoutMs: 20_000 });

describe("a message a moderator deleted", () => {
  it("while the token is valid: the result is posted anew as a follow-up, once, the picture downloaded once", async () => {
    world = await startWorld({ sim: { stepMs: 150 } });
    const cmd = await world.fake.runCommand("imagine", { prompt: "a red fox" }, { user: "alice" });
    const shown = await messageSaying(world, cmd, /%/);
    world.fake.deleteMessage(shown.id);
    const anew = await world.fake.waitFor(
      () => cmd.followUps().find((m) => m.attachments.length > 0),
      { what: "the result posted anew", timeoutMs: 20_000 },
    );
    await ticks(30);
    expect(anew.content).toContain("a red fox");
    expect(anew.ephemeral).toBe(false);
    expect(labelsOf(world, anew)).toEqual(GRID_BUTTONS);
    expect(cmd.followUps()).toHaveLength(1);
    // Discord's one 10008 is how the bot learnt the message was gone; nothing after it.
    expect(refused(cmd).map((r) => r.code)).toEqual([10008]);
    expect(downloads()).toHaveLength(1);
    expect(world.fake.dms("alice")).toEqual([]);
    expect(await world.app.context.store.inFlight()).toEqual([]);
    expect(world.fake.violations).toEqual([]);
  });

  it("after the token expired: the result is posted anew as a channel message, once", async () => {
    world = await startWorld({ sim: { stepMs: 150 } });
    const cmd = await world.fake.runCommand("imagine", { prompt: "a red fox" }, { user: "alice" });
    const shown = await messageSaying(world, cmd, /%/);
    cmd.expireToken();
    world.fake.deleteMessage(shown.id);
    const anew = await world.fake.waitFor(
      () => world.fake.channelMessages().find((m) => m.attachments.length > 0),
      { what: "the result posted anew", timeoutMs: 20_000 },
    );
    await ticks(30);
    expect(anew.via).toBe("channel");
    expect(anew.content).toContain("a red fox");
    expect(labelsOf(world, anew)).toEqual(GRID_BUTTONS);
    expect(world.fake.channelMessages()).toHaveLength(1);
    expect(refused(cmd).map((r) => r.code)).toEqual([50027, 10008]);
    expect(downloads()).toHaveLength(1);
    expect(world.fake.violations).toEqual([]);
  });
});

describe("a channel that refuses the bot", () => {
  it("View Channel taken away after the token expired: a few tries, one download, a DM and one warning", async () => {
    world = await startWorld({ sim: { stepMs: 150 } });
    const cmd = await world.fake.runCommand("imagine", { prompt: "a red fox" }, { user: "alice" });
    await messageSaying(world, cmd, /%/);
    cmd.expireToken();
    world.fake.denyBotPermissions(["VIEW_CHANNEL"]);
    const dm = await dmTo("alice");
    await ticks(30);
    expect(dm.content).toContain("a red fox");
    expect(dm.content).toContain(`<#${world.fake.channelId}>`);
    expect(dm.content).toContain("View Channel");
    expect(world.fake.dms("alice")).toHaveLength(1);
    const refusals = refused(cmd);
    // the final state: a few tries with the picture, then given up; progress stops at the first refusal
    expect(refusals.filter((r) => r.files.length > 0)).toHaveLength(3);
    expect(refusals.filter((r) => r.code === 50001).length).toBeLessThanOrEqual(4);
    expect(refusals.length).toBeLessThanOrEqual(5);
    expect(downloads()).toHaveLength(1);
    const warnings = givenUp();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(`cannot post in channel ${world.fake.channelId}`);
    expect(warnings[0]).toContain("View Channel");
    expect(warnings[0]).toContain("50001");
    expect(await world.app.context.store.inFlight()).toEqual([]);
    expect(world.fake.violations).toEqual([]);
  });

  it("Attach Files taken away after the token expired (50013): progress lands, the result is given up with a DM", async () => {
    world = await startWorld({ sim: { stepMs: 150 } });
    const cmd = await world.fake.runCommand("imagine", { prompt: "a red fox" }, { user: "alice" });
    await messageSaying(world, cmd, /%/);
    cmd.expireToken();
    world.fake.denyBotPermissions(["ATTACH_FILES"]);
    const dm = await dmTo("alice");
    await ticks(30);
    expect(dm.content).toContain("a red fox");
    expect(dm.content).toContain("Attach Files");
    const refusals = refused(cmd);
    expect(refusals.filter((r) => r.code === 50013)).toHaveLength(3);
    expect(refusals.length).toBeLessThanOrEqual(5);
    expect(downloads()).toHaveLength(1);
    expect(cmd.original()?.content).toMatch(/%|Starting/);
    const warnings = givenUp();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain("Attach Files");
    expect(warnings[0]).toContain("50013");
    expect(await world.app.context.store.inFlight()).toEqual([]);
    expect(world.fake.violations).toEqual([]);
  });

  it("while the token lasts, the member is told with an ephemeral follow-up, not a DM", async () => {
    world = await startWorld({ sim: { stepMs: 150 } });
    const cmd = await world.fake.runCommand("imagine", { prompt: "a red fox" }, { user: "alice" });
    await messageSaying(world, cmd, /%/);
    world.fake.failNext({
      match: (r) => r.path.includes("/webhooks/") && r.files.length > 0,
      method: "PATCH",
      status: 403,
      body: { message: "Missing Permissions", code: 50013 },
      times: 10,
    });
    const told = await world.fake.waitFor(() => cmd.followUps()[0], {
      what: "a private word",
      timeoutMs: 20_000,
    });
    await ticks(30);
    expect(told.ephemeral).toBe(true);
    expect(told.visibleTo).toBe(world.fake.users.alice?.id);
    expect(told.content).toContain("a red fox");
    expect(world.fake.dms("alice")).toEqual([]);
    expect(refused(cmd).filter((r) => r.code === 50013)).toHaveLength(3);
    expect(downloads()).toHaveLength(1);
    expect(givenUp()).toHaveLength(1);
    expect(world.fake.violations).toEqual([]);
  });

  it("a deleted channel: given up after a few tries, the member told by DM", async () => {
    world = await startWorld({ sim: { stepMs: 150 } });
    const cmd = await world.fake.runCommand("imagine", { prompt: "a red fox" }, { user: "alice" });
    await messageSaying(world, cmd, /%/);
    world.fake.deleteChannel();
    const dm = await dmTo("alice");
    await ticks(30);
    expect(dm.content).toContain("a red fox");
    expect(dm.content).toMatch(/no longer exists/);
    expect(refused(cmd).filter((r) => r.files.length > 0)).toHaveLength(3);
    expect(refused(cmd).length).toBeLessThanOrEqual(5);
    expect(downloads()).toHaveLength(1);
    expect(givenUp()).toHaveLength(1);
    expect(givenUp()[0]).toContain("10003");
    expect(await world.app.context.store.inFlight()).toEqual([]);
    expect(world.fake.violations).toEqual([]);
  });

  it("a member who takes no DMs: the bot gives up quietly and says so in its log", async () => {
    world = await startWorld({ sim: { stepMs: 150 } });
    world.fake.closeDms("alice");
    const cmd = await world.fake.runCommand("imagine", { prompt: "a red fox" }, { user: "alice" });
    await messageSaying(world, cmd, /%/);
    cmd.expireToken();
    world.fake.denyBotPermissions(["VIEW_CHANNEL"]);
    await world.fake.waitFor(() => givenUp()[0], { what: "the warning", timeoutMs: 20_000 });
    await ticks(30);
    expect(givenUp()).toHaveLength(1);
    expect(givenUp()[0]).toContain("50007");
    expect(refused(cmd).length).toBeLessThanOrEqual(5);
    expect(downloads()).toHaveLength(1);
    expect(await world.app.context.store.inFlight()).toEqual([]);
    expect(world.fake.violations).toEqual([]);
  });
});
