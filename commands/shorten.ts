// /shorten: the important tokens of a prompt, and five shorter versions to pick from.
import { SlashCommandBuilder } from "discord.js";
import type { Command } from "../src/discord/command.js";
import { described } from "../src/discord/lang/commands.js";
import { launchJob } from "../src/discord/launcher.js";
import { spendOfCommand } from "../src/discord/spending.js";
import {
  botOption,
  chosenBot,
  chosenMode,
  modeOption,
  promptOption,
  requiredPrompt,
} from "./options.js";

export const shorten: Command = {
  definition: described(new SlashCommandBuilder().setName("shorten"), "shorten")
    .addStringOption(promptOption("shortenPrompt"))
    .addStringOption(modeOption)
    .addStringOption(botOption)
    .toJSON(),

  async execute(interaction, ctx) {
    const prompt = await requiredPrompt(interaction);
    if (prompt === null) return;
    await launchJob(interaction, ctx, {
      kind: "shorten",
      spend: spendOfCommand("shorten"),
      prompt,
      mode: await chosenMode(interaction, ctx),
      origin: null,
      parentTaskId: null,
      request: { type: "shorten", prompt, ...chosenBot(interaction) },
    });
  },
};
