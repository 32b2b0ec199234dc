// Option builders and readers shared by the commands. Discord's client keeps a member to an
// option's choices and length; a modified client does not, so `checked` holds every command
// to its own definition again before it runs, and the readers here trust nothing either.
import {
  ApplicationCommandOptionType,
  type ChatInputCommandInteraction,
  type SlashCommandStringOption,
} from "discord.js";
import type { Command } from "../src/discord/command.js";
import type { BotContext } from "../src/discord/context.js";
import { readCommandImages } from "../src/discord/inputs.js";
import { type CommandText, choice, described } from "../src/discord/lang/commands.js";
import { en, type Texts } from "../src/discord/lang/en.js";
import { textsFor } from "../src/discord/lang/index.js";
import type { JobSpec } from "../src/discord/launcher.js";
import { checkImageHost, checkImageUrl } from "../src/discord/links.js";
import { MEMBER_MODES, memberMode } from "../src/discord/modes.js";
import { missingFeatureOf } from "../src/discord/offers.js";
import { checkPrompt, PROMPT_MAX_LENGTH, tooLong } from "../src/discord/prompts.js";
import { tellPrivately, withdraw } from "../src/discord/replies.js";
import {
  bannedWordIn,
  commandLabel,
  mayStart,
  refuseBannedWord,
  runMode,
  spendOfInteraction,
} from "../src/discord/spending.js";

/** The `mode` option: fast or relax for this job. */
export const modeOption = (o: SlashCommandStringOption) =>
  described(o.setName("mode"), "mode").addChoices(
    ...MEMBER_MODES.map((mode) => choice(mode, mode)),
  );

/** The `bot` option: Midjourney (default) or Niji, Midjourney's anime model. */
export const botOption = (o: SlashCommandStringOption) =>
  described(o.setName("bot"), "bot").addChoices(
    choice("midjourney", "midjourney"),
    choice("niji", "niji"),
  );

/** The botType a command's `bot` option asks for; nothing (the proxy's default) unless niji. */
export function chosenBot(interaction: ChatInputCommandInteraction) {
  return interaction.options.getString("bot") === "niji"
    ? { botType: "NIJI_JOURNEY" as const }
    : {};
}

/** A required `prompt` option, as long as a prompt may be. */
export const promptOption = (description: CommandText) => (o: SlashCommandStringOption) =>
  described(o.setName("prompt"), description).setRequired(true).setMaxLength(PROMPT_MAX_LENGTH);

/**
 * What in an interaction breaks its command's own definition: an option the command does
 * not have or of another type, a choice not offered, a text over its length. Null: none.
 */
function optionProblem(
  definition: Command["definition"],
  interaction: ChatInputCommandInteraction,
  t: Texts = en,
): string | null {
  for (const given of interaction.options.data) {
    const defined = definition.options?.find((o) => o.name === given.name);
    if (!defined || defined.type !== given.type) {
      return t.inputs.notAnOption(given.name, definition.name);
    }
    if (defined.type !== ApplicationCommandOptionType.String || typeof given.value !== "string") {
      continue;
    }
    const choices = defined.choices ?? [];
    if (choices.length > 0 && !choices.some((choice) => choice.value === given.value)) {
      return t.inputs.notAChoice(
        given.name,
        choices.map((c) => String(c.value)),
      );
    }
    if (defined.max_length !== undefined && given.value.length > defined.max_length) {
      return tooLong(given.name, given.value.length, defined.max_length, t);
    }
  }
  return null;
}

/**
 * The command, refusing privately (at no cost) an interaction that breaks its definition,
 * and, for a command that spends, one the policy refuses (a banned word in the prompt, a
 * limit reached) before any picture is read. Launching the job checks again and spends.
 */
