// Form (modal) submits: the form shown before a proxy button (Vary (Region), Custom Zoom,
// picks, remix), and the form that confirms a task waiting in status MODAL.
// Bad input is answered privately and costs nothing: no proxy call is made. What the form
// alone shows is checked first; anything slow (asking the proxy, a mask's download and
// reading, the picture's size) comes after the form is acknowledged.
import type { ModalSubmitInteraction } from "discord.js";
import type { Job } from "../jobs/job.js";
import { CONFIRMED_RANK } from "../jobs/tracker.js";
import { classifyButton } from "../mj/buttons.js";
import { ProxyError } from "../mj/errors.js";
import { downloadMedia, fetchImageSize } from "../mj/media.js";
import type { Task } from "../mj/task.js";
import { spendOfButton } from "../policy/costs.js";
import { whileClaimed } from "./claims.js";
import { type ComponentKey, decodeKey } from "./components.js";
import type { BotContext } from "./context.js";
import { launchJob, withOutcome } from "./flow.js";
import { type Texts, textsFor } from "./lang/index.js";
import { proxyWords } from "./lang/proxy.js";
import {
  drawRegionMask,
  type FittedMask,
  fitMask,
  pictureProblem,
  unknownRegions,
  uploadProblem,
} from "./mask.js";
import { FIELD, type FormKind, formKindOf, zoomProblem } from "./modals.js";
import { jobMode, memberMode } from "./modes.js";
import { spendRefusal } from "./owners.js";
import { checkPrompt } from "./prompts.js";
import { tellPrivately, withdraw } from "./replies.js";
import { bannedWordIn, commandLabel, mayStart, refuseBannedWord, runMode } from "./spending.js";

const FALLBACK_SIZE = 1024;

export async function handleForm(
  interaction: ModalSubmitInteraction,
  ctx: BotContext,
): Promise<void> {
  const NOT_MINE = textsFor(interaction.locale).forms.notMine;
  const key = decodeKey(interaction.customId);
  if (!key || !(await ctx.store.claim(`interaction:${interaction.id}`, 3_600_000))) {
    if (!key) await tellPrivately(interaction, NOT_MINE);
    return;
  }
  if (key.type === "form") return submitButtonForm(interaction, ctx, key);
  if (key.type === "modal-task") return confirmModalTask(interaction, ctx, key.jobId);
  await tellPrivately(interaction, NOT_MINE);
}

function promptOf(interaction: ModalSubmitInteraction): string {
  return interaction.fields.getTextInputValue(FIELD.prompt);
}

/** What a result's form needs to know about it: from the store, or else from the proxy. */
type Result = Pick<Task, "buttons" | "imageUrl" | "imageWidth" | "imageHeight">;

/**
 * A form's answer: private while nothing is public yet; once the form was acknowledged
 * (with a public "thinking" reply, which is to become the job's message), that reply is
 * withdrawn and the member is answered privately instead.
 */
async function refuse(interaction: ModalSubmitInteraction, message: string): Promise<void> {
  if (interaction.deferred) await withdraw(interaction, message);
  else await tellPrivately(interaction, message);
}

/** Acknowledges the form with the job's public reply before any slow work (Discord waits 3 s). */
async function acknowledgeFirst(interaction: ModalSubmitInteraction): Promise<void> {
  if (!interaction.deferred && !interaction.replied) await interaction.deferReply();
}

async function submitButtonForm(
  interaction: ModalSubmitInteraction,
  ctx: BotContext,
  key: Extract<ComponentKey, { type: "form" }>,
): Promise<void> {
  const t = textsFor(interaction.locale);
  const { taskId, index } = key;
  const job = await ctx.store.jobForTask(taskId);
  const refusal = spendRefusal(
    {
      stored: job?.userId,
      keyed: key.ownerId,
      madeBy: interaction.message?.interactionMetadata?.user.id,
    },
    interaction.user.id,
    t,
  );
  if (refusal) {
    await refuse(interaction, refusal);
    return;
  }
  let result: Result | null = job?.result ?? null;
  if (!result) {
    // The store lost it: ask the proxy, which may take longer than Discord waits.
    await acknowledgeFirst(interaction);
    result = await ctx.proxy.fetchTask(taskId).catch(() => null);
  }
  const button = result?.buttons[index];
  if (!result || !button) {
    await refuse(interaction, t.presses.resultUnknown);
    return;
  }
  const info = classifyButton(button);
  const spend = spendOfButton(info.kind);
  const kind = formKindOf(info);
  const checked = checkPrompt(promptOf(interaction), t);
  const problem = checked.ok
    ? formProblem(interaction, ctx, kind, checked.prompt, t)
    : checked.message;
  if (!checked.ok || problem || !spend) {
    await refuse(interaction, t.nothingSubmitted(problem ?? t.forms.notMine));
    return;
  }
  const { prompt } = checked;
  // The policy's word before any slow work: a banned word, then the credits.
  const word = bannedWordIn(ctx, [prompt]);
  if (word !== null) {
    await refuseBannedWord(interaction, ctx, word, commandLabel(interaction, info.label));
    return;
  }
  const prefs = await ctx.store.preferences(interaction.user.id);
  const mode = jobMode(job?.mode) ?? memberMode(prefs.mode) ?? ctx.config.mjMode;
  const ask = { spend, mode: runMode(ctx, interaction, mode, false), modeAsked: false };
  if (!(await mayStart(interaction, ctx, ask))) return;
  let maskBase64: string | undefined;
  if (kind === "vary-region") {
    await acknowledgeFirst(interaction);
    const mask = await regionMask(interaction, ctx, result, t);
    if (!mask.ok) {
      await refuse(interaction, t.nothingSubmitted(mask.message));
      return;
    }
    maskBase64 = mask.dataUri;
  }
  const launched = await whileClaimed(ctx, `press:${taskId}:${index}:${interaction.user.id}`, () =>
    launchJob(interaction, ctx, {
      kind: "modal",
      prompt,
      mode,
      spend,
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
    }),
  );
  if (!launched) await refuse(interaction, t.forms.alreadySent);
}

