// /describe: four prompts that could have made an image.
import { SlashCommandBuilder } from "discord.js";
import type { Command } from "../src/discord/command.js";
import { readCommandImages } from "../src/discord/inputs.js";
import { described } from "../src/discord/lang/commands.js";
import { textsFor } from "../src/discord/lang/index.js";
import { launchJob } from "../src/discord/launcher.js";
import { spendOfCommand } from "../src/discord/spending.js";
import { botOption, chosenBot, chosenMode, modeOption, publicReply } from "./options.js";

export const describe: Command = {
  definition: described(new SlashCommandBuilder().setName("describe"), "describe")
    .addAttachmentOption((o) => described(o.setName("image"), "describeImage").setRequired(true))
    .addStringOption(modeOption)
    .addStringOption(botOption)
    .toJSON(),

  async execute(interaction, ctx) {
    const t = textsFor(interaction.locale);
    const reply = publicReply(interaction);
    const images = await readCommandImages(
      interaction,
      ["image"],
      ctx.config.maxImageMb,
      reply.defer,
      reply.refuse,
      t,
    );
    const [base64] = images ?? [];
    if (!base64) return;
    await launchJob(interaction, ctx, {
      kind: "describe",
      spend: spendOfCommand("describe"),
      prompt: t.job.describePrompt(interaction.options.getAttachment("image", true).name),
      mode: await chosenMode(interaction, ctx),
      origin: null,
      parentTaskId: null,
      request: { type: "describe", base64, ...chosenBot(interaction) },
    });
  },
};
