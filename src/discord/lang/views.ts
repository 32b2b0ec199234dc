// The words of /info, /history and /usage (src/discord/ledger-views.ts) in one language, by
// the names the views use. Numbers and timestamps come in already formatted, so each
// language only needs its own words in its own order (lang/en.ts, lang/zh-CN.ts: `views`).
import type { Texts } from "./en.js";

export function viewWords(t: Texts) {
  const v = t.views;
  return {
    credits: v.credits,
    jobs: v.jobs,
    infoTitle: v.infoTitle,
    /** "Today: **2** used, **3** left of 5 (resets <t:…:R>)" or "Today: **2** used, no limit". */
    periodLine: (
      period: "day" | "month",
      used: string,
      limit: { limit: string; left: string; resetsAt: string } | null,
    ) =>
      limit === null
        ? v.periodUsed(period, used)
        : v.periodLeft(period, used, limit.left, limit.limit, limit.resetsAt),
    serverLine: v.serverLine,
    inFlightLine: v.inFlight,
    /** `endsAt`: a Discord timestamp when a cooldown is running now, else null. */
    cooldownLine: (seconds: number, endsAt: string | null) =>
      seconds <= 0 ? v.noCooldown : v.cooldown(seconds, endsAt),
    modesLine: v.modes,
    commandsLine: v.commands,
    BLOCKED: v.blocked,
    historyTitle: v.historyTitle,
    NO_HISTORY: v.noHistory,
    stateWords: v.state,
    refunded: v.refunded,
    MESSAGE_LINK: v.messageLink,
    NO_MESSAGE: v.noMessage,
    usageTitle: v.usageTitle,
    totalLine: v.total,
    BY_MEMBER: v.byMember,
    BY_KIND: v.byKind,
    NO_USAGE: v.noUsage,
    moreMembers: v.moreMembers,
  };
}
