// The spending policy on every path that spends besides a command's own submit: proxy
// presses (U1, Animate, describe picks, Imagine all), forms, Retry and the /video
// confirmation are priced and refused like commands, privately and before the proxy hears of
// them; jobs the proxy fails or refuses give their credits back; banned words are refused
// wherever a prompt is typed, and reported to the moderators without the prompt.
import { afterEach, describe, expect, it } from "vitest";
import type { FakeInteraction, FakeMessage, MemberFile } from "../fakes/index.js";
import {
  finalResult,
  imagineGrid,
  labelsOf,
  messageSaying,
  newGrids,
  press,
  proxyBodies,
  proxyCalls,
  resultWithButtons,
  resultWithFiles,
} from "./helpers.js";
import { png } from "./pictures.js";
import {
  ledgerSettled,
  memberId,
  nextUtcMidnightStamp,
  privateAnswerOf,
  refusalText,
  startWorldWithPolicy,
  usageOf,
} from "./policy-support.js";
import { buttonsByLabel, type World } from "./world.js";

let world: World;
afterEach(async () => {
  await world?.close();
});

const NOTHING = "Nothing was submitted or charged.";

/** The daily refusal's words, as a member reads them. */
const dailyRefusal = (needed: string, left: string, limit: string) =>
  `This needs ${needed}, and you have ${left} left of your ${limit} daily. They renew ${nextUtcMidnightStamp()}. ${NOTHING}`;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A refused press keeps its double-click claim for 2 s (src/discord/claims.ts). */
const PRESS_CLAIM_MS = 2_100;

/** Proxy submit counts, by endpoint. */
function submits(w: World) {
  return {
    imagine: proxyCalls(w, "/submit/imagine").length,
    action: proxyCalls(w, "/submit/action").length,
    modal: proxyCalls(w, "/submit/modal").length,
    video: proxyCalls(w, "/submit/video").length,
    describe: proxyCalls(w, "/submit/describe").length,
  };
}

/** Asserts that the interaction was answered privately, to the member only, as its first word. */
async function refusedPrivately(w: World, interaction: FakeInteraction, user = "alice") {
  const first = await interaction.firstResponse();
  // A private reply (type 4, ephemeral): no public "thinking" message, no form.
  expect(first.type).toBe(4);
  const reply = await privateAnswerOf(w, interaction);
  expect(reply.ephemeral).toBe(true);
  expect(reply.visibleTo).toBe(memberId(w, user));
  return reply.content;
}

/** /describe of a PNG, to its result with the picks, 🔄 and 🎉. */
async function described(w: World) {
  const cmd = await w.fake.runCommand(
    "describe",
    {},
    {
      user: "alice",
      attachments: {
        image: { filename: "photo.png", bytes: png(6, 4, [90, 90, 200]), contentType: "image/png" },
      },
    },
  );
  return resultWithButtons(w, cmd);
}

const START_FRAME: MemberFile = {
  filename: "start.png",
  bytes: png(12, 8, [200, 40, 40]),
  contentType: "image/png",
};

/** The private /video offer, once it shows its button. */
function offerOf(w: World, cmd: FakeInteraction): Promise<FakeMessage> {
  return w.fake.waitFor(
    () => {
      const m = cmd.original();
      return m && !m.loading && w.fake.buttons(m.id).length > 0 ? m : undefined;
    },
    { what: "the video offer" },
  );
}

