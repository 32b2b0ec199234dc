// /describe: four prompts that could have made an image.
import { SlashCommandBuilder } from "discord.js";
import type { Command } from "../src/discord/command.js";
import { launchJob } from "../src/discord/flow.js";
import { readCommandImages } from "../src/discord/inputs.js";
import { spendOfCommand } from "../src/policy/costs.js";
import { botOption, chosenBot, chosenMode, modeOption, publicReply } from "./options.js";

export const describe: Command = {
  definition: new SlashCommandBuilder()
    .setName("describe")
    .setDescription("Get four prompts that describe an image")
    .addAttachmentOption((o) =>
      o.setName("image").setDescription("The image to describe").setRequired(true),
    )
    .addStringOption(modeOption)
    .addStringOption(botOption)
    .toJSON(),

  async execute(interaction, ctx) {
    const reply = publicReply(interaction);
    const images = await readCommandImages(
      interaction,
      ["image"],
      ctx.config.maxImageMb,
      reply.defer,
      reply.refuse,
    );
    const [base64] = images ?? [];
    if (!base64) return;
    await launchJob(interaction, ctx, {
      kind: "describe",
      spend: spendOfCommand("describe"),
      prompt: `Describe ${interaction.options.getAttachment("image", true).name}`,
      mode: await chosenMode(interaction, ctx),
      origin: null,
      parentTaskId: null,
      request: { type: "describe", base64, ...chosenBot(interaction) },
    });
  },
};
