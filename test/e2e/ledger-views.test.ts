// /info, /history and /usage end to end: real jobs run through /imagine (the simulator as the
// proxy), then members read what the ledger says about them, privately and for free.
import { afterEach, describe, expect, it } from "vitest";
import type { FakeMessage } from "../fakes/index.js";
import { MANAGE_GUILD } from "../fakes/index.js";
import { imagineGrid, messageSaying } from "./helpers.js";
import { ledgerSettled, memberId, startWorldWithPolicy } from "./policy-support.js";
import { startWorld, type World } from "./world.js";

let world: World;
afterEach(async () => {
  await world?.close();
});

const EPHEMERAL = 64;

/** A world whose policy file is `yml`; `rewrite` changes it later (then reloaded, as SIGHUP). */
async function worldWithPolicy(yml: string) {
  const { world: w, rewrite } = await startWorldWithPolicy(yml);
  return { w, rewrite };
}

/** A member runs a view command; resolves with its private answer, once it is written. */
async function view(
  w: World,
  name: "info" | "history" | "usage",
  options: Record<string, string>,
  user: string,
): Promise<FakeMessage> {
  const asked = w.sim.requests.length;
  const cmd = await w.fake.runCommand(name, options, { user });
  const reply = await w.fake.waitFor(
    () => {
      const m = cmd.original();
      return m && !m.loading ? m : undefined;
    },
    { what: `the /${name} answer` },
  );
  expect(reply.ephemeral).toBe(true);
  expect(reply.flags & EPHEMERAL).toBe(EPHEMERAL);
  expect(reply.visibleTo).toBe(memberId(w, user));
  expect(w.sim.requests.length).toBe(asked); // looking costs nothing: the proxy is never asked
  return reply;
}

/** Next midnight UTC, as a Discord timestamp's seconds. */
const nextMidnight = () => {
  const d = new Date();
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1) / 1000;
};

const linkTo = (w: World, message: FakeMessage) =>
  `https://discord.com/channels/${w.fake.guildId}/${message.channelId}/${message.id}`;

/** The CSV attached to a message: rows of fields (simple: the tests' prompts hold no commas). */
function csvRows(message: FakeMessage): string[][] {
  const [file] = message.attachments;
  expect(file?.filename).toMatch(/^usage-\d{4}-\d{2}(-\d{2})?\.csv$/);
  const text = Buffer.from(file?.bytes ?? []).toString("utf8");
  return text
    .replace(/^\uFEFF/, "")
    .split("\r\n")
    .filter((line) => line !== "")
    .map((line) => line.split(","));
}

