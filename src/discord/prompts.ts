// Prompts as members type them -> prompts fit to submit and to show. Pure.
// Control characters and terminal escapes are stripped (they reach the proxy's logs and the
// echo), a prompt with nothing visible left is refused, and so is one over the limit: Discord's
// client enforces the option's length, a modified client does not.
import { en, type Texts } from "./lang/en.js";

/** The longest prompt taken: the slash option's and the form field's own limit. */
export const PROMPT_MAX_LENGTH = 4000;

/** Terminal escape sequences: CSI (7- and 8-bit), OSC up to BEL or ST, and two-byte escapes. */
const ESCAPES =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are the point
  /\u001b\[[0-?]*[ -/]*[@-~]|\u009b[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|\u001b[@-Z\\-_]?/g;
/** Line breaks and tabs, with the spaces around them: a prompt is one line. */
const BREAKS = / *[\t\n\v\f\r\u0085\u2028\u2029][ \t\n\v\f\r\u0085\u2028\u2029]*/g;
/**
 * What is removed: C0 and C1 controls, DEL, direction embeddings, overrides and isolates
 * (they make an echo read differently from what was sent), zero-width space, word joiner and
 * byte-order mark. Joiners and variation selectors stay: emoji and scripts need them.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are the point
const STRIPPED = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\u200b\u2060\ufeff]/g;
/** Characters that show nothing on their own: spaces, format and ignorable code points, marks. */
const INVISIBLE =
  /[\s\p{Cc}\p{Cf}\p{Default_Ignorable_Code_Point}\p{M}\u2800\u3164\u115f\u1160\uffa0]/gu;

/** Text with controls and escapes removed and line breaks made spaces; nothing else changes. */
export function cleanText(text: string): string {
  return text.replace(ESCAPES, "").replace(BREAKS, " ").replace(STRIPPED, "");
}

/** True when the text has no character that shows anything. */
function isInvisible(text: string): boolean {
  return text.replace(INVISIBLE, "") === "";
}

export type CheckedPrompt = { ok: true; prompt: string } | { ok: false; message: string };

/** A member's prompt, cleaned and trimmed, or the reason it is refused (costs nothing). */
export function checkPrompt(raw: string, t: Texts = en): CheckedPrompt {
  if (raw.trim() === "") return { ok: false, message: t.inputs.promptEmpty };
  const prompt = cleanText(raw).trim();
  if (isInvisible(prompt)) {
    return { ok: false, message: t.inputs.promptInvisible };
  }
  if (prompt.length > PROMPT_MAX_LENGTH) {
    return { ok: false, message: tooLong("prompt", prompt.length, PROMPT_MAX_LENGTH, t) };
  }
  return { ok: true, prompt };
}

/** The words for a text option over its limit. */
export function tooLong(optionName: string, length: number, limit: number, t: Texts = en): string {
  return t.inputs.tooLong(optionName, length, limit);
}
