/**
 * The proxy's button catalogue (§8): what each `customId` does, whether pressing it
 * needs input from the user first (a Discord modal), how to show it, and which servers
 * accept it on `/submit/action` (§8.7). Pure: no Discord, no HTTP.
 * § numbers refer to docs/proxy-behaviour.md.
 *
 * The customId is never altered: the bot must send back exactly what the proxy gave it.
 * Unknown customIds still yield a usable ButtonInfo, so new Midjourney buttons keep working.
 */

/** What a button does, derived from its customId (§8). */
export type ButtonKind =
  | "upscale" // MJ::JOB::upsample::N::{hash} (U1–U4)
  | "upscale_hd" // MJ::JOB::upsample_v7_2x_subtle::1::{hash}::SOLO, v6/v6r1/v5 2x/4x, any upsample_*
  | "variation" // MJ::JOB::variation::N::{hash} (V1–V4)
  | "vary_subtle" // MJ::JOB::low_variation::1::{hash}::SOLO
  | "vary_strong" // MJ::JOB::high_variation::1::{hash}::SOLO
  | "reroll" // MJ::JOB::reroll::0::{hash}::SOLO
  | "zoom_out" // MJ::Outpaint::50|75::1::{hash}::SOLO
  | "make_square" // MJ::Outpaint::100::1::{hash}::SOLO
  | "custom_zoom" // MJ::CustomZoom::{hash}, YouChuan MJ::CustomZoom::1::{jobId}
  | "pan" // MJ::JOB::pan_left|right|up|down::1::{hash}::SOLO
  | "inpaint" // MJ::Inpaint::1::{hash}::SOLO (Vary (Region))
  | "animate" // MJ::JOB::animate_high|low::1::{hash}::SOLO (and legacy MJ::JOB::video::…::auto)
  | "video_select" // MJ::JOB::video_virtual_upscale::N::{hash}
  | "video_extend" // MJ::JOB::animate_high_extend|animate_low_extend::N::{hash}
  | "describe_pick" // MJ::Job::PicReader::1..4
  | "describe_all" // MJ::Job::PicReader::all
  | "describe_retry" // MJ::Picread::Retry
  | "shorten_pick" // MJ::Job::PromptAnalyzer::1..5
  | "shorten_details" // "Show Details": customId unknown, matched by label or PromptAnalyzer shape
  | "bookmark" // MJ::BOOKMARK::{hash} (❤️ rating; hidden)
  | "video_manual" // legacy MJ::JOB::video::{low|high}::{id}::{type}::manual
  | "unknown";

/** A button as found in a proxy task's `buttons` array (§8.1); tolerant of nulls. */
export interface ProxyButton {
  customId: string;
  emoji?: string | null;
  label?: string | null;
  style?: number | null;
  type?: number | null;
}

/** Input needed before the action runs: a modal always, only with Remix on, or none. */
export type NeedsInput = "always" | "remix" | "never";

/** How the bot should treat and show one proxy button. */
export interface ButtonInfo {
  /** The proxy's customId, verbatim. */
  customId: string;
  kind: ButtonKind;
  /**
   * 1-based position the button refers to: U/V number (upscale, variation), video number
   * (video_select, video_extend), prompt number (describe_pick, shorten_pick). Absent for
   * other kinds, and when the customId carries no number there.
   */
  index?: number;
  /** Pan direction (pan only). */
  direction?: "left" | "right" | "up" | "down";
  /** Motion (animate, video_extend, video_manual). */
  motion?: "high" | "low";
  /** always: open a modal first; remix: only when the user's remix preference is on; never. */
  needsInput: NeedsInput;
  /** Text for a Discord button: never empty, at most 80 characters. */
  label: string;
  /** A Unicode emoji glyph to show beside the label; custom-emoji names are never put here. */
  emoji?: string;
  /** True for buttons the bot must not show (MJ::BOOKMARK: produces no image). */
  hidden: boolean;
  /** Which servers accept this customId on /submit/action (§8.7). */
  accepted: { plus: boolean; trueai: boolean; gateway: boolean };
}

/** Discord's maximum button label length. */
const LABEL_MAX = 80;

interface Parsed {
  kind: ButtonKind;
  index?: number;
  direction?: "left" | "right" | "up" | "down";
  motion?: "high" | "low";
}

function positive(segment: string | undefined): number | undefined {
  if (segment === undefined || !/^\d{1,3}$/.test(segment)) return undefined;
  const n = Number(segment);
  return n > 0 ? n : undefined;
}

function withIndex(kind: ButtonKind, segment: string | undefined, extra: Partial<Parsed> = {}) {
  const index = positive(segment);
  return index === undefined ? { kind, ...extra } : { kind, index, ...extra };
}

