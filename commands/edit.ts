// /edit: change a picture with words; four edited versions come back.
import { SlashCommandBuilder } from "discord.js";
import type { Command } from "../src/discord/command.js";
import { described } from "../src/discord/lang/commands.js";
import { launchJob } from "../src/discord/launcher.js";
import { LINK_MAX_LENGTH } from "../src/discord/links.js";
import { spendOfCommand } from "../src/discord/spending.js";
import {
  chosenMode,
  modeOption,
  oneImage,
  promptOption,
  publicReply,
  requiredPrompt,
} from "./options.js";

export const edit: Command = {
  definition: described(new SlashCommandBuilder().setName("edit"), "edit")
    .addStringOption(promptOption("editPrompt"))
    .addAttachmentOption((o) => described(o.setName("image"), "editImage"))
    .addStringOption((o) =>
      described(o.setName("image_url"), "editImageUrl").setMaxLength(LINK_MAX_LENGTH),
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
      spend: spendOfCommand("edit"),
      prompt,
      mode: await chosenMode(interaction, ctx),
      origin: null,
      parentTaskId: null,
      request: { type: "edits", prompt, image },
    });
  },
};