const maskUpload = (interaction: ModalSubmitInteraction) =>
  interaction.fields.getUploadedFiles(FIELD.mask)?.first();

const regionsOf = (interaction: ModalSubmitInteraction) =>
  interaction.fields.getStringSelectValues(FIELD.region) ?? [];

/** What is wrong with the form as sent, judged from the form alone (it costs nothing). */
function formProblem(
  interaction: ModalSubmitInteraction,
  ctx: BotContext,
  kind: FormKind,
  prompt: string,
  t: Texts,
): string | null {
  if (kind === "custom-zoom") return zoomProblem(prompt, t);
  if (kind !== "vary-region") return null;
  const upload = maskUpload(interaction);
  const regions = regionsOf(interaction);
  if (unknownRegions(regions).length > 0) return t.forms.unknownRegion;
  if (!upload && regions.length === 0) return t.forms.chooseRegion;
  return upload ? uploadProblem(upload, ctx.config.maxImageMb * 1024 * 1024, t) : null;
}

/** The Vary (Region) mask: the member's upload if any, else the chosen regions, drawn at the image's size. */
async function regionMask(
  interaction: ModalSubmitInteraction,
  ctx: BotContext,
  result: Result,
  t: Texts,
): Promise<FittedMask> {
  const size = await pictureSize(result);
  const tooLarge = pictureProblem(size.width, size.height, t);
  if (tooLarge) return { ok: false, message: tooLarge };
  const upload = maskUpload(interaction);
  if (!upload) {
    return {
      ok: true,
      dataUri: await drawRegionMask(size.width, size.height, regionsOf(interaction)),
    };
  }
  const maxBytes = ctx.config.maxImageMb * 1024 * 1024;
  const download = await downloadMedia(upload.url, { maxBytes, timeoutMs: 20_000 });
  if (!download.ok) {
    return {
      ok: false,
      message:
        download.reason === "too-large"
          ? t.forms.maskTooLarge(ctx.config.maxImageMb)
          : t.forms.maskNotDownloaded,
    };
  }
  return fitMask(download.bytes, size.width, size.height, t);
}

const isSide = (n: number | null | undefined): n is number => Number.isInteger(n) && (n ?? 0) > 0;

/**
 * The picture's pixel size: as the proxy reported it (kept with the job), else read from the
 * first bytes of the image, else Midjourney's usual 1024.
 */
async function pictureSize(result: Result): Promise<{ width: number; height: number }> {
  if (isSide(result.imageWidth) && isSide(result.imageHeight))
    return { width: result.imageWidth, height: result.imageHeight };
  const read = result.imageUrl
    ? await fetchImageSize(result.imageUrl, { timeoutMs: 10_000 })
    : null;
  if (read && isSide(read.width) && isSide(read.height)) return read;
  return { width: FALLBACK_SIZE, height: FALLBACK_SIZE };
}

/** Confirms a task the proxy holds in status MODAL (unexpected 21, or polled MODAL). */
async function confirmModalTask(
  interaction: ModalSubmitInteraction,
  ctx: BotContext,
  jobId: string,
): Promise<void> {
  const t = textsFor(interaction.locale);
  const job = await ctx.store.getJob(jobId);
  if (job?.phase !== "needs-form" || job.userId !== interaction.user.id) {
    await tellPrivately(interaction, t.presses.formNotWaiting);
    return;
  }
  const checked = checkPrompt(promptOf(interaction), t);
  if (!checked.ok) {
    await tellPrivately(interaction, checked.message);
    return;
  }
  const { prompt } = checked;
  // Its credits were reserved at the press; the edited prompt still meets the banned words.
  const word = bannedWordIn(ctx, [prompt]);
  if (word !== null) {
    await refuseBannedWord(interaction, ctx, word, commandLabel(interaction, job.origin));
    return;
  }
  if (!(await ctx.store.claim(`modal:${job.taskId}`, 24 * 3_600_000))) {
    await tellPrivately(interaction, t.forms.alreadyConfirmed);
    return;
  }
  await interaction.deferUpdate();
  // Past the form: a late poll that still says MODAL must not bring the form back.
  const confirmed = (next: Job): Job => ({
    ...next,
    prompt,
    formPrompt: null,
    updatedAt: Date.now(),
    phase: next.phase === "needs-form" ? "waiting" : next.phase,
    rank: Math.max(next.rank, CONFIRMED_RANK),
  });
  try {
    const outcome = await ctx.proxy.modal({ taskId: job.taskId, prompt, mode: job.mode });
    const running = confirmed(withOutcome(job, outcome));
    await ctx.store.putJob(running);
    await ctx.tracker.follow(running);
    await ctx.presenter.show(running);
  } catch (error) {
    const mayRun = !(error instanceof ProxyError) || error.mayHaveSubmitted;
    if (mayRun) {
      // The proxy may have taken the prompt: the MODAL task then runs under its own id, which
      // the tracker follows. The claim stays, so the prompt cannot be confirmed (billed) twice.
      await ctx.store.putJob(confirmed(job));
      await ctx.tracker.follow(job);
    } else {
      await ctx.store.release(`modal:${job.taskId}`);
    }
    const message =
      error instanceof ProxyError ? proxyWords(interaction.locale, error) : t.forms.maySent;
    await tellPrivately(interaction, message);
  }
}
