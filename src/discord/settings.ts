// /settings: a member's defaults — speed mode and remix — as a small private panel.
import {
  type ButtonInteraction,
  ButtonStyle,
  type ChatInputCommandInteraction,
  type InteractionReplyOptions,
} from "discord.js";
import type { Preferences } from "../jobs/store.js";
import { button, encodeKey, rows } from "./components.js";
import type { BotContext } from "./context.js";

export function settingsPanel(prefs: Preferences, fallbackMode: string) {
  const mode = prefs.mode ?? fallbackMode;
  const choice = (name: "mode" | "remix", value: string, label: string, on: boolean) =>
    button(
      encodeKey({ type: "setting", name, value }),
      on ? `${label} ✓` : label,
      undefined,
      on ? ButtonStyle.Success : ButtonStyle.Secondary,
    );
  return {
    content: [
      "**Your mjcord settings**",
      `Speed: **${mode}**${prefs.mode ? "" : " (the server's default)"}. A command's own \`mode\` option still wins.`,
      `Remix: **${prefs.remix ? "on" : "off"}**. With remix on, Vary, Reroll, Pan and Animate let you edit the prompt first.`,
    ].join("\n"),
    components: rows([
      choice("mode", "fast", "Fast", mode === "fast"),
      choice("mode", "relax", "Relax", mode === "relax"),
      choice("remix", "on", "Remix on", prefs.remix),
      choice("remix", "off", "Remix off", !prefs.remix),
    ]),
    allowedMentions: { parse: [] },
  };
}

export async function showSettings(
  interaction: ChatInputCommandInteraction,
  ctx: BotContext,
): Promise<void> {
  const prefs = await ctx.store.preferences(interaction.user.id);
  const panel: InteractionReplyOptions = {
    ...settingsPanel(prefs, ctx.config.mjMode),
    flags: "Ephemeral",
  };
  await interaction.reply(panel);
}

export async function changeSetting(
  interaction: ButtonInteraction,
  ctx: BotContext,
  name: "mode" | "remix",
  value: string,
): Promise<void> {
  const prefs = await ctx.store.preferences(interaction.user.id);
  const next: Preferences =
    name === "mode"
      ? { ...prefs, mode: value === "relax" ? "relax" : "fast" }
      : { ...prefs, remix: value === "on" };
  await ctx.store.setPreferences(interaction.user.id, next);
  await interaction.update(settingsPanel(next, ctx.config.mjMode));
}