/** Classifies `MJ::JOB::<action>::<c>::…` (seg = lower-cased segments). */
function parseJob(seg: string[]): Parsed {
  const action = seg[2] ?? "";
  const next = seg[3];
  if (action === "upsample") return withIndex("upscale", next);
  if (action.startsWith("upsample_")) return { kind: "upscale_hd" };
  if (action === "variation") return withIndex("variation", next);
  if (action === "low_variation") return { kind: "vary_subtle" };
  if (action === "high_variation") return { kind: "vary_strong" };
  if (action === "reroll") return { kind: "reroll" };
  if (action === "video_virtual_upscale") return withIndex("video_select", next);
  const pan = /^pan_(left|right|up|down)$/.exec(action);
  if (pan) return { kind: "pan", direction: pan[1] as Parsed["direction"] };
  const animate = /^animate_(high|low)(_extend)?$/.exec(action);
  if (animate) {
    const motion = animate[1] as "high" | "low";
    return animate[2] ? withIndex("video_extend", next, { motion }) : { kind: "animate", motion };
  }
  if (action === "video") {
    // Legacy trueai: MJ::JOB::video::{low|high}::{id}::{videoType}::{auto|manual}
    const motion = next === "low" ? "low" : "high";
    if (seg.includes("manual")) return { kind: "video_manual", motion };
    if (next === "low" || next === "high") return { kind: "animate", motion };
    return { kind: "unknown" };
  }
  if (action === "picreader") {
    if (next === "all") return { kind: "describe_all" };
    const index = positive(next);
    return index === undefined ? { kind: "unknown" } : { kind: "describe_pick", index };
  }
  if (action === "promptanalyzer") {
    const index = positive(next);
    return index === undefined ? { kind: "shorten_details" } : { kind: "shorten_pick", index };
  }
  return { kind: "unknown" };
}

/** Classifies a customId by its shape; case-insensitive (MJ::JOB vs MJ::Job). */
function parseCustomId(customId: string): Parsed {
  const seg = customId.split("::").map((s) => s.trim().toLowerCase());
  if (seg[0] !== "mj") return { kind: "unknown" };
  switch (seg[1]) {
    case "job":
      return parseJob(seg);
    case "inpaint":
      return { kind: "inpaint" };
    case "outpaint":
      return { kind: seg[2] === "100" ? "make_square" : "zoom_out" };
    case "customzoom":
      return { kind: "custom_zoom" };
    case "picread":
      return { kind: seg[2] === "retry" ? "describe_retry" : "unknown" };
    case "bookmark":
      return { kind: "bookmark" };
    default:
      return { kind: "unknown" };
  }
}

const NEEDS_INPUT: Record<ButtonKind, NeedsInput> = {
  upscale: "never",
  upscale_hd: "never",
  variation: "remix",
  vary_subtle: "remix",
  vary_strong: "remix",
  reroll: "remix",
  zoom_out: "never",
  make_square: "never",
  custom_zoom: "always",
  pan: "remix",
  inpaint: "always",
  animate: "remix",
  video_select: "never",
  video_extend: "remix",
  describe_pick: "always",
  describe_all: "never",
  describe_retry: "never",
  shorten_pick: "always",
  shorten_details: "never",
  bookmark: "never",
  video_manual: "always",
  unknown: "never",
};

const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
const MOTION_TEXT = { high: "High motion", low: "Low motion" } as const;

/** The readable label for a known kind when the proxy gave none. */
function tableLabel(p: Parsed, seg: string[]): string | undefined {
  const n = p.index;
  const motion = p.motion ? MOTION_TEXT[p.motion] : undefined;
  switch (p.kind) {
    case "upscale":
    case "video_select":
      return n ? `U${n}` : "Upscale";
    case "variation":
      return n ? `V${n}` : "Vary";
    case "upscale_hd": {
      const tokens = (seg[2] ?? "").split("_");
      const mode = tokens.find((t) => t === "subtle" || t === "creative");
      if (mode) return `Upscale (${capitalize(mode)})`;
      const factor = tokens.find((t) => /^\d+x$/.test(t));
      return factor ? `Upscale (${factor})` : "Upscale";
    }
    case "vary_subtle":
      return "Vary (Subtle)";
    case "vary_strong":
      return "Vary (Strong)";
    case "reroll":
      return "Reroll";
    case "zoom_out":
      return seg[2] === "50" ? "Zoom Out 2x" : seg[2] === "75" ? "Zoom Out 1.5x" : "Zoom Out";
    case "make_square":
      return "Make Square";
    case "custom_zoom":
      return "Custom Zoom";
    case "pan":
      return `Pan ${capitalize(p.direction ?? "")}`.trim();
    case "inpaint":
      return "Vary (Region)";
    case "animate":
      return motion ? `Animate (${motion})` : "Animate";
    case "video_extend":
      return motion ? `Extend (${motion})` : "Extend";
    case "video_manual":
      return motion ? `Animate (Manual, ${motion})` : "Animate (Manual)";
    case "describe_pick":
      return `Imagine ${n}`;
    case "describe_all":
      return "Imagine all";
    case "describe_retry":
      return "Retry";
    case "shorten_pick":
      return `Use ${n}`;
    case "shorten_details":
      return "Show Details";
    case "bookmark":
      return "Bookmark";
    case "unknown":
      return undefined;
  }
}

