// /imagine: a prompt, up to three reference images, and a speed mode.
import { SlashCommandBuilder } from "discord.js";
import type { MjMode } from "../src/config.js";
import type { Command } from "../src/discord/command.js";
import { launchJob, tellPrivately, withdraw } from "../src/discord/flow.js";
import { precheckImage, readImage } from "../src/discord/inputs.js";

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
    .addStringOption((o) =>
      o
        .setName("mode")
        .setDescription("Speed mode for this job")
        .addChoices({ name: "fast", value: "fast" }, { name: "relax", value: "relax" }),
    )
    .toJSON(),

  async execute(interaction, ctx) {
    const prompt = interaction.options.getString("prompt", true).trim();
    if (prompt === "") {
      await tellPrivately(interaction, "The prompt cannot be empty.");
      return;
    }
    const attachments = IMAGE_OPTIONS.flatMap((name) => {
      const attachment = interaction.options.getAttachment(name);
      return attachment ? [{ name, attachment }] : [];
    });
    for (const { name, attachment } of attachments) {
      const problem = precheckImage(attachment, name, ctx.config.maxImageMb);
      if (problem) {
        await tellPrivately(interaction, `${problem} Nothing was submitted.`);
        return;
      }
    }
    // Reading the images may take longer than Discord's 3 seconds: acknowledge first.
    if (attachments.length > 0) await interaction.deferReply();
    const base64Array: string[] = [];
    for (const { name, attachment } of attachments) {
      const image = await readImage(attachment, name, ctx.config.maxImageMb);
      if (!image.ok) {
        await withdraw(interaction, `${image.message} Nothing was submitted.`);
        return;
      }
      base64Array.push(image.dataUri);
    }
    const prefs = await ctx.store.preferences(interaction.user.id);
    const mode =
      (interaction.options.getString("mode") as MjMode | null) ?? prefs.mode ?? ctx.config.mjMode;
    await launchJob(interaction, ctx, {
      kind: "imagine",
      prompt,
      mode,
      origin: null,
      parentTaskId: null,
      request: { type: "imagine", prompt, base64Array },
    });
  },
};
