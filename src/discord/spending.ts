// Spending from an interaction: who asks (member, roles, channel), at which speed, and the
// policy's answer (src/policy/ledger.ts), told privately when it refuses. Banned words are
// looked for here too, in every prompt that would reach the proxy.
import type { ChatInputCommandInteraction, Interaction, RepliableInteraction } from "discord.js";
import { MJ_MODES, type MjMode } from "../config.js";
import type { Spend } from "../jobs/job.js";
import { policyMode, spendOfCommand } from "../policy/costs.js";
import type { Refusal, Reservation, ReserveResult, SpendRequest } from "../policy/ledger.js";
import { effectiveLimits, fallbackMode } from "../policy/limits.js";
import { POLICY_COMMANDS, type PolicyCommand, type PolicyMode } from "../policy/policy.js";
import { WordMatcher } from "../policy/words.js";
import type { BotContext } from "./context.js";
import { textsFor } from "./lang/index.js";
import { bannedWordReport, refusalWords } from "./lang/spending.js";
import { tellPrivately, withdraw } from "./replies.js";
import { roleIdsOf } from "./roles.js";

/** What a command's job spends (video: by its quality), for commands/. */
export { spendOfCommand };

/** What a spending command spends (video: by its `quality`); null for one that does not. */
export function spendOfInteraction(interaction: ChatInputCommandInteraction): Spend | null {
  const name = interaction.commandName;
  if (!(POLICY_COMMANDS as readonly string[]).includes(name)) return null;
  const quality = interaction.options.getString("quality") === "720p" ? "720p" : "480p";
  return spendOfCommand(name as PolicyCommand, quality);
}

export interface SpendAsk {
  spend: Spend;
  mode: MjMode;
  /** The member chose the mode for this job: refused, not replaced, if not allowed. */
  modeAsked: boolean;
  /** Kept in the ledger for /history. */
  prompt?: string;
}

/** The ids of the asking member's roles, as Discord sent them with the interaction. */
const rolesOf = (interaction: Interaction) => roleIdsOf(interaction.member);

/** A thread's parent channel (`channels` allows a thread when it allows its parent). */
function parentOf(interaction: Interaction): string | null {
  const channel = interaction.channel;
  return channel?.isThread() ? channel.parentId : null;
}

/** The modes the bot can send today (turbo is priced by a policy, not yet sent). */
const RUNNABLE = MJ_MODES.filter((m): m is PolicyMode & MjMode => m !== "none");

/**
 * The speed a job runs at: what the member asked for (refused later if the policy does not
 * allow it), else their default if allowed, else the first mode the policy allows them.
 */
export function runMode(
  ctx: BotContext,
  interaction: Interaction,
  mode: MjMode,
  asked: boolean,
): MjMode {
  if (asked) return mode;
  const limits = effectiveLimits(ctx.policy, rolesOf(interaction));
  if (limits.modes.includes(policyMode(mode))) return mode;
  const runnable = limits.modes.filter((m): m is PolicyMode & MjMode =>
    (RUNNABLE as readonly string[]).includes(m),
  );
  return (fallbackMode({ modes: runnable }, null) as MjMode | null) ?? mode;
}

function spendRequest(interaction: Interaction, ask: SpendAsk): SpendRequest {
  return {
    guildId: interaction.guildId,
    channelId: interaction.channelId ?? "",
    parentChannelId: parentOf(interaction),
    memberId: interaction.user.id,
    roleIds: rolesOf(interaction),
    command: ask.spend.command,
    kind: ask.spend.cost,
    mode: ask.mode,
    jobs: ask.spend.jobs,
    ...(ask.prompt !== undefined && { prompt: ask.prompt }),
  };
}

/**
 * A private answer where nothing public is left behind: a public "thinking" reply is
 * withdrawn first.
 */
