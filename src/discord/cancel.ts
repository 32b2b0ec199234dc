// ❌ Cancel on a job's message, for its owner and for admins. A task the proxy has queued or
// running is cancelled there (POST /mj/task/{id}/cancel); a form the proxy waits for (MODAL)
// is simply abandoned, with no proxy call. Either way the job ends as cancelled, its
// credits come back (the tracker settles it), and its message says who cancelled it.
// A proxy without the route is remembered: the button no longer appears.
import type { ButtonInteraction } from "discord.js";
import { hasEnded, type Job } from "../jobs/job.js";
import { ProxyError } from "../mj/errors.js";
import { isAdmin } from "./admins.js";
import { CLAIM_MS } from "./claims.js";
import type { BotContext } from "./context.js";
import { textsFor } from "./lang/index.js";
import { proxyWords } from "./lang/proxy.js";
import { pressedJob } from "./pressed.js";
import { tellPrivately } from "./replies.js";

export async function cancelJob(
  interaction: ButtonInteraction,
  ctx: BotContext,
  jobId: string,
): Promise<void> {
  const CANCEL_WORDS = textsFor(interaction.locale).cancel;
  const pressed = await pressedJob(ctx, jobId, interaction.user.id, {
    usable: (job) => !hasEnded(job),
    unusable: CANCEL_WORDS.ended,
    notYours: CANCEL_WORDS.notYours,
    alsoAllowed: () => isAdmin(interaction, ctx.policy),
  });
  if (!pressed.ok) {
    await tellPrivately(interaction, pressed.message);
    return;
  }
  const job = pressed.found;
  const atProxy = job.phase !== "needs-form";
  if (atProxy && job.taskId === "") {
    await tellPrivately(interaction, CANCEL_WORDS.notConfirmed);
    return;
  }
  if (atProxy && !ctx.capabilities.has("cancel")) {
    await tellPrivately(interaction, CANCEL_WORDS.cannot);
    await showWithoutCancel(ctx, job);
    return;
  }
  if (!(await ctx.store.claim(`cancel:${jobId}`, CLAIM_MS.cancel))) {
    await tellPrivately(interaction, CANCEL_WORDS.busy);
    return;
  }
  // The message changes when the job ends (through the job's own message, like any state).
  await interaction.deferUpdate();
  let keepClaim = false;
  // While the proxy is asked, no poll shows the cancelled task as a plain failure first.
  ctx.tracker.hold(jobId);
  try {
    if (atProxy) {
      const refused = await cancelAtProxy(ctx, job, interaction.locale);
      if (refused) {
        await tellPrivately(interaction, refused);
        return;
      }
    }
    keepClaim = true;
    const cancelled = await ctx.tracker.cancel(jobId, interaction.user.id);
    if (!cancelled) await tellPrivately(interaction, CANCEL_WORDS.ended);
  } finally {
    ctx.tracker.release(jobId);
    if (!keepClaim) await ctx.store.release(`cancel:${jobId}`).catch(() => undefined);
  }
}

/** Asks the proxy to cancel the job's task. Null when it did; else the words for the member. */
async function cancelAtProxy(ctx: BotContext, job: Job, locale: string): Promise<string | null> {
  const CANCEL_WORDS = textsFor(locale).cancel;
  try {
    await ctx.proxy.cancel(job.taskId);
    return null;
  } catch (error) {
    if (!(error instanceof ProxyError)) throw error;
    ctx.log.warn({ err: error, jobId: job.id, taskId: job.taskId }, "cancel refused by the proxy");
    if (error.routeMissing) {
      await ctx.capabilities.learnMissing("cancel").catch((e: unknown) => {
        ctx.log.warn({ err: e }, "a missing proxy feature not remembered");
      });
      ctx.log.warn("the proxy has no cancel route: ❌ Cancel is no longer offered");
      await showWithoutCancel(ctx, job);
      return CANCEL_WORDS.cannot;
    }
    // Code 4: the task is no longer queued or running; the tracker shows how it ended.
    if (error.code === 4) return CANCEL_WORDS.ended;
    return CANCEL_WORDS.failed(proxyWords(locale, error));
  }
}

/** Shows the job's state again, now without ❌ Cancel (best effort: the next state would). */
async function showWithoutCancel(ctx: BotContext, job: Job): Promise<void> {
  const latest = (await ctx.store.getJob(job.id).catch(() => undefined)) ?? job;
  if (hasEnded(latest)) return;
  await ctx.presenter.show(latest).catch((error: unknown) => {
    ctx.log.debug({ err: error, jobId: job.id }, "job not shown again without Cancel");
  });
}
