// Offers: a costly job (a /video) kept aside, privately, with its price, until the member
// who asked confirms it with a button; only then is it checked against the policy again,
// spent and submitted (launcher.ts). An offer expires; a confirmed one starts its job once.
import { ButtonStyle, type ChatInputCommandInteraction } from "discord.js";
import { newJobId } from "../jobs/job.js";
import { creditsOf, spendOfCommand } from "../policy/costs.js";
import { CLAIM_MS } from "./claims.js";
import { button, encodeKey, rows } from "./components.js";
import type { BotContext } from "./context.js";
import { type Texts, textsFor } from "./lang/index.js";
import { credits } from "./lang/spending.js";
import { type JobSpec, launchJob } from "./launcher.js";
import { jobMode } from "./modes.js";
import { type JobInteraction, tellPrivately } from "./replies.js";

/** How long an offer stands. */
const OFFER_MS = 10 * 60_000;

/** A costly job kept aside until the member confirms it. */
export interface PendingJob {
  userId: string;
  spec: JobSpec;
}

export interface Offer {
  /** The job to start once confirmed (its mode already as the policy runs it). */
  spec: JobSpec;
  /** The offer's words, given the job's price in credits in the member's words. */
  content: (t: Texts, price: string) => string;
  /** The confirming button's label and emoji. */
  confirm: (t: Texts) => { label: string; emoji: string };
}

/**
 * Shows the offer privately: an interaction already acknowledged privately gets it as its
 * reply, with the confirming button.
 */
export async function offerJob(
  interaction: ChatInputCommandInteraction,
  ctx: BotContext,
  offer: Offer,
): Promise<void> {
  const t = textsFor(interaction.locale);
  const pendingId = newJobId();
  const pending: PendingJob = { userId: interaction.user.id, spec: offer.spec };
  const price = credits(t, creditsOf(ctx.policy, offer.spec.spend.cost, offer.spec.mode));
  await ctx.store.stash(`pending:${pendingId}`, pending, OFFER_MS);
  const { label, emoji } = offer.confirm(t);
  await interaction.editReply({
    content: offer.content(t, price),
    components: rows([
      button(encodeKey({ type: "confirm", pendingId }), label, emoji, ButtonStyle.Success),
    ]),
    allowedMentions: { parse: [] },
  });
}

/** The confirming press: the offer's job starts, once, for the member it was made to. */
export async function confirmOffer(
  interaction: JobInteraction,
  ctx: BotContext,
  pendingId: string,
): Promise<void> {
  const t = textsFor(interaction.locale);
  const pending = await ctx.store.unstash<PendingJob>(`pending:${pendingId}`);
  if (!pending) {
    await tellPrivately(interaction, t.presses.offerExpired);
    return;
  }
  if (pending.userId !== interaction.user.id) {
    await tellPrivately(interaction, t.presses.onlyConfirm(pending.userId));
    return;
  }
  if (!(await ctx.store.claim(`confirm:${pendingId}`, CLAIM_MS.offerConfirm))) {
    await tellPrivately(interaction, t.presses.alreadyConfirmed);
    return;
  }
  const launched = await launchJob(interaction, ctx, {
    ...pending.spec,
    mode: jobMode(pending.spec.mode) ?? ctx.config.mjMode,
    // An offer made before the policy carried no spend: it is a video.
    spend: pending.spec.spend ?? spendOfCommand("video"),
  });
  // Refused by the policy: the offer stands, to be taken once the limit allows.
  if (!launched) await ctx.store.release(`confirm:${pendingId}`);
}