async function refuse(interaction: RepliableInteraction, words: string): Promise<void> {
  if (interaction.deferred && !interaction.ephemeral) await withdraw(interaction, words);
  else await tellPrivately(interaction, words);
}

async function refused(interaction: RepliableInteraction, refusal: Refusal): Promise<void> {
  await refuse(interaction, refusalWords(textsFor(interaction.locale), refusal));
}

/**
 * Whether the job may start, judged now without spending (before the member's pictures are
 * read or a form is shown); a refusal is told privately. reserveFor() still decides.
 */
export async function mayStart(
  interaction: RepliableInteraction,
  ctx: BotContext,
  ask: SpendAsk,
): Promise<boolean> {
  let refusal: Refusal | null;
  try {
    refusal = await ctx.ledger.check(spendRequest(interaction, ask));
  } catch (error) {
    return storeDown(interaction, ctx, error);
  }
  if (refusal) await refused(interaction, refusal);
  return refusal === null;
}

/** The ledger cannot be read or written: nothing starts, nothing is charged. */
async function storeDown(
  interaction: RepliableInteraction,
  ctx: BotContext,
  error: unknown,
): Promise<false> {
  ctx.log.error({ err: error }, "the ledger cannot be used, so nothing starts");
  await refuse(interaction, textsFor(interaction.locale).failure.storeDown);
  return false;
}

/** Reserves the job's credits; null when the policy refuses (the member is told why). */
export async function reserveFor(
  interaction: RepliableInteraction,
  ctx: BotContext,
  ask: SpendAsk,
): Promise<Reservation | null> {
  let result: ReserveResult;
  try {
    result = await ctx.ledger.reserve(spendRequest(interaction, ask));
  } catch (error) {
    await storeDown(interaction, ctx, error);
    return null;
  }
  if (result.ok) return result.reservation;
  ctx.log.info(
    { user: interaction.user.id, reason: result.refusal.reason, kind: ask.spend.cost },
    "spend refused by the policy",
  );
  await refused(interaction, result.refusal);
  return null;
}

/** Banned-word matchers by the policy's list (the policy changes on re-read). */
const matchers = new WeakMap<readonly string[], WordMatcher>();

/** The first banned word in any of the prompts, or null. */
export function bannedWordIn(ctx: BotContext, prompts: readonly string[]): string | null {
  const words = ctx.policy.bannedWords;
  if (words.length === 0) return null;
  let matcher = matchers.get(words);
  if (!matcher) {
    matcher = new WordMatcher(words);
    matchers.set(words, matcher);
  }
  for (const prompt of prompts) {
    const word = matcher.find(prompt);
    if (word !== null) return word;
  }
  return null;
}

/**
 * Refuses a prompt with a banned word: privately, naming the word; and, with a
 * `mod_log_channel`, reports the member, the command and the word there (not the prompt).
 */
export async function refuseBannedWord(
  interaction: RepliableInteraction,
  ctx: BotContext,
  word: string,
  command: string,
): Promise<void> {
  ctx.log.info({ user: interaction.user.id, command }, "prompt refused for a banned word");
  await refuse(interaction, textsFor(interaction.locale).spending.bannedWord(word));
  const logChannel = ctx.policy.modLogChannel;
  if (!logChannel) return;
  try {
    const channel = await interaction.client.channels.fetch(logChannel);
    if (!channel?.isSendable()) throw new Error("not a channel the bot can write in");
    await channel.send({
      content: bannedWordReport(interaction.user.id, command, word),
      allowedMentions: { parse: [] },
    });
  } catch (error) {
    ctx.log.warn(
      { err: error, channel: logChannel },
      "banned word not reported to mod_log_channel",
    );
  }
}

/** How a member started a job, for the moderators: `/imagine`, or the button's label. */
export function commandLabel(interaction: Interaction, origin: string | null): string {
  if (interaction.isChatInputCommand()) return `/${interaction.commandName}`;
  return origin ? `the ${origin} button` : "a button";
}
