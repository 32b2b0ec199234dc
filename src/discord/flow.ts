// Starting a job from an interaction: acknowledge at once (a public reply that becomes
// the job's message), then write it ahead, submit, record and follow it (src/jobs/launch.ts),
// and show its first state.
import type {
  ButtonInteraction,
  ChatInputCommandInteraction,
  InteractionReplyOptions,
  ModalSubmitInteraction,
  RepliableInteraction,
} from "discord.js";
import type { MjMode } from "../config.js";
import { imagesOwner, imagesTtlMs } from "../jobs/images.js";
import { type Job, type JobKind, newJob } from "../jobs/job.js";
import { launch, withImages, withOutcome } from "../jobs/launch.js";
import type { SubmitRequest } from "../jobs/submit.js";
import type { BotContext } from "./context.js";

export type JobInteraction =
  | ChatInputCommandInteraction
  | ButtonInteraction
  | ModalSubmitInteraction;

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
}

const DEFAULT_ATTACHMENT_LIMIT = 10 * 1024 * 1024;
const IMAGES_GONE =
  "The pictures of this job are no longer kept, so it cannot be retried. Run the command again with them.";

/**
 * Acknowledges, submits and follows a job. The job is saved before the submit leaves (see
 * src/jobs/launch.ts). Never throws for proxy or store errors: they are shown.
 */
export async function launchJob(
  interaction: JobInteraction,
  ctx: BotContext,
  spec: JobSpec,
): Promise<Job> {
  // A Retry of a job with pictures: they come from a stash that expires. Decided before the
  // public reply, so that nothing is shown when nothing can be done.
  const retryOf = imagesOwner(spec.request);
  const request = await withImages(ctx.store, spec.request).catch(() => null);
  const messageId = request ? await acknowledge(interaction) : null;
  const draft: Job = newJob({
    kind: spec.kind,
    userId: interaction.user.id,
    prompt: spec.prompt,
    mode: spec.mode,
    origin: spec.origin,
    parentTaskId: spec.parentTaskId,
    request: spec.request,
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
  if (!request) {
    await tellPrivately(interaction, IMAGES_GONE);
    return { ...draft, phase: "failed", failure: IMAGES_GONE, request: null, delivered: true };
  }
  const job = await launch(ctx, draft, request, {
    imagesTtlMs: imagesTtlMs(ctx.jobDeadlineMs),
    retryOf: retryOf === draft.id ? null : retryOf,
    ...(spec.promptsPerTask ? { promptsPerTask: spec.promptsPerTask } : {}),
    ...(spec.parentPrompt !== undefined ? { parentPrompt: spec.parentPrompt } : {}),
  });
  await ctx.presenter.show(job).catch((error: unknown) => {
    ctx.log.warn(
      { err: error, jobId: job.id },
      "first state not shown; the tracker will show the next",
    );
  });
  return job;
}

/** Makes sure the interaction has a public reply (the job's message) and returns its id. */
async function acknowledge(interaction: JobInteraction): Promise<string | null> {
  if (interaction.deferred || interaction.replied) {
    return (await interaction.fetchReply()).id;
  }
  const response = await interaction.deferReply({ withResponse: true });
  return response.resource?.message?.id ?? null;
}

/** Withdraws a public "thinking" reply and answers privately instead (bad input found late). */
export async function withdraw(interaction: JobInteraction, content: string): Promise<void> {
  await interaction.deleteReply().catch(() => undefined);
  await interaction.followUp({ content, flags: "Ephemeral", allowedMentions: { parse: [] } });
}

/** A job as the proxy's answer leaves it (used where a form confirms a MODAL task). */
export { withOutcome };

/** A private answer that costs nothing: bad input, a refused press. */
export async function tellPrivately(
  interaction: RepliableInteraction,
  content: string,
): Promise<void> {
  const options: InteractionReplyOptions = {
    content,
    flags: "Ephemeral",
    allowedMentions: { parse: [] },
  };
  if (interaction.deferred || interaction.replied) await interaction.followUp(options);
  else await interaction.reply(options);
}
