// Form (modal) submits: the form shown before a proxy button (Vary (Region), Custom Zoom,
// picks, remix), and the form that confirms a task waiting in status MODAL.
// Bad input is answered privately and costs nothing: no proxy call is made.
import type { ModalSubmitInteraction } from "discord.js";
import type { Job } from "../jobs/job.js";
import { CONFIRMED_RANK } from "../jobs/tracker.js";
import { classifyButton } from "../mj/buttons.js";
import { ProxyError } from "../mj/errors.js";
import { downloadMedia, imageSize } from "../mj/media.js";
import { decodeKey } from "./components.js";
import type { BotContext } from "./context.js";
import { launchJob, tellPrivately, withOutcome } from "./flow.js";
import { drawRegionMask, FIELD, formKindOf, normaliseMask, zoomProblem } from "./modals.js";

const FALLBACK_SIZE = 1024;

export async function handleForm(
  interaction: ModalSubmitInteraction,
  ctx: BotContext,
): Promise<void> {
  const key = decodeKey(interaction.customId);
  if (!key || !(await ctx.store.claim(`interaction:${interaction.id}`, 3_600_000))) {
    if (!key) await tellPrivately(interaction, "This form is not one of mine.");
    return;
  }
  if (key.type === "form") return submitButtonForm(interaction, ctx, key.taskId, key.index);
  if (key.type === "modal-task") return confirmModalTask(interaction, ctx, key.jobId);
  await tellPrivately(interaction, "This form is not one of mine.");
}

function promptOf(interaction: ModalSubmitInteraction): string {
  return interaction.fields.getTextInputValue(FIELD.prompt).trim();
}

async function submitButtonForm(
  interaction: ModalSubmitInteraction,
  ctx: BotContext,
  taskId: string,
  index: number,
): Promise<void> {
  const job = await ctx.store.jobForTask(taskId);
  const buttons =
    job?.result?.buttons ?? (await ctx.proxy.fetchTask(taskId).catch(() => null))?.buttons;
  const button = buttons?.[index];
  if (!button) {
    await tellPrivately(
      interaction,
      "This result is no longer known to the proxy, so its buttons cannot be used.",
    );
    return;
  }
  if (job && job.userId !== interaction.user.id) {
    await tellPrivately(interaction, `Only <@${job.userId}> can use the buttons on this result.`);
    return;
  }
  const info = classifyButton(button);
  const kind = formKindOf(info);
  const prompt = promptOf(interaction);
  if (prompt === "") {
    await tellPrivately(interaction, "The prompt cannot be empty.");
    return;
  }
  if (kind === "custom-zoom") {
    const problem = zoomProblem(prompt);
    if (problem) {
      await tellPrivately(interaction, `${problem} Nothing was submitted.`);
      return;
    }
  }
  let maskBase64: string | undefined;
  if (kind === "vary-region") {
    const mask = await regionMask(interaction, ctx, taskId);
    if (!mask.ok) {
      await tellPrivately(interaction, `${mask.message} Nothing was submitted.`);
      return;
    }
    maskBase64 = mask.dataUri;
  }
  if (!(await ctx.store.claim(`press:${taskId}:${index}:${interaction.user.id}`, 15_000))) {
    await tellPrivately(interaction, "Already on it: that form was just sent.");
    return;
  }
  const prefs = await ctx.store.preferences(interaction.user.id);
  await launchJob(interaction, ctx, {
    kind: "modal",
    prompt,
    mode: job?.mode ?? prefs.mode ?? ctx.config.mjMode,
    origin: info.label,
    parentTaskId: taskId,
    ...(job ? { parentPrompt: job.prompt } : {}),
    request: {
      type: "form",
      taskId,
      customId: button.customId,
      prompt,
      ...(maskBase64 ? { maskBase64 } : {}),
      // A pick the proxy refuses (trueai rejects shorten picks) is imagined directly.
      ...(kind === "pick" ? { imagineIfRefused: true } : {}),
    },
  });
}

type Mask = { ok: true; dataUri: string } | { ok: false; message: string };

/** The Vary (Region) mask: the member's upload if any, else the chosen regions, drawn at the image's size. */
async function regionMask(
  interaction: ModalSubmitInteraction,
  ctx: BotContext,
  taskId: string,
): Promise<Mask> {
  const upload = interaction.fields.getUploadedFiles(FIELD.mask)?.first();
  const regions = interaction.fields.getStringSelectValues(FIELD.region) ?? [];
  if (!upload && regions.length === 0) {
    return { ok: false, message: "Choose a region to repaint, or upload a mask." };
  }
  const size = await sizeOfResult(ctx, taskId);
  if (upload) {
    const maxBytes = ctx.config.maxImageMb * 1024 * 1024;
    const download = await downloadMedia(upload.url, { maxBytes, timeoutMs: 20_000 });
    if (!download.ok)
      return { ok: false, message: "The mask could not be read (is it larger than the limit?)." };
    const mask =
      download.type === "png" ? normaliseMask(download.bytes, size.width, size.height) : null;
    return mask
      ? { ok: true, dataUri: mask }
      : { ok: false, message: "The mask must be a PNG image." };
  }
  return { ok: true, dataUri: drawRegionMask(size.width, size.height, regions) };
}

/** The result image's pixel size: from the task, else from the image itself. */
async function sizeOfResult(
  ctx: BotContext,
  taskId: string,
): Promise<{ width: number; height: number }> {
  const job = await ctx.store.jobForTask(taskId);
  const result = job?.result;
  if (result?.imageWidth && result.imageHeight)
    return { width: result.imageWidth, height: result.imageHeight };
  if (result?.imageUrl) {
    const download = await downloadMedia(result.imageUrl, {
      maxBytes: 50 * 1024 * 1024,
      timeoutMs: 20_000,
    });
    const size = download.ok ? imageSize(download.bytes) : null;
    if (size) return size;
  }
  return { width: FALLBACK_SIZE, height: FALLBACK_SIZE };
}

/** Confirms a task the proxy holds in status MODAL (unexpected 21, or polled MODAL). */
async function confirmModalTask(
  interaction: ModalSubmitInteraction,
  ctx: BotContext,
  jobId: string,
): Promise<void> {
  const job = await ctx.store.getJob(jobId);
  if (job?.phase !== "needs-form" || job.userId !== interaction.user.id) {
    await tellPrivately(interaction, "This form is no longer waiting.");
    return;
  }
  const prompt = promptOf(interaction);
  if (prompt === "") {
    await tellPrivately(interaction, "The prompt cannot be empty.");
    return;
  }
  if (!(await ctx.store.claim(`modal:${job.taskId}`, 24 * 3_600_000))) {
    await tellPrivately(interaction, "This prompt was already confirmed.");
    return;
  }
  await interaction.deferUpdate();
  try {
    const outcome = await ctx.proxy.modal({ taskId: job.taskId, prompt, mode: job.mode });
    const next = { ...withOutcome(job, outcome), prompt, formPrompt: null, updatedAt: Date.now() };
    // Past the form: a late poll that still says MODAL must not bring the form back.
    const running: Job = {
      ...next,
      phase: next.phase === "needs-form" ? "waiting" : next.phase,
      rank: Math.max(next.rank, CONFIRMED_RANK),
    };
    await ctx.store.putJob(running);
    await ctx.tracker.follow(running);
    await ctx.presenter.show(running);
  } catch (error) {
    await ctx.store.release(`modal:${job.taskId}`);
    const message =
      error instanceof ProxyError ? error.userMessage : "The prompt could not be sent.";
    await tellPrivately(interaction, message);
  }
}
