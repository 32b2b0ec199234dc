// /video: animate a picture. Videos cost many times an image, so the member sees the price
// and confirms with a button before anything is submitted.
import { ButtonStyle, SlashCommandBuilder } from "discord.js";
import type { Command } from "../src/discord/command.js";
import { button, encodeKey, rows } from "../src/discord/components.js";
import { choice, localizations } from "../src/discord/lang/commands.js";
import { en } from "../src/discord/lang/en.js";
import { textsFor } from "../src/discord/lang/index.js";
import { credits } from "../src/discord/lang/spending.js";
import { LINK_MAX_LENGTH } from "../src/discord/links.js";
import type { PendingJob } from "../src/discord/presses.js";
import { runMode } from "../src/discord/spending.js";
import { newJobId } from "../src/jobs/job.js";
import type { VideoType } from "../src/mj/client.js";
import { creditsOf, spendOfCommand } from "../src/policy/costs.js";
import { chosenMode, modeOption, oneImage, promptOption, requiredPrompt } from "./options.js";

const QUALITY: Record<string, { videoType: VideoType; price: string }> = {
  "480p": { videoType: "vid_1.1_i2v_480", price: "7.5×" },
  "720p": { videoType: "vid_1.1_i2v_720", price: "26×" },
};
/** How long the offer to make the video stands. */
const OFFER_MS = 10 * 60_000;

export const video: Command = {
  definition: new SlashCommandBuilder()
    .setName("video")
    .setDescription(en.commands.video)
    .setDescriptionLocalizations(localizations("video"))
    .addStringOption(promptOption("videoPrompt"))
    .addAttachmentOption((o) =>
      o
        .setName("image")
        .setDescription(en.commands.videoImage)
        .setDescriptionLocalizations(localizations("videoImage")),
    )
    .addStringOption((o) =>
      o
        .setName("image_url")
        .setDescription(en.commands.videoImageUrl)
        .setDescriptionLocalizations(localizations("videoImageUrl"))
        .setMaxLength(LINK_MAX_LENGTH),
    )
    .addStringOption((o) =>
      o
        .setName("motion")
        .setDescription(en.commands.videoMotion)
        .setDescriptionLocalizations(localizations("videoMotion"))
        .addChoices(choice("low", "motionLow"), choice("high", "motionHigh")),
    )
    .addStringOption((o) =>
      o
        .setName("quality")
        .setDescription(en.commands.videoQuality)
        .setDescriptionLocalizations(localizations("videoQuality"))
        .addChoices(choice("480p", "quality480"), choice("720p", "quality720")),
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
    const quality = interaction.options.getString("quality") ?? "480p";
    const { videoType, price } = QUALITY[quality] ?? {
      videoType: "vid_1.1_i2v_480",
      price: "7.5×",
    };
    const motion = interaction.options.getString("motion") === "high" ? "high" : "low";
    const pendingId = newJobId();
    const spend = spendOfCommand("video", quality === "720p" ? "720p" : "480p");
    const modeAsked = interaction.options.getString("mode") !== null;
    const mode = runMode(ctx, interaction, await chosenMode(interaction, ctx), modeAsked);
    const pending: PendingJob = {
      userId: interaction.user.id,
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
    };
    const t = textsFor(interaction.locale);
    const priceInCredits = credits(t, creditsOf(ctx.policy, spend.cost, mode));
    await ctx.store.stash(`pending:${pendingId}`, pending, OFFER_MS);
    await interaction.editReply({
      content: t.video.offer(quality, t.video.motion[motion] ?? motion, price, priceInCredits),
      components: rows([
        button(
          encodeKey({ type: "confirm", pendingId }),
          t.video.make(price),
          "🎬",
          ButtonStyle.Success,
        ),
      ]),
      allowedMentions: { parse: [] },
    });
  },
};
