// The member's language: Discord tells the bot each member's locale (`interaction.locale`).
// Simplified Chinese for zh-CN, and for zh-TW and zh-HK (closer than English); English for
// every other locale. A job keeps the locale of the member who started it, so that the
// later edits of its message (progress, result, failure) read as its first state did.
import { en, type Texts } from "./en.js";
import { zhCN } from "./zh-CN.js";

export type { Texts } from "./en.js";

export type Lang = "en" | "zh-CN";

const CHINESE = new Set(["zh-CN", "zh-TW", "zh-HK"]);

/** The language a Discord locale reads in; unknown or absent: English. */
export function langOf(locale: string | null | undefined): Lang {
  return locale && CHINESE.has(locale) ? "zh-CN" : "en";
}

const TABLES: Record<Lang, Texts> = { en, "zh-CN": zhCN };

/** Every text, in the language of a Discord locale (an interaction's, or a job's). */
export function textsFor(locale: string | null | undefined): Texts {
  return TABLES[langOf(locale)];
}

/** Short for textsFor. */
export const t = textsFor;

/** Both tables, for what Discord shows in each language (command localizations). */
export { en, zhCN };