describe("presses are priced and refused like commands", () => {
  it("U1 runs while credits are left; U2 once the day's credits are used is refused privately, 0 /submit/action", async () => {
    ({ world } = await startWorldWithPolicy("timezone: UTC\nmembers: { daily: 2 }\n"));
    const { grid } = await imagineGrid(world); // 1 of 2
    const u1 = await press(world, grid, "U1"); // 2 of 2
    expect((await u1.firstResponse()).type).toBe(5);
    await finalResult(world, u1);
    expect(submits(world).action).toBe(1);

    const u2 = await press(world, grid, "U2");
    expect(await refusedPrivately(world, u2)).toBe(
      dailyRefusal("1 credit", "0 credits", "2 credits"),
    );
    await sleep(300);
    expect(submits(world)).toMatchObject({ imagine: 1, action: 1 });
    // The grid's buttons stay as they were: the press changed nothing public.
    expect(labelsOf(world, grid)).toContain("U2");
    expect(world.fake.violations).toEqual([]);
  });

  it("two presses at once for the last credit: one runs, the other is refused privately and leaves nothing public", async () => {
    ({ world } = await startWorldWithPolicy("timezone: UTC\nmembers: { daily: 2 }\n"));
    const { grid } = await imagineGrid(world); // 1 of 2
    const presses = await Promise.all([press(world, grid, "U1"), press(world, grid, "U2")]);
    const outcome = await world.fake.waitFor(
      () => {
        const refused = presses.find((p) =>
          [p.original(), ...p.followUps()].some((m) => m?.ephemeral && m.content !== ""),
        );
        const ran = presses.find((p) => p !== refused);
        return refused && ran ? { refused, ran } : undefined;
      },
      { what: "one press refused" },
    );
    await finalResult(world, outcome.ran);
    expect(await refusalText(world, outcome.refused)).toBe(
      dailyRefusal("1 credit", "0 credits", "2 credits"),
    );
    // Whether it lost before or after its public "thinking" reply, none is left standing.
    const leftover = outcome.refused.original();
    expect(leftover === undefined || leftover.ephemeral || leftover.deleted).toBe(true);
    await sleep(300);
    expect(submits(world).action).toBe(1);
    expect(await usageOf(world, "alice")).toMatchObject({ day: { used: 2, left: 0 } });
    expect(world.fake.violations).toEqual([]);
  });

  it("a describe pick (which opens a form) is refused before the form when no credits are left", async () => {
    ({ world } = await startWorldWithPolicy("timezone: UTC\nmembers: { daily: 1 }\n"));
    const result = await described(world); // the day's 1 credit
    const opener = await press(world, result, "Imagine 1");
    // The first response is the private refusal, not the form (type 9).
    expect(await refusedPrivately(world, opener)).toBe(
      dailyRefusal("1 credit", "0 credits", "1 credit"),
    );
    expect(opener.modal).toBeUndefined();
    expect(submits(world)).toMatchObject({ action: 0, modal: 0, imagine: 0 });
    expect(world.fake.violations).toEqual([]);
  });

  it("a form opened while credits were left, submitted after they were used elsewhere, is refused; 0 action/modal", async () => {
    ({ world } = await startWorldWithPolicy("timezone: UTC\nmembers: { daily: 2 }\n"));
    const result = await described(world); // 1 of 2
    const opener = await press(world, result, "Imagine 1");
    expect((await opener.firstResponse()).type).toBe(9); // 1 credit left: the form is shown
    await imagineGrid(world, "a blue owl"); // 2 of 2, spent while the form is open
    const submit = await world.fake.submitModal(opener, {
      fields: { prompt: "a lake at dawn, in watercolour" },
    });
    expect(await refusedPrivately(world, submit)).toBe(
      dailyRefusal("1 credit", "0 credits", "2 credits"),
    );
    await sleep(300);
    expect(submits(world)).toMatchObject({ action: 0, modal: 0, imagine: 1 });
    expect(world.fake.violations).toEqual([]);
  });

  it("members.commands [imagine, describe]: Animate (needs /video) is refused naming the allowed commands; U1 (needs none) runs", async () => {
    ({ world } = await startWorldWithPolicy(
      "timezone: UTC\nmembers: { commands: [imagine, describe] }\n",
    ));
    const { grid } = await imagineGrid(world);
    const u1 = await press(world, grid, "U1");
    const upscaled = await finalResult(world, u1);
    expect(submits(world).action).toBe(1);
    for (const label of ["Animate (High motion)", "Animate (Low motion)"]) {
      const animate = await press(world, upscaled, label);
      expect(await refusedPrivately(world, animate), label).toBe(
        `You may not use /video. You may use /imagine, /describe. ${NOTHING}`,
      );
    }
    await sleep(300);
    expect(submits(world)).toMatchObject({ action: 1, video: 0 });
    expect(world.fake.violations).toEqual([]);
  });

  it("members.commands [describe]: a describe pick and Imagine all (need /imagine) are refused before any form; 🔄 (needs /describe) runs", async () => {
    ({ world } = await startWorldWithPolicy("timezone: UTC\nmembers: { commands: [describe] }\n"));
    const result = await described(world);
    const WORDS = `You may not use /imagine. You may use /describe. ${NOTHING}`;
    const pick = await press(world, result, "Imagine 2");
    expect(await refusedPrivately(world, pick)).toBe(WORDS);
    expect(pick.modal).toBeUndefined();
    const all = await press(world, result, "Imagine all");
    expect(await refusedPrivately(world, all)).toBe(WORDS);
    await sleep(300);
    expect(submits(world)).toMatchObject({ action: 0, modal: 0, imagine: 0 });

    const again = await press(world, result, "Retry");
    expect((await again.firstResponse()).type).toBe(5);
    const second = await resultWithButtons(world, again);
    expect(second.id).not.toBe(result.id);
    expect(proxyBodies(world, "/submit/action")).toEqual([
      expect.objectContaining({ customId: "MJ::Picread::Retry" }),
    ]);
    expect(world.fake.violations).toEqual([]);
  });

  it("cooldown_seconds on a press: refused with when the next may start; the server budget refuses a press too", async () => {
    const { world: w, rewrite } = await startWorldWithPolicy(
      "timezone: UTC\nmembers: { cooldown_seconds: 60 }\n",
    );
    world = w;
    const started = Date.now();
    const { grid } = await imagineGrid(world);
    const u1 = await press(world, grid, "U1");
    const words = await refusedPrivately(world, u1);
    const shown =
      /^One job every 60 seconds: you can start the next one <t:(\d+):R>\. Nothing was submitted or charged\.$/.exec(
        words,
      );
    expect(shown, words).not.toBeNull();
    const resetsAt = Number(shown?.[1]) * 1000;
    expect(resetsAt).toBeGreaterThanOrEqual(started + 60_000 - 1_000);
    expect(resetsAt).toBeLessThanOrEqual(Date.now() + 60_000 + 1_000);
    await sleep(300);
    expect(submits(world).action).toBe(0);

    // The server's budget: bob's job takes its last credit, alice's press is refused.
    rewrite("timezone: UTC\nserver: { daily: 2 }\n");
    await sleep(PRESS_CLAIM_MS);
    await imagineGrid(world, "a blue owl", "bob");
    const u2 = await press(world, grid, "U2");
    expect(await refusedPrivately(world, u2)).toBe(
      `The server has 0 credits left of its 2 credits for today, and this needs 1 credit. The budget renews ${nextUtcMidnightStamp()}. ${NOTHING}`,
    );
    await sleep(300);
    expect(submits(world)).toMatchObject({ imagine: 2, action: 0 });
    expect(world.fake.violations).toEqual([]);
  });

  it("roles count on presses and forms: a role's higher daily lets its member press past members.daily; a blocked role refuses a press and a form opened before", async () => {
    const { world: w, rewrite } = await startWorldWithPolicy("timezone: UTC\n");
    world = w;
    const generous = world.fake.addRole({ name: "patron" });
    const blocked = world.fake.addRole({ name: "muted" });
    world.fake.addMember("dana", { roles: [generous] });
    rewrite(
      `timezone: UTC\nmembers: { daily: 1 }\nroles:\n  "${generous}": { daily: 5 }\nblocked_roles: ["${blocked}"]\n`,
    );

    // alice has only members.daily: her grid is the day's one credit; U1 is refused.
    const { grid: alices } = await imagineGrid(world, "a red fox", "alice");
    const aliceU1 = await press(world, alices, "U1", "alice");
    expect(await refusedPrivately(world, aliceU1, "alice")).toBe(
      dailyRefusal("1 credit", "0 credits", "1 credit"),
    );

    // dana's role gives 5: a grid, U1 and V1 all run.
    const { grid } = await imagineGrid(world, "a blue owl", "dana");
    const u1 = await press(world, grid, "U1", "dana");
    const upscaled = await finalResult(world, u1);
    const v1 = await press(world, grid, "V1", "dana");
    await finalResult(world, v1);
    expect(submits(world)).toMatchObject({ imagine: 2, action: 2 });
    expect((await usageOf(world, "dana", [generous])).day).toMatchObject({ used: 3, left: 2 });

    // A form opened before dana is given the blocked role, submitted after.
    const zoom = await press(world, upscaled, "Custom Zoom", "dana");
    expect((await zoom.firstResponse()).type).toBe(9);
    world.fake.setRoles("dana", [generous, blocked]);
    const BLOCKED = `One of your roles may not start jobs in this server. ${NOTHING} Ask the server's admins if you think this is a mistake.`;
    const submit = await world.fake.submitModal(zoom, {
      fields: { prompt: "a blue owl --zoom 1.5" },
      user: "dana",
    });
    expect(await refusedPrivately(world, submit, "dana")).toBe(BLOCKED);
    const u2 = await press(world, grid, "U2", "dana");
    expect(await refusedPrivately(world, u2, "dana")).toBe(BLOCKED);
    await sleep(300);
    expect(submits(world)).toMatchObject({ imagine: 2, action: 2, modal: 0 });
    expect(world.fake.violations).toEqual([]);
  });
});

