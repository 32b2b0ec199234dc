// ❌ Cancel end to end: the owner (or an admin) stops a queued or running job, the proxy is
// asked once (POST /mj/task/{id}/cancel), the message says who cancelled it and changes no
// more, and the credits come back. A form the proxy waits for is abandoned without a call.
// A proxy without the route (404), or MJ_DISABLE=cancel, has no Cancel button.
import { afterEach, describe, expect, it } from "vitest";
import { type FakeInteraction, type FakeMessage, MANAGE_GUILD } from "../fakes/index.js";
import { imagineGrid, labelsOf, messageSaying, press, proxyCalls } from "./helpers.js";
import {
  ledgerSettled,
  memberId,
  privateAnswerOf,
  startWorldWithPolicy,
} from "./policy-support.js";
import { startWorld, type World } from "./world.js";

let world: World;
afterEach(async () => {
  await world?.close();
});

/** /imagine of a job that runs and never ends by itself (sim:stuck), shown with ❌ Cancel. */
async function runningJob(w: World, user = "alice") {
  const cmd = await w.fake.runCommand("imagine", { prompt: "a red fox sim:stuck" }, { user });
  const shown = await w.fake.waitFor(
    () => {
      const m = cmd.original();
      return m && /🎨/.test(m.content) && labelsOf(w, m).includes("Cancel") ? m : undefined;
    },
    { what: "a running job with a Cancel button" },
  );
  return { cmd, shown };
}

/** Waits a few poll intervals and returns how many writes the message got meanwhile. */
async function writesWhileWaiting(message: () => FakeMessage | undefined, ms = 600) {
  const before = message()?.writes.length ?? 0;
  await new Promise((resolve) => setTimeout(resolve, ms));
  return (message()?.writes.length ?? 0) - before;
}

const cancelled = (w: World, cmd: FakeInteraction) => messageSaying(w, cmd, /Cancelled by/);

describe("❌ Cancel", () => {
  it("the owner cancels a running job: one cancel call, the message says so and stops changing, the credits come back", async () => {
    const policy = await startWorldWithPolicy("members: { daily: 10 }\n", { pollIntervalMs: 100 });
    world = policy.world;
    const { cmd, shown } = await runningJob(world);

    const pressed = await press(world, shown, "Cancel");
    expect((await pressed.firstResponse()).type).toBe(6); // acknowledged without a reply
    const ended = await cancelled(world, cmd);
    expect(ended.content).toContain(`🚫 Cancelled by <@${memberId(world, "alice")}>.`);
    expect(ended.content).not.toMatch(/❌|🎨/);
    expect(labelsOf(world, ended)).toEqual([]); // no Cancel, and no Retry
    expect(ended.embeds).toEqual([]); // the preview is gone

    const calls = proxyCalls(world, "/cancel");
    expect(calls.map((c) => c.method)).toEqual(["POST"]);
    const taskId = /^\/mj\/task\/(\d+)\/cancel$/.exec(calls[0]?.path ?? "")?.[1] ?? "";
    // The job's own task: the one its /imagine made.
    expect(world.sim.task(taskId)).toMatchObject({
      prompt: "a red fox sim:stuck",
      status: "FAILURE",
      failReason: "取消任务",
    });
    expect(await writesWhileWaiting(() => cmd.original())).toBe(0);

    const [entry] = await ledgerSettled(world, "alice", 1);
    expect(entry).toMatchObject({ state: "cancelled", credits: 0 });
    const info = await privateAnswerOf(world, await world.fake.runCommand("info"));
    expect(info.content).toContain("Today: **0** used, **10** left of 10");
    expect(info.content).toContain("Jobs in flight: **0**");
    expect(world.fake.violations).toEqual([]);
  });

  it("another member is refused privately and nothing is asked; an admin may cancel", async () => {
    world = await startWorld();
    world.fake.addMember("dave", { permissions: MANAGE_GUILD });
    const { cmd, shown } = await runningJob(world);

    const bob = await press(world, shown, "Cancel", "bob");
    const refused = await privateAnswerOf(world, bob);
    expect(refused.content).toBe(
      `Only <@${memberId(world, "alice")}> or a server admin can cancel this job.`,
    );
    expect(proxyCalls(world, "/cancel")).toHaveLength(0);

    await press(world, shown, "Cancel", "dave");
    const ended = await cancelled(world, cmd);
    expect(ended.content).toContain(`Cancelled by <@${memberId(world, "dave")}>`);
    // Only the job's owner is ever pinged.
    expect(ended.allowedMentions).toEqual({ parse: [], users: [memberId(world, "alice")] });
    expect(proxyCalls(world, "/cancel")).toHaveLength(1);
    expect(world.fake.violations).toEqual([]);
  });

  it("a form the proxy waits for (MODAL) is abandoned without any proxy call", async () => {
    const policy = await startWorldWithPolicy("members: { daily: 10 }\n", {
      sim: { remix: true },
    });
    world = policy.world;
    const { grid } = await imagineGrid(world);
    const v1 = await press(world, grid, "V1");
    const waiting = await messageSaying(world, v1, /confirm the prompt/);
    expect(labelsOf(world, waiting)).toEqual(["Confirm prompt", "Cancel"]);
    const callsBefore = world.sim.requests.length;

    await press(world, waiting, "Cancel");
    const ended = await cancelled(world, v1);
    expect(labelsOf(world, ended)).toEqual([]);
    const asked = world.sim.requests.slice(callsBefore).map((r) => r.path);
    expect(asked.filter((p) => p.includes("/submit/") || p.includes("/cancel"))).toEqual([]);
    const entries = await ledgerSettled(world, "alice");
    expect(entries.some((e) => e.state === "running")).toBe(false);
    expect(world.fake.violations).toEqual([]);
  });

  it("a proxy without a cancel route: the first press learns it (404), the button goes, later jobs never show it", async () => {
    world = await startWorld({ sim: { unrouted: ["cancel"] } });
    const { cmd, shown } = await runningJob(world);
    const answer = await privateAnswerOf(world, await press(world, shown, "Cancel"));
    expect(answer.content).toBe(
      "This server's Midjourney proxy cannot cancel jobs, so this one goes on.",
    );
    await world.fake.waitFor(
      () => {
        const m = cmd.original();
        return m && !labelsOf(world, m).includes("Cancel") ? m : undefined;
      },
      { what: "the job shown without Cancel" },
    );
    expect(cmd.original()?.content).toMatch(/🎨/); // still running

    const next = await world.fake.runCommand("imagine", { prompt: "a blue owl sim:stuck" });
    const running = await messageSaying(world, next, /🎨/);
    expect(labelsOf(world, running)).not.toContain("Cancel");
    expect(proxyCalls(world, "/cancel")).toHaveLength(1);
    const info = await privateAnswerOf(world, await world.fake.runCommand("info"));
    expect(info.content).toContain("cancel jobs");
    expect(world.fake.violations).toEqual([]);
  });

  it("MJ_DISABLE=cancel: no job shows a Cancel button", async () => {
    world = await startWorld({ config: { mjDisable: ["cancel"] } });
    const cmd = await world.fake.runCommand("imagine", { prompt: "a red fox sim:stuck" });
    const running = await messageSaying(world, cmd, /🎨/);
    expect(labelsOf(world, running)).toEqual([]);
    expect(proxyCalls(world, "/cancel")).toHaveLength(0);
  });
});
