// What a job costs: costs[kind] × modes[mode]; the bot's job kinds and the proxy's buttons
// mapped to the policy's cost keys.
import type { JobKind, Spend } from "../jobs/job.js";
import type { ButtonKind } from "../mj/buttons.js";
import type { CostKey, Policy, PolicyCommand, PolicyMode } from "./policy.js";

/** A job's speed as the bot knows it; `none` (the proxy's own default) is priced as fast. */
export type JobMode = PolicyMode | "none";

export type VideoQuality = "480p" | "720p";

/** The mode a policy prices and allows for a job's mode (`none` counts as `fast`). */
export function policyMode(mode: JobMode): PolicyMode {
  return mode === "none" ? "fast" : mode;
}

/** Credits of one job of `kind` in `mode`. */
export function creditsOf(policy: Policy, kind: CostKey, mode: JobMode): number {
  return policy.costs[kind] * policy.modes[policyMode(mode)];
}

/** The cost key of a proxy button; null for one that makes no job (bookmark). */
export function costKeyOfButton(kind: ButtonKind, quality?: VideoQuality): CostKey | null {
  switch (kind) {
    case "upscale":
    case "upscale_hd":
    case "video_select":
      return "upscale";
    case "variation":
    case "vary_subtle":
    case "vary_strong":
    case "inpaint":
      return "variation";
    case "reroll":
      return "reroll";
    case "zoom_out":
    case "make_square":
    case "custom_zoom":
      return "zoom";
    case "pan":
      return "pan";
    case "animate":
    case "video_manual":
      return quality === "720p" ? "video_hd" : "video";
    case "video_extend":
      return "video_extend";
    // Imagine N / Imagine all from a describe or shorten result start imagine jobs.
    case "describe_pick":
    case "describe_all":
    case "shorten_pick":
      return "imagine";
    case "describe_retry":
      return "describe";
    case "shorten_details":
      return "shorten";
    case "bookmark":
      return null;
    // A button the catalogue does not know yet still makes a job: priced as an imagine.
    case "unknown":
      return "imagine";
  }
}

/** How many jobs a press starts (Imagine all: four). */
export function jobsOfButton(kind: ButtonKind): number {
  return kind === "describe_all" ? 4 : 1;
}

/** The command whose permission (`members.commands`) a press needs; null: none needed. */
export function commandOfButton(kind: ButtonKind): PolicyCommand | null {
  switch (kind) {
    case "animate":
    case "video_manual":
    case "video_extend":
      return "video";
    case "describe_pick":
    case "describe_all":
    case "shorten_pick":
      return "imagine";
    case "describe_retry":
      return "describe";
    case "shorten_details":
      return "shorten";
    default:
      return null;
  }
}

/** The cost key of a command's job (`action`/`modal` jobs are priced by their button). */
export function costKeyOfCommand(command: PolicyCommand, quality?: VideoQuality): CostKey {
  if (command === "video") return quality === "720p" ? "video_hd" : "video";
  return command;
}

/** What a command's job spends. */
export function spendOfCommand(command: PolicyCommand, quality?: VideoQuality): Spend {
  return { cost: costKeyOfCommand(command, quality), command, jobs: 1 };
}

/** What a press spends; null for a button that makes no job (bookmark). */
export function spendOfButton(kind: ButtonKind, quality?: VideoQuality): Spend | null {
  const cost = costKeyOfButton(kind, quality);
  return cost === null ? null : { cost, command: commandOfButton(kind), jobs: jobsOfButton(kind) };
}

/** What a stored job spends again (Retry); jobs saved before the policy are priced by kind. */
export function spendOfJob(job: { kind: JobKind; spend?: Spend }): Spend {
  if (job.spend) return job.spend;
  if (job.kind === "action" || job.kind === "modal") {
    return { cost: "imagine", command: null, jobs: 1 };
  }
  return spendOfCommand(job.kind);
}
