// Double-click claims on presses that spend. A press is claimed until its submit's outcome
// is known, however long the proxy takes to answer (up to the client's submit timeout), and
// a short while after: a second press of the same button by the same member in that time is
// refused. Claims live in the store, so they hold across a restart too.
import type { BotContext } from "./context.js";

/** After a submit's outcome is known, how long a second press still counts as a double click. */
export const AFTER_SUBMIT_MS = 2_000;
/** Beyond the submit timeout: acknowledging the press, and saving the job. */
const SUBMIT_MARGIN_MS = 30_000;

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
