// /edit: change a picture with words; four edited versions come back.
import { SlashCommandBuilder } from "discord.js";
import type { Command } from "../src/discord/command.js";
import { launchJob } from "../src/discord/flow.js";
import { chosenMode, modeOption, oneImage, publicReply, requiredPrompt } from "./options.js";

export const edit: Command = {
  definition: new SlashCommandBuilder()
    .setName("edit")
    .setDescription("Edit a picture with a prompt")
    .addStringOption((o) =>
      o.setName("prompt").setDescription("What to change").setRequired(true).setMaxLength(4000),
    )
    .addAttachmentOption((o) => o.setName("image").setDescription("The picture to edit"))
    .addStringOption((o) =>
      o.setName("image_url").setDescription("Or a link to the picture").setMaxLength(2000),
    )
    .addStringOption(modeOption)
    .toJSON(),

  async execute(interaction, ctx) {
    const reply = publicReply(interaction);
    const prompt = await requiredPrompt(interaction);
    if (prompt === null) return;
    const image = await oneImage(interaction, ctx, reply.defer, reply.refuse);
    if (!image) return;
    await launchJob(interaction, ctx, {
      kind: "edit",
      prompt,
      mode: await chosenMode(interaction, ctx),
      origin: null,
      parentTaskId: null,
      request: { type: "edits", prompt, image },
    });
  },
};
