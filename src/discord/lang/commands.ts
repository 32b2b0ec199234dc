// What Discord shows in the command picker, in every language the bot speaks: a command's
// or option's description and a choice's name in English, with their zh-CN localizations.
// Names stay English (as Midjourney's own): only what a member reads is translated.
import { type APIApplicationCommandOptionChoice, Locale, type LocalizationMap } from "discord.js";
import { en, type Texts } from "./en.js";
import { zhCN } from "./zh-CN.js";

export type CommandText = keyof Texts["commands"];

/** The translations of a command text, by Discord locale. */
export function localizations(key: CommandText): LocalizationMap {
  return { [Locale.ChineseCN]: zhCN.commands[key] };
}

/** A builder (a command, an option) Discord shows a description of. */
interface Describable<T> {
  setDescription(description: string): T;
  setDescriptionLocalizations(localizations: LocalizationMap | null): T;
}

/** `builder` with its description in English and its translations. */
export function described<T extends Describable<T>>(builder: T, key: CommandText): T {
  return builder.setDescription(en.commands[key]).setDescriptionLocalizations(localizations(key));
}

/** A choice: its value, its name in English and its translations. */
export function choice<V extends string>(
  value: V,
  key: CommandText,
): APIApplicationCommandOptionChoice<V> {
  return { name: en.commands[key], name_localizations: localizations(key), value };
}
