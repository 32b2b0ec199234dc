// /swapface: put the face from one picture into another.
import { SlashCommandBuilder } from "discord.js";
import type { Command } from "../src/discord/command.js";
import { readCommandImages } from "../src/discord/inputs.js";
import { described } from "../src/discord/lang/commands.js";
import { textsFor } from "../src/discord/lang/index.js";
import { launchJob } from "../src/discord/launcher.js";
import { spendOfCommand } from "../src/discord/spending.js";
import { chosenMode, publicReply } from "./options.js";

export const swapface: Command = {
  definition: described(new SlashCommandBuilder().setName("swapface"), "swapface")
    .addAttachmentOption((o) => described(o.setName("face"), "swapfaceFace").setRequired(true))
    .addAttachmentOption((o) => described(o.setName("target"), "swapfaceTarget").setRequired(true))
    .toJSON(),

  async execute(interaction, ctx) {
    const t = textsFor(interaction.locale);
    const reply = publicReply(interaction);
    const images = await readCommandImages(
      interaction,
      ["face", "target"],
      ctx.config.maxImageMb,
      reply.defer,
      reply.refuse,
      t,
    );
    const [sourceBase64, targetBase64] = images ?? [];
    if (!sourceBase64 || !targetBase64) return;
    if (sourceBase64 === targetBase64) {
      await reply.refuse(t.inputs.sameFace);
      return;
    }
    await launchJob(interaction, ctx, {
      kind: "swapface",
      spend: spendOfCommand("swapface"),
      prompt: t.job.swapfacePrompt,
      mode: await chosenMode(interaction, ctx),
      origin: null,
      parentTaskId: null,
      request: { type: "swapface", sourceBase64, targetBase64 },
    });
  },
};
