// Button presses: proxy buttons on results, Retry, and "Confirm prompt" for MODAL tasks.
// A press that needs input must open its form as the very first response (Discord allows a
// modal only then), so those are decided from the store alone, before anything slow.
// A custom_id is believed only where the bot put it: on the message the press came from.
import type { ButtonInteraction } from "discord.js";
import { featureOfButton } from "../jobs/capabilities.js";
import type { Job } from "../jobs/job.js";
import { type ButtonInfo, classifyButton, stripKeycap } from "../mj/buttons.js";
import { ProxyError } from "../mj/errors.js";
import type { TaskButton } from "../mj/task.js";
import { spendOfButton, spendOfCommand, spendOfJob } from "../policy/costs.js";
import { cancelJob } from "./cancel.js";
import { whileClaimed } from "./claims.js";
import { type ComponentKey, decodeKey, encodeKey, shownButtons } from "./components.js";
import type { BotContext } from "./context.js";
import { type JobSpec, launchJob } from "./flow.js";
import { type Texts, textsFor } from "./lang/index.js";
import { proxyWords } from "./lang/proxy.js";
import { buildForm, formKindOf } from "./modals.js";
import { jobMode, memberMode } from "./modes.js";
import { spendRefusal } from "./owners.js";
import { tellPrivately } from "./replies.js";
import { changeSetting } from "./settings.js";
import { mayStart, runMode } from "./spending.js";

export async function handlePress(interaction: ButtonInteraction, ctx: BotContext): Promise<void> {
  const NOT_MINE = textsFor(interaction.locale).presses.notMine;
  const key = decodeKey(interaction.customId);
  // Discord sends the message the button is on; a custom_id that is not on it was made up
  // (a modified client): its task, index or owner mean nothing.
  if (!key || !interaction.message.resolveComponent(interaction.customId)) {
    await tellPrivately(interaction, NOT_MINE);
    return;
  }
  // A replayed interaction (same id) never acts twice.
  if (!(await ctx.store.claim(`interaction:${interaction.id}`, 3_600_000))) return;
  switch (key.type) {
    case "proxy":
      return pressProxyButton(interaction, ctx, key);
    case "retry":
      return retry(interaction, ctx, key.jobId);
    case "open-form":
      return openModalTaskForm(interaction, ctx, key.jobId);
    case "cancel":
      return cancelJob(interaction, ctx, key.jobId);
    case "seed":
      return showSeed(interaction, ctx, key.taskId);
    case "confirm":
      return confirmPending(interaction, ctx, key.pendingId);
    case "setting":
      return changeSetting(interaction, ctx, key.name, key.value);
    default:
      await tellPrivately(interaction, NOT_MINE);
  }
}

interface Owned {
  job: Job | undefined;
  buttons: TaskButton[];
  prompt: string;
}

/** The task's buttons from the store, or from the proxy when the store lost them. */
async function buttonsOf(ctx: BotContext, taskId: string): Promise<Owned | null> {
  const job = await ctx.store.jobForTask(taskId);
  if (job?.result) return { job, buttons: job.result.buttons, prompt: job.prompt };
  const task = await ctx.proxy.fetchTask(taskId).catch(() => null);
  if (!task) return null;
  return { job, buttons: task.buttons, prompt: task.prompt || task.promptEn };
}

async function pressProxyButton(
  interaction: ButtonInteraction,
  ctx: BotContext,
  key: Extract<ComponentKey, { type: "proxy" }>,
): Promise<void> {
  const t = textsFor(interaction.locale);
  const NOT_MINE = t.presses.notMine;
  const { taskId, index } = key;
  const owned = await buttonsOf(ctx, taskId);
  const button = owned?.buttons[index];
  if (!owned || !button) {
    await tellPrivately(interaction, t.presses.resultUnknown);
    return;
  }
  const presser = interaction.user.id;
  const refusal = spendRefusal(
    {
      stored: owned.job?.userId,
      keyed: key.ownerId,
      madeBy: interaction.message.interactionMetadata?.user.id,
    },
    presser,
    t,
  );
  if (refusal) {
    await tellPrivately(interaction, refusal);
    return;
  }
  // Only the buttons a result shows can be pressed: never a hidden one (❤️) by its index.
  if (!shownButtons(owned.buttons).some((shown) => shown.index === index)) {
    await tellPrivately(interaction, NOT_MINE);
    return;
  }
  const info = classifyButton(button);
  // A button shown before the proxy was found to lack its feature: answered at once.
  const feature = featureOfButton(info.kind);
  if (feature && !ctx.capabilities.has(feature)) {
    await tellPrivately(interaction, t.capabilities.cannot(feature));
    return;
  }
  const spend = spendOfButton(info.kind);
  if (!spend) {
    await tellPrivately(interaction, NOT_MINE);
    return;
  }
  const prefs = await ctx.store.preferences(presser);
  const mode = jobMode(owned.job?.mode) ?? memberMode(prefs.mode) ?? ctx.config.mjMode;
  if (info.needsInput === "always" || (info.needsInput === "remix" && prefs.remix)) {
    // No form for a press the policy would refuse: told now, before any typing.
    const ask = { spend, mode: runMode(ctx, interaction, mode, false), modeAsked: false };
    if (!(await mayStart(interaction, ctx, ask))) return;
    await interaction.showModal(
      buildForm(
        // The form's key names its owner too (the presser, who owns the result).
        encodeKey({ type: "form", taskId, index, ownerId: presser }),
        formKindOf(info),
        formTitle(info, t),
        prefillFor(info, owned),
        t,
      ),
    );
    return;
  }
  const allPrompts = info.kind === "describe_all" ? describedPrompts(owned) : undefined;
  const pressed = await whileClaimed(ctx, `press:${taskId}:${index}:${presser}`, () =>
    launchJob(interaction, ctx, {
      kind: "action",
      prompt: allPrompts?.[0] ?? owned.prompt,
      mode,
      spend,
      origin: info.label,
      parentTaskId: taskId,
      request: { type: "action", taskId, customId: button.customId },
      ...(allPrompts ? { promptsPerTask: allPrompts } : {}),
    }),
  );
  if (!pressed) await tellPrivately(interaction, t.presses.alreadyPressed);
}