describe("Imagine all: four imagine jobs, all or none", () => {
  it("3 credits left: refused, 0 /submit/action, nothing charged (a 1-credit job still runs); with enough it makes 4 grids", async () => {
    const policy = (daily: number) => `timezone: UTC\nmembers: { daily: ${daily} }\n`;
    const { world: w, rewrite } = await startWorldWithPolicy(policy(4));
    world = w;
    const result = await described(world); // 1 of 4: 3 left
    const all = await press(world, result, "Imagine all");
    expect(await refusedPrivately(world, all)).toBe(
      dailyRefusal("4 credits", "3 credits", "4 credits"),
    );
    await sleep(300);
    expect(submits(world).action).toBe(0);

    // Nothing was charged for it: a 1-credit job runs, and the ledger shows only the two.
    await imagineGrid(world, "a blue owl");
    const entries = await ledgerSettled(world, "alice", 2);
    expect(entries.map((e) => [e.kind, e.credits])).toEqual([
      ["imagine", 1],
      ["describe", 1],
    ]);

    rewrite(policy(10)); // 8 left
    await sleep(PRESS_CLAIM_MS);
    const before = new Set(world.fake.channelMessages().map((m) => m.id));
    const again = await press(world, result, "Imagine all");
    expect((await again.firstResponse()).type).toBe(5);
    const grids = await newGrids(world, before, 4);
    expect(grids).toHaveLength(4);
    expect(proxyBodies(world, "/submit/action")).toEqual([
      expect.objectContaining({ customId: "MJ::Job::PicReader::all" }),
    ]);
    // Charged all four: 1 (describe) + 1 (owl) + 4; once they end, none is left in flight.
    const after = await ledgerSettled(world, "alice");
    expect(after.reduce((sum, e) => sum + e.credits, 0)).toBe(6);
    expect(await usageOf(world, "alice")).toMatchObject({ day: { used: 6, left: 4 }, inFlight: 0 });
    expect(world.fake.violations).toEqual([]);
  });

  it("members.concurrent 3: refused with words saying it starts 4 jobs; concurrent 4 with one running: says how many can start", async () => {
    const { world: w, rewrite } = await startWorldWithPolicy(
      "timezone: UTC\nmembers: { concurrent: 3 }\n",
    );
    world = w;
    const result = await described(world);
    const all = await press(world, result, "Imagine all");
    expect(await refusedPrivately(world, all)).toBe(
      `This starts 4 jobs at once, more than the 3 you may have running. Pick one of them instead. ${NOTHING}`,
    );
    await sleep(300);
    expect(submits(world).action).toBe(0);

    // Four may run, but one is running already.
    rewrite("timezone: UTC\nmembers: { concurrent: 4 }\n");
    await sleep(PRESS_CLAIM_MS);
    await world.fake.runCommand("imagine", { prompt: "a slow snail sim:slow" }, { user: "alice" });
    await world.fake.waitFor(() => submits(world).imagine === 1, { what: "the slow submit" });
    const second = await press(world, result, "Imagine all");
    expect(await refusedPrivately(world, second)).toBe(
      `You have 1 job running, and 4 at once is your limit; this starts 4, and 3 more can start now. Start it again when one of them ends. ${NOTHING}`,
    );
    await sleep(300);
    expect(submits(world).action).toBe(0);
    expect(world.fake.violations).toEqual([]);
  });

  it("Imagine all the proxy refuses (unknown_action, code 4) gives all four credits back", async () => {
    ({ world } = await startWorldWithPolicy("timezone: UTC\nmembers: { daily: 5 }\n"));
    const result = await described(world); // 1 of 5
    world.sim.injectFault({
      match: "/submit/action",
      status: 400,
      body: JSON.stringify({ code: 4, description: "unknown_action", type: "upstream_error" }),
    });
    const all = await press(world, result, "Imagine all");
    const refused = await messageSaying(world, all, /❌/);
    expect(refused.content).toMatch(/does not support this button/);
    await ledgerSettled(world, "alice", 2);
    expect(await usageOf(world, "alice")).toMatchObject({ day: { used: 1, left: 4 }, inFlight: 0 });
    // The four credits are there to spend: four imagines run, a fifth is refused.
    for (const prompt of ["a fox", "an owl", "a frog", "a hare"]) await imagineGrid(world, prompt);
    const fifth = await world.fake.runCommand("imagine", { prompt: "a deer" }, { user: "alice" });
    expect(await refusalText(world, fifth)).toBe(
      dailyRefusal("1 credit", "0 credits", "5 credits"),
    );
    expect(world.fake.violations).toEqual([]);
  });
});

