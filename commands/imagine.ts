// /imagine: a prompt, up to three reference images, and a speed mode.
import { SlashCommandBuilder } from "discord.js";
import type { Command } from "../src/discord/command.js";
import { launchJob, tellPrivately, withdraw } from "../src/discord/flow.js";
import { readCommandImages } from "../src/discord/inputs.js";
import { chosenMode, modeOption } from "./options.js";

const IMAGE_OPTIONS = ["image", "image2", "image3"] as const;

export const imagine: Command = {
  definition: new SlashCommandBuilder()
    .setName("imagine")
    .setDescription("Create four images from a prompt")
    .addStringOption((o) =>
      o
        .setName("prompt")
        .setDescription("What to imagine, with any --parameters")
        .setRequired(true)
        .setMaxLength(4000),
    )
    .addAttachmentOption((o) => o.setName("image").setDescription("A reference image"))
    .addAttachmentOption((o) => o.setName("image2").setDescription("A second reference image"))
    .addAttachmentOption((o) => o.setName("image3").setDescription("A third reference image"))
    .addStringOption(modeOption)
    .toJSON(),

  async execute(interaction, ctx) {
    const prompt = interaction.options.getString("prompt", true).trim();
    if (prompt === "") {
      await tellPrivately(interaction, "The prompt cannot be empty.");
      return;
    }
    const base64Array = await readCommandImages(
      interaction,
      IMAGE_OPTIONS,
      ctx.config.maxImageMb,
      () => interaction.deferReply(),
      (message) => withdraw(interaction, message),
    );
    if (!base64Array) return;
    await launchJob(interaction, ctx, {
      kind: "imagine",
      prompt,
      mode: await chosenMode(interaction, ctx),
      origin: null,
      parentTaskId: null,
      request: { type: "imagine", prompt, base64Array },
    });
  },
};
