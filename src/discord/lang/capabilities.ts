// The words for what the proxy cannot do (switched off by the operator, or not offered by
// the proxy: it answered the route with 404/405).
import type { ProxyFeature } from "../../config.js";

const WHAT: Record<ProxyFeature, string> = {
  blend: "blend pictures (/blend)",
  describe: "describe pictures (/describe)",
  shorten: "shorten prompts (/shorten)",
  video: "make videos (/video)",
  edits: "edit pictures (/edit)",
  swapface: "swap faces (/swapface)",
  seed: "show seeds (🌱)",
  cancel: "cancel jobs",
};

/** A command refused because the proxy cannot do it: nothing is sent or charged. */
export function cannotWords(feature: ProxyFeature): string {
  return `This server's Midjourney proxy cannot ${WHAT[feature]}, so nothing was submitted or charged.`;
}

/** For /info: what the proxy cannot do, or null when it can do everything. */
export function cannotList(features: readonly ProxyFeature[]): string | null {
  if (features.length === 0) return null;
  return `The proxy cannot: ${features.map((f) => WHAT[f]).join(", ")}.`;
}
