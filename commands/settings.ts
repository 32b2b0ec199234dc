// /settings: opens the member's preferences (default mode, remix).
import { SlashCommandBuilder } from "discord.js";
import type { Command } from "../src/discord/command.js";
import { described } from "../src/discord/lang/commands.js";
import { showSettings } from "../src/discord/settings.js";

export const settings: Command = {
  definition: described(new SlashCommandBuilder().setName("settings"), "settings").toJSON(),
  execute: showSettings,
};
