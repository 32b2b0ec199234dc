// What /info, /history and /usage show, rendered without Discord: numbers, "no limit",
// timestamps, links, and the CSV (quoting, formula injection).
import { describe, expect, it } from "vitest";
import {
  CONTENT_MAX,
  csvField,
  entriesCsv,
  formatCredits,
  historyLine,
  messageLink,
  renderHistory,
  renderInfo,
  renderUsage,
  totalsBy,
} from "../../src/discord/ledger-views.js";
import type { LedgerEntry, MemberUsage } from "../../src/policy/ledger.js";

const RESET = Date.parse("2026-12-03T00:00:00Z");
const MONTH_RESET = Date.parse("2027-01-01T00:00:00Z");
const T = Date.parse("2026-12-02T16:00:00Z");

const usage = (over: Partial<MemberUsage> = {}): MemberUsage => ({
  limits: {
    blocked: false,
    daily: 5,
    cooldownSeconds: 0,
    modes: ["fast", "relax"],
    commands: ["imagine", "blend"],
  },
  day: { used: 2, limit: 5, left: 3, resetsAt: RESET },
  month: { used: 2, resetsAt: MONTH_RESET },
  inFlight: 0,
  cooldownEndsAt: null,
  ...over,
});

const entry = (over: Partial<LedgerEntry> = {}): LedgerEntry => ({
  jobId: "job-1",
  guildId: "10",
  channelId: "20",
  memberId: "30",
  kind: "imagine",
  mode: "fast",
  credits: 1,
  charged: 1,
  state: "succeeded",
  prompt: "a red fox",
  createdAt: T,
  updatedAt: T,
  dayStart: Date.parse("2026-12-02T00:00:00Z"),
  monthStart: Date.parse("2026-12-01T00:00:00Z"),
  ...over,
});

describe("/info's text", () => {
  it("says used, left, the limit and when it resets; no limit where there is none", () => {
    const text = renderInfo(usage(), null);
    expect(text).toContain("**Your mjcord credits**");
    expect(text).toContain(`Today: **2** used, **3** left of 5 (resets <t:${RESET / 1000}:R>)`);
    expect(text).toContain("This month: **2** used, no limit");
    expect(text).toContain("Jobs in flight: **0** (no limit at once)");
    expect(text).toContain("Cooldown: none");
    expect(text).toContain("Speed modes: fast, relax");
    expect(text).toContain("Commands that spend: /imagine, /blend");
    expect(text).not.toContain("⛔");
  });

  it("another member's, the server's limits, a running cooldown, a block, concurrency", () => {
    const text = renderInfo(
      usage({
        limits: {
          blocked: true,
          concurrent: 2,
          cooldownSeconds: 30,
          modes: ["relax"],
          commands: [],
        },
        day: { used: 0.5, resetsAt: RESET },
        inFlight: 1,
        cooldownEndsAt: T + 20_000,
      }),
      { limits: { daily: 100 }, used: { day: 40.25, month: 90 } },
      "<@30>",
    );
    expect(text).toContain("**mjcord credits of <@30>**");
    expect(text).toContain("⛔");
    expect(text).toContain("Today: **0.5** used, no limit");
    expect(text).toContain("The whole server today: 40.25 used, 59.75 left of 100");
    expect(text).not.toContain("The whole server this month");
    expect(text).toContain("Jobs in flight: **1** of 2 at once");
    expect(text).toContain(
      `Cooldown: 30 s between two starts, next start <t:${(T + 20_000) / 1000}:R>`,
    );
    expect(text).toContain("Commands that spend: none");
  });

  it("credits keep at most two decimals", () => {
    expect(formatCredits(1)).toBe("1");
    expect(formatCredits(0.5)).toBe("0.5");
    expect(formatCredits(2 / 3)).toBe("0.67");
  });
});

