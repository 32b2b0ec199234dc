import { ButtonStyle, ComponentType } from "discord.js";
import { describe, expect, it } from "vitest";
import { ALL_OFFERS, decodeKey } from "../../src/discord/components.js";
import { viewRows, viewText } from "../../src/discord/gallery.js";
import {
  type MessageView,
  mentionOnly,
  progressBar,
  renderJob,
  showPrompt,
} from "../../src/discord/render.js";
import { type Job, resultOf } from "../../src/jobs/job.js";
import { type ButtonInfo, classifyButton } from "../../src/mj/buttons.js";
import { validateBody } from "../fakes/schema.js";
import { fixtureTask } from "../support/fixtures.js";
import { testJob } from "../support/jobs.js";

const USER = "1302244873065467906";

function makeJob(overrides: Partial<Job> = {}): Job {
  return testJob({ userId: USER, ...overrides });
}

const buttonsOf = (view: MessageView) => viewRows(view).flatMap((r) => r.components);

function doneJob(overrides: Partial<Job> = {}): Job {
  const task = fixtureTask("task-imagine-success.json");
  return makeJob({
    taskId: task.id,
    phase: "done",
    rank: 4,
    progress: 100,
    result: resultOf(task),
    request: null,
    ...overrides,
  });
}

describe("renderJob by phase", () => {
  it("waiting: says so; only ❌ Cancel to press", () => {
    const job = makeJob();
    const view = renderJob(job);
    expect(view.content).toContain("Waiting");
    expect(buttonsOf(view).map((b) => [b.label, b.emoji?.name, b.style])).toEqual([
      ["Cancel", "❌", ButtonStyle.Danger],
    ]);
    expect(decodeKey(buttonsOf(view)[0]?.custom_id ?? "")).toEqual({
      type: "cancel",
      jobId: job.id,
    });
    expect(view.embeds).toEqual([]);
    expect(view.files).toEqual([]);
  });

  it("❌ Cancel is left out where the proxy cannot cancel, and while the task is not known", () => {
    const cannot = { ...ALL_OFFERS, cancel: false };
    for (const phase of ["waiting", "queued", "running"] as const) {
      expect(renderJob(makeJob({ phase }), undefined, cannot).components).toEqual([]);
      expect(buttonsOf(renderJob(makeJob({ phase }))).map((b) => b.label)).toEqual(["Cancel"]);
    }
    expect(renderJob(makeJob({ taskId: "" })).components).toEqual([]);
  });

  it("cancelled: says who cancelled it, nothing to press, no preview", () => {
    const view = renderJob(
      makeJob({ phase: "failed", rank: 4, cancelledBy: "42", request: null, failure: null }),
    );
    expect(view.content).toContain("🚫 Cancelled by <@42>.");
    expect(view.content).not.toContain("❌");
    expect(view.components).toEqual([]);
    expect(view.allowed_mentions).toEqual({ parse: [], users: [USER] });
  });

  it("queued: shows how many jobs are ahead", () => {
    expect(renderJob(makeJob({ phase: "queued", queueAhead: 3 })).content).toMatch(
      /Queued: 3 ahead/,
    );
    const plain = renderJob(makeJob({ phase: "queued", queueAhead: null })).content;
    expect(plain).toContain("Queued");
    expect(plain).not.toContain("ahead");
  });

  it("running: shows the percentage and the preview as an embed image", () => {
    const url = "https://cdn.example.com/preview.webp?ex=1&is=2";
    const view = renderJob(
      makeJob({ phase: "running", progress: 42, previewUrl: url, rank: 2.42 }),
    );
    expect(view.content).toContain("42%");
    expect(view.content).toContain(progressBar(42));
    expect(view.embeds).toEqual([{ image: { url } }]);
    expect(buttonsOf(view).map((b) => b.label)).toEqual(["Cancel"]);
  });

  it("running without progress or preview: no embed, a starting line", () => {
    const view = renderJob(makeJob({ phase: "running", progress: null }));
    expect(view.embeds).toEqual([]);
    expect(view.content).toContain("Starting");
    expect(view.content).not.toContain("%");
  });

  it("a preview is not kept once the job left the running phase", () => {
    const url = "https://cdn.example.com/preview.webp";
    expect(renderJob(doneJob({ previewUrl: url })).embeds).toEqual([]);
    expect(renderJob(makeJob({ phase: "failed", previewUrl: url })).embeds).toEqual([]);
  });

  it("needs-form: 'Confirm prompt' that opens the job's form, and Cancel (even where the proxy cannot cancel: no call is needed)", () => {
    const job = makeJob({ phase: "needs-form", formPrompt: "a fox --ar 1:1" });
    const view = renderJob(job, undefined, { ...ALL_OFFERS, cancel: false });
    const buttons = buttonsOf(view);
    expect(buttons.map((b) => b.label)).toEqual(["Confirm prompt", "Cancel"]);
    expect(decodeKey(buttons[0]?.custom_id ?? "")).toEqual({ type: "open-form", jobId: job.id });
    expect(decodeKey(buttons[1]?.custom_id ?? "")).toEqual({ type: "cancel", jobId: job.id });
    expect(view.content).toMatch(/confirm/i);
  });

  it("done: buttons for what the proxy lacks are left out (🌱 without image-seed, video ones without video)", () => {
    const grid = doneJob();
    const labels = (job: Job, offers = ALL_OFFERS) =>
      buttonsOf(renderJob(job, undefined, offers)).map((b) => b.label ?? "");
    expect(labels(grid)).toContain("Seed");
    expect(labels(grid, { ...ALL_OFFERS, seed: false })).not.toContain("Seed");
    const upscale = fixtureTask("task-upscale-success-v7.json");
    const up = doneJob({ taskId: upscale.id, result: resultOf(upscale) });
    const noVideo = { ...ALL_OFFERS, button: (info: ButtonInfo) => info.kind !== "animate" };
    const animate = labels(up).filter((l) => /Animate/i.test(l));
    expect(animate.length).toBeGreaterThan(0);
    expect(labels(up, noVideo).filter((l) => /Animate/i.test(l))).toEqual([]);
    expect(labels(up, noVideo)).toHaveLength(labels(up).length - animate.length);
  });

  it("done, through a new-api gateway: the buttons it answers unknown_action are left out", () => {
    const upscale = fixtureTask("task-upscale-success-v7.json");
    const direct = doneJob({ taskId: upscale.id, result: resultOf(upscale) });
    const gateway = doneJob({
      taskId: upscale.id,
      result: { ...resultOf(upscale), viaGateway: true },
    });
    const labels = (job: Job) => buttonsOf(renderJob(job)).map((b) => b.label ?? "");
    const refused = upscale.buttons
      .map((b) => classifyButton(b))
      .filter((info) => !info.hidden && !info.accepted.gateway)
      .map((info) => info.label);
    expect(refused.length).toBeGreaterThan(0);
    expect(labels(gateway)).toEqual(labels(direct).filter((l) => !refused.includes(l)));
  });

  it("done: the result's buttons and the files passed in media", () => {
    const job = doneJob();
    const png = { name: "result.png", data: Buffer.from([0x89, 0x50, 0x4e, 0x47]) };
    const view = renderJob(job, { files: [png], links: [] });
    expect(view.files).toEqual([png]);
    expect(view.embeds).toEqual([]);
    expect(view.components.map((r) => r.type)).toEqual([
      ComponentType.ActionRow,
      ComponentType.ActionRow,
    ]);
    const labels = buttonsOf(view).map((b) => b.label);
    expect(labels).toEqual(["U1", "U2", "U3", "U4", "Reroll", "V1", "V2", "V3", "V4", "Seed"]);
    for (const b of buttonsOf(view).slice(0, 9)) {
      // Each spending button names its owner: it needs no store to know who may press it.
      expect(decodeKey(b.custom_id)).toMatchObject({
        type: "proxy",
        taskId: job.taskId,
        ownerId: USER,
      });
    }
    expect(decodeKey(buttonsOf(view)[9]?.custom_id ?? "")).toEqual({
      type: "seed",
      taskId: job.taskId,
    });
    expect(labels).not.toContain("Retry");
  });

  it("done: media too large to upload is listed as links", () => {
    const links = [
      "https://cdn.example.com/a.mp4?ex=6891d081&is=68907f01&hm=abc",
      "https://cdn.example.com/b.mp4?ex=6891d081&is=68907f01&hm=def",
    ];
    const view = renderJob(doneJob(), { files: [], links });
    expect(view.files).toEqual([]);
    // Two of them: a gallery, whose words list the links as a plain message would.
    const lines = viewText(view).split("\n");
    for (const link of links) expect(lines).toContain(link);
  });

  it("done without downloaded media: buttons but no files", () => {
    const view = renderJob(doneJob());
    expect(view.files).toEqual([]);
    expect(buttonsOf(view)).toHaveLength(10); // the grid's nine and 🌱 Seed
  });

  it("failed with nothing worth retrying: the words, and no Retry button", () => {
    const view = renderJob(makeJob({ phase: "failed", failure: "Banned.", request: null }));
    expect(view.content).toContain("❌ Banned.");
    expect(view.components).toEqual([]);
  });

  it("failed: the failure in words and a Retry button for the job", () => {
    const job = makeJob({
      phase: "failed",
      rank: 4,
      failure: "Midjourney's word filter flagged this prompt.",
    });
    const view = renderJob(job);
    expect(view.content).toContain("Midjourney's word filter flagged this prompt.");
    const buttons = buttonsOf(view);
    expect(buttons).toHaveLength(1);
    expect(buttons[0]?.label).toBe("Retry");
    expect(decodeKey(buttons[0]?.custom_id ?? "")).toEqual({ type: "retry", jobId: job.id });
  });

  it("failed without a reason still says it failed", () => {
    const view = renderJob(makeJob({ phase: "failed", failure: null }));
    expect(view.content).toMatch(/failed/i);
  });
});