describe("Retry", () => {
  it("a job the proxy refuses (code 9) gives its credit back; Retry with no credits left is refused and stays usable; after the policy is relaxed it runs", async () => {
    const { world: w, rewrite } = await startWorldWithPolicy(
      "timezone: UTC\nmembers: { daily: 1 }\n",
    );
    world = w;
    // sim:busy's answer, for one submit only: the Retry of the same prompt can then succeed.
    world.sim.injectFault({
      match: "/submit/imagine",
      body: JSON.stringify({
        code: 9,
        description: "提交失败，队列已满，请稍后重试",
        result: null,
        properties: {},
      }),
    });
    const cmd = await world.fake.runCommand("imagine", { prompt: "a red fox" }, { user: "alice" });
    const failed = await messageSaying(world, cmd, /❌/);
    expect(failed.content).toMatch(/queue is full/);
    expect(labelsOf(world, failed)).toContain("Retry");
    const [refused] = await ledgerSettled(world, "alice", 1);
    expect(refused).toMatchObject({ state: "refused", credits: 0 });

    // The credit came back: the day's only credit buys another job.
    await imagineGrid(world, "a blue owl");
    expect(submits(world).imagine).toBe(2);

    const retry = await press(world, failed, "Retry");
    expect(await refusedPrivately(world, retry)).toBe(
      dailyRefusal("1 credit", "0 credits", "1 credit"),
    );
    await sleep(300);
    expect(submits(world).imagine).toBe(2);
    expect(labelsOf(world, world.fake.message(failed.id) ?? failed)).toContain("Retry");

    rewrite("timezone: UTC\nmembers: { daily: 5 }\n");
    const again = await press(world, failed, "Retry");
    expect((await again.firstResponse()).type).toBe(5);
    await finalResult(world, again);
    expect(submits(world).imagine).toBe(3);
    expect(proxyBodies(world, "/submit/imagine").at(-1)?.prompt).toBe("a red fox");
    expect(world.fake.violations).toEqual([]);
  });

  it("a Retry whose prompt has since become a banned word is refused naming it; nothing is submitted", async () => {
    const { world: w, rewrite } = await startWorldWithPolicy("timezone: UTC\n");
    world = w;
    world.sim.injectFault({
      match: "/submit/imagine",
      body: JSON.stringify({
        code: 9,
        description: "提交失败，队列已满，请稍后重试",
        result: null,
        properties: {},
      }),
    });
    const cmd = await world.fake.runCommand(
      "imagine",
      { prompt: "a red dragon" },
      { user: "alice" },
    );
    const failed = await messageSaying(world, cmd, /❌/);
    rewrite('timezone: UTC\nbanned_words: ["dragon"]\n');
    const retry = await press(world, failed, "Retry");
    expect(await refusedPrivately(world, retry)).toBe(
      `Your prompt contains "dragon", which this server does not allow. ${NOTHING}`,
    );
    await sleep(300);
    expect(submits(world).imagine).toBe(1);
    expect(world.fake.violations).toEqual([]);
  });
});