describe("/history's text", () => {
  it("kind, mode, state, credits, when, link and the prompt, newest first as given", () => {
    const link = messageLink("10", "20", "40");
    expect(link).toBe("https://discord.com/channels/10/20/40");
    expect(messageLink(null, "20", "40")).toBe("https://discord.com/channels/@me/20/40");
    const line = historyLine({ entry: entry(), link }, 0);
    expect(line).toBe(
      `**1.** imagine (fast) · ✅ done · 1 credit · <t:${T / 1000}:R> · [message](${link})\n> a red fox`,
    );
  });

  it("a refunded failure shows 0 credits and what came back; no message, no link", () => {
    const line = historyLine(
      { entry: entry({ state: "failed", credits: 0, charged: 1, mode: "none" }), link: null },
      2,
    );
    expect(line).toContain("**3.** imagine · ❌ failed · 0 credits (refunded 1) ·");
    expect(line).toContain("no message");
  });

  it("prompts are shortened and defused (no links, no mentions, no markdown)", () => {
    const long = `@everyone [x](https://evil.example) ${"word ".repeat(40)}`;
    const line = historyLine({ entry: entry({ prompt: long }), link: null }, 0);
    const prompt = line.split("\n> ")[1] ?? "";
    expect(prompt.length).toBeLessThanOrEqual(80);
    expect(prompt.endsWith("…")).toBe(true);
    expect(prompt).not.toContain("@everyone");
    expect(prompt).not.toContain("https://");
  });

  it("ten long entries fit in an embed's description; none says so", () => {
    const items = Array.from({ length: 10 }, (_, i) => ({
      entry: entry({ jobId: `j${i}`, prompt: "p".repeat(300) }),
      link: messageLink("123456789012345678", "123456789012345678", "123456789012345678"),
    }));
    const view = renderHistory(items);
    expect(view.title).toBe("Your last 10 jobs");
    expect(view.description.length).toBeLessThanOrEqual(4096);
    expect(view.description.match(/\[message\]/g)).toHaveLength(10);
    expect(renderHistory([]).description).toBe("You have no jobs in this server yet.");
  });
});

describe("/usage's text", () => {
  const entries = [
    entry({ jobId: "a", memberId: "1", credits: 1 }),
    entry({ jobId: "b", memberId: "2", credits: 8, charged: 8, kind: "video" }),
    entry({ jobId: "c", memberId: "1", credits: 0.5, mode: "relax" }),
    entry({ jobId: "d", memberId: "1", credits: 0, state: "failed" }),
  ];

  it("totals by member and by kind: credits and jobs, most credits first", () => {
    expect(totalsBy(entries, (e) => e.memberId)).toEqual([
      { key: "2", credits: 8, jobs: 1 },
      { key: "1", credits: 1.5, jobs: 3 },
    ]);
    const text = renderUsage(entries, "today", Date.parse("2026-12-02T00:00:00Z"), "CSV!");
    expect(text).toContain("**Usage today** (since <t:1796169600:f>)");
    expect(text).toContain("Total: **9.5 credits**, 4 jobs");
    expect(text).toContain("<@2>: 8 credits, 1 job\n<@1>: 1.5 credits, 3 jobs");
    expect(text).toContain("video: 8 credits, 1 job\nimagine: 1.5 credits, 3 jobs");
    expect(text.endsWith("CSV!")).toBe(true);
    expect(renderUsage([], "month", 0, "CSV!")).toContain("No jobs this month.");
  });

  it("many members: as many as fit, the rest counted", () => {
    const many = Array.from({ length: 200 }, (_, i) =>
      entry({ jobId: `j${i}`, memberId: String(100000000000000000n + BigInt(i)) }),
    );
    const text = renderUsage(many, "month", 0, "CSV!");
    expect(text.length).toBeLessThanOrEqual(CONTENT_MAX);
    expect(text).toMatch(/…and \d+ more members \(every entry is in the CSV\)/);
    expect(text).toContain("imagine: 200 credits, 200 jobs");
  });
});

describe("the CSV", () => {
  it("quotes per RFC 4180 and defuses formulas", () => {
    expect(csvField("plain")).toBe("plain");
    expect(csvField('say "hi", then\nleave')).toBe('"say ""hi"", then\nleave"');
    expect(csvField("=HYPERLINK(1)")).toBe("'=HYPERLINK(1)");
    expect(csvField("+1")).toBe("'+1");
    expect(csvField("-2")).toBe("'-2");
    expect(csvField("@SUM(A1)")).toBe("'@SUM(A1)");
    expect(csvField('=1,"2"')).toBe(`"'=1,""2"""`);
    expect(csvField(0.5)).toBe("0.5");
    expect(csvField(undefined)).toBe("");
  });

  it("a header and one row per entry, with ISO times", () => {
    const csv = entriesCsv([
      entry(),
      entry({ jobId: "job-2", prompt: "=cmd|' /C calc'!A0", state: "failed", credits: 0 }),
      entry({ jobId: "job-3", prompt: undefined, guildId: null }),
    ]);
    expect(csv.startsWith("\uFEFF")).toBe(true);
    const rows = csv.slice(1).split("\r\n");
    expect(rows).toEqual([
      "job_id,created_at,guild,channel,member,kind,mode,credits,charged,state,prompt",
      "job-1,2026-12-02T16:00:00.000Z,10,20,30,imagine,fast,1,1,succeeded,a red fox",
      "job-2,2026-12-02T16:00:00.000Z,10,20,30,imagine,fast,0,1,failed,'=cmd|' /C calc'!A0",
      "job-3,2026-12-02T16:00:00.000Z,,20,30,imagine,fast,1,1,succeeded,",
      "",
    ]);
  });
});
