// The spending policy's limits on commands, end to end: the real app against the fake
// Discord and the simulator, with a policy file. Each refusal is what the member reads,
// privately, and the proxy received nothing for it.
import { afterEach, describe, expect, it } from "vitest";
import type { FakeInteraction } from "../fakes/index.js";
import { finalResult, proxyCalls } from "./helpers.js";
import {
  ledgerSettled,
  nextUtcMidnightStamp,
  type PolicyWorld,
  privateAnswerOf,
  startWorldWithPolicy,
} from "./policy-support.js";
import type { World } from "./world.js";

let pw: PolicyWorld | undefined;
afterEach(async () => {
  await pw?.world.close();
  pw = undefined;
});

async function withPolicy(yaml: string): Promise<World> {
  pw = await startWorldWithPolicy(yaml);
  return pw.world;
}

const imagine = (w: World, prompt: string, user = "alice", more: Record<string, string> = {}) =>
  w.fake.runCommand("imagine", { prompt, ...more }, { user });

/** /imagine to its finished grid. */
async function imagined(w: World, prompt: string, user = "alice") {
  const cmd = await imagine(w, prompt, user);
  await finalResult(w, cmd);
  return cmd;
}

const submits = (w: World) => proxyCalls(w, "/submit/imagine").length;

/** The refusal, checked to be private and to leave nothing public behind. */
async function refused(w: World, cmd: FakeInteraction): Promise<string> {
  const answer = await privateAnswerOf(w, cmd);
  expect(answer.ephemeral).toBe(true);
  const original = cmd.original();
  expect(original === undefined || original.ephemeral || original.deleted).toBe(true);
  return answer.content;
}

