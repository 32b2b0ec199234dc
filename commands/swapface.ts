// /swapface: put the face from one picture into another.
import { SlashCommandBuilder } from "discord.js";
import type { Command } from "../src/discord/command.js";
import { launchJob } from "../src/discord/flow.js";
import { readCommandImages } from "../src/discord/inputs.js";
import { spendOfCommand } from "../src/policy/costs.js";
import { chosenMode, publicReply } from "./options.js";

export const swapface: Command = {
  definition: new SlashCommandBuilder()
    .setName("swapface")
    .setDescription("Put the face from one picture into another")
    .addAttachmentOption((o) =>
      o.setName("face").setDescription("The picture with the face").setRequired(true),
    )
    .addAttachmentOption((o) =>
      o.setName("target").setDescription("The picture the face goes into").setRequired(true),
    )
    .toJSON(),

  async execute(interaction, ctx) {
    const reply = publicReply(interaction);
    const images = await readCommandImages(
      interaction,
      ["face", "target"],
      ctx.config.maxImageMb,
      reply.defer,
      reply.refuse,
    );
    const [sourceBase64, targetBase64] = images ?? [];
    if (!sourceBase64 || !targetBase64) return;
    if (sourceBase64 === targetBase64) {
      await reply.refuse("The face and the target are the same picture. Nothing was submitted.");
      return;
    }
    await launchJob(interaction, ctx, {
      kind: "swapface",
      spend: spendOfCommand("swapface"),
      prompt: "Face swap",
      mode: await chosenMode(interaction, ctx),
      origin: null,
      parentTaskId: null,
      request: { type: "swapface", sourceBase64, targetBase64 },
    });
  },
};
