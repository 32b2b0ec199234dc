// What /info, /history and /usage show, from the ledger's numbers and entries: pure text
// (and the CSV), no Discord calls. The words are in lang/views.ts.
import type { LedgerEntry, MemberUsage } from "../policy/ledger.js";
import { dayOf, localDate, monthOf } from "../policy/periods.js";
import { en, type Texts } from "./lang/en.js";
import { viewWords } from "./lang/views.js";
import { showPrompt } from "./render.js";

/** Discord's limit on a message's content. */
export const CONTENT_MAX = 2000;
/** Discord's limit on an embed's description. */
const DESCRIPTION_MAX = 4096;
/** How much of a prompt /history shows. */
const HISTORY_PROMPT_MAX = 80;
/** Jobs /history lists. */
export const HISTORY_COUNT = 10;

/** Credits as a member reads them: at most two decimals, no trailing zeros. */
export function formatCredits(n: number): string {
  return String(Math.round(n * 100) / 100);
}

/** "1 credit", "0.5 credits". */
const creditsText = (n: number, t: Texts = en) => t.views.credits(formatCredits(n), n === 1);

/** A Discord timestamp: `R` relative ("in 3 hours"), `f` date and time in the reader's zone. */
export const timestamp = (ms: number, style: "R" | "f" = "R") =>
  `<t:${Math.floor(ms / 1000)}:${style}>`;

export const mention = (userId: string) => `<@${userId}>`;

/** The server's own limits and what all its members together used (for /info). */
export interface ServerStanding {
  limits: { daily?: number; monthly?: number };
  used: { day: number; month: number };
}

/** /info: a member's standing. `who`: the member's mention when it is not the reader. */
export function renderInfo(
  usage: MemberUsage,
  server: ServerStanding | null,
  who: string | null = null,
  t: Texts = en,
): string {
  const words = viewWords(t);
  const period = (name: "day" | "month") => {
    const p = usage[name];
    return words.periodLine(
      name,
      formatCredits(p.used),
      p.limit === undefined
        ? null
        : {
            limit: formatCredits(p.limit),
            left: formatCredits(p.left ?? Math.max(0, p.limit - p.used)),
            resetsAt: timestamp(p.resetsAt),
          },
    );
  };
  const lines = [words.infoTitle(who)];
  if (usage.limits.blocked) lines.push(words.BLOCKED);
  lines.push(period("day"), period("month"));
  if (server) {
    const add = (name: "day" | "month", limit: number | undefined, used: number) => {
      if (limit === undefined) return;
      lines.push(
        words.serverLine(
          name,
          formatCredits(used),
          formatCredits(limit),
          formatCredits(Math.max(0, limit - used)),
        ),
      );
    };
    add("day", server.limits.daily, server.used.day);
    add("month", server.limits.monthly, server.used.month);
  }
  lines.push(
    words.inFlightLine(usage.inFlight, usage.limits.concurrent),
    words.cooldownLine(
      usage.limits.cooldownSeconds,
      usage.cooldownEndsAt === null ? null : timestamp(usage.cooldownEndsAt),
    ),
    words.modesLine(usage.limits.modes),
    words.commandsLine(usage.limits.commands),
  );
  return lines.join("\n");
}

/** The link to a message: https://discord.com/channels/<guild or @me>/<channel>/<message>. */
export function messageLink(guildId: string | null, channelId: string, messageId: string): string {
  return `https://discord.com/channels/${guildId ?? "@me"}/${channelId}/${messageId}`;
}

/** One job of /history, and the link to its message (null: it has none, or it is gone). */
export interface HistoryItem {
  entry: LedgerEntry;
  link: string | null;
}

/** One line of /history: kind (mode), state, credits, when, link; then the prompt. */
export function historyLine(item: HistoryItem, index: number, t: Texts = en): string {
  const words = viewWords(t);
  const { entry, link } = item;
  const cost =
    entry.credits < entry.charged
      ? `${creditsText(entry.credits, t)} (${words.refunded(formatCredits(entry.charged))})`
      : creditsText(entry.credits, t);
  const mode = entry.mode === "none" ? "" : ` (${entry.mode})`;
  const parts = [
    `**${index + 1}.** ${entry.kind}${mode}`,
    words.stateWords(entry.state),
    cost,
    timestamp(entry.createdAt),
    link === null ? words.NO_MESSAGE : `[${words.MESSAGE_LINK}](${link})`,
  ];
  const prompt =
    entry.prompt === undefined
      ? ""
      : `\n> ${showPrompt(entry.prompt, HISTORY_PROMPT_MAX, t.job.noPrompt)}`;
  return `${parts.join(" · ")}${prompt}`;
}