describe("the /video confirmation", () => {
  it("the offer shows the price in credits; credits used between the offer and the press: refused, 0 /submit/video; the offer works once relaxed", async () => {
    const { world: w, rewrite } = await startWorldWithPolicy(
      "timezone: UTC\nmembers: { daily: 8 }\n",
    );
    world = w;
    const cmd = await world.fake.runCommand(
      "video",
      { prompt: "the fox starts running" },
      { user: "alice", attachments: { image: START_FRAME } },
    );
    const offer = await offerOf(world, cmd);
    expect(offer.ephemeral).toBe(true);
    expect(offer.content).toBe(
      "🎬 A 480p video (low motion) costs **7.5×** an image: 8 credits. Make it?",
    );
    expect(submits(world).video).toBe(0);

    await imagineGrid(world, "a blue owl"); // 1 of 8: 7 left, the video needs 8
    const go = await press(world, offer, "Make the video (7.5×)");
    expect(await refusedPrivately(world, go)).toBe(
      dailyRefusal("8 credits", "7 credits", "8 credits"),
    );
    await sleep(300);
    expect(submits(world).video).toBe(0);

    rewrite("timezone: UTC\nmembers: { daily: 20 }\n");
    const again = await press(world, offer, "Make the video (7.5×)");
    expect((await again.firstResponse()).type).toBe(5);
    await resultWithFiles(world, again, 5);
    expect(submits(world).video).toBe(1);
    expect(world.fake.violations).toEqual([]);
  });

  it("members.modes [relax]: the offer is priced at relax (8 × 0.5) and the video is sent in relax", async () => {
    ({ world } = await startWorldWithPolicy("timezone: UTC\nmembers: { modes: [relax] }\n"));
    const cmd = await world.fake.runCommand(
      "video",
      { prompt: "the fox starts running" },
      { user: "alice", attachments: { image: START_FRAME } },
    );
    const offer = await offerOf(world, cmd);
    expect(offer.content).toBe(
      "🎬 A 480p video (low motion) costs **7.5×** an image: 4 credits. Make it?",
    );
    const go = await press(world, offer, "Make the video (7.5×)");
    await resultWithFiles(world, go, 5);
    expect(proxyCalls(world, "/submit/video").map((r) => r.path)).toEqual([
      "/relax/mj/submit/video",
    ]);
    const [entry] = await ledgerSettled(world, "alice", 1);
    expect(entry).toMatchObject({ kind: "video", mode: "relax", credits: 4 });
    expect(world.fake.violations).toEqual([]);
  });
});

