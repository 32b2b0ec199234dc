// The member's language, end to end: a member whose Discord is set to Simplified Chinese
// (zh-CN, and zh-TW / zh-HK, which read it too) reads mjcord in Chinese — refusals, the job's
// message while it waits, its result, the proxy's errors — and every other member reads it
// in English. A job's later edits keep the language of the member who started it. The
// registered commands carry zh-CN descriptions and choice names; their names stay English.
import { afterEach, describe, expect, it } from "vitest";
import { en } from "../../src/discord/lang/en.js";
import { zhCN } from "../../src/discord/lang/zh-CN.js";
import type { FakeMessage } from "../fakes/index.js";
import { finalResult, messageSaying, press } from "./helpers.js";
import { privateAnswerOf, startWorldWithPolicy } from "./policy-support.js";
import { startWorld, type World } from "./world.js";

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const CJK = /[\u4e00-\u9fff]/;
const labels = (w: World, m: FakeMessage) => w.fake.buttons(m.id).map((b) => b.label);

/** A world with `li` (zh-CN), `mei` (zh-TW) and `sam` (en-GB) besides the fake's members. */
function withMembers(w: World): World {
  w.fake.addMember("li", { locale: "zh-CN" });
  w.fake.addMember("mei", { locale: "zh-TW" });
  w.fake.addMember("sam", { locale: "en-GB" });
  return w;
}

describe("a policy's refusal", () => {
  it("is in Chinese for zh-CN and zh-TW, in English for en-US and en-GB", async () => {
    const pw = await startWorldWithPolicy("members: { daily: 0 }\n");
    world = withMembers(pw.world);
    const answer = async (user: string) => {
      const cmd = await world?.fake.runCommand("imagine", { prompt: "a red fox" }, { user });
      if (!world || !cmd) throw new Error("no world");
      return (await privateAnswerOf(world, cmd)).content;
    };
    const english =
      /^This needs 1 credit, and you have 0 credits left of your 0 credits daily\. They renew <t:\d+:R>\. Nothing was submitted or charged\.$/;
    expect(await answer("alice")).toMatch(english);
    expect(await answer("sam")).toMatch(english);
    for (const user of ["li", "mei"]) {
      const words = await answer(user);
      expect(words).toMatch(
        /^这需要 1 积分，你的每日额度 0 积分 还剩 0 积分。额度将在 <t:\d+:R>恢复。未提交任何任务，也未扣除积分。$/,
      );
    }
    expect(world.sim.requests.filter((r) => r.path.endsWith("/submit/imagine"))).toHaveLength(0);
    expect(world.fake.violations).toEqual([]);
  });
});

describe("a job's message", () => {
  it("zh-CN: queued, the result and its U1, in Chinese", async () => {
    world = withMembers(await startWorld({ sim: { stepMs: 200 } }));
    const cmd = await world.fake.runCommand(
      "imagine",
      { prompt: "a red fox sim:queued" },
      { user: "li" },
    );
    const queued = await messageSaying(world, cmd, /排队中：前面还有 2 个/);
    expect(queued.content).toContain("(快速)");
    expect(labels(world, queued)).toContain(zhCN.job.cancel);
    const grid = await finalResult(world, cmd);
    expect(grid.content).toMatch(/^\*\*a red fox sim:queued\*\* - <@\d+> \(快速\)$/);
    // Midjourney's own buttons keep Midjourney's labels; the bot's own are in Chinese.
    expect(labels(world, grid)).toContain("U1");
    expect(labels(world, grid)).toContain(zhCN.job.seed);
    expect(labels(world, grid)).not.toContain(en.job.seed);

    // li's U1 is li's job, in Chinese, whoever looks at it.
    const upscale = await press(world, grid, "U1", "li");
    const upscaled = await finalResult(world, upscale);
    expect(upscaled.content).toMatch(/<@\d+> 点击了 U1 \(快速\)$/);
    expect(world.fake.violations).toEqual([]);
  });

  it("en-US: the same job reads in English", async () => {
    world = withMembers(await startWorld({ sim: { stepMs: 200 } }));
    const cmd = await world.fake.runCommand(
      "imagine",
      { prompt: "a red fox sim:queued" },
      { user: "alice" },
    );
    const queued = await messageSaying(world, cmd, /🕒 Queued: 2 ahead/);
    expect(queued.content).not.toMatch(CJK);
    expect(labels(world, queued)).toContain(en.job.cancel);
    const grid = await finalResult(world, cmd);
    expect(grid.content).toMatch(/^\*\*a red fox sim:queued\*\* - <@\d+> \(fast\)$/);
    expect(labels(world, grid)).toContain(en.job.seed);
    const upscale = await press(world, grid, "U1", "alice");
    const upscaled = await finalResult(world, upscale);
    expect(upscaled.content).toMatch(/U1 by <@\d+> \(fast\)$/);
    expect(upscaled.content).not.toMatch(CJK);
  });
});

