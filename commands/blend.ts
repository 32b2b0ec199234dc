// /blend: two to five images into one grid.
import { SlashCommandBuilder } from "discord.js";
import type { Command } from "../src/discord/command.js";
import { readCommandImages } from "../src/discord/inputs.js";
import { choice, described } from "../src/discord/lang/commands.js";
import { textsFor } from "../src/discord/lang/index.js";
import { launchJob } from "../src/discord/launcher.js";
import { spendOfCommand } from "../src/discord/spending.js";
import { botOption, chosenBot, chosenMode, modeOption, publicReply } from "./options.js";

const IMAGE_OPTIONS = ["image1", "image2", "image3", "image4", "image5"] as const;
const DIMENSIONS = { portrait: "PORTRAIT", square: "SQUARE", landscape: "LANDSCAPE" } as const;

export const blend: Command = {
  definition: described(new SlashCommandBuilder().setName("blend"), "blend")
    .addAttachmentOption((o) => described(o.setName("image1"), "blendImage1").setRequired(true))
    .addAttachmentOption((o) => described(o.setName("image2"), "blendImage2").setRequired(true))
    .addAttachmentOption((o) => described(o.setName("image3"), "blendImage3"))
    .addAttachmentOption((o) => described(o.setName("image4"), "blendImage4"))
    .addAttachmentOption((o) => described(o.setName("image5"), "blendImage5"))
    .addStringOption((o) =>
      described(o.setName("dimensions"), "blendDimensions").addChoices(
        choice("portrait", "portrait"),
        choice("square", "square"),
        choice("landscape", "landscape"),
      ),
    )
    .addStringOption(modeOption)
    .addStringOption(botOption)
    .toJSON(),

  async execute(interaction, ctx) {
    const t = textsFor(interaction.locale);
    const reply = publicReply(interaction);
    const base64Array = await readCommandImages(
      interaction,
      IMAGE_OPTIONS,
      ctx.config.maxImageMb,
      reply.defer,
      reply.refuse,
      t,
    );
    if (!base64Array) return;
    if (base64Array.length < 2) {
      await reply.refuse(t.inputs.blendTwo);
      return;
    }
    const shape = interaction.options.getString("dimensions") as keyof typeof DIMENSIONS | null;
    const dimensions = shape ? DIMENSIONS[shape] : undefined;
    await launchJob(interaction, ctx, {
      kind: "blend",
      spend: spendOfCommand("blend"),
      prompt: t.job.blendPrompt(base64Array.length, shape),
      mode: await chosenMode(interaction, ctx),
      origin: null,
      parentTaskId: null,
      request: {
        type: "blend",
        base64Array,
        ...(dimensions ? { dimensions } : {}),
        ...chosenBot(interaction),
      },
    });
  },
};
