// /settings: opens the member's preferences (default mode, remix).
import { SlashCommandBuilder } from "discord.js";
import type { Command } from "../src/discord/command.js";
import { showSettings } from "../src/discord/settings.js";

export const settings: Command = {
  definition: new SlashCommandBuilder()
    .setName("settings")
    .setDescription("Your defaults: speed mode and remix")
    .toJSON(),
  execute: showSettings,
};
