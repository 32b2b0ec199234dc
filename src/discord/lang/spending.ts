// The words of the spending policy's refusals, as members read them (English; a later
// change adds Simplified Chinese next to it). The ledger says what refused and the numbers;
// this says it in plain words: which limit, what is left, when it changes.
import type { Refusal } from "../../policy/ledger.js";
import type { PolicyCommand, PolicyMode } from "../../policy/policy.js";

/** A Discord timestamp shown relative to the reader ("in 5 hours"). */
export const relativeTime = (ms: number) => `<t:${Math.ceil(ms / 1000)}:R>`;

/** Credits as a member reads them: 2, 0.5, 1.25; "1 credit", "3 credits". */
export function credits(n: number): string {
  const shown = Number.isInteger(n) ? String(n) : String(Math.round(n * 100) / 100);
  return `${shown} ${n === 1 ? "credit" : "credits"}`;
}

const list = (items: readonly string[]) => items.join(", ");
const commands = (items: readonly PolicyCommand[]) => list(items.map((c) => `/${c}`));
const modes = (items: readonly PolicyMode[]) => list(items.map((m) => `\`${m}\``));
const channels = (ids: readonly string[]) => list(ids.map((id) => `<#${id}>`));

const NOTHING = "Nothing was submitted or charged.";

/** Why a job may not start, and what the member can do about it. */
export function refusalWords(refusal: Refusal): string {
  switch (refusal.reason) {
    case "blocked":
      return `One of your roles may not start jobs in this server. ${NOTHING} Ask the server's admins if you think this is a mistake.`;
    case "channel":
      return `Jobs cannot be started in this channel. Use ${channels(refusal.allowed)}. ${NOTHING}`;
    case "command":
      return refusal.allowed.length === 0
        ? `You may not start jobs in this server. ${NOTHING}`
        : `You may not use /${refusal.command}. You may use ${commands(refusal.allowed)}. ${NOTHING}`;
    case "mode":
      return refusal.allowed.length === 0
        ? `No speed mode is open to you, so you cannot start jobs. ${NOTHING}`
        : `The \`${refusal.mode}\` mode is not open to you. You may use ${modes(refusal.allowed)}. ${NOTHING}`;
    case "cooldown":
      return `One job every ${refusal.seconds} ${refusal.seconds === 1 ? "second" : "seconds"}: you can start the next one ${relativeTime(refusal.resetsAt)}. ${NOTHING}`;
    case "concurrent": {
      if (refusal.needed > refusal.limit) {
        return `This starts ${refusal.needed} jobs at once, more than the ${refusal.limit} you may have running. Pick one of them instead. ${NOTHING}`;
      }
      const running = `You have ${refusal.used} ${refusal.used === 1 ? "job" : "jobs"} running, and ${refusal.limit} at once is your limit`;
      const more =
        refusal.needed > 1
          ? `; this starts ${refusal.needed}, and ${refusal.left} more can start now`
          : "";
      return `${running}${more}. Start it again when one of them ends. ${NOTHING}`;
    }
    case "daily":
    case "monthly": {
      const period = refusal.reason === "daily" ? "daily" : "monthly";
      return `This needs ${credits(refusal.needed)}, and you have ${credits(refusal.left)} left of your ${credits(refusal.limit)} ${period}. They renew ${relativeTime(refusal.resetsAt)}. ${NOTHING}`;
    }
    case "server_daily":
    case "server_monthly": {
      const period = refusal.reason === "server_daily" ? "today" : "this month";
      return `The server has ${credits(refusal.left)} left of its ${credits(refusal.limit)} for ${period}, and this needs ${credits(refusal.needed)}. The budget renews ${relativeTime(refusal.resetsAt)}. ${NOTHING}`;
    }
  }
}

/** A prompt with a banned word: the word, not the prompt. */
export function bannedWordWords(word: string): string {
  return `Your prompt contains "${word}", which this server does not allow. ${NOTHING}`;
}

/** What the moderators' log channel reads about a banned word (not the whole prompt). */
export function bannedWordReport(memberId: string, command: string, word: string): string {
  return `🚫 <@${memberId}> was refused ${command}: the prompt contained "${word}".`;
}