describe("the proxy's errors", () => {
  it("a refused submit: zh-CN reads Chinese, en-US reads English", async () => {
    world = withMembers(await startWorld());
    const li = await world.fake.runCommand(
      "imagine",
      { prompt: "a red fox sim:queue-full" },
      { user: "li" },
    );
    const alice = await world.fake.runCommand(
      "imagine",
      { prompt: "a blue fox sim:queue-full" },
      { user: "alice" },
    );
    const chinese = await messageSaying(world, li, /❌/);
    expect(chinese.content).toContain(`❌ ${zhCN.proxy.queueFull}`);
    expect(labels(world, chinese)).toEqual([zhCN.job.retry]);
    const english = await messageSaying(world, alice, /❌/);
    expect(english.content).toContain(`❌ ${en.proxy.queueFull}`);
    expect(english.content).not.toMatch(CJK);
    expect(labels(world, english)).toEqual([en.job.retry]);
  });

  it("a task's Chinese failure reason: as it is for zh-CN, in plain English for en-US", async () => {
    world = withMembers(await startWorld());
    const li = await world.fake.runCommand(
      "imagine",
      { prompt: "a red fox sim:timeout" },
      { user: "li" },
    );
    const alice = await world.fake.runCommand(
      "imagine",
      { prompt: "a blue fox sim:timeout" },
      { user: "alice" },
    );
    const chinese = await messageSaying(world, li, /❌/);
    expect(chinese.content).toContain("❌ 执行超时 5 分钟");
    const english = await messageSaying(world, alice, /❌/);
    expect(english.content).toContain(
      "❌ Midjourney took too long and the job timed out after 5 minutes.",
    );
    expect(english.content).not.toMatch(CJK);
  });

  it("a refused proxy key: the admin's setting named in the member's language", async () => {
    world = withMembers(
      await startWorld({ sim: { apiKey: "another-key" }, config: { mjModeStyle: "path" } }),
    );
    const li = await world.fake.runCommand("imagine", { prompt: "a red fox" }, { user: "li" });
    const chinese = await messageSaying(world, li, /❌/);
    expect(chinese.content).toContain(`❌ ${zhCN.proxy.keyRefused}`);
    const alice = await world.fake.runCommand("imagine", { prompt: "a fox" }, { user: "alice" });
    const english = await messageSaying(world, alice, /❌/);
    expect(english.content).toContain(`❌ ${en.proxy.keyRefused}`);
  });
});

describe("the registered commands", () => {
  it("carry zh-CN descriptions and choice names; their names stay English", async () => {
    world = await startWorld();
    const registered = world.fake.registeredCommands();
    const byName = new Map(registered.map((c) => [c.name, c]));
    expect([...byName.keys()].sort()).toEqual(
      [
        "blend",
        "describe",
        "edit",
        "history",
        "imagine",
        "info",
        "settings",
        "shorten",
        "swapface",
        "usage",
        "video",
      ].sort(),
    );
    for (const command of registered) {
      const body = command as unknown as {
        name: string;
        description: string;
        description_localizations?: Record<string, string>;
        name_localizations?: unknown;
        options?: {
          name: string;
          description: string;
          description_localizations?: Record<string, string>;
          choices?: { name: string; value: string; name_localizations?: Record<string, string> }[];
        }[];
      };
      expect(body.name).toMatch(/^[a-z]+$/);
      expect(body.name_localizations ?? null).toBeNull();
      expect(body.description_localizations?.["zh-CN"]).toMatch(CJK);
      for (const option of body.options ?? []) {
        expect(option.description_localizations?.["zh-CN"], option.name).toMatch(CJK);
        for (const choice of option.choices ?? []) {
          expect(choice.name_localizations?.["zh-CN"], choice.value).toBeTruthy();
        }
      }
    }
    const imagine = byName.get("imagine") as unknown as {
      description: string;
      description_localizations: Record<string, string>;
      options: {
        name: string;
        choices?: { value: string; name_localizations?: Record<string, string> }[];
      }[];
    };
    expect(imagine.description).toBe(en.commands.imagine);
    expect(imagine.description_localizations["zh-CN"]).toBe(zhCN.commands.imagine);
    const mode = imagine.options.find((o) => o.name === "mode");
    expect(mode?.choices?.map((c) => [c.value, c.name_localizations?.["zh-CN"]])).toEqual([
      ["fast", "快速"],
      ["relax", "慢速"],
      ["turbo", "极速"],
    ]);
    expect(world.fake.violations).toEqual([]);
  });
});
