// Claims: store keys that let one interaction act once, whatever Discord or a member's
// double click repeats. Each lifetime is named here, with why it is that long. Claims live in
// the store, so they hold across a restart too.
//
// Double-click claims on presses that spend: a press is claimed until its submit's outcome
// is known, however long the proxy takes to answer (up to the client's submit timeout), and
// a short while after: a second press of the same button by the same member in that time is
// refused.
import type { BotContext } from "./context.js";

const HOUR = 3_600_000;

export const CLAIM_MS = {
  /**
   * One interaction (by its id) is handled once. Discord delivers an interaction again only
   * while its token lives (15 minutes); an hour covers that with room to spare.
   */
  interaction: HOUR,
  /**
   * The prompt of a task the proxy holds in status MODAL is sent once: a second send would
   * bill again. A day outlives any form the proxy still waits for.
   */
  formConfirm: 24 * HOUR,
  /** A confirmed offer (/video) starts its job once; a day outlives the offer (10 minutes). */
  offerConfirm: 24 * HOUR,
  /** A job is retried once; a week outlives its Retry button's use (its pictures expire). */
  retry: 7 * 24 * HOUR,
  /** A Cancel press holds the job while the proxy is asked: its read timeout and a margin. */
  cancel: 60_000,
} as const;

/** After a submit's outcome is known, how long a second press still counts as a double click. */
export const AFTER_SUBMIT_MS = 2_000;
/** Beyond the submit timeout: acknowledging the press, and saving the job. */
const SUBMIT_MARGIN_MS = 30_000;

/** Claims the interaction's id: false when it was handled already (a replay). */
export function claimInteraction(ctx: BotContext, interactionId: string): Promise<boolean> {
  return ctx.store.claim(`interaction:${interactionId}`, CLAIM_MS.interaction);
}

/**
 * Runs `submit` under the claim `key`, or returns false at once when the key is claimed.
 * The claim's own lifetime covers the longest a submit can take, so a process that dies in
 * between leaves it claimed until the outcome could be known; otherwise it is let go
 * AFTER_SUBMIT_MS after `submit` settles.
 */
export async function whileClaimed(
  ctx: BotContext,
  key: string,
  submit: () => Promise<unknown>,
): Promise<boolean> {
  if (!(await ctx.store.claim(key, ctx.proxy.submitTimeoutMs + SUBMIT_MARGIN_MS))) return false;
  try {
    await submit();
  } finally {
    setTimeout(() => {
      ctx.store.release(key).catch((error: unknown) => {
        ctx.log.debug({ err: error, key }, "press claim left to expire");
      });
    }, AFTER_SUBMIT_MS).unref();
  }
  return true;
}
