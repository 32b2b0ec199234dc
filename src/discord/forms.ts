// Form (modal) submits: the form shown before a proxy button (Vary (Region), Custom Zoom,
// picks, remix), and the form that confirms a task waiting in status MODAL.
// Bad input is answered privately and costs nothing: no proxy call is made. What the form
// alone shows is checked first; anything slow (asking the proxy, a mask's download and
// reading, the picture's size) comes after the form is acknowledged.
import type { ModalSubmitInteraction } from "discord.js";
import { confirmForm } from "../jobs/launch.js";
import { classifyButton } from "../mj/buttons.js";
import { ProxyError } from "../mj/errors.js";
import { spendOfButton } from "../policy/costs.js";
import { CLAIM_MS, claimInteraction, whileClaimed } from "./claims.js";
import { type ComponentKey, decodeKey } from "./components.js";
import type { BotContext } from "./context.js";
import { type Texts, textsFor } from "./lang/index.js";
import { proxyWords } from "./lang/proxy.js";
import { launchJob, showFirst } from "./launcher.js";
import { FIELD, type FormKind, formKindOf, zoomProblem } from "./modals.js";
import { jobMode, memberMode } from "./modes.js";
import { pressedButton, pressedJob } from "./pressed.js";
import { checkPrompt } from "./prompts.js";
import { regionFormProblem, regionMask } from "./region-mask.js";
import { acknowledgeFirst, refuseLate as refuse, tellPrivately } from "./replies.js";
import { bannedWordIn, commandLabel, mayStart, refuseBannedWord, runMode } from "./spending.js";

export async function handleForm(
  interaction: ModalSubmitInteraction,
  ctx: BotContext,
): Promise<void> {
  const NOT_MINE = textsFor(interaction.locale).forms.notMine;
  const key = decodeKey(interaction.customId);
  if (!key || !(await claimInteraction(ctx, interaction.id))) {
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

async function submitButtonForm(
  interaction: ModalSubmitInteraction,
  ctx: BotContext,
  key: Extract<ComponentKey, { type: "form" }>,
): Promise<void> {
  const t = textsFor(interaction.locale);
  const { taskId } = key;
  // The store lost the result: the proxy is asked, which may take longer than Discord waits.
  const pressed = await pressedButton(
    ctx,
    key,
    { userId: interaction.user.id, madeBy: interaction.message?.interactionMetadata?.user.id },
    t,
    () => acknowledgeFirst(interaction),
  );
  if (!pressed.ok) {
    await refuse(interaction, pressed.message);
    return;
  }
  const { result, button } = pressed.found;
  const { job } = result;
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
  const launched = await whileClaimed(
    ctx,
    `press:${taskId}:${key.index}:${interaction.user.id}`,
    () =>
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
  return regionFormProblem(interaction, ctx, t);
}

/** Confirms a task the proxy holds in status MODAL (unexpected 21, or polled MODAL). */
async function confirmModalTask(
  interaction: ModalSubmitInteraction,
  ctx: BotContext,
  jobId: string,
): Promise<void> {
  const t = textsFor(interaction.locale);
  const waiting = await pressedJob(ctx, jobId, interaction.user.id, {
    usable: (job) => job.phase === "needs-form",
    unusable: t.presses.formNotWaiting,
    // Only its owner was shown the form: anyone else's answer is as if it were not waiting.
    notYours: () => t.presses.formNotWaiting,
  });
  if (!waiting.ok) {
    await tellPrivately(interaction, waiting.message);
    return;
  }
  const job = waiting.found;
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
  if (!(await ctx.store.claim(`modal:${job.taskId}`, CLAIM_MS.formConfirm))) {
    await tellPrivately(interaction, t.forms.alreadyConfirmed);
    return;
  }
  await interaction.deferUpdate();
  try {
    await showFirst(ctx, await confirmForm(ctx, job, prompt));
  } catch (error) {
    // The proxy may have taken the prompt (its answer was lost): the claim stays, so the
    // prompt cannot be confirmed (billed) twice. Refused: the form may be sent again.
    if (error instanceof ProxyError && !error.mayHaveSubmitted) {
      await ctx.store.release(`modal:${job.taskId}`);
    }
    const message =
      error instanceof ProxyError ? proxyWords(interaction.locale, error) : t.forms.maySent;
    await tellPrivately(interaction, message);
  }
}