// Emoji_Component covers keycap bases and U+20E3, ZWJ, U+FE0F, skin tones and flag parts.
const EMOJI_CHARS = /^(?:\p{Extended_Pictographic}|\p{Emoji_Component}|\ufe0e)+$/u;
const EMOJI_CORE = /\p{Extended_Pictographic}|\p{Regional_Indicator}|\u20e3/u;
const graphemes = new Intl.Segmenter("en", { granularity: "grapheme" });

/** The value if it is one Unicode emoji glyph Discord can show; undefined otherwise. */
function unicodeEmoji(value: unknown): string | undefined {
  if (typeof value !== "string") return undefined;
  const s = value.trim();
  if (s.length === 0 || s.length > 32 || !EMOJI_CHARS.test(s) || !EMOJI_CORE.test(s)) {
    return undefined;
  }
  return [...graphemes.segment(s)].length === 1 ? s : undefined;
}

/** Turns a word such as a custom-emoji name (`upscale_1`, `<:sparkle:123>`) into text. */
function humanize(value: unknown): string | undefined {
  if (typeof value !== "string") return undefined;
  const name = /^<a?:([\w~-]+):\d+>$/.exec(value.trim())?.[1] ?? value.trim();
  if (!/^[A-Za-z][A-Za-z_-]{0,38}\d{0,2}$/.test(name)) return undefined;
  return capitalize(name.replace(/[_-]+/g, " ").trim());
}

/** Collapses whitespace and cuts to Discord's 80 characters without splitting a glyph. */
function fitLabel(text: string): string {
  const clean = text.replace(/\s+/g, " ").trim();
  const chars = [...clean];
  return chars.length <= LABEL_MAX ? clean : `${chars.slice(0, LABEL_MAX - 1).join("")}…`;
}

/** trueai v11 controller allow-list, by literal prefix (§8.7); anything else gets code 4. */
const TRUEAI_PREFIXES = [
  "MJ::JOB::upsample", // both upsample:: (UPSCALE) and upsample_ (UPSCALE_HD)
  "MJ::JOB::video_virtual_upscale",
  "MJ::JOB::variation::",
  "MJ::JOB::reroll::",
  "MJ::JOB::high_variation::",
  "MJ::JOB::low_variation::",
  "MJ::Outpaint::",
  "MJ::JOB::pan_",
  "MJ::CustomZoom::",
  "MJ::Inpaint::",
  "MJ::JOB::animate_",
  "MJ::Picread::Retry",
  "MJ::Job::PicReader",
];

/** Mirrors stock new-api's CoverPlusActionToNormalAction: action = 2nd or 3rd `::` segment. */
function gatewayAccepts(customId: string): boolean {
  const seg = customId.split("::");
  const action = (seg[1] === "JOB" ? seg[2] : seg[1]) ?? "";
  const numeric = /^[+-]?\d+$/.test(seg[3] ?? "");
  if (action.includes("upsample")) return numeric;
  if (action === "variation") return numeric;
  if (action === "low_variation" || action === "high_variation") return true;
  if (action.includes("variation")) return false;
  return (
    action.includes("pan") ||
    action.includes("reroll") ||
    action === "Outpaint" ||
    action === "CustomZoom" ||
    action === "Inpaint"
  );
}

/** Classifies one proxy button: kind, input needed, display label/emoji, acceptance. */
export function classifyButton(button: ProxyButton): ButtonInfo {
  const customId = typeof button.customId === "string" ? button.customId : "";
  const seg = customId.split("::").map((s) => s.trim().toLowerCase());
  const proxyLabel = typeof button.label === "string" ? button.label.trim() : "";
  let parsed = parseCustomId(customId);
  if (parsed.kind === "unknown" && /^show details$/i.test(proxyLabel)) {
    parsed = { kind: "shorten_details" };
  }
  const { kind } = parsed;
  const emoji = unicodeEmoji(button.emoji);
  const unknownAction = seg[0] === "mj" ? customId.split("::")[seg[1] === "job" ? 2 : 1] : "";
  const label =
    proxyLabel ||
    tableLabel(parsed, seg) ||
    humanize(button.emoji) ||
    humanize(unknownAction) ||
    "Action";

  const info: ButtonInfo = {
    customId,
    kind,
    needsInput: NEEDS_INPUT[kind],
    label: fitLabel(label),
    hidden: kind === "bookmark",
    accepted: {
      plus: kind !== "describe_all" && kind !== "bookmark",
      trueai: TRUEAI_PREFIXES.some((prefix) => customId.startsWith(prefix)),
      gateway: gatewayAccepts(customId),
    },
  };
  if (parsed.index !== undefined) info.index = parsed.index;
  if (parsed.direction) info.direction = parsed.direction;
  if (parsed.motion) info.motion = parsed.motion;
  if (emoji) info.emoji = emoji;
  return info;
}

/** Removes a leading keycap (`1️⃣ `…`9️⃣ `, `🔟 `) from a describe/shorten prompt line. */
export function stripKeycap(line: string): string {
  return line.replace(/^\s*(?:[0-9#*]\ufe0f?\u20e3|\u{1f51f})\s*/u, "");
}