export function checked(command: Command): Command {
  return {
    definition: command.definition,
    async execute(interaction, ctx) {
      const t = textsFor(interaction.locale);
      const problem = optionProblem(command.definition, interaction, t);
      if (problem) {
        await tellPrivately(interaction, t.nothingSubmitted(problem));
        return;
      }
      const feature = missingFeatureOf(ctx.capabilities, command.definition.name);
      if (feature) {
        await tellPrivately(interaction, t.capabilities.cannot(feature));
        return;
      }
      if (!(await policyAllows(interaction, ctx))) return;
      await command.execute(interaction, ctx);
    },
  };
}

async function policyAllows(
  interaction: ChatInputCommandInteraction,
  ctx: BotContext,
): Promise<boolean> {
  const spend = spendOfInteraction(interaction);
  if (!spend) return true;
  const prompt = interaction.options.getString("prompt");
  const word = prompt === null ? null : bannedWordIn(ctx, [prompt]);
  if (word !== null) {
    await refuseBannedWord(interaction, ctx, word, commandLabel(interaction, null));
    return false;
  }
  const asked = memberMode(interaction.options.getString("mode")) !== null;
  const mode = runMode(ctx, interaction, await chosenMode(interaction, ctx), asked);
  return mayStart(interaction, ctx, { spend, mode, modeAsked: asked });
}

/**
 * The job's mode: the option, else the member's /settings, else the server's MJ_MODE. Only
 * a known mode is used (it becomes a path segment of the proxy's URL).
 */
export async function chosenMode(
  interaction: ChatInputCommandInteraction,
  ctx: BotContext,
): Promise<JobSpec["mode"]> {
  const option = memberMode(interaction.options.getString("mode"));
  if (option) return option;
  return memberMode((await ctx.store.preferences(interaction.user.id)).mode) ?? ctx.config.mjMode;
}

/**
 * The `image` attachment or the `image_url` link: exactly one must be given. A link is
 * checked (http(s), no credentials, public addresses only, see inputs.ts) and handed to the
 * proxy as it is; the bot never fetches it. Null: refused, member told.
 */
export async function oneImage(
  interaction: ChatInputCommandInteraction,
  ctx: BotContext,
  defer: () => Promise<unknown>,
  refuse: (message: string) => Promise<void>,
): Promise<string | null> {
  const t = textsFor(interaction.locale);
  const link = interaction.options.getString("image_url")?.trim() || null;
  const attached = interaction.options.getAttachment("image");
  if (Boolean(link) === Boolean(attached)) {
    await tellPrivately(interaction, t.inputs.oneImage);
    return null;
  }
  if (link) {
    const allowPrivate = ctx.config.allowPrivateImageUrls;
    const typed = checkImageUrl(link, "image_url", allowPrivate, t);
    if (!typed.ok) {
      await tellPrivately(interaction, t.nothingSubmitted(typed.message));
      return null;
    }
    // Looking the host up may take a moment: acknowledge first (Discord's 3 seconds).
    await defer();
    const problem = await checkImageHost(typed.url, "image_url", { allowPrivate }, t);
    if (problem) {
      await refuse(t.nothingSubmitted(problem));
      return null;
    }
    return typed.url;
  }
  const [dataUri] =
    (await readCommandImages(interaction, ["image"], ctx.config.maxImageMb, defer, refuse, t)) ??
    [];
  return dataUri ?? null;
}

/**
 * The required `prompt` option, with control characters stripped and trimmed; an empty,
 * invisible or too long one is refused privately (null), at no cost.
 */
export async function requiredPrompt(
  interaction: ChatInputCommandInteraction,
): Promise<string | null> {
  const t = textsFor(interaction.locale);
  const prompt = checkPrompt(interaction.options.getString("prompt", true), t);
  if (prompt.ok) return prompt.prompt;
  await tellPrivately(interaction, t.nothingSubmitted(prompt.message));
  return null;
}

/** A public acknowledgement (the job's message to be) and its withdrawal on bad input. */
export function publicReply(interaction: ChatInputCommandInteraction) {
  return {
    defer: () => interaction.deferReply(),
    refuse: (message: string) => withdraw(interaction, message),
  };
}
