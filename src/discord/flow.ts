// Starting a job from an interaction: acknowledge at once (a public reply that becomes
// the job's message), submit, record and follow the job, show its first state.
import type {
  ButtonInteraction,
  ChatInputCommandInteraction,
  InteractionReplyOptions,
  ModalSubmitInteraction,
  RepliableInteraction,
} from "discord.js";
import type { MjMode } from "../config.js";
import { type Job, type JobKind, newJob, newJobId } from "../jobs/job.js";
import { type SubmitRequest, submitRequest } from "../jobs/submit.js";
import { ProxyError } from "../mj/errors.js";
import type { SubmitOutcome } from "../mj/task.js";
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

/** Acknowledges, submits and follows a job. Never throws for proxy errors: they are shown. */
export async function launchJob(
  interaction: JobInteraction,
  ctx: BotContext,
  spec: JobSpec,
): Promise<Job> {
  const messageId = await acknowledge(interaction);
  let job: Job = newJob({
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
  const id = job.id;
  try {
    const outcome = await submitRequest(ctx.proxy, spec.request, {
      mode: spec.mode,
      state: `mjcord:${id}`,
    });
    job = { ...withOutcome(job, outcome), prompt: spec.promptsPerTask?.[0] ?? spec.prompt };
    if (outcome.formSkipped) {
      job = {
        ...job,
        prompt: spec.parentPrompt ?? job.prompt,
        note: "Your edited prompt was not used: the proxy's Midjourney account has Remix off.",
      };
    }
    await ctx.store.putJob(job);
    await ctx.tracker.follow(job);
    ctx.log.info(
      { jobId: id, taskId: job.taskId, kind: spec.kind, user: job.userId },
      "job submitted",
    );
    if (outcome.kind === "submitted")
      await followSiblings(ctx, job, outcome.taskIds.slice(1), spec);
  } catch (error) {
    const failure =
      error instanceof ProxyError
        ? error.userMessage
        : "Something went wrong while starting this job.";
    if (!(error instanceof ProxyError)) ctx.log.error({ err: error, jobId: id }, "submit crashed");
    else ctx.log.warn({ err: error, jobId: id }, "proxy refused the job");
    // Retry is offered only where asking again could go differently.
    const retryable = !(error instanceof ProxyError) || error.worthRetrying;
    job = {
      ...job,
      phase: "failed",
      failure,
      rank: 4,
      delivered: true,
      request: retryable ? job.request : null,
    };
    await ctx.store.putJob(job);
  }
  await ctx.presenter.show(job).catch((error: unknown) => {
    ctx.log.warn(
      { err: error, jobId: id },
      "first state not shown; the tracker will show the next",
    );
  });
  return job;
}

/**
 * The other tasks of a submit that started several ("Imagine all"): each becomes a job of
 * its own, shown in a new channel message once it has something to show.
 */
async function followSiblings(
  ctx: BotContext,
  first: Job,
  taskIds: string[],
  spec: JobSpec,
): Promise<void> {
  for (const [n, taskId] of taskIds.entries()) {
    const prompt = spec.promptsPerTask?.[n + 1] ?? first.prompt;
    const sibling: Job = {
      ...first,
      id: newJobId(),
      taskId,
      prompt,
      // Retrying one of them imagines its own prompt, not all four again.
      request: { type: "imagine", prompt, base64Array: [] },
      message: { ...first.message, interactionToken: null, messageId: null },
    };
    await ctx.store.putJob(sibling);
    await ctx.tracker.follow(sibling);
  }
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

/** A job as the proxy's answer leaves it. */
export function withOutcome(job: Job, outcome: SubmitOutcome): Job {
  switch (outcome.kind) {
    case "submitted":
      return {
        ...job,
        taskId: outcome.taskId,
        phase: outcome.queued ? "queued" : "waiting",
        queueAhead: outcome.queueAhead,
      };
    case "modal":
      // The account has Remix on (or the form was wanted): the proxy waits for the prompt.
      return {
        ...job,
        taskId: outcome.taskId,
        phase: "needs-form",
        formPrompt: outcome.finalPrompt || job.prompt,
      };
    case "existed":
      return { ...job, taskId: outcome.taskId };
  }
}

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
