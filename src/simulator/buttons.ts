/**
 * The button sets a finished task carries (docs/proxy-behaviour.md §8), built from the job hash.
 * Order, labels and emoji follow the fixtures (Discord's rows, flattened; the Web link dropped).
 */
import type { Button } from "./types.js";

export function button(customId: string, label = "", emoji = ""): Button {
  return { customId, emoji, label, style: 2, type: 2 };
}

export const KEYCAPS = ["1️⃣", "2️⃣", "3️⃣", "4️⃣", "5️⃣"] as const;

/** The customId of the shorten "Show Details" button (UNCERTAIN upstream; this is ours). */
export const SHOW_DETAILS_ID = "MJ::Job::PromptAnalyzer::ShowDetails";

/** Imagine / blend / variation / reroll / zoom / pan / vary-region result: U1-U4, 🔄, V1-V4. */
export function gridButtons(hash: string): Button[] {
  return [
    ...[1, 2, 3, 4].map((n) => button(`MJ::JOB::upsample::${n}::${hash}`, `U${n}`)),
    button(`MJ::JOB::reroll::0::${hash}::SOLO`, "", "🔄"),
    ...[1, 2, 3, 4].map((n) => button(`MJ::JOB::variation::${n}::${hash}`, `V${n}`)),
  ];
}

export type UpscaleFamily = "v7" | "v6" | "v6r1";

/** An upscaled image (the result of U1-U4), v7 layout; v6 / v6.1 only rename the upscalers. */
export function upscaleButtons(
  hash: string,
  family: UpscaleFamily = "v7",
  square = true,
): Button[] {
  const sfx = `::1::${hash}::SOLO`;
  return [
    button(`MJ::JOB::upsample_${family}_2x_subtle${sfx}`, "Upscale (Subtle)", "upscale_1"),
    button(`MJ::JOB::upsample_${family}_2x_creative${sfx}`, "Upscale (Creative)", "upscale_1"),
    button(`MJ::JOB::low_variation${sfx}`, "Vary (Subtle)", "🪄"),
    button(`MJ::JOB::high_variation${sfx}`, "Vary (Strong)", "🪄"),
    button(`MJ::Inpaint${sfx}`, "Vary (Region)", "🖌️"),
    button(`MJ::Outpaint::50${sfx}`, "Zoom Out 2x", "🔍"),
    button(`MJ::Outpaint::75${sfx}`, "Zoom Out 1.5x", "🔍"),
    button(`MJ::CustomZoom::${hash}`, "Custom Zoom", "🔍"),
    // Make Square only for non-square images (UNCERTAIN upstream).
    ...(square ? [] : [button(`MJ::Outpaint::100${sfx}`, "Make Square", "↔️")]),
    button(`MJ::JOB::pan_left${sfx}`, "", "⬅️"),
    button(`MJ::JOB::pan_right${sfx}`, "", "➡️"),
    button(`MJ::JOB::pan_up${sfx}`, "", "⬆️"),
    button(`MJ::JOB::pan_down${sfx}`, "", "⬇️"),
    button(`MJ::JOB::animate_high${sfx}`, "Animate (High motion)", "🎞️"),
    button(`MJ::JOB::animate_low${sfx}`, "Animate (Low motion)", "🎞️"),
    button(`MJ::BOOKMARK::${hash}`, "", "❤️"),
  ];
}

/** After Upscale (Subtle/Creative): redo, vary, animate, bookmark (customIds UNCERTAIN upstream). */
export function upscaleHdButtons(hash: string, family: UpscaleFamily = "v7"): Button[] {
  const sfx = `::1::${hash}::SOLO`;
  return [
    button(`MJ::JOB::upsample_${family}_2x_subtle${sfx}`, "Redo Upscale (Subtle)", "upscale_1"),
    button(`MJ::JOB::upsample_${family}_2x_creative${sfx}`, "Redo Upscale (Creative)", "upscale_1"),
    button(`MJ::JOB::low_variation${sfx}`, "Vary (Subtle)", "🪄"),
    button(`MJ::JOB::high_variation${sfx}`, "Vary (Strong)", "🪄"),
    button(`MJ::JOB::animate_high${sfx}`, "Animate (High motion)", "🎞️"),
    button(`MJ::JOB::animate_low${sfx}`, "Animate (Low motion)", "🎞️"),
    button(`MJ::BOOKMARK::${hash}`, "", "❤️"),
  ];
}

export function describeButtons(): Button[] {
  return [
    ...[1, 2, 3, 4].map((n) => button(`MJ::Job::PicReader::${n}`, "", KEYCAPS[n - 1])),
    button("MJ::Picread::Retry", "", "🔄"),
    button("MJ::Job::PicReader::all", "Imagine all", "🎉"),
  ];
}

export function shortenButtons(): Button[] {
  return [
    ...[1, 2, 3, 4, 5].map((n) => button(`MJ::Job::PromptAnalyzer::${n}`, "", KEYCAPS[n - 1])),
    button(SHOW_DETAILS_ID, "Show Details"),
  ];
}

/** A video grid: one U per video, then 🔄. */
export function videoGridButtons(hash: string, count = 4): Button[] {
  return [
    ...Array.from({ length: count }, (_, i) =>
      button(`MJ::JOB::video_virtual_upscale::${i + 1}::${hash}`, `U${i + 1}`),
    ),
    button(`MJ::JOB::reroll::0::${hash}::SOLO`, "", "🔄"),
  ];
}

/** A selected video: extend buttons (index = the selected video, hash = the grid's job). */
export function videoUpscaleButtons(hash: string, index: number): Button[] {
  return [
    button(`MJ::JOB::animate_high_extend::${index}::${hash}`, "Extend (High motion)", "🎞️"),
    button(`MJ::JOB::animate_low_extend::${index}::${hash}`, "Extend (Low motion)", "🎞️"),
  ];
}

/** An edit result (4 images): U1-U4 and 🔄, like fixtures/task-edits-success.json. */
export function editButtons(hash: string): Button[] {
  return [
    ...[1, 2, 3, 4].map((n) => button(`MJ::JOB::upsample::${n}::${hash}`, `U${n}`)),
    button(`MJ::JOB::reroll::0::${hash}::SOLO`, "", "🔄"),
  ];
}
