/**
 * What pressing a button produces: the child task, per customId kind (docs/proxy-behaviour.md §8).
 * Pure of I/O.
 */
import type { Ctx } from "./common.js";
import type { Press } from "./customids.js";
import { hash32, jobHash } from "./ids.js";
import { type Cell, cellFor, gridCells, type Mask, variations } from "./images.js";
import { type Aspect, aspectOf, finalPromptOf, panAspect, setAspect, zoomOf } from "./prompt.js";
import { createTask, type NewTask, type SimTask } from "./task.js";
import { describeFor, details } from "./texts.js";
import { runFlags } from "./triggers.js";

export function parentCell(parent: SimTask, index = 1): Cell {
  return parent.cells[index - 1] ?? parent.cells[0] ?? cellFor(parent.hash);
}

/** The parent's final prompt (what Midjourney echoed), else its prompt. */
export function finalOf(parent: SimTask): string {
  const final = parent.wire.properties.finalPrompt;
  return typeof final === "string" && final ? final : (parent.wire.prompt ?? "");
}

export interface ChildOptions {
  /** The prompt from a modal (remix, custom zoom, vary region, picks). */
  prompt?: string;
  /** Vary (Region): the decoded mask, or why there is none. */
  mask?: Mask | "missing" | "invalid";
  mode: string | null;
  state: string;
  hook: string | undefined;
}

/** The task a press produces (created, not yet stored). */
export function buildChild(
  ctx: Ctx,
  parent: SimTask,
  press: Press,
  customId: string,
  opts: ChildOptions,
): SimTask {
  const pw = parent.wire;
  const parentFinal = finalOf(parent);
  const text = opts.prompt ?? pw.prompt ?? "";
  const final = finalPromptOf(opts.prompt ?? parentFinal);
  const key = `${customId}|${text}|${jobHash()}`;
  const index = "index" in press ? press.index : undefined;
  const base: NewTask = {
    action: "VARIATION",
    prompt: text,
    promptEn: opts.prompt ?? parentFinal,
    description: "Submit success",
    state: opts.state,
    hook: opts.hook,
    botType: pw.botType,
    mode: opts.mode ?? pw.mode,
    parentId: pw.id,
    kind: "grid",
    style: "progress",
    cells: variations(parentCell(parent, index), key, 0.35),
    aspect: parent.aspect,
    size: ctx.config.imageSize,
    finalPrompt: final,
    flags: runFlags(text),
    seedValue: parent.seedValue,
    properties: { custom_id: customId, ...(index ? { action_index: index } : {}) },
  };
  const make = (over: Partial<NewTask>, extra: Partial<SimTask> = {}): SimTask =>
    Object.assign(createTask({ ...base, ...over }), extra);

  switch (press.type) {
    case "upscale":
      return make(
        {
          action: "UPSCALE",
          kind: "upscale",
          style: "direct",
          cells: [parentCell(parent, press.index)],
          properties: {
            custom_id: customId,
            remix_u_custom_id: customId,
            action_index: press.index,
          },
        },
        { index: press.index, bareUpscale: parent.kind === "edit" },
      );
    case "video_upscale":
      return make(
        {
          action: "UPSCALE",
          kind: "video_upscale",
          style: "direct",
          cells: [parentCell(parent, press.index)],
        },
        { index: press.index, sourceHash: parent.hash },
      );
    case "variation":
      return make({ cells: variations(parentCell(parent, press.index), key, 0.35) });
    case "vary":
      return make({ cells: variations(parentCell(parent), key, press.strong ? 0.5 : 0.15) });
    case "reroll": {
      const kind = parent.kind === "video" || parent.kind === "edit" ? parent.kind : "grid";
      const action = pw.action === "UPSCALE" ? "IMAGINE" : pw.action;
      const extra: Partial<SimTask> = {};
      if (parent.videoCount) extra.videoCount = parent.videoCount;
      const child = make({ action, kind, cells: gridCells(key), seedValue: undefined }, extra);
      if (pw.baseImageUrl) child.wire.baseImageUrl = pw.baseImageUrl;
      return child;
    }
    case "zoom": {
      const square = press.outpaint >= 100;
      const zoom = press.outpaint <= 50 ? 2 : 1.5;
      return make({
        action: "ZOOM",
        aspect: square ? [1, 1] : parent.aspect,
        cells: variations(parentCell(parent), key, 0.25),
        finalPrompt: square ? setAspect(final, [1, 1]) : `${final} --zoom ${zoom}`,
      });
    }
    case "pan": {
      const aspect: Aspect = panAspect(parent.aspect, press.direction);
      return make({
        action: "PAN",
        aspect,
        cells: variations(parentCell(parent), key, 0.25),
        finalPrompt: setAspect(final, aspect),
      });
    }
    case "upscale_hd":
      return make({
        action: "UPSCALE_HD",
        kind: "upscale_hd",
        size: ctx.config.imageSize * 2,
        cells: press.creative
          ? variations(parentCell(parent), key, 0.1).slice(0, 1)
          : [parentCell(parent)],
      });
    case "custom_zoom": {
      const z = zoomOf(text);
      const child = make({
        action: "ZOOM",
        cells: variations(parentCell(parent), key, 0.25),
      });
      if (z === undefined || !(z > 1 && z <= 2)) {
        child.presetFailure = `[Invalid parameter] --zoom must be greater than 1 and at most 2 (got ${z ?? "none"})`;
      }
      return child;
    }
    case "inpaint": {
      const mask = opts.mask;
      const cell = parentCell(parent);
      const cells =
        typeof mask === "object"
          ? [1, 2, 3, 4].map((i) => ({
              ...cell,
              repaint: { mask, colour: cellFor(`${key}#${i}`).base },
            }))
          : variations(cell, key, 0.15);
      const child = make({ action: "VARIATION", cells });
      if (mask === "missing" || mask === undefined) {
        child.presetFailure = "[Invalid mask] Vary (Region) needs a mask (maskBase64)";
      } else if (mask === "invalid") {
        child.presetFailure = "[Invalid mask] The mask could not be decoded as a PNG image";
      }
      return child;
    }
    case "animate":
      return make(
        {
          action: "VIDEO",
          kind: "video",
          cells: variations(parentCell(parent), key, 0.2),
          finalPrompt: `${final} --video 1 --motion ${press.high ? "high" : "low"}`,
          description: press.extend ? "/video extend" : "Submit success",
        },
        { videoCount: 4 },
      );
    case "describe_retry": {
      const child = make({
        action: "DESCRIBE",
        prompt: null,
        promptEn: null,
        description: "/describe",
        kind: "describe",
        style: "direct",
        finalPrompt: "",
      });
      const source = parent.describe;
      if (source) {
        const input = source.input ?? { kind: "url" as const, url: source.imageUrl };
        child.describe = { ...source, prompts: describeFor(input, hash32(key)) };
        child.wire.imageUrl = source.imageUrl;
      }
      return child;
    }
    case "show_details":
      return make({
        action: "SHORTEN",
        kind: "details",
        style: "direct",
        description: `/up ${pw.id} Show Details`,
        finalPrompt: details(pw.prompt ?? ""),
      });
    default:
      // pic_reader / prompt_analyzer (after the modal), and Imagine all: a plain imagine.
      return make({
        action: "IMAGINE",
        description: `/imagine ${text}`,
        cells: gridCells(text),
        aspect: aspectOf(text),
        seedValue: undefined,
      });
  }
}