describe("limits on commands", () => {
  it("daily: the third job of the day is refused with what is left and when it renews", async () => {
    const w = await withPolicy("members: { daily: 2 }\n");
    await imagined(w, "a red fox");
    await imagined(w, "a blue fox");
    const cmd = await imagine(w, "a green fox");
    const words = await refused(w, cmd);
    expect(words).toContain(
      "This needs 1 credit, and you have 0 credits left of your 2 credits daily",
    );
    expect(words).toContain(`They renew ${nextUtcMidnightStamp()}`);
    expect(words).toContain("Nothing was submitted or charged.");
    expect(submits(w)).toBe(2);
    // Another member's day is their own.
    await imagined(w, "a fox for bob", "bob");
    expect(submits(w)).toBe(3);
    expect(w.fake.violations).toEqual([]);
  });

  it("monthly: refused once the month's credits are used, naming the monthly limit", async () => {
    const w = await withPolicy("members: { daily: 10, monthly: 1 }\n");
    await imagined(w, "a red fox");
    const words = await refused(w, await imagine(w, "a blue fox"));
    expect(words).toMatch(
      /you have 0 credits left of your 1 credit monthly\. They renew <t:\d+:R>/,
    );
    const now = new Date();
    const monthEnd = Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1) / 1000;
    expect(words).toContain(`<t:${monthEnd}:R>`);
    expect(submits(w)).toBe(1);
  });

  it("a role grants more than everyone gets: the most generous value of the member's roles", async () => {
    const w = await withPolicy("{}\n");
    const supporter = w.fake.addRole({ name: "Supporter" });
    const patron = w.fake.addRole({ name: "Patron" });
    w.fake.addMember("dana", { roles: [supporter, patron] });
    pw?.rewrite(
      `members: { daily: 1 }\nroles:\n  "${supporter}": { daily: 2 }\n  "${patron}": { daily: 3 }\n`,
    );
    await imagined(w, "one", "dana");
    await imagined(w, "two", "dana");
    await imagined(w, "three", "dana");
    const words = await refused(w, await imagine(w, "four", "dana"));
    expect(words).toContain("0 credits left of your 3 credits daily");
    // alice has no role: everyone's 1.
    await imagined(w, "alice's one");
    expect(await refused(w, await imagine(w, "alice's two"))).toContain("of your 1 credit daily");
    expect(submits(w)).toBe(4);
  });

  it("a blocked role may not spend at all, whatever else it has", async () => {
    const w = await withPolicy("{}\n");
    const muted = w.fake.addRole({ name: "Muted" });
    const vip = w.fake.addRole({ name: "VIP" });
    w.fake.addMember("erin", { roles: [muted, vip] });
    pw?.rewrite(`roles:\n  "${vip}": { daily: 100 }\nblocked_roles: ["${muted}"]\n`);
    const words = await refused(w, await imagine(w, "a red fox", "erin"));
    expect(words).toContain("One of your roles may not start jobs in this server.");
    expect(submits(w)).toBe(0);
    // Taking the role away lifts it at once.
    w.fake.setRoles("erin", [vip]);
    await imagined(w, "a red fox", "erin");
    expect(submits(w)).toBe(1);
  });

  it("channels: jobs start only in the channels named; the refusal links them", async () => {
    const w = await withPolicy("{}\n");
    const art = w.fake.addChannel("art");
    const lounge = w.fake.addChannel("lounge");
    pw?.rewrite(`channels: ["${art}"]\n`);
    const elsewhere = await w.fake.runCommand(
      "imagine",
      { prompt: "a red fox" },
      { channel: lounge },
    );
    const words = await refused(w, elsewhere);
    expect(words).toContain(`Jobs cannot be started in this channel. Use <#${art}>.`);
    expect(submits(w)).toBe(0);
    const there = await w.fake.runCommand("imagine", { prompt: "a red fox" }, { channel: art });
    await finalResult(w, there);
    expect(submits(w)).toBe(1);
  });

  it("concurrent: a second job waits for the first to end", async () => {
    const w = await withPolicy("members: { concurrent: 1 }\n");
    const slow = await imagine(w, "a slow fox sim:slow");
    await w.fake.waitFor(() => (submits(w) === 1 ? true : undefined), { what: "the first submit" });
    const words = await refused(w, await imagine(w, "a quick fox"));
    expect(words).toContain("You have 1 job running, and 1 at once is your limit.");
    expect(submits(w)).toBe(1);
    await finalResult(w, slow, 30_000);
    await ledgerSettled(w, "alice", 1);
    await imagined(w, "a quick fox");
    expect(submits(w)).toBe(2);
  }, 60_000);

  it("cooldown: between the starts of two jobs, with when the next may start", async () => {
    const w = await withPolicy("members: { cooldown_seconds: 600 }\n");
    const before = Date.now();
    await imagined(w, "a red fox");
    const words = await refused(w, await imagine(w, "a blue fox"));
    const stamp = Number(/<t:(\d+):R>/.exec(words)?.[1]);
    expect(words).toContain("One job every 600 seconds: you can start the next one <t:");
    expect(stamp * 1000).toBeGreaterThanOrEqual(before + 600_000);
    expect(stamp * 1000).toBeLessThanOrEqual(Date.now() + 601_000);
    expect(submits(w)).toBe(1);
    // Someone else is not held back.
    await imagined(w, "bob's fox", "bob");
  });

  it("modes: a mode not allowed is refused naming the allowed; the default falls back to it", async () => {
    const w = await withPolicy("members: { modes: [relax] }\n");
    const fast = await imagine(w, "a red fox", "alice", { mode: "fast" });
    expect(await refused(w, fast)).toContain(
      "The `fast` mode is not open to you. You may use `relax`.",
    );
    expect(submits(w)).toBe(0);
    // Without a mode the server's default (fast) falls back to the first one allowed.
    await imagined(w, "a blue fox");
    expect(proxyCalls(w, "/submit/imagine").map((r) => r.path)).toEqual([
      "/relax/mj/submit/imagine",
    ]);
  });

  it("commands: a command not allowed is refused naming the ones allowed", async () => {
    const w = await withPolicy("members: { commands: [imagine, describe] }\n");
    const cmd = await w.fake.runCommand("shorten", { prompt: "a very long prompt about a fox" });
    expect(await refused(w, cmd)).toContain(
      "You may not use /shorten. You may use /imagine, /describe.",
    );
    expect(proxyCalls(w, "/submit/shorten")).toHaveLength(0);
    await imagined(w, "a red fox");
  });

  it("the server's budget counts every member together", async () => {
    const w = await withPolicy("server: { daily: 2 }\n");
    await imagined(w, "alice's fox", "alice");
    await imagined(w, "bob's fox", "bob");
    const words = await refused(w, await imagine(w, "carol's fox", "carol"));
    expect(words).toContain(
      "The server has 0 credits left of its 2 credits for today, and this needs 1 credit.",
    );
    expect(words).toContain(`The budget renews ${nextUtcMidnightStamp()}`);
    expect(submits(w)).toBe(2);
  });

  it("costs and mode multipliers: a job costs costs[kind] × modes[mode]", async () => {
    const w = await withPolicy(
      "costs: { imagine: 2 }\nmodes: { relax: 0.5, fast: 1.5 }\nmembers: { daily: 4 }\n",
    );
    await imagined(w, "a fast fox"); // 3 credits (fast is the default)
    const words = await refused(w, await imagine(w, "another fast fox"));
    expect(words).toContain(
      "This needs 3 credits, and you have 1 credit left of your 4 credits daily",
    );
    // In relax it costs 1: exactly what is left.
    const relax = await imagine(w, "a relaxed fox", "alice", { mode: "relax" });
    await finalResult(w, relax);
    const entries = await ledgerSettled(w, "alice", 2);
    expect(entries.map((e) => [e.mode, e.credits])).toEqual([
      ["relax", 1],
      ["fast", 3],
    ]);
    expect(submits(w)).toBe(2);
  });

  it("simultaneous commands at the edge of a limit: exactly as many start as the limit allows", async () => {
    const w = await withPolicy("members: { daily: 3 }\n");
    const cmds = await Promise.all(
      Array.from({ length: 6 }, (_, i) => imagine(w, `fox number ${i + 1}`)),
    );
    const answers = await Promise.all(
      cmds.map((cmd) =>
        w.fake.waitFor(
          () => {
            const original = cmd.original();
            if (original && !original.ephemeral && original.attachments.length > 0) return "ran";
            const refusal = [original, ...cmd.followUps()].find(
              (m) => m?.ephemeral && m.content.includes("daily"),
            );
            return refusal ? "refused" : undefined;
          },
          { timeoutMs: 30_000, what: "a result or a refusal" },
        ),
      ),
    );
    expect(answers.filter((a) => a === "ran")).toHaveLength(3);
    expect(answers.filter((a) => a === "refused")).toHaveLength(3);
    expect(submits(w)).toBe(3);
    const entries = await ledgerSettled(w, "alice", 3);
    expect(entries.reduce((sum, e) => sum + e.credits, 0)).toBe(3);
    expect(w.fake.violations).toEqual([]);
  }, 60_000);

  it("a refusal costs nothing: the same member's next allowed job still has every credit", async () => {
    const w = await withPolicy("members: { daily: 1, modes: [relax] }\n");
    await refused(w, await imagine(w, "a red fox", "alice", { mode: "fast" }));
    await imagined(w, "a red fox");
    const [entry] = await ledgerSettled(w, "alice", 1);
    expect(entry?.credits).toBe(0.5);
  });
});
