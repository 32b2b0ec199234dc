// Option builders and readers shared by the commands.
import type { ChatInputCommandInteraction, SlashCommandStringOption } from "discord.js";
import type { MjMode } from "../src/config.js";
import type { BotContext } from "../src/discord/context.js";
import { tellPrivately, withdraw } from "../src/discord/flow.js";
import { checkImageUrl, readCommandImages } from "../src/discord/inputs.js";

/** The `mode` option: fast or relax for this job. */
export const modeOption = (o: SlashCommandStringOption) =>
  o
    .setName("mode")
    .setDescription("Speed mode for this job")
    .addChoices({ name: "fast", value: "fast" }, { name: "relax", value: "relax" });

/** The job's mode: the option, else the member's /settings, else the server's MJ_MODE. */
export async function chosenMode(
  interaction: ChatInputCommandInteraction,
  ctx: BotContext,
): Promise<MjMode> {
  const option = interaction.options.getString("mode") as MjMode | null;
  if (option) return option;
  return (await ctx.store.preferences(interaction.user.id)).mode ?? ctx.config.mjMode;
}

/**
 * The `image` attachment or the `image_url` link: exactly one must be given. A link is only
 * checked to be http(s) and handed to the proxy as it is. Null: refused, member told.
 */
export async function oneImage(
  interaction: ChatInputCommandInteraction,
  ctx: BotContext,
  defer: () => Promise<unknown>,
  refuse: (message: string) => Promise<void>,
): Promise<string | null> {
  const link = interaction.options.getString("image_url")?.trim() || null;
  const attached = interaction.options.getAttachment("image");
  if (Boolean(link) === Boolean(attached)) {
    await tellPrivately(
      interaction,
      "Give exactly one of `image` (an attachment) or `image_url` (a link). Nothing was submitted.",
    );
    return null;
  }
  if (link) {
    const checked = checkImageUrl(link, "image_url");
    if (!checked.ok) {
      await tellPrivately(interaction, `${checked.message} Nothing was submitted.`);
      return null;
    }
    await defer();
    return checked.url;
  }
  const [dataUri] =
    (await readCommandImages(interaction, ["image"], ctx.config.maxImageMb, defer, refuse)) ?? [];
  return dataUri ?? null;
}

/** The required `prompt` option, trimmed; an empty one is refused privately (null). */
export async function requiredPrompt(
  interaction: ChatInputCommandInteraction,
): Promise<string | null> {
  const prompt = interaction.options.getString("prompt", true).trim();
  if (prompt !== "") return prompt;
  await tellPrivately(interaction, "The prompt cannot be empty.");
  return null;
}

/** A public acknowledgement (the job's message to be) and its withdrawal on bad input. */
export function publicReply(interaction: ChatInputCommandInteraction) {
  return {
    defer: () => interaction.deferReply(),
    refuse: (message: string) => withdraw(interaction, message),
  };
}