describe("refunds", () => {
  it("with daily 1 and concurrent 1: a FAILURE (sim:fail), a refused submit (sim:invalid, sim:busy) each give the credit back; the next job runs, the one after is refused", async () => {
    ({ world } = await startWorldWithPolicy(
      "timezone: UTC\nmembers: { daily: 1, concurrent: 1 }\n",
    ));
    const outcomes: [string, RegExp, string][] = [
      ["sim:fail", /❌/, "failed"],
      ["sim:invalid", /incomplete/, "refused"],
      ["sim:busy", /queue is full/, "refused"],
    ];
    for (const [i, [trigger, words, state]] of outcomes.entries()) {
      const cmd = await world.fake.runCommand(
        "imagine",
        { prompt: `a red fox ${trigger}` },
        { user: "alice" },
      );
      const shown = await messageSaying(world, cmd, /❌/);
      expect(shown.content, trigger).toMatch(words);
      const [entry] = await ledgerSettled(world, "alice", i + 1);
      expect(entry, trigger).toMatchObject({ state, credits: 0 });
    }
    expect(submits(world).imagine).toBe(3);

    await imagineGrid(world, "a blue owl");
    const [ran] = await ledgerSettled(world, "alice", 4);
    expect(ran).toMatchObject({ state: "succeeded", credits: 1 });

    // The limit is still in force: the day's one credit is spent now.
    const over = await world.fake.runCommand(
      "imagine",
      { prompt: "a green frog" },
      { user: "alice" },
    );
    expect(await refusalText(world, over)).toBe(dailyRefusal("1 credit", "0 credits", "1 credit"));
    expect(submits(world).imagine).toBe(4);
    expect(world.fake.violations).toEqual([]);
  });

  it("a press the proxy refuses (code 9 on /submit/action) gives its credit back: with daily 2, concurrent 1 the next press runs", async () => {
    ({ world } = await startWorldWithPolicy(
      "timezone: UTC\nmembers: { daily: 2, concurrent: 1 }\n",
    ));
    const { grid } = await imagineGrid(world); // 1 of 2
    world.sim.injectFault({
      match: "/submit/action",
      body: JSON.stringify({
        code: 9,
        description: "提交失败，队列已满，请稍后重试",
        result: null,
        properties: {},
      }),
    });
    const u1 = await press(world, grid, "U1");
    const failed = await messageSaying(world, u1, /❌/);
    expect(failed.content).toMatch(/queue is full/);
    const [entry] = await ledgerSettled(world, "alice", 2);
    expect(entry).toMatchObject({ kind: "upscale", state: "refused", credits: 0 });
    const u2 = await press(world, grid, "U2"); // 2 of 2
    await finalResult(world, u2);
    expect(await usageOf(world, "alice")).toMatchObject({ day: { used: 2, left: 0 }, inFlight: 0 });
    expect(submits(world).action).toBe(2);
    expect(world.fake.violations).toEqual([]);
  });

  it("a V1 the proxy holds for its prompt (account remix, code 21) is charged once when confirmed, and is in flight until it ends", async () => {
    ({ world } = await startWorldWithPolicy(
      "timezone: UTC\nmembers: { daily: 2, concurrent: 1 }\n",
      {
        sim: { remix: true },
      },
    ));
    const { grid } = await imagineGrid(world); // 1 of 2
    const v1 = await press(world, grid, "V1"); // 2 of 2, reserved at the press
    const waiting = await messageSaying(world, v1, /confirm the prompt/);
    expect(await usageOf(world, "alice")).toMatchObject({ day: { used: 2 }, inFlight: 1 });
    // While it waits for its prompt it is running: a second job is refused (concurrent 1).
    const other = await world.fake.runCommand("imagine", { prompt: "an owl" }, { user: "alice" });
    expect(await refusalText(world, other)).toMatch(/^You have 1 job running, and 1 at once/);
    const confirm = buttonsByLabel(world, waiting.id).get("Confirm prompt") ?? "";
    const form = await world.fake.pressButton(waiting.id, confirm, { user: "alice" });
    await form.firstResponse();
    const submit = await world.fake.submitModal(form, {
      fields: { prompt: "a red fox in the rain" },
    });
    await submit.firstResponse();
    await finalResult(world, v1);
    const [entry] = await ledgerSettled(world, "alice", 2);
    expect(entry).toMatchObject({ kind: "variation", state: "succeeded", credits: 1 });
    expect(await usageOf(world, "alice")).toMatchObject({ day: { used: 2, left: 0 }, inFlight: 0 });
    expect(submits(world)).toMatchObject({ imagine: 1, action: 1, modal: 1 });
    expect(world.fake.violations).toEqual([]);
  });

  it("a job closed at its deadline (no result) gives its credit back", async () => {
    ({ world } = await startWorldWithPolicy(
      "timezone: UTC\nmembers: { daily: 1, concurrent: 1 }\n",
      {
        jobDeadlineMs: 1_500,
      },
    ));
    const stuck = await world.fake.runCommand(
      "imagine",
      { prompt: "a red fox sim:stuck" },
      { user: "alice" },
    );
    await messageSaying(world, stuck, /No result after/);
    const [entry] = await ledgerSettled(world, "alice", 1);
    expect(entry).toMatchObject({ credits: 0 });
    expect(entry?.state).not.toBe("succeeded");
    expect(await usageOf(world, "alice")).toMatchObject({ day: { used: 0, left: 1 }, inFlight: 0 });
    await imagineGrid(world, "a blue owl");
    expect(world.fake.violations).toEqual([]);
  });
});