describe("Discord accepts every view", () => {
  const jobs: [string, Job][] = [
    ["waiting", makeJob()],
    ["queued", makeJob({ phase: "queued", queueAhead: 2 })],
    ["running", makeJob({ phase: "running", progress: 10, previewUrl: "https://cdn.x/p.webp" })],
    ["needs-form", makeJob({ phase: "needs-form" })],
    ["done (imagine)", doneJob({ prompt: "word ".repeat(1200) })],
    [
      "done (v7 upscale)",
      makeJob({
        phase: "done",
        result: resultOf(fixtureTask("task-upscale-success-v7.json")),
      }),
    ],
    ["failed", makeJob({ phase: "failed", failure: "x".repeat(5000) })],
  ];

  it.each(jobs)("%s", (_phase, job) => {
    const { files, ...body } = renderJob(job, { files: [], links: ["https://cdn.x/a.mp4"] });
    expect(files).toEqual([]);
    expect(validateBody("MessageEditRequestPartial", body)).toEqual([]);
    expect(body.content.length).toBeLessThanOrEqual(2000);
  });
});

describe("who, what and how", () => {
  it("mentions the member and names the mode", () => {
    expect(renderJob(makeJob({ mode: "fast" })).content).toContain(`<@${USER}>`);
    expect(renderJob(makeJob({ mode: "fast" })).content).toContain("(fast)");
    expect(renderJob(makeJob({ mode: "relax" })).content).toContain("(relax)");
    expect(renderJob(makeJob({ mode: "none" })).content).toContain("(default)");
  });

  it("names what was pressed to make the job", () => {
    const content = renderJob(makeJob({ kind: "action", origin: "U2" })).content;
    expect(content).toContain(`U2 by <@${USER}>`);
  });

  it("shows the prompt in bold", () => {
    expect(renderJob(makeJob()).content.split("\n")[0]).toMatch(
      /^\*\*a red fox in a snowy forest\*\* - /,
    );
  });

  it.each(["waiting", "queued", "running", "needs-form", "done", "failed"] as const)(
    "pings only the member (%s)",
    (phase) => {
      const job =
        phase === "done"
          ? doneJob({ prompt: "@everyone look <@999> <@&456>" })
          : makeJob({ phase, prompt: "@everyone look <@999> <@&456>" });
      expect(renderJob(job).allowed_mentions).toEqual({ parse: [], users: [USER] });
    },
  );

  it("mentionOnly allows exactly one user and no parsing", () => {
    expect(mentionOnly("42")).toEqual({ parse: [], users: ["42"] });
  });
});

