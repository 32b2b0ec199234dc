/**
 * What a pressed customId asks for, and which servers accept it (docs/proxy-behaviour.md §8.7).
 * Pure.
 */

type Direction = "left" | "right" | "up" | "down";

export type Press =
  | { type: "upscale"; index: number }
  | { type: "video_upscale"; index: number }
  | { type: "variation"; index: number }
  | { type: "vary"; strong: boolean }
  | { type: "reroll" }
  | { type: "zoom"; outpaint: number }
  | { type: "pan"; direction: Direction }
  | { type: "upscale_hd"; creative: boolean }
  | { type: "custom_zoom" }
  | { type: "inpaint" }
  | { type: "animate"; high: boolean; extend: boolean }
  | { type: "describe_retry" }
  | { type: "pic_reader"; index: number }
  | { type: "pic_reader_all" }
  | { type: "prompt_analyzer"; index: number }
  | { type: "show_details" }
  | { type: "bookmark" }
  | { type: "unknown" };

const RULES: [RegExp, (m: RegExpExecArray) => Press][] = [
  [/^MJ::JOB::upsample::(\d)::/, (m) => ({ type: "upscale", index: Number(m[1]) })],
  [
    /^MJ::JOB::video_virtual_upscale::(\d)::/,
    (m) => ({ type: "video_upscale", index: Number(m[1]) }),
  ],
  [/^MJ::JOB::variation::(\d)::/, (m) => ({ type: "variation", index: Number(m[1]) })],
  [/^MJ::JOB::(low|high)_variation::/, (m) => ({ type: "vary", strong: m[1] === "high" })],
  [/^MJ::JOB::reroll::/, () => ({ type: "reroll" })],
  [/^MJ::Outpaint::(\d+)::/, (m) => ({ type: "zoom", outpaint: Number(m[1]) })],
  [/^MJ::JOB::pan_(left|right|up|down)::/, (m) => ({ type: "pan", direction: m[1] as Direction })],
  [
    /^MJ::JOB::upsample_[a-z0-9]+_\d+x_?(subtle|creative)?/,
    (m) => ({ type: "upscale_hd", creative: m[1] === "creative" }),
  ],
  [/^MJ::CustomZoom::/, () => ({ type: "custom_zoom" })],
  [/^MJ::Inpaint::/, () => ({ type: "inpaint" })],
  [
    /^MJ::JOB::animate_(high|low)(_extend)?::/,
    (m) => ({ type: "animate", high: m[1] === "high", extend: m[2] !== undefined }),
  ],
  [/^MJ::Picread::Retry$/, () => ({ type: "describe_retry" })],
  [/^MJ::Job::PicReader::all$/, () => ({ type: "pic_reader_all" })],
  [/^MJ::Job::PicReader::([1-4])$/, (m) => ({ type: "pic_reader", index: Number(m[1]) })],
  [/^MJ::Job::PromptAnalyzer::ShowDetails$/, () => ({ type: "show_details" })],
  [/^MJ::Job::PromptAnalyzer::([1-5])$/, (m) => ({ type: "prompt_analyzer", index: Number(m[1]) })],
  [/^MJ::BOOKMARK::/, () => ({ type: "bookmark" })],
];

export function classify(customId: string): Press {
  for (const [re, build] of RULES) {
    const m = re.exec(customId);
    if (m) return build(m);
  }
  return { type: "unknown" };
}

/** Presses that open a modal only when the account's remix is on. */
export function isRemixable(press: Press): boolean {
  return ["variation", "vary", "pan", "reroll", "animate"].includes(press.type);
}

/** The trueai/plus allow-list; PromptAnalyzer depends on the shortenPicks switch. */
export function proxyAccepts(press: Press, shortenPicks: "modal" | "reject"): boolean {
  switch (press.type) {
    case "bookmark":
    case "unknown":
      return false;
    case "prompt_analyzer":
    case "show_details":
      return shortenPicks === "modal";
    default:
      return true;
  }
}

/** Stock new-api maps only upsample*, variations, pan, reroll, Outpaint, CustomZoom, Inpaint. */
export function gatewayAccepts(press: Press): boolean {
  return [
    "upscale",
    "upscale_hd",
    "variation",
    "vary",
    "pan",
    "reroll",
    "zoom",
    "custom_zoom",
    "inpaint",
  ].includes(press.type);
}
