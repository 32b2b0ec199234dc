// Starting a job from an interaction: the policy's word first (banned words, then the
// credits, reserved in one step), then acknowledge (a public reply that becomes the job's
// message, see replies.ts), write it ahead, submit, record and follow it
// (src/jobs/launch.ts), and show its first state.
import type { MjMode } from "../config.js";
import { imagesOwner, imagesTtlMs } from "../jobs/images.js";
import { type Job, type JobKind, newJob, type Spend } from "../jobs/job.js";
import { launch, withImages } from "../jobs/launch.js";
import type { SubmitRequest } from "../jobs/submit.js";
import type { BotContext } from "./context.js";
import { textsFor } from "./lang/index.js";
import { memberMode } from "./modes.js";
import { acknowledge, type JobInteraction, tellPrivately } from "./replies.js";
import {
  bannedWordIn,
  commandLabel,
  mayStart,
  refuseBannedWord,
  reserveFor,
  runMode,
  type SpendAsk,
} from "./spending.js";

export interface JobSpec {
  kind: JobKind;
  prompt: string;
  mode: MjMode;
  /** What was pressed, e.g. "U2". */
  origin: string | null;
  parentTaskId: string | null;
  request: SubmitRequest;
  /** The prompt the pressed result was made with (shown if the proxy skips the form). */
  parentPrompt?: string;
  /** When one submit starts several tasks ("Imagine all"), the prompt shown for each. */
  promptsPerTask?: string[];
  /** What it spends (src/policy). */
  spend: Spend;
  /**
   * The member chose the mode for this job, so it is refused, not replaced, when the policy
   * does not allow it. Default: whether a command's `mode` option was given.
   */
  modeAsked?: boolean;
}

const DEFAULT_ATTACHMENT_LIMIT = 10 * 1024 * 1024;

/**
 * Checks, acknowledges, submits and follows a job. The job is saved before the submit leaves
 * (see src/jobs/launch.ts). Never throws for proxy or store errors: they are shown. Null: the
 * policy refused it (the member was told privately; nothing was sent or charged).
 */
export async function launchJob(
  interaction: JobInteraction,
  ctx: BotContext,
  spec: JobSpec,
): Promise<Job | null> {
  const word = bannedWordIn(ctx, promptsSent(spec));
  if (word !== null) {
    await refuseBannedWord(interaction, ctx, word, commandLabel(interaction, spec.origin));
    return null;
  }
  const ask: SpendAsk = {
    spend: spec.spend,
    mode: spec.mode,
    modeAsked: spec.modeAsked ?? modeOptionGiven(interaction),
    prompt: spec.prompt,
  };
  ask.mode = runMode(ctx, interaction, ask.mode, ask.modeAsked);
  // A Retry of a job with pictures: they come from a stash that expires. Decided before the
  // credits and the public reply, so that nothing is spent or shown when nothing can be done.
  const retryOf = imagesOwner(spec.request);
  const request = await withImages(ctx.store, spec.request).catch(() => null);
  if (!request) {
    await tellPrivately(interaction, textsFor(interaction.locale).failure.imagesGone);
    return null;
  }
  // Refused privately before anything public; the public reply comes before any write,
  // which a busy store may hold up past Discord's 3 seconds. Reserving decides (a race lost
  // at the edge of a limit withdraws the reply).
  if (!(await mayStart(interaction, ctx, ask))) return null;
  const messageId = await acknowledge(interaction);
  const reservation = await reserveFor(interaction, ctx, ask);
  if (!reservation) return null;
  const made = newJob({
    kind: spec.kind,
    userId: interaction.user.id,
    prompt: spec.prompt,
    mode: ask.mode,
    origin: spec.origin,
    parentTaskId: spec.parentTaskId,
    request: spec.request,
    spend: spec.spend,
    message: {
      channelId: interaction.channelId ?? "",
      guildId: interaction.guildId,
      applicationId: interaction.applicationId,
      interactionToken: interaction.token,
      tokenIssuedAt: interaction.createdTimestamp,
      messageId,
      attachmentSizeLimit: interaction.attachmentSizeLimit || DEFAULT_ATTACHMENT_LIMIT,
    },
    deadlineMs: ctx.jobDeadlineMs,
  });
  // Its message reads in the language of the member who started it, whoever sees it later.
  const draft: Job = { ...made, locale: interaction.locale };
  const job = await launch(ctx, draft, request, {
    imagesTtlMs: imagesTtlMs(ctx.jobDeadlineMs),
    retryOf: retryOf === draft.id ? null : retryOf,
    reservation,
    ...(spec.promptsPerTask ? { promptsPerTask: spec.promptsPerTask } : {}),
    ...(spec.parentPrompt !== undefined ? { parentPrompt: spec.parentPrompt } : {}),
  });
  await showFirst(ctx, job);
  return job;
}

/** Shows a job's first state; should that fail, the tracker shows the next. */
export async function showFirst(ctx: BotContext, job: Job): Promise<void> {
  await ctx.presenter.show(job).catch((error: unknown) => {
    ctx.log.warn(
      { err: error, jobId: job.id },
      "first state not shown; the tracker will show the next",
    );
  });
}

/** Whether a command's `mode` option chose the mode. */
function modeOptionGiven(interaction: JobInteraction): boolean {
  return (
    interaction.isChatInputCommand() && memberMode(interaction.options.getString("mode")) !== null
  );
}

/** Every prompt the request would send to the proxy (Imagine all: the four it imagines). */
function promptsSent(spec: Pick<JobSpec, "request" | "promptsPerTask">): string[] {
  const { request } = spec;
  const own = "prompt" in request ? [request.prompt] : [];
  return [...own, ...(spec.promptsPerTask ?? [])];
}