/** /history: a title and the lines (newest first), kept within an embed's description. */
export function renderHistory(
  items: readonly HistoryItem[],
  t: Texts = en,
): {
  title: string;
  description: string;
} {
  const words = viewWords(t);
  if (items.length === 0) return { title: words.historyTitle(0), description: words.NO_HISTORY };
  return {
    title: words.historyTitle(items.length),
    description: keepLines(
      items.map((item, index) => historyLine(item, index, t)),
      DESCRIPTION_MAX,
      "\n",
    ),
  };
}

/** Totals of a group of entries. */
export interface Total {
  key: string;
  credits: number;
  jobs: number;
}

const round = (n: number) => Math.round(n * 1e6) / 1e6;

/** Credits and jobs per key, most credits first (then most jobs, then the key). */
export function totalsBy(entries: readonly LedgerEntry[], keyOf: (e: LedgerEntry) => string) {
  const totals = new Map<string, Total>();
  for (const e of entries) {
    const key = keyOf(e);
    const t = totals.get(key) ?? { key, credits: 0, jobs: 0 };
    t.credits = round(t.credits + e.credits);
    t.jobs += 1;
    totals.set(key, t);
  }
  return [...totals.values()].sort(
    (a, b) => b.credits - a.credits || b.jobs - a.jobs || a.key.localeCompare(b.key),
  );
}

/** /usage: the totals of the period, by member and by job kind, within a message's content. */
export function renderUsage(
  entries: readonly LedgerEntry[],
  period: "today" | "month",
  since: number,
  note: string,
  t: Texts = en,
): string {
  const words = viewWords(t);
  const head = [words.usageTitle(period, timestamp(since, "f"))];
  if (entries.length === 0) return [...head, words.NO_USAGE(period), note].join("\n");
  const total = round(entries.reduce((sum, e) => sum + e.credits, 0));
  head.push(words.totalLine(creditsText(total, t), entries.length));
  const line = (label: string, total: Total) =>
    `${label}: ${creditsText(total.credits, t)}, ${words.jobs(total.jobs)}`;
  const kinds = [words.BY_KIND, ...totalsBy(entries, (e) => e.kind).map((k) => line(k.key, k))];
  const members = totalsBy(entries, (e) => e.memberId).map((m) => line(mention(m.key), m));
  // As many members as fit, the rest counted (every entry is in the CSV anyway).
  for (let shown = members.length; shown >= 0; shown--) {
    const more = members.length - shown;
    const text = [
      ...head,
      words.BY_MEMBER,
      ...members.slice(0, shown),
      ...(more > 0 ? [words.moreMembers(more)] : []),
      ...kinds,
      note,
    ].join("\n");
    if (text.length <= CONTENT_MAX) return text;
  }
  return keepLines([...head, note], CONTENT_MAX, "\n");
}

/** When a /usage period began, in the policy's zone: today's midnight, or the month's first. */
export function usageSince(period: "today" | "month", now: number, timeZone: string): number {
  return period === "today" ? dayOf(now, timeZone).start : monthOf(now, timeZone).start;
}

/** usage-2026-12-02.csv (today) or usage-2026-12.csv (this month), in the policy's zone. */
export function usageCsvName(period: "today" | "month", now: number, timeZone: string): string {
  const d = localDate(now, timeZone);
  const pad = (n: number) => String(n).padStart(2, "0");
  const month = `${d.year}-${pad(d.month)}`;
  return period === "today" ? `usage-${month}-${pad(d.day)}.csv` : `usage-${month}.csv`;
}

/** Whole lines joined while they fit in `max` characters (the last one cut if need be). */
function keepLines(lines: readonly string[], max: number, joiner: string): string {
  let out = "";
  for (const line of lines) {
    const next = out === "" ? line : `${out}${joiner}${line}`;
    if (next.length > max) return out === "" ? `${line.slice(0, max - 1)}…` : out;
    out = next;
  }
  return out;
}

const CSV_COLUMNS = [
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
] as const;

/**
 * One CSV field (RFC 4180): quoted when it holds a quote, comma or line break, quotes
 * doubled. Text that a spreadsheet would run as a formula (= + - @, tab, carriage return
 * first) gets a leading apostrophe. Numbers are written as they are.
 */
export function csvField(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") return String(value);
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** The entries as CSV: a header, one row per entry, CRLF line ends, a UTF-8 byte-order mark. */
export function entriesCsv(entries: readonly LedgerEntry[]): string {
  const rows = entries.map((e) =>
    [
      e.jobId,
      new Date(e.createdAt).toISOString(),
      e.guildId ?? "",
      e.channelId,
      e.memberId,
      e.kind,
      e.mode,
      e.credits,
      e.charged,
      e.state,
      e.prompt ?? "",
    ]
      .map(csvField)
      .join(","),
  );
  return `\uFEFF${[CSV_COLUMNS.join(","), ...rows].join("\r\n")}\r\n`;
}