describe("banned words", () => {
  it("refused in commands (whole Latin words, CJK anywhere) and in forms, reported to mod_log_channel without the prompt", async () => {
    const words = 'banned_words: ["dragon", "红色"]\n';
    const { world: w, rewrite } = await startWorldWithPolicy(`timezone: UTC\n${words}`);
    world = w;
    const modLog = world.fake.addChannel("mod-log");
    rewrite(`timezone: UTC\n${words}mod_log_channel: "${modLog}"\n`);
    const alice = memberId(world, "alice");
    const reports = () => world.fake.channelMessages(modLog).map((m) => m.content);

    const dragon = await world.fake.runCommand(
      "imagine",
      { prompt: "a Dragon over the misty hills" },
      { user: "alice" },
    );
    expect(await refusalText(world, dragon)).toBe(
      `Your prompt contains "dragon", which this server does not allow. ${NOTHING}`,
    );
    await world.fake.waitFor(() => reports().length === 1, { what: "the first report" });
    expect(reports()[0]).toBe(
      `🚫 <@${alice}> was refused /imagine: the prompt contained "dragon".`,
    );
    expect(reports()[0]).not.toMatch(/misty|hills/);

    const red = await world.fake.runCommand(
      "imagine",
      { prompt: "雪地里有一只红色的狐狸在奔跑" },
      { user: "alice" },
    );
    expect(await refusalText(world, red)).toBe(
      `Your prompt contains "红色", which this server does not allow. ${NOTHING}`,
    );
    await world.fake.waitFor(() => reports().length === 2, { what: "the second report" });
    expect(reports()[1]).toBe(`🚫 <@${alice}> was refused /imagine: the prompt contained "红色".`);
    expect(reports()[1]).not.toMatch(/狐狸|雪地/);
    expect(submits(world).imagine).toBe(0);

    // A whole word only: "dragonfly" is another word.
    const { grid } = await imagineGrid(world, "a dragonfly on a leaf");
    expect(submits(world).imagine).toBe(1);

    // A describe pick's form, edited to a banned word.
    const result = await described(world);
    const opener = await press(world, result, "Imagine 1");
    expect((await opener.firstResponse()).type).toBe(9);
    const submit = await world.fake.submitModal(opener, {
      fields: { prompt: "a dragon in watercolour, soft light" },
    });
    expect(await refusedPrivately(world, submit)).toBe(
      `Your prompt contains "dragon", which this server does not allow. ${NOTHING}`,
    );
    await world.fake.waitFor(() => reports().length === 3, { what: "the third report" });
    expect(reports()[2]).toMatch(
      new RegExp(`^🚫 <@${alice}> was refused the .+ button: the prompt contained "dragon"\\.$`),
    );
    expect(reports()[2]).not.toMatch(/watercolour|soft light/);
    await sleep(300);
    expect(submits(world)).toMatchObject({ action: 0, modal: 0 });

    // The form that confirms a task waiting in MODAL (the account's remix is on).
    world.sim.configure({ remix: true });
    const v1 = await press(world, grid, "V1");
    const waiting = await messageSaying(world, v1, /confirm the prompt/);
    expect(submits(world).action).toBe(1); // V1 reached the proxy, which asks for the prompt
    const confirm = buttonsByLabel(world, waiting.id).get("Confirm prompt") ?? "";
    const form = await world.fake.pressButton(waiting.id, confirm, { user: "alice" });
    expect((await form.firstResponse()).type).toBe(9);
    const confirmed = await world.fake.submitModal(form, {
      fields: { prompt: "a dragon on a leaf, macro lens" },
    });
    expect(await refusedPrivately(world, confirmed)).toBe(
      `Your prompt contains "dragon", which this server does not allow. ${NOTHING}`,
    );
    await world.fake.waitFor(() => reports().length === 4, { what: "the fourth report" });
    expect(reports()[3]).toMatch(
      new RegExp(`^🚫 <@${alice}> was refused the .+ button: the prompt contained "dragon"\\.$`),
    );
    expect(reports()[3]).not.toMatch(/macro/);
    await sleep(300);
    expect(submits(world)).toMatchObject({ action: 1, modal: 0 });
    expect(world.fake.violations).toEqual([]);
  });

  it("a banned word in the prompts Imagine all would send, or in a pick's form left as it was, is refused; 0 action/modal", async () => {
    const { world: w, rewrite } = await startWorldWithPolicy("timezone: UTC\n");
    world = w;
    const result = await described(world);
    const prompts = result.content
      .split("\n")
      .filter((l) => /^[1-4]\uFE0F?\u20E3 /u.test(l))
      .map((l) => l.replace(/^[1-4]\uFE0F?\u20E3\s*/u, ""));
    expect(prompts).toHaveLength(4);
    const wordsOf = (text: string): string[] => text.toLowerCase().match(/[a-z]{4,}/g) ?? [];
    // A word only the fourth prompt has: the first three stay free of it.
    const word = wordsOf(prompts[3] ?? "").find(
      (candidate) => !prompts.slice(0, 3).some((p) => wordsOf(p).includes(candidate)),
    );
    if (!word) throw new Error(`no word of its own in the fourth prompt: ${prompts[3]}`);
    rewrite(`timezone: UTC\nbanned_words: ["${word}"]\n`);
    const banned = `Your prompt contains "${word}", which this server does not allow. ${NOTHING}`;

    const all = await press(world, result, "Imagine all");
    expect(await refusedPrivately(world, all)).toBe(banned);
    const pick = await press(world, result, "Imagine 4");
    expect((await pick.firstResponse()).type).toBe(9);
    const submit = await world.fake.submitModal(pick, { fields: { prompt: prompts[3] ?? "" } });
    expect(await refusedPrivately(world, submit)).toBe(banned);
    await sleep(300);
    expect(submits(world)).toMatchObject({ action: 0, modal: 0, imagine: 0 });

    // Another pick, without the word, runs.
    const one = await press(world, result, "Imagine 1");
    await one.firstResponse();
    const fine = await world.fake.submitModal(one, { fields: { prompt: prompts[0] ?? "" } });
    await finalResult(world, fine);
    expect(submits(world)).toMatchObject({ action: 1, modal: 1 });
    expect(world.fake.violations).toEqual([]);
  });
});

