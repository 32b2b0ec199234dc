// /video: animate a picture. Videos cost many times an image, so the member sees the price
// and confirms with a button before anything is submitted.
import { SlashCommandBuilder } from "discord.js";
import type { Command } from "../src/discord/command.js";
import { choice, described } from "../src/discord/lang/commands.js";
import { LINK_MAX_LENGTH } from "../src/discord/links.js";
import { offerJob } from "../src/discord/priced-offer.js";
import { runMode, spendOfCommand } from "../src/discord/spending.js";
import { chosenMode, modeOption, oneImage, promptOption, requiredPrompt } from "./options.js";

const QUALITY = {
  "480p": { videoType: "vid_1.1_i2v_480", price: "7.5×" },
  "720p": { videoType: "vid_1.1_i2v_720", price: "26×" },
} as const;

export const video: Command = {
  definition: described(new SlashCommandBuilder().setName("video"), "video")
    .addStringOption(promptOption("videoPrompt"))
    .addAttachmentOption((o) => described(o.setName("image"), "videoImage"))
    .addStringOption((o) =>
      described(o.setName("image_url"), "videoImageUrl").setMaxLength(LINK_MAX_LENGTH),
    )
    .addStringOption((o) =>
      described(o.setName("motion"), "videoMotion").addChoices(
        choice("low", "motionLow"),
        choice("high", "motionHigh"),
      ),
    )
    .addStringOption((o) =>
      described(o.setName("quality"), "videoQuality").addChoices(
        choice("480p", "quality480"),
        choice("720p", "quality720"),
      ),
    )
    .addStringOption(modeOption)
    .toJSON(),

  async execute(interaction, ctx) {
    const prompt = await requiredPrompt(interaction);
    if (prompt === null) return;
    // The offer is private: acknowledge privately, then read the picture.
    const image = await oneImage(
      interaction,
      ctx,
      () => interaction.deferReply({ flags: "Ephemeral" }),
      async (message) => {
        await interaction.editReply({ content: message, allowedMentions: { parse: [] } });
      },
    );
    if (!image) return;
    const quality = interaction.options.getString("quality") === "720p" ? "720p" : "480p";
    const { videoType, price } = QUALITY[quality];
    const motion = interaction.options.getString("motion") === "high" ? "high" : "low";
    const spend = spendOfCommand("video", quality);
    const modeAsked = interaction.options.getString("mode") !== null;
    const mode = runMode(ctx, interaction, await chosenMode(interaction, ctx), modeAsked);
    await offerJob(interaction, ctx, {
      spec: {
        kind: "video",
        prompt,
        mode,
        modeAsked,
        origin: null,
        parentTaskId: null,
        request: { type: "video", prompt, image, motion, videoType },
        spend,
      },
      content: (t, credits) =>
        t.video.offer(quality, t.video.motion[motion] ?? motion, price, credits),
      confirm: (t) => ({ label: t.video.make(price), emoji: "🎬" }),
    });
  },
};
