import { describe, expect, it } from "vitest";
import { classifyButton } from "../../src/mj/buttons.js";
import {
  commandOfButton,
  costKeyOfButton,
  costKeyOfCommand,
  creditsOf,
  jobsOfButton,
  spendOfButton,
  spendOfCommand,
  spendOfJob,
} from "../../src/policy/costs.js";
import { UNLIMITED } from "../../src/policy/policy.js";
import { policy } from "./support.js";

const kindOf = (customId: string) => classifyButton({ customId }).kind;

describe("costs", () => {
  it("costs[kind] × modes[mode]; `none` is priced as fast", () => {
    expect(creditsOf(UNLIMITED, "imagine", "fast")).toBe(1);
    expect(creditsOf(UNLIMITED, "imagine", "relax")).toBe(0.5);
    expect(creditsOf(UNLIMITED, "video_hd", "turbo")).toBe(52);
    expect(creditsOf(UNLIMITED, "shorten", "fast")).toBe(0);
    const p = policy("costs: { upscale: 3 }\nmodes: { fast: 2 }");
    expect(creditsOf(p, "upscale", "none")).toBe(6);
    expect(creditsOf(p, "upscale", "relax")).toBe(1.5);
  });

  it("maps the proxy's buttons to the policy's cost keys", () => {
    const cases: Array<[string, string | null]> = [
      ["MJ::JOB::upsample::2::abc", "upscale"],
      ["MJ::JOB::upsample_v7_2x_subtle::1::abc::SOLO", "upscale"],
      ["MJ::JOB::variation::3::abc", "variation"],
      ["MJ::JOB::low_variation::1::abc::SOLO", "variation"],
      ["MJ::JOB::high_variation::1::abc::SOLO", "variation"],
      ["MJ::Inpaint::1::abc::SOLO", "variation"],
      ["MJ::JOB::reroll::0::abc::SOLO", "reroll"],
      ["MJ::Outpaint::50::1::abc::SOLO", "zoom"],
      ["MJ::Outpaint::100::1::abc::SOLO", "zoom"],
      ["MJ::CustomZoom::abc", "zoom"],
      ["MJ::JOB::pan_left::1::abc::SOLO", "pan"],
      ["MJ::JOB::animate_high::1::abc::SOLO", "video"],
      ["MJ::JOB::animate_low_extend::1::abc", "video_extend"],
      ["MJ::Job::PicReader::2", "imagine"],
      ["MJ::Job::PicReader::all", "imagine"],
      ["MJ::Picread::Retry", "describe"],
      ["MJ::Job::PromptAnalyzer::3", "imagine"],
      ["MJ::BOOKMARK::abc", null],
    ];
    for (const [customId, key] of cases) {
      expect(costKeyOfButton(kindOf(customId)), customId).toBe(key);
    }
    expect(costKeyOfButton("animate", "720p")).toBe("video_hd");
  });

  it("Imagine all starts four jobs; presses that start a command's job need that command", () => {
    expect(jobsOfButton("describe_all")).toBe(4);
    expect(jobsOfButton("upscale")).toBe(1);
    expect(commandOfButton("describe_all")).toBe("imagine");
    expect(commandOfButton("animate")).toBe("video");
    expect(commandOfButton("upscale")).toBeNull();
  });

  it("maps commands and stored jobs", () => {
    expect(costKeyOfCommand("video")).toBe("video");
    expect(costKeyOfCommand("video", "720p")).toBe("video_hd");
    expect(costKeyOfCommand("swapface")).toBe("swapface");
    expect(spendOfCommand("video", "720p")).toEqual({
      cost: "video_hd",
      command: "video",
      jobs: 1,
    });
    expect(spendOfButton("describe_all")).toEqual({ cost: "imagine", command: "imagine", jobs: 4 });
    expect(spendOfButton("bookmark")).toBeNull();
    const spent = { cost: "pan" as const, command: null, jobs: 1 };
    expect(spendOfJob({ kind: "action", spend: spent })).toBe(spent);
    // Saved before the policy: priced by kind, a press as an imagine.
    expect(spendOfJob({ kind: "blend" })).toEqual({ cost: "blend", command: "blend", jobs: 1 });
    expect(spendOfJob({ kind: "modal" })).toEqual({ cost: "imagine", command: null, jobs: 1 });
  });
});
