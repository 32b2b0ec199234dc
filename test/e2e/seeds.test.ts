// 🌱 Seed end to end: a finished picture offers the button, a press asks the proxy's
// /mj/task/{id}/image-seed and shows the seed to the presser only.
import { afterEach, describe, expect, it } from "vitest";
import type { FakeInteraction, FakeMessage } from "../fakes/index.js";
import { finalResult, GRID_BUTTONS, imagineGrid, press } from "./helpers.js";
import { png } from "./pictures.js";
import { buttonsByLabel, startWorld, type World } from "./world.js";

let world: World;
afterEach(async () => {
  await world?.close();
});

const EPHEMERAL = 64;

/** The proxy's image-seed requests: the task id asked about, in order. */
function seedLookups(w: World): string[] {
  return w.sim.requests
    .filter((r) => r.method === "GET" && /\/mj\/task\/[^/]+\/image-seed$/.test(r.path))
    .map((r) => /\/mj\/task\/([^/]+)\/image-seed$/.exec(r.path)?.[1] ?? "");
}

/** Proxy calls that may cost something (every submit). */
const spending = (w: World) => w.sim.requests.filter((r) => /\/submit\/|insight-face/.test(r.path));

/** The private answer to a 🌱 press, once it has its text. */
function seedReply(w: World, click: FakeInteraction): Promise<FakeMessage> {
  return w.fake.waitFor(
    () => {
      const m = click.original() ?? click.followUps()[0];
      return m && !m.loading && m.content.startsWith("🌱") ? m : undefined;
    },
    { what: "the seed reply" },
  );
}

/** The seed the simulator answered for a task (it records it on the task once asked). */
const simSeed = (w: World, taskId: string) =>
  String((w.sim.task(taskId) as { seed?: string | null } | undefined)?.seed ?? "");