describe("/info", () => {
  it("after two imagines under `daily: 5`: 2 used, 3 left, when it resets; no monthly limit", async () => {
    ({ w: world } = await worldWithPolicy("members: { daily: 5, concurrent: 3 }\n"));
    await imagineGrid(world, "a red fox");
    await imagineGrid(world, "a blue owl");
    await ledgerSettled(world, "alice", 2);

    const reply = await view(world, "info", {}, "alice");
    expect(reply.content).toContain("**Your mjcord credits**");
    expect(reply.content).toContain(
      `Today: **2** used, **3** left of 5 (resets <t:${nextMidnight()}:R>)`,
    );
    expect(reply.content).toContain("This month: **2** used, no limit");
    expect(reply.content).toContain("Jobs in flight: **0** of 3 at once");
    expect(reply.content).toContain("Cooldown: none");
    expect(reply.content).toContain("Speed modes: fast, relax, turbo");
    expect(reply.content).toContain(
      "Commands that spend: /imagine, /blend, /describe, /shorten, /video, /swapface, /edit",
    );
    expect(world.fake.violations).toEqual([]);
  });

  it("without a policy: nothing is limited, and it says so", async () => {
    world = await startWorld();
    await imagineGrid(world, "a red fox");
    await ledgerSettled(world, "alice", 1);
    const reply = await view(world, "info", {}, "alice");
    expect(reply.content).toContain("Today: **1** used, no limit");
    expect(reply.content).toContain("This month: **1** used, no limit");
    expect(reply.content).toContain("Jobs in flight: **0** (no limit at once)");
    expect(world.fake.violations).toEqual([]);
  });

  it("member: an admin sees another member's (with their roles' limits); anyone else is refused", async () => {
    const { w, rewrite } = await worldWithPolicy("members: { daily: 5, cooldown_seconds: 3600 }\n");
    world = w;
    const vip = world.fake.addRole({ name: "vip" });
    world.fake.setRoles("bob", [vip]);
    rewrite(`members: { daily: 5, cooldown_seconds: 3600 }\nroles:\n  "${vip}": { daily: 10 }\n`);
    world.fake.addMember("dave", { permissions: MANAGE_GUILD });
    await imagineGrid(world, "a blue owl", "bob");
    await ledgerSettled(world, "bob", 1);

    const seen = await view(world, "info", { member: "bob" }, "dave");
    expect(seen.content).toContain(`**mjcord credits of <@${memberId(world, "bob")}>**`);
    expect(seen.content).toContain("Today: **1** used, **9** left of 10");
    expect(seen.content).toMatch(/Cooldown: 3600 s between two starts, next start <t:\d+:R>/);
    expect(seen.allowedMentions).toEqual({ parse: [] });

    const refused = await view(world, "info", { member: "bob" }, "alice");
    expect(refused.content).toMatch(/^Only the server's admins .* another member's credits/);
    expect(refused.content).not.toContain("used");
    // Naming oneself is no one else.
    const own = await view(world, "info", { member: "alice" }, "alice");
    expect(own.content).toContain("**Your mjcord credits**");
    expect(own.content).toContain("Today: **0** used, **5** left of 5");
    expect(own.content).toContain("Cooldown: 3600 s between two starts, ready now");
    expect(world.fake.violations).toEqual([]);
  });
});

