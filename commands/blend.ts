// /blend: two to five images into one grid.
import { SlashCommandBuilder } from "discord.js";
import type { Command } from "../src/discord/command.js";
import { launchJob } from "../src/discord/flow.js";
import { readCommandImages } from "../src/discord/inputs.js";
import { spendOfCommand } from "../src/policy/costs.js";
import { botOption, chosenBot, chosenMode, modeOption, publicReply } from "./options.js";

const IMAGE_OPTIONS = ["image1", "image2", "image3", "image4", "image5"] as const;
const DIMENSIONS = { portrait: "PORTRAIT", square: "SQUARE", landscape: "LANDSCAPE" } as const;

export const blend: Command = {
  definition: new SlashCommandBuilder()
    .setName("blend")
    .setDescription("Blend two to five images")
    .addAttachmentOption((o) => o.setName("image1").setDescription("First image").setRequired(true))
    .addAttachmentOption((o) =>
      o.setName("image2").setDescription("Second image").setRequired(true),
    )
    .addAttachmentOption((o) => o.setName("image3").setDescription("Third image"))
    .addAttachmentOption((o) => o.setName("image4").setDescription("Fourth image"))
    .addAttachmentOption((o) => o.setName("image5").setDescription("Fifth image"))
    .addStringOption((o) =>
      o
        .setName("dimensions")
        .setDescription("Shape of the result")
        .addChoices(
          { name: "portrait (2:3)", value: "portrait" },
          { name: "square (1:1)", value: "square" },
          { name: "landscape (3:2)", value: "landscape" },
        ),
    )
    .addStringOption(modeOption)
    .addStringOption(botOption)
    .toJSON(),

  async execute(interaction, ctx) {
    const reply = publicReply(interaction);
    const base64Array = await readCommandImages(
      interaction,
      IMAGE_OPTIONS,
      ctx.config.maxImageMb,
      reply.defer,
      reply.refuse,
    );
    if (!base64Array) return;
    if (base64Array.length < 2) {
      await reply.refuse("Blend needs at least two images. Nothing was submitted.");
      return;
    }
    const choice = interaction.options.getString("dimensions") as keyof typeof DIMENSIONS | null;
    const dimensions = choice ? DIMENSIONS[choice] : undefined;
    await launchJob(interaction, ctx, {
      kind: "blend",
      spend: spendOfCommand("blend"),
      prompt: `Blend of ${base64Array.length} images${choice ? `, ${choice}` : ""}`,
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