describe("🌱 Seed", () => {
  it("a finished grid shows 🌱 Seed; a press shows the task's seed to the presser only", async () => {
    world = await startWorld();
    const { grid } = await imagineGrid(world, "a red fox");
    expect([...buttonsByLabel(world, grid.id).keys()]).toEqual(GRID_BUTTONS);
    const seedButton = world.fake.buttons(grid.id).find((b) => b.label === "Seed");
    expect(seedButton?.emoji?.name).toBe("🌱");
    const gridBefore = { content: grid.content, edits: grid.writes.length };
    const spentBefore = spending(world).length;

    const click = await press(world, grid, "Seed");
    const first = await click.firstResponse();
    expect(first.type).toBe(5);
    expect((first.body.data as { flags?: number } | undefined)?.flags ?? 0).toBe(EPHEMERAL);
    const reply = await seedReply(world, click);

    const [taskId] = seedLookups(world);
    expect(seedLookups(world)).toHaveLength(1);
    expect(world.sim.task(taskId ?? "")).toMatchObject({
      action: "IMAGINE",
      prompt: "a red fox",
      status: "SUCCESS",
    });
    const seed = simSeed(world, taskId ?? "");
    expect(seed).toMatch(/^\d+$/);
    expect(reply.ephemeral).toBe(true);
    expect(reply.visibleTo).toBe(world.fake.users.alice?.id);
    expect(reply.content).toContain(`\`${seed}\``);
    expect(reply.content).toContain(`--seed ${seed}`);
    // Nothing was submitted, and the grid itself is untouched.
    expect(spending(world)).toHaveLength(spentBefore);
    const gridAfter = world.fake.message(grid.id);
    expect(gridAfter?.content).toBe(gridBefore.content);
    expect(gridAfter?.writes).toHaveLength(gridBefore.edits);
    expect(world.fake.violations).toEqual([]);
  });

  it("another member may press it too, and gets the same seed privately", async () => {
    world = await startWorld();
    const { grid } = await imagineGrid(world, "a red fox", "alice");
    const alices = await press(world, grid, "Seed", "alice");
    const alicesReply = await seedReply(world, alices);
    const bobs = await press(world, grid, "Seed", "bob");
    const bobsReply = await seedReply(world, bobs);

    expect(bobsReply.ephemeral).toBe(true);
    expect(bobsReply.visibleTo).toBe(world.fake.users.bob?.id);
    expect(bobsReply.content).not.toMatch(/Only <@/);
    const seed = simSeed(world, seedLookups(world)[0] ?? "");
    expect(bobsReply.content).toContain(`\`${seed}\``);
    expect(alicesReply.content).toBe(bobsReply.content);
    expect(new Set(seedLookups(world)).size).toBe(1);
    expect(alicesReply.visibleTo).toBe(world.fake.users.alice?.id);
    expect(spending(world)).toHaveLength(1); // only alice's /imagine
    expect(world.fake.violations).toEqual([]);
  });

  it("an upscale offers 🌱 too, and asks about its own task (it shares the grid's seed)", async () => {
    world = await startWorld();
    const { grid } = await imagineGrid(world, "a red fox");
    const u2 = await press(world, grid, "U2");
    const image = await finalResult(world, u2);
    expect(buttonsByLabel(world, image.id).has("Seed")).toBe(true);

    const onGrid = await seedReply(world, await press(world, grid, "Seed"));
    const onImage = await seedReply(world, await press(world, image, "Seed"));
    const [gridTask, imageTask] = seedLookups(world);
    expect(world.sim.task(imageTask ?? "")).toMatchObject({ action: "UPSCALE" });
    expect(imageTask).not.toBe(gridTask);
    const seed = simSeed(world, gridTask ?? "");
    expect(simSeed(world, imageTask ?? "")).toBe(seed);
    expect(onGrid.content).toContain(`\`${seed}\``);
    expect(onImage.content).toContain(`\`${seed}\``);
    expect(world.fake.violations).toEqual([]);
  });

  it("a proxy without seed support gets a clear private message", async () => {
    world = await startWorld({ sim: { seedSupport: false } });
    const { grid } = await imagineGrid(world);
    const click = await press(world, grid, "Seed", "bob");
    const reply = await seedReply(world, click);
    expect(reply.ephemeral).toBe(true);
    expect(reply.visibleTo).toBe(world.fake.users.bob?.id);
    expect(reply.content).toContain("This proxy cannot look up seeds.");
    expect(reply.content).not.toMatch(/请配置私聊频道|code 9/);
    expect(seedLookups(world)).toHaveLength(1);
    expect(world.fake.violations).toEqual([]);
  });

  it("a passing proxy error is retried; a lasting one is told privately; a later press works", async () => {
    world = await startWorld();
    const { grid } = await imagineGrid(world);
    // One 502: the look-up is a read, so it is asked again and the member never notices.
    world.sim.injectFault({ match: "/image-seed", status: 502, body: "bad gateway" });
    const retried = await seedReply(world, await press(world, grid, "Seed"));
    expect(retried.content).toMatch(/Seed: `\d+`/);
    expect(seedLookups(world)).toHaveLength(2);

    // The proxy keeps failing: the member is told, privately, in plain words.
    world.sim.injectFault({ match: "/image-seed", status: 502, body: "bad gateway", times: 50 });
    const failed = await seedReply(world, await press(world, grid, "Seed"));
    expect(failed.ephemeral).toBe(true);
    expect(failed.content).toMatch(/HTTP 502/);
    expect(failed.content).not.toMatch(/Seed: `/);
    const afterFailure = seedLookups(world).length;
    expect(afterFailure).toBeGreaterThan(2);
    expect(afterFailure).toBeLessThan(2 + 50); // the retries are bounded

    await fetch(`${world.sim.url}/sim/faults`, { method: "DELETE" }); // the proxy recovers
    const worked = await seedReply(world, await press(world, grid, "Seed"));
    expect(worked.content).toMatch(/Seed: `\d+`/);
    expect(seedLookups(world)).toHaveLength(afterFailure + 1);
    expect(spending(world)).toHaveLength(1); // only the /imagine
    expect(world.fake.violations).toEqual([]);
  });

  it("a task the proxy has forgotten (404, code 3) is told in plain words", async () => {
    world = await startWorld();
    const { grid } = await imagineGrid(world);
    world.sim.injectFault({
      match: "/image-seed",
      status: 404,
      body: JSON.stringify({ code: 3, description: "关联任务不存在或已失效", result: null }),
    });
    const reply = await seedReply(world, await press(world, grid, "Seed"));
    expect(reply.ephemeral).toBe(true);
    expect(reply.content).toMatch(/no longer knows that job/);
    expect(world.fake.violations).toEqual([]);
  });

  it("the 🌱 on a result posted before a restart still works", async () => {
    world = await startWorld();
    const { grid } = await imagineGrid(world);
    await world.crash();
    await world.restart();
    const reply = await seedReply(world, await press(world, grid, "Seed"));
    expect(reply.content).toContain(`\`${simSeed(world, seedLookups(world)[0] ?? "")}\``);
    expect(world.fake.violations).toEqual([]);
  });

  it("describe and shorten results offer no seed", async () => {
    world = await startWorld();
    const described = await world.fake.runCommand(
      "describe",
      {
        image: { filename: "fox.png", bytes: png(48, 32, [200, 80, 20]), contentType: "image/png" },
      },
      { user: "alice" },
    );
    const describeResult = await world.fake.waitFor(
      () => {
        const m = described.original();
        return m && buttonsByLabel(world, m.id).has("Imagine all") ? m : undefined;
      },
      { what: "the describe result", timeoutMs: 20_000 },
    );
    const shortened = await world.fake.runCommand(
      "shorten",
      { prompt: "a very detailed red fox sitting in a snowy forest at dawn, cinematic light" },
      { user: "alice" },
    );
    const shortenResult = await world.fake.waitFor(
      () => {
        const m = shortened.original();
        return m && buttonsByLabel(world, m.id).size > 0 ? m : undefined;
      },
      { what: "the shorten result", timeoutMs: 20_000 },
    );
    for (const result of [describeResult, shortenResult]) {
      const labels = [...buttonsByLabel(world, result.id).keys()];
      expect(labels.length).toBeGreaterThan(0);
      expect(labels).not.toContain("Seed");
      expect(world.fake.buttons(result.id).some((b) => b.emoji?.name === "🌱")).toBe(false);
    }
    expect(seedLookups(world)).toHaveLength(0);
    expect(world.fake.violations).toEqual([]);
  });
});
