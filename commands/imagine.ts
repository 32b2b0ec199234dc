// /imagine: a prompt, up to three reference images, and a speed mode.
import { SlashCommandBuilder } from "discord.js";
import type { Command } from "../src/discord/command.js";
import { readCommandImages } from "../src/discord/inputs.js";
import { described } from "../src/discord/lang/commands.js";
import { textsFor } from "../src/discord/lang/index.js";
import { launchJob } from "../src/discord/launcher.js";
import { spendOfCommand } from "../src/discord/spending.js";
import {
  botOption,
  chosenBot,
  chosenMode,
  modeOption,
  promptOption,
  publicReply,
  requiredPrompt,
} from "./options.js";

const IMAGE_OPTIONS = ["image", "image2", "image3"] as const;

export const imagine: Command = {
  definition: described(new SlashCommandBuilder().setName("imagine"), "imagine")
    .addStringOption(promptOption("imaginePrompt"))
    .addAttachmentOption((o) => described(o.setName("image"), "imagineImage"))
    .addAttachmentOption((o) => described(o.setName("image2"), "imagineImage2"))
    .addAttachmentOption((o) => described(o.setName("image3"), "imagineImage3"))
    .addStringOption(modeOption)
    .addStringOption(botOption)
    .toJSON(),

  async execute(interaction, ctx) {
    const reply = publicReply(interaction);
    const prompt = await requiredPrompt(interaction);
    if (prompt === null) return;
    const base64Array = await readCommandImages(
      interaction,
      IMAGE_OPTIONS,
      ctx.config.maxImageMb,
      reply.defer,
      reply.refuse,
      textsFor(interaction.locale),
    );
    if (!base64Array) return;
    await launchJob(interaction, ctx, {
      kind: "imagine",
      spend: spendOfCommand("imagine"),
      prompt,
      mode: await chosenMode(interaction, ctx),
      origin: null,
      parentTaskId: null,
      request: { type: "imagine", prompt, base64Array, ...chosenBot(interaction) },
    });
  },
};
