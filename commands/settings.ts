// /settings: opens the member's preferences (default mode, remix).
import { SlashCommandBuilder } from "discord.js";
import type { Command } from "../src/discord/command.js";
import { localizations } from "../src/discord/lang/commands.js";
import { en } from "../src/discord/lang/en.js";
import { showSettings } from "../src/discord/settings.js";

export const settings: Command = {
  definition: new SlashCommandBuilder()
    .setName("settings")
    .setDescription(en.commands.settings)
    .setDescriptionLocalizations(localizations("settings"))
    .toJSON(),
  execute: showSettings,
};