/** The four prompts of a describe result, keycaps removed. */
function describedPrompts(owned: Owned): string[] {
  const text = owned.job?.result?.finalPrompt || owned.job?.result?.promptEn || "";
  return [1, 2, 3, 4].map((n) => pickPrompt(text, n) ?? owned.prompt);
}

/** 🌱: the seed of a finished picture, shown to the presser only. */
async function showSeed(
  interaction: ButtonInteraction,
  ctx: BotContext,
  taskId: string,
): Promise<void> {
  const t = textsFor(interaction.locale);
  if (!ctx.capabilities.has("seed")) {
    await tellPrivately(interaction, `🌱 ${t.capabilities.cannot("seed")}`);
    return;
  }
  await interaction.deferReply({ flags: "Ephemeral" });
  try {
    const seed = await ctx.proxy.imageSeed(taskId);
    await interaction.editReply(t.presses.seed(seed));
  } catch (error) {
    if (error instanceof ProxyError && error.routeMissing) {
      // No image-seed route: remembered, so 🌱 is no longer offered on new pictures.
      await ctx.capabilities.learnMissing("seed").catch(() => undefined);
      await interaction.editReply(`🌱 ${t.capabilities.cannot("seed")}`);
      return;
    }
    const words =
      error instanceof ProxyError ? proxyWords(interaction.locale, error) : t.presses.seedNotFound;
    await interaction.editReply(`🌱 ${words}`);
  }
}

/** A costly job kept aside until the member confirms it (see /video). */
export interface PendingJob {
  userId: string;
  spec: JobSpec;
}

async function confirmPending(
  interaction: ButtonInteraction,
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
  if (!(await ctx.store.claim(`confirm:${pendingId}`, 24 * 3_600_000))) {
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

function formTitle(info: ButtonInfo, t: Texts): string {
  return info.kind === "describe_pick" || info.kind === "shorten_pick"
    ? t.presses.pickTitle(info.index)
    : info.label;
}

/** The text a form starts with: the pick's own prompt, else the job's prompt. */
function prefillFor(info: ButtonInfo, owned: Owned): string {
  if ((info.kind === "describe_pick" || info.kind === "shorten_pick") && info.index !== undefined) {
    const text =
      owned.job?.result?.finalPrompt ||
      owned.job?.result?.promptEn ||
      owned.job?.result?.description ||
      "";
    return pickPrompt(text, info.index) ?? "";
  }
  return owned.job?.result?.finalPrompt || owned.prompt;
}

/** The Nth keycap-numbered prompt of a describe/shorten text, keycap removed. */
export function pickPrompt(text: string, n: number): string | null {
  const keycap = `${n}\uFE0F\u20E3`;
  const line = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .find((l) => l.startsWith(keycap) || l.startsWith(`${n}\u20E3`));
  return line ? stripKeycap(line) : null;
}

async function retry(
  interaction: ButtonInteraction,
  ctx: BotContext,
  jobId: string,
): Promise<void> {
  const t = textsFor(interaction.locale);
  const job = await ctx.store.getJob(jobId);
  if (!job?.request) {
    await tellPrivately(interaction, t.presses.cannotRetry);
    return;
  }
  if (job.userId !== interaction.user.id) {
    await tellPrivately(interaction, t.presses.onlyRetry(job.userId));
    return;
  }
  if (!(await ctx.store.claim(`retry:${jobId}`, 7 * 24 * 3_600_000))) {
    await tellPrivately(interaction, t.presses.alreadyRetried);
    return;
  }
  const launched = await launchJob(interaction, ctx, {
    kind: job.kind,
    prompt: job.prompt,
    mode: jobMode(job.mode) ?? ctx.config.mjMode,
    origin: job.origin,
    parentTaskId: job.parentTaskId,
    request: job.request,
    spend: spendOfJob(job),
  });
  // Refused by the policy: Retry stays, to be pressed once the limit allows.
  if (!launched) await ctx.store.release(`retry:${jobId}`);
}

/** "Confirm prompt" on a job whose task waits in status MODAL: opens the prefilled form. */
async function openModalTaskForm(
  interaction: ButtonInteraction,
  ctx: BotContext,
  jobId: string,
): Promise<void> {
  const t = textsFor(interaction.locale);
  const job = await ctx.store.getJob(jobId);
  if (job?.phase !== "needs-form") {
    await tellPrivately(interaction, t.presses.formNotWaiting);
    return;
  }
  if (job.userId !== interaction.user.id) {
    await tellPrivately(interaction, t.presses.onlyConfirmPrompt(job.userId));
    return;
  }
  await interaction.showModal(
    buildForm(
      encodeKey({ type: "modal-task", jobId }),
      "remix",
      t.presses.confirmTitle,
      job.formPrompt ?? job.prompt,
      t,
    ),
  );
}