describe("modes", () => {
  it("members.modes [relax]: a job without a mode runs in relax (so do its presses); mode:fast is refused naming relax", async () => {
    ({ world } = await startWorldWithPolicy("timezone: UTC\nmembers: { modes: [relax] }\n"));
    const { grid } = await imagineGrid(world);
    expect(proxyCalls(world, "/submit/imagine").map((r) => r.path)).toEqual([
      "/relax/mj/submit/imagine",
    ]);
    const u1 = await press(world, grid, "U1");
    await finalResult(world, u1);
    expect(proxyCalls(world, "/submit/action").map((r) => r.path)).toEqual([
      "/relax/mj/submit/action",
    ]);

    const fast = await world.fake.runCommand(
      "imagine",
      { prompt: "a blue owl", mode: "fast" },
      { user: "alice" },
    );
    expect(await refusalText(world, fast)).toBe(
      `The \`fast\` mode is not open to you. You may use \`relax\`. ${NOTHING}`,
    );
    await sleep(300);
    expect(submits(world).imagine).toBe(1);
    const [entry] = await ledgerSettled(world, "alice", 2);
    expect(entry).toMatchObject({ kind: "upscale", mode: "relax", credits: 0.5 });
    expect(world.fake.violations).toEqual([]);
  });

  it("a press on a grid made in fast before the policy allowed only relax runs in relax", async () => {
    const { world: w, rewrite } = await startWorldWithPolicy("timezone: UTC\n");
    world = w;
    const { grid } = await imagineGrid(world);
    expect(proxyCalls(world, "/submit/imagine").map((r) => r.path)).toEqual([
      "/fast/mj/submit/imagine",
    ]);
    rewrite("timezone: UTC\nmembers: { modes: [relax] }\n");
    const u1 = await press(world, grid, "U1");
    await finalResult(world, u1);
    expect(proxyCalls(world, "/submit/action").map((r) => r.path)).toEqual([
      "/relax/mj/submit/action",
    ]);
    expect(world.fake.violations).toEqual([]);
  });
});