describe("prompts are shown safely", () => {
  it("never exceeds 2000 characters, even for a 6000-character prompt", () => {
    const prompt = "word ".repeat(1200); // 6000 characters
    for (const job of [
      makeJob({ prompt }),
      makeJob({ prompt: "*".repeat(6000) }), // escaping doubles it
      makeJob({ phase: "failed", prompt, failure: "x".repeat(3000) }),
      doneJob({ prompt }),
    ]) {
      const view = renderJob(job, {
        files: [],
        links: ["https://cdn.example.com/a.mp4?sig=abc"],
      });
      expect(view.content.length).toBeLessThanOrEqual(2000);
      expect(view.content).toContain(`<@${USER}>`);
    }
  });

  it("keeps oversize-media links whole after a long prompt", () => {
    const links = Array.from(
      { length: 4 },
      (_, i) =>
        `https://cdn.discordapp.com/attachments/1372845222307958867/140182993451234567${i}/video_${i}_3f7c2a91-5b8e-4d2c-9a61-0e4b7d12c8af.mp4?ex=6891d081&is=68907f01&hm=0f2a693e93e2ed7008feb5b7714bbab236e3907e64188199e3be1ae367f49c40&`,
    );
    const view = renderJob(doneJob({ prompt: "word ".repeat(1200) }), { files: [], links });
    expect(viewText(view).length).toBeLessThanOrEqual(2000);
    const lines = viewText(view).split("\n");
    for (const link of links) expect(lines).toContain(link);
  });

  it("defuses @everyone, @here, user and role mentions in the prompt", () => {
    const content = renderJob(
      makeJob({ prompt: "@everyone @here hi <@123> <@!124> and <@&456>" }),
    ).content;
    expect(content).not.toMatch(/@everyone|@here/);
    expect(content).not.toMatch(/<@!?123>|<@!124>|<@&456>/);
    // The member's own mention is the only one left.
    expect(content.match(/<@[!&]?\d+>/g)).toEqual([`<@${USER}>`]);
    // The words are still readable.
    expect(content.replace(/[\u200b\\]/g, "")).toContain("@everyone @here hi <@123>");
  });

  it("escapes markdown so a prompt cannot format the message", () => {
    const prompt = "**bold** _it_ `code` ~~strike~~ ||spoiler|| > quote \\ back";
    const shown = showPrompt(prompt);
    // Every markdown character is escaped with a backslash.
    for (const ch of ["*", "_", "`", "~", "|", ">"]) {
      const at = [...shown.matchAll(new RegExp(`\\${ch}`, "g"))].map((m) => m.index ?? 0);
      expect(at.length).toBeGreaterThan(0);
      for (const i of at) expect(shown[i - 1]).toBe("\\");
    }
    // Removing the escapes gives the prompt back.
    expect(shown.replace(/\\(.)/g, "$1")).toBe(prompt);
    // The bold headline around the prompt is still closed by the bot's own **.
    const line = renderJob(makeJob({ prompt })).content.split("\n")[0] ?? "";
    expect(line.startsWith(`**${shown}** - `)).toBe(true);
  });

  it("a masked link in a prompt is shown as text, not as a live link, and no link unfurls", () => {
    const prompt = "[Claim your free Nitro](https://evil.example/claim)";
    const content = renderJob(makeJob({ prompt })).content;
    // No link Discord would make clickable or preview: the scheme's colon is escaped.
    expect(content).not.toMatch(/https?:\/\//i);
    // Every bracket is escaped, so `[text](url)` is no masked link.
    for (const m of content.matchAll(/[[\]]/g)) expect(content[(m.index ?? 0) - 1]).toBe("\\");
    // The member still reads what they typed.
    expect(showPrompt(prompt).replace(/\\(.)/g, "$1")).toBe(prompt);
  });

  it("bare links of any scheme, channel and command mentions and custom emoji stay text", () => {
    const prompt =
      "see https://evil.example/a and HTTP://x.example discord://open steam://run <#123> </imagine:456> <:nitro:789> <t:1700000000>";
    const shown = showPrompt(prompt);
    expect(shown).not.toMatch(/[a-z]+:\/\//i);
    expect(shown).not.toMatch(/(?<!\\)</);
    expect(shown.replace(/\\(.)/g, "$1").replace(/\u200b/g, "")).toBe(prompt);
  });

  it("control characters and ANSI escapes are not echoed", () => {
    const prompt = "\u001b[31ma red\u001b[0m fox\u0007\u0000 \u202eright\u202c \u009b2Jend";
    const shown = showPrompt(prompt);
    expect(shown).toBe("a red fox right end");
    // Line breaks are the message's own.
    expect(renderJob(makeJob({ prompt })).content.replace(/\n/g, "")).not.toMatch(
      /[\p{Cc}\u202a-\u202e]/u,
    );
  });

  it("a shortened prompt's echo cannot form links either", () => {
    const task = fixtureTask("task-shorten-success.json");
    const result = resultOf(task);
    const evil = "[Free Nitro](https://evil.example/claim)";
    const job = doneJob({
      kind: "shorten",
      prompt: evil,
      result: {
        ...result,
        description: result.description.replace("a breathtaking ultra", `${evil} a breathtaking`),
        promptEn: `${evil} ${result.promptEn}`,
      },
    });
    const content = renderJob(job).content;
    expect(content).not.toMatch(/https?:\/\//i);
    expect(content).not.toMatch(/(?<!\\)\[Free Nitro(?<!\\)\]\(/);
  });

  it("a proxy's failure reason that quotes the prompt cannot form links either", () => {
    const failure = "Banned prompt: [Free Nitro](https://evil.example/claim) @everyone";
    const content = renderJob(makeJob({ phase: "failed", failure })).content;
    expect(content).not.toMatch(/https?:\/\//i);
    expect(content).not.toMatch(/@everyone/);
    expect(content.replace(/[\\\u200b]/g, "")).toContain(
      "Banned prompt: [Free Nitro](https://evil.example/claim) @everyone",
    );
  });

  it("puts a multi-line prompt on one line", () => {
    const shown = showPrompt("line one\n# heading\n\n> quote\n-# small");
    expect(shown).not.toContain("\n");
    expect(shown.startsWith("line one")).toBe(true);
  });

  it("caps the prompt with an ellipsis and shows an empty prompt as such", () => {
    const shown = showPrompt("a".repeat(3000));
    expect(shown.length).toBe(1500);
    expect(shown.endsWith("…")).toBe(true);
    expect(showPrompt("b".repeat(100), 20)).toBe(`${"b".repeat(19)}…`);
    expect(showPrompt("   ")).toBe("(no prompt)");
    expect(showPrompt("short")).toBe("short");
  });
});

describe("progressBar", () => {
  it.each([
    [0, 0],
    [9, 1],
    [42, 4],
    [50, 5],
    [100, 10],
  ])("%i%% fills %i of 10 cells", (percent, filled) => {
    const bar = progressBar(percent);
    expect(bar).toBe(`${"▰".repeat(filled)}${"▱".repeat(10 - filled)} ${percent}%`);
  });

  it("keeps ten cells for out-of-range values", () => {
    expect(progressBar(150).startsWith("▰".repeat(10))).toBe(true);
    expect(progressBar(-5).startsWith("▱".repeat(10))).toBe(true);
  });
});