describe("/history", () => {
  it("lists the last jobs, newest first: kind, state, credits, when, prompt, a link to each message", async () => {
    world = await startWorld();
    const { grid } = await imagineGrid(world, "a red fox");
    const failing = await world.fake.runCommand(
      "imagine",
      { prompt: "a blue owl sim:fail" },
      { user: "alice" },
    );
    const failed = await messageSaying(world, failing, /❌/);
    await ledgerSettled(world, "alice", 2);

    const reply = await view(world, "history", {}, "alice");
    const [embed] = reply.embeds as Array<{ title: string; description: string }>;
    expect(embed?.title).toBe("Your last 2 jobs");
    const lines = (embed?.description ?? "").split("\n");
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(
      /^\*\*1\.\*\* imagine \(fast\) · ❌ failed · 0 credits \(refunded 1\) · <t:\d+:R> · \[message\]\(/,
    );
    expect(lines[0]).toContain(`[message](${linkTo(world, failed)})`);
    expect(lines[1]).toBe("> a blue owl sim:fail");
    expect(lines[2]).toMatch(/^\*\*2\.\*\* imagine \(fast\) · ✅ done · 1 credit · <t:\d+:R> · /);
    expect(lines[2]).toContain(`[message](${linkTo(world, grid)})`);
    expect(lines[3]).toBe("> a red fox");
    // Bob has nothing of his own, and does not see Alice's.
    const bobs = await view(world, "history", {}, "bob");
    expect(bobs.embeds[0]).toMatchObject({ description: "You have no jobs in this server yet." });
    expect(world.fake.violations).toEqual([]);
  });

  it("shows at most the last 10", async () => {
    world = await startWorld();
    for (let i = 1; i <= 11; i++) await imagineGrid(world, `fox ${i}`);
    await ledgerSettled(world, "alice", 11);
    const reply = await view(world, "history", {}, "alice");
    const description = String(reply.embeds[0]?.description ?? "");
    expect(reply.embeds[0]).toMatchObject({ title: "Your last 10 jobs" });
    expect(description.match(/\[message\]\(https:\/\/discord\.com\/channels\//g)).toHaveLength(10);
    expect(description).not.toMatch(/> fox 1$/m);
    expect(description).toMatch(/> fox 11$/m);
    expect(world.fake.violations).toEqual([]);
  });
});

describe("/usage", () => {
  it("refused to a plain member; Manage Server and an `admins` role see totals by member and kind, and the CSV", async () => {
    const { w, rewrite } = await worldWithPolicy("members: { daily: 50 }\n");
    world = w;
    const mjAdmins = world.fake.addRole({ name: "mj-admins" });
    world.fake.addMember("erin", { roles: [mjAdmins] });
    world.fake.addMember("dave", { permissions: MANAGE_GUILD });
    rewrite(`members: { daily: 50 }\nadmins: { roles: ["${mjAdmins}"] }\n`);

    const { grid: fox } = await imagineGrid(world, "a red fox", "alice");
    const { grid: owl } = await imagineGrid(world, "=HYPERLINK(1) owl", "alice");
    const failing = await world.fake.runCommand(
      "imagine",
      { prompt: "a cat sim:fail" },
      { user: "bob" },
    );
    await messageSaying(world, failing, /❌/);
    await ledgerSettled(world, "alice", 2);
    await ledgerSettled(world, "bob", 1);
    expect(fox.id).not.toBe(owl.id);

    const refused = await view(world, "usage", { period: "today" }, "alice");
    expect(refused.content).toMatch(/^Only the server's admins .* usage\.$/);
    expect(refused.attachments).toEqual([]);

    const alice = memberId(world, "alice");
    const bob = memberId(world, "bob");
    for (const admin of ["dave", "erin"]) {
      for (const period of ["today", "month"] as const) {
        const reply = await view(world, "usage", { period }, admin);
        const title = period === "today" ? "**Usage today**" : "**Usage this month**";
        expect(reply.content.startsWith(title)).toBe(true);
        expect(reply.content).toContain("Total: **2 credits**, 3 jobs");
        expect(reply.content).toContain(
          `**By member**\n<@${alice}>: 2 credits, 2 jobs\n<@${bob}>: 0 credits, 1 job`,
        );
        expect(reply.content).toContain("**By job kind**\nimagine: 2 credits, 3 jobs");
        expect(reply.content).toContain("Every entry is in the attached CSV file.");
        expect(reply.allowedMentions).toEqual({ parse: [] });

        const [header, ...rows] = csvRows(reply);
        expect(header).toEqual([
          "job_id",
          "created_at",
          "guild",
          "channel",
          "member",
          "kind",
          "mode",
          "credits",
          "charged",
          "state",
          "prompt",
        ]);
        const ledger = await world.app.context.ledger.history(world.fake.guildId, alice, 10);
        expect(rows.map((r) => r.slice(2))).toEqual([
          [
            world.fake.guildId,
            world.fake.channelId,
            alice,
            "imagine",
            "fast",
            "1",
            "1",
            "succeeded",
            "a red fox",
          ],
          [
            world.fake.guildId,
            world.fake.channelId,
            alice,
            "imagine",
            "fast",
            "1",
            "1",
            "succeeded",
            "'=HYPERLINK(1) owl",
          ],
          [
            world.fake.guildId,
            world.fake.channelId,
            bob,
            "imagine",
            "fast",
            "0",
            "1",
            "failed",
            "a cat sim:fail",
          ],
        ]);
        // The rows are the ledger's jobs, with their times.
        expect(rows.slice(0, 2).map((r) => r[0])).toEqual(ledger.map((e) => e.jobId).reverse());
        for (const r of rows) expect(new Date(r[1] ?? "").toISOString()).toBe(r[1]);
      }
    }
    expect(world.fake.violations).toEqual([]);
  });

  it("with no jobs yet: says so, and attaches the CSV's header", async () => {
    world = await startWorld();
    const reply = await view(world, "usage", { period: "today" }, "owner");
    expect(reply.content).toContain("No jobs today.");
    expect(csvRows(reply)).toHaveLength(1);
    expect(world.fake.violations).toEqual([]);
  });
});
