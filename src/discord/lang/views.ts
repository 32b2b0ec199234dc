// Every word a member reads in /info, /history and /usage (English). Numbers and timestamps
// come in already formatted (src/discord/ledger-views.ts), so another language only needs
// this file's words in its own order.
import type { EntryState } from "../../policy/ledger.js";

/** Words of the three commands' definitions (what Discord shows in the command picker). */
export const COMMAND_WORDS = {
  info: "Your credits: used and left today and this month, jobs in flight, what you may use",
  infoMember: "Admins: look at another member",
  history: "Your last jobs: what, state, credits, when, and a link to each",
  usage: "Admins: credits by member and by job kind, with the entries as a CSV file",
  usagePeriod: "Which period",
  today: "today",
  month: "this month",
} as const;

export const NO_LIMIT = "no limit";

/** "1 credit", "2.5 credits". */
export const credits = (n: string, one: boolean) => `${n} ${one ? "credit" : "credits"}`;
/** "1 job", "3 jobs". */
export const jobs = (n: number) => `${n} ${n === 1 ? "job" : "jobs"}`;

// /info

export const infoTitle = (who: string | null) =>
  who === null ? "**Your mjcord credits**" : `**mjcord credits of ${who}**`;

/** "Today: **2** used, **3** left of 5 (resets <t:…:R>)" or "Today: **2** used, no limit". */
export function periodLine(
  period: "day" | "month",
  used: string,
  limit: { limit: string; left: string; resetsAt: string } | null,
): string {
  const name = period === "day" ? "Today" : "This month";
  if (limit === null) return `${name}: **${used}** used, ${NO_LIMIT}`;
  return `${name}: **${used}** used, **${limit.left}** left of ${limit.limit} (resets ${limit.resetsAt})`;
}

/** The server's own limit, when it has one: what all members together have left. */
export function serverLine(
  period: "day" | "month",
  used: string,
  limit: string,
  left: string,
): string {
  const name = period === "day" ? "today" : "this month";
  return `The whole server ${name}: ${used} used, ${left} left of ${limit}`;
}

export const inFlightLine = (count: number, limit: number | undefined) =>
  limit === undefined
    ? `Jobs in flight: **${count}** (${NO_LIMIT} at once)`
    : `Jobs in flight: **${count}** of ${limit} at once`;

/** `endsAt`: a Discord timestamp when a cooldown is running now, else null. */
export function cooldownLine(seconds: number, endsAt: string | null): string {
  if (seconds <= 0) return "Cooldown: none";
  const between = `Cooldown: ${seconds} s between two starts`;
  return endsAt === null ? `${between}, ready now` : `${between}, next start ${endsAt}`;
}

export const modesLine = (modes: readonly string[]) =>
  modes.length === 0 ? "Speed modes: none" : `Speed modes: ${modes.join(", ")}`;

export const commandsLine = (commands: readonly string[]) =>
  commands.length === 0
    ? "Commands that spend: none"
    : `Commands that spend: ${commands.map((c) => `/${c}`).join(", ")}`;

export const BLOCKED = "⛔ A role of this member may not start jobs at all.";

export const ONLY_ADMINS_OTHERS =
  "Only the server's admins (Manage Server, or a role the bot's policy names) can look at another member's credits. Use /info without `member` to see your own.";

// /history

export const historyTitle = (count: number) =>
  count === 1 ? "Your last job" : `Your last ${count} jobs`;

export const NO_HISTORY = "You have no jobs in this server yet.";

const STATES: Record<EntryState, string> = {
  running: "⏳ running",
  succeeded: "✅ done",
  failed: "❌ failed",
  refused: "⛔ refused by the proxy",
  cancelled: "🚫 cancelled",
};
export const stateWords = (state: EntryState) => STATES[state];

/** What a refunded job cost before it came back. */
export const refunded = (charged: string) => `refunded ${charged}`;

export const MESSAGE_LINK = "message";
export const NO_MESSAGE = "no message";

// /usage

export const ONLY_ADMINS_USAGE =
  "Only the server's admins (Manage Server, or a role the bot's policy names) can see the server's usage.";

export const ONLY_IN_SERVER = "This works only in a server.";

export const usageTitle = (period: "today" | "month", since: string) =>
  period === "today" ? `**Usage today** (since ${since})` : `**Usage this month** (since ${since})`;

export const totalLine = (credits: string, jobCount: number) =>
  `Total: **${credits}**, ${jobs(jobCount)}`;

export const BY_MEMBER = "**By member**";
export const BY_KIND = "**By job kind**";

export const NO_USAGE = (period: "today" | "month") =>
  period === "today" ? "No jobs today." : "No jobs this month.";

export const moreMembers = (count: number) =>
  `…and ${count} more ${count === 1 ? "member" : "members"} (every entry is in the CSV)`;

export const CSV_ATTACHED = "Every entry is in the attached CSV file.";

export const csvTooLarge = (limitMb: string) =>
  `The CSV file would be larger than this channel's upload limit (${limitMb} MB), so it is not attached.`;
