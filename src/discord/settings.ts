// /settings: a member's defaults — speed mode and remix — as a small private panel.
// A choice acts only on the panel it is on: the press updates that message, so a settings
// custom_id sent with any other message (a modified client) must not rewrite it.
import {
  type ButtonInteraction,
  ButtonStyle,
  type ChatInputCommandInteraction,
  ComponentType,
  type InteractionReplyOptions,
  type Message,
  MessageFlags,
} from "discord.js";
import type { Preferences } from "../jobs/store.js";
import { button, decodeKey, encodeKey, rows, type SettingName } from "./components.js";
import type { BotContext } from "./context.js";
import { en, type Texts, textsFor } from "./lang/index.js";
import { memberMode } from "./modes.js";
import { tellPrivately } from "./replies.js";

function settingsPanel(prefs: Preferences, fallbackMode: string, t: Texts = en) {
  const w = t.settings;
  const mode = prefs.mode ?? fallbackMode;
  const choice = (name: SettingName, value: string, label: string, on: boolean) =>
    button(
      encodeKey({ type: "setting", name, value }),
      on ? `${label} ✓` : label,
      undefined,
      on ? ButtonStyle.Success : ButtonStyle.Secondary,
    );
  return {
    content: [w.title, w.speed(mode, Boolean(prefs.mode)), w.remix(prefs.remix)].join("\n"),
    components: rows([
      choice("mode", "fast", w.fast, mode === "fast"),
      choice("mode", "relax", w.relax, mode === "relax"),
      choice("mode", "turbo", w.turbo, mode === "turbo"),
      choice("remix", "on", w.remixOn, prefs.remix),
      choice("remix", "off", w.remixOff, !prefs.remix),
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
    ...settingsPanel(prefs, ctx.config.mjMode, textsFor(interaction.locale)),
    flags: "Ephemeral",
  };
  await interaction.reply(panel);
}

/** The member's own private panel: an ephemeral message of settings choices, theirs. */
function isOwnPanel(message: Message, userId: string): boolean {
  const ids = message.components.flatMap((row) =>
    row.type === ComponentType.ActionRow ? row.components.map((c) => c.customId) : [null],
  );
  const maker = message.interactionMetadata?.user.id;
  return (
    message.flags.has(MessageFlags.Ephemeral) &&
    (maker === undefined || maker === userId) &&
    ids.length > 0 &&
    ids.every((id) => id !== null && decodeKey(id)?.type === "setting")
  );
}

export async function changeSetting(
  interaction: ButtonInteraction,
  ctx: BotContext,
  name: SettingName,
  value: string,
): Promise<void> {
  if (!isOwnPanel(interaction.message, interaction.user.id)) {
    await tellPrivately(interaction, textsFor(interaction.locale).settings.notYourPanel);
    return;
  }
  const prefs = await ctx.store.preferences(interaction.user.id);
  const next: Preferences =
    name === "mode"
      ? { ...prefs, mode: memberMode(value) ?? prefs.mode }
      : { ...prefs, remix: value === "on" };
  await ctx.store.setPreferences(interaction.user.id, next);
  await interaction.update(settingsPanel(next, ctx.config.mjMode, textsFor(interaction.locale)));
}
