// The spending policy's refusals in the member's words. The ledger says what refused and the
// numbers; this says it plainly: which limit, what is left, when it changes.
import type { Refusal } from "../../policy/ledger.js";
import type { PolicyCommand, PolicyMode } from "../../policy/policy.js";
import type { Texts } from "./en.js";

/** A Discord timestamp shown relative to the reader ("in 5 hours"). */
const relativeTime = (ms: number) => `<t:${Math.ceil(ms / 1000)}:R>`;

/** Credits as a member reads them: 2, 0.5, 1.25; "1 credit", "3 credits". */
export function credits(t: Texts, n: number): string {
  const shown = Number.isInteger(n) ? String(n) : String(Math.round(n * 100) / 100);
  return t.spending.credits(shown, n === 1);
}

const list = (items: readonly string[]) => items.join(", ");
const commands = (items: readonly PolicyCommand[]) => list(items.map((c) => `/${c}`));
const modes = (items: readonly PolicyMode[]) => list(items.map((m) => `\`${m}\``));
const channels = (ids: readonly string[]) => list(ids.map((id) => `<#${id}>`));

/** Why a job may not start, and what the member can do about it. */
export function refusalWords(t: Texts, refusal: Refusal): string {
  const w = t.spending;
  switch (refusal.reason) {
    case "blocked":
      return w.blocked;
    case "channel":
      return w.channel(channels(refusal.allowed));
    case "command":
      return refusal.allowed.length === 0
        ? w.noCommands
        : w.command(refusal.command, commands(refusal.allowed));
    case "mode":
      return refusal.allowed.length === 0
        ? w.noModes
        : w.mode(refusal.mode, modes(refusal.allowed));
    case "cooldown":
      return w.cooldown(refusal.seconds, relativeTime(refusal.resetsAt));
    case "concurrent":
      if (refusal.needed > refusal.limit) return w.tooMany(refusal.needed, refusal.limit);
      return w.running(refusal.used, refusal.limit, refusal.needed, refusal.left);
    case "daily":
    case "monthly":
      return w.member(
        refusal.reason,
        credits(t, refusal.needed),
        credits(t, refusal.left),
        credits(t, refusal.limit),
        relativeTime(refusal.resetsAt),
      );
    case "server_daily":
    case "server_monthly":
      return w.server(
        refusal.reason === "server_daily" ? "today" : "month",
        credits(t, refusal.needed),
        credits(t, refusal.left),
        credits(t, refusal.limit),
        relativeTime(refusal.resetsAt),
      );
  }
}

/** What the moderators' log channel reads about a banned word (not the whole prompt). */
export function bannedWordReport(memberId: string, command: string, word: string): string {
  return `🚫 <@${memberId}> was refused ${command}: the prompt contained "${word}".`;
}
