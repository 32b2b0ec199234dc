// Button presses: proxy buttons on results, Retry, 🌱, ❌ Cancel (cancel.ts), an offer's
// confirmation (priced-offer.ts), settings, and "Confirm prompt" for MODAL tasks.
// A press that needs input must open its form as the very first response (Discord allows a
// modal only then), so those are decided before anything slow: from the store, and from the
// proxy only when the store lost the result (pressed.ts).
// A custom_id is believed only where the bot put it: on the message the press came from.
import type { ButtonInteraction } from "discord.js";
import { featureOfButton } from "../jobs/capabilities.js";
import { type ButtonInfo, classifyButton, stripKeycap } from "../mj/buttons.js";
import { ProxyError } from "../mj/errors.js";
import { spendOfButton, spendOfJob } from "../policy/costs.js";
import { cancelJob } from "./cancel.js";
import { CLAIM_MS, claimInteraction, whileClaimed } from "./claims.js";
import { type ComponentKey, decodeKey, encodeKey, shownButtons } from "./components.js";
import type { BotContext } from "./context.js";
import { type Texts, textsFor } from "./lang/index.js";
import { proxyWords } from "./lang/proxy.js";
import { launchJob } from "./launcher.js";
import { buildForm, formKindOf } from "./modals.js";
import { jobMode, memberMode } from "./modes.js";
import { type PressedResult, pressedButton, pressedJob } from "./pressed.js";
import { confirmOffer } from "./priced-offer.js";
import { tellPrivately } from "./replies.js";
import { changeSetting } from "./settings.js";
import { mayStart, runMode } from "./spending.js";

type Kind = ComponentKey["type"];
/** What a press of a button whose custom_id decodes to `key` does. */
type Handler<K extends Kind> = (
  interaction: ButtonInteraction,
  ctx: BotContext,
  key: Extract<ComponentKey, { type: K }>,
) => Promise<void>;

/** A form's key on a button: only a made-up custom_id carries one. */
const notAButton = async (interaction: ButtonInteraction) =>
  tellPrivately(interaction, textsFor(interaction.locale).presses.notMine);

/** Every kind of custom_id, and what pressing it does: a new kind without one fails tsc. */
const HANDLERS: { [K in Kind]: Handler<K> } = {
  proxy: pressProxyButton,
  retry: (interaction, ctx, key) => retry(interaction, ctx, key.jobId),
  "open-form": (interaction, ctx, key) => openModalTaskForm(interaction, ctx, key.jobId),
  cancel: (interaction, ctx, key) => cancelJob(interaction, ctx, key.jobId),
  seed: (interaction, ctx, key) => showSeed(interaction, ctx, key.taskId),
  confirm: (interaction, ctx, key) => confirmOffer(interaction, ctx, key.pendingId),
  setting: (interaction, ctx, key) => changeSetting(interaction, ctx, key.name, key.value),
  form: notAButton,
  "modal-task": notAButton,
};

export async function handlePress(interaction: ButtonInteraction, ctx: BotContext): Promise<void> {
  const key = decodeKey(interaction.customId);
  // Discord sends the message the button is on; a custom_id that is not on it was made up
  // (a modified client): its task, index or owner mean nothing.
  if (!key || !interaction.message.resolveComponent(interaction.customId)) {
    await tellPrivately(interaction, textsFor(interaction.locale).presses.notMine);
    return;
  }
  // A replayed interaction (same id) never acts twice.
  if (!(await claimInteraction(ctx, interaction.id))) return;
  await (HANDLERS[key.type] as Handler<Kind>)(interaction, ctx, key);
}

async function pressProxyButton(
  interaction: ButtonInteraction,
  ctx: BotContext,
  key: Extract<ComponentKey, { type: "proxy" }>,
): Promise<void> {
  const t = textsFor(interaction.locale);
  const NOT_MINE = t.presses.notMine;
  const { taskId, index } = key;
  const presser = interaction.user.id;
  const found = await pressedButton(
    ctx,
    key,
    { userId: presser, madeBy: interaction.message.interactionMetadata?.user.id },
    t,
  );
  if (!found.ok) {
    await tellPrivately(interaction, found.message);
    return;
  }
  const { result: owned, button } = found.found;
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
function describedPrompts(owned: PressedResult): string[] {
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

function formTitle(info: ButtonInfo, t: Texts): string {
  return info.kind === "describe_pick" || info.kind === "shorten_pick"
    ? t.presses.pickTitle(info.index)
    : info.label;
}

/** The text a form starts with: the pick's own prompt, else the job's prompt. */
function prefillFor(info: ButtonInfo, owned: PressedResult): string {
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
function pickPrompt(text: string, n: number): string | null {
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
  const pressed = await pressedJob(ctx, jobId, interaction.user.id, {
    usable: (job) => job.request !== null,
    unusable: t.presses.cannotRetry,
    notYours: t.presses.onlyRetry,
  });
  if (!pressed.ok) {
    await tellPrivately(interaction, pressed.message);
    return;
  }
  const job = pressed.found;
  const { request } = job;
  if (!request) return; // refused above (not usable)
  if (!(await ctx.store.claim(`retry:${jobId}`, CLAIM_MS.retry))) {
    await tellPrivately(interaction, t.presses.alreadyRetried);
    return;
  }
  const launched = await launchJob(interaction, ctx, {
    kind: job.kind,
    prompt: job.prompt,
    mode: jobMode(job.mode) ?? ctx.config.mjMode,
    origin: job.origin,
    parentTaskId: job.parentTaskId,
    request,
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
  const pressed = await pressedJob(ctx, jobId, interaction.user.id, {
    usable: (job) => job.phase === "needs-form",
    unusable: t.presses.formNotWaiting,
    notYours: t.presses.onlyConfirmPrompt,
  });
  if (!pressed.ok) {
    await tellPrivately(interaction, pressed.message);
    return;
  }
  const job = pressed.found;
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
