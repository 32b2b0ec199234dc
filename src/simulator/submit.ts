/** The submit endpoints that start a job from scratch (docs/proxy-behaviour.md §3, §12, §13). */
import {
  botTypeOf,
  type Call,
  type Ctx,
  enqueue,
  hookAndState,
  hostInput,
  isReply,
  modeOf,
  shortLink,
  str,
  videoDisabled,
} from "./common.js";
import { envelope, invalid, type Reply } from "./envelope.js";
import { sha256 } from "./ids.js";
import { cellFor, gridCells, variations } from "./images.js";
import { aspectOfInput, type ImageInput, inputKey, parseImage } from "./inputs.js";
import { type Aspect, aspectOf, finalPromptOf } from "./prompt.js";
import { createTask, type SimTask } from "./task.js";
import { analyse, describeFor } from "./texts.js";
import { runFlags, submitTrigger } from "./triggers.js";

const BAD_BASE64 = "base64格式错误";
const EMPTY_PROMPT = "prompt不能为空";

function keyOf(inputs: ImageInput[]): string {
  return sha256(...inputs.map(inputKey)).toString("hex");
}

function parseImages(value: unknown): ImageInput[] | "invalid" {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) return "invalid";
  const out: ImageInput[] = [];
  for (const item of value) {
    const parsed = parseImage(item);
    if (parsed === "invalid") return "invalid";
    if (parsed) out.push(parsed);
  }
  return out;
}

/** A submit's prompt, or the answer that refuses it: empty, or a trigger word's forced reply. */
function requiredPrompt(value: unknown): string | Reply {
  const prompt = str(value).trim();
  if (!prompt) return invalid(EMPTY_PROMPT);
  return submitTrigger(prompt) ?? prompt;
}

export function imagine(ctx: Ctx, call: Call): Reply {
  const b = call.body;
  const prompt = requiredPrompt(b.prompt);
  if (isReply(prompt)) return prompt;
  const common = hookAndState(ctx, b);
  if (isReply(common)) return common;
  const inputs = parseImages(b.base64Array);
  if (inputs === "invalid") return invalid(BAD_BASE64);
  // java knows no video: `--video` is just part of the prompt there.
  const video = ctx.config.dialect !== "legacy" && /--video\b/i.test(prompt);
  if (video && !ctx.config.videoSupported) return videoDisabled();

  const urls = inputs.map((i) => hostInput(i, ctx.media));
  const flags = runFlags(prompt);
  const task = createTask({
    action: video ? "VIDEO" : "IMAGINE",
    prompt,
    promptEn: [...urls, prompt].join(" "),
    description: `/imagine ${prompt}`,
    state: common.state,
    hook: common.hook,
    botType: botTypeOf(b),
    mode: modeOf(call, prompt),
    kind: video ? "video" : "grid",
    style: "progress",
    cells: gridCells(`${prompt}|${keyOf(inputs)}`),
    aspect: aspectOf(prompt),
    size: ctx.config.imageSize,
    finalPrompt: finalPromptOf([...urls.map(shortLink), prompt].join(" ")),
    flags,
  });
  return enqueue(ctx, task, flags.queued);
}

const BLEND_AR: Record<string, Aspect> = {
  PORTRAIT: [2, 3],
  SQUARE: [1, 1],
  LANDSCAPE: [3, 2],
};

export function blend(ctx: Ctx, call: Call): Reply {
  const b = call.body;
  const list = Array.isArray(b.base64Array) ? b.base64Array : [];
  if (list.length < 2 || list.length > 5) return invalid("base64List参数错误");
  const inputs = parseImages(list);
  if (inputs === "invalid" || inputs.length !== list.length) return invalid(BAD_BASE64);
  const absent = b.dimensions === undefined || b.dimensions === null;
  // trueai defaults to SQUARE; java requires the field.
  if (absent && ctx.config.dialect === "legacy") return invalid("dimensions参数错误");
  const dimension = absent ? "SQUARE" : b.dimensions;
  const aspect = typeof dimension === "string" ? BLEND_AR[dimension.toUpperCase()] : undefined;
  if (!aspect) return invalid("dimensions参数错误");
  const common = hookAndState(ctx, b);
  if (isReply(common)) return common;

  const urls = inputs.map((i) => hostInput(i, ctx.media));
  const ar = `--ar ${aspect[0]}:${aspect[1]}`;
  const prompt = `${urls.join(" ")} ${ar}`;
  const task = createTask({
    action: "BLEND",
    prompt,
    description: "/blend",
    state: common.state,
    hook: common.hook,
    botType: botTypeOf(b),
    mode: modeOf(call, null),
    kind: "grid",
    style: "progress",
    cells: gridCells(`blend|${keyOf(inputs)}`),
    aspect,
    size: ctx.config.imageSize,
    finalPrompt: `${urls.map(shortLink).join(" ")} ${ar} --v 7.0`,
    flags: runFlags(""),
  });
  task.wire.description = `/blend ${task.wire.id} ${inputs.length}`;
  return enqueue(ctx, task, false);
}

export function describe(ctx: Ctx, call: Call): Reply {
  const b = call.body;
  let input = parseImage(b.base64);
  if (input === "invalid") return invalid(BAD_BASE64);
  // `link` is trueai's; java takes base64 only.
  if (!input && str(b.link).trim() && ctx.config.dialect !== "legacy") {
    const link = str(b.link).trim();
    if (!/^https?:\/\//i.test(link)) return invalid("link格式错误");
    input = { kind: "url", url: link };
  }
  if (!input) return invalid("base64不能为空");
  const common = hookAndState(ctx, b);
  if (isReply(common)) return common;

  const imageUrl = hostInput(input, ctx.media);
  const task = createTask({
    action: "DESCRIBE",
    prompt: null,
    promptEn: null,
    description: "/describe",
    state: common.state,
    hook: common.hook,
    botType: botTypeOf(b),
    mode: modeOf(call, null),
    kind: "describe",
    style: "direct",
    cells: [cellFor(imageUrl)],
    aspect: aspectOfInput(input),
    size: ctx.config.imageSize,
    finalPrompt: "",
    flags: runFlags(""),
  });
  task.describe = { imageUrl, prompts: describeFor(input), input };
  if (ctx.config.dialect === "legacy") {
    const type = input.kind === "bytes" ? input.contentType : "image/png";
    const ext = { "image/jpeg": "jpg", "image/gif": "gif", "image/webp": "webp" }[type] ?? "png";
    task.wire.description = `/describe ${task.wire.id}.${ext}`;
  }
  task.wire.imageUrl = imageUrl;
  return enqueue(ctx, task, false);
}

export function shorten(ctx: Ctx, call: Call): Reply {
  const b = call.body;
  const prompt = requiredPrompt(b.prompt);
  if (isReply(prompt)) return prompt;
  const common = hookAndState(ctx, b);
  if (isReply(common)) return common;
  const flags = runFlags(prompt);
  const task = createTask({
    action: "SHORTEN",
    prompt,
    description: `/shorten ${prompt}`,
    state: common.state,
    hook: common.hook,
    botType: botTypeOf(b),
    mode: modeOf(call, prompt),
    kind: "shorten",
    style: "direct",
    cells: [cellFor(prompt)],
    aspect: [1, 1],
    size: ctx.config.imageSize,
    finalPrompt: "",
    flags,
  });
  task.shorten = analyse(prompt);
  return enqueue(ctx, task, flags.queued);
}

const VIDEO_TYPES = ["vid_1.1_i2v_480", "vid_1.1_i2v_720"];

/** `/submit/video {action:"extend", taskId, index}`: a finished video grid (or selected video). */
function parentForExtend(
  ctx: Ctx,
  b: Record<string, unknown>,
): { parent: SimTask; index: number } | Reply {
  const taskId = str(b.taskId).trim();
  if (!taskId) return invalid("taskId不能为空");
  const parent = ctx.store.get(taskId);
  if (!parent) return envelope(3, "关联任务不存在或已失效", null, {}, 404);
  const isVideo = parent.kind === "video" || parent.kind === "video_upscale";
  if (parent.wire.status !== "SUCCESS" || !isVideo) return invalid("关联任务状态错误");
  const fallback = parent.kind === "video_upscale" ? (parent.index ?? 1) - 1 : 0;
  const index = b.index === undefined || b.index === null ? fallback : b.index;
  const count = parent.kind === "video" ? (parent.videoCount ?? 4) : 4;
  if (typeof index !== "number" || !Number.isInteger(index) || index < 0 || index >= count) {
    return invalid("index参数错误");
  }
  return { parent, index };
}

export function video(ctx: Ctx, call: Call): Reply {
  const b = call.body;
  if (!ctx.config.videoSupported) return videoDisabled();
  const prompt = str(b.prompt).trim();
  const extend = str(b.action).toLowerCase() === "extend";
  if (!prompt && !extend) return invalid(EMPTY_PROMPT);
  if (prompt) {
    const forced = submitTrigger(prompt);
    if (forced) return forced;
  }
  const motion = b.motion === undefined || b.motion === null ? "low" : str(b.motion).toLowerCase();
  if (motion !== "low" && motion !== "high") return invalid("motion参数错误");
  const videoType =
    b.videoType === undefined || b.videoType === null ? VIDEO_TYPES[0] : b.videoType;
  if (!VIDEO_TYPES.includes(str(videoType))) return invalid("videoType参数错误");
  const batch = b.batchSize === undefined || b.batchSize === null ? 4 : b.batchSize;
  if (batch !== 1 && batch !== 2 && batch !== 4) return invalid("batchSize参数错误");
  const common = hookAndState(ctx, b);
  if (isReply(common)) return common;

  if (extend) {
    const found = parentForExtend(ctx, b);
    if (isReply(found)) return found;
    const { parent, index } = found;
    const text = prompt || parent.wire.prompt || "";
    const flags = runFlags(text);
    const task = createTask({
      action: "VIDEO",
      prompt: text,
      description: "/video extend",
      state: common.state,
      hook: common.hook,
      botType: parent.wire.botType,
      mode: modeOf(call, text),
      parentId: parent.wire.id,
      kind: "video",
      style: "progress",
      cells: variations(
        parent.cells[parent.kind === "video" ? index : 0] ?? cellFor(parent.hash),
        `${parent.hash}|extend|${index}`,
        0.2,
      ),
      aspect: parent.aspect,
      size: ctx.config.imageSize,
      finalPrompt: finalPromptOf(`${text} --motion ${motion} --video 1 --end extend`),
      flags,
      properties: { action_index: index + 1 },
    });
    task.videoCount = batch;
    return enqueue(ctx, task, flags.queued);
  }

  const image = parseImage(b.image);
  const end = parseImage(b.endImage);
  if (image === "invalid" || end === "invalid") return invalid(BAD_BASE64);
  const imageUrl = image ? hostInput(image, ctx.media) : undefined;
  const endUrl = end ? hostInput(end, ctx.media) : undefined;
  const loop = b.loop === true;
  const endFlag = loop ? " --end loop" : endUrl ? ` --end ${endUrl}` : "";
  const bs = batch === 4 ? "" : ` --bs ${batch}`;
  const full = `${imageUrl ? `${imageUrl} ` : ""}${prompt} --video 1${endFlag} --motion ${motion}${bs}`;
  const aspect = aspectOfInput(image);
  const flags = runFlags(prompt);
  const task = createTask({
    action: "VIDEO",
    prompt: full,
    description: `/video ${prompt}`,
    state: common.state,
    hook: common.hook,
    botType: botTypeOf(b),
    mode: modeOf(call, prompt),
    kind: "video",
    style: "progress",
    cells: gridCells(`video|${prompt}|${image ? keyOf([image]) : ""}`),
    aspect,
    size: ctx.config.imageSize,
    finalPrompt: finalPromptOf(
      `${imageUrl ? `${shortLink(imageUrl)} ` : ""}${prompt} --motion ${motion} --video 1 --aspect ${aspect[0]}:${aspect[1]}`,
    ),
    flags,
  });
  task.videoCount = batch;
  return enqueue(ctx, task, flags.queued);
}

export function edits(ctx: Ctx, call: Call): Reply {
  const b = call.body;
  if (!ctx.config.editsSupported) return envelope(9, "当前账号不支持编辑/重绘任务");
  const prompt = requiredPrompt(b.prompt);
  if (isReply(prompt)) return prompt;
  const image = parseImage(b.image);
  if (image === "invalid") return invalid(BAD_BASE64);
  if (!image) return invalid("image不能为空");
  const common = hookAndState(ctx, b);
  if (isReply(common)) return common;

  const baseImageUrl = hostInput(image, ctx.media);
  const flags = runFlags(prompt);
  const task = createTask({
    action: "EDIT",
    prompt,
    description: `/edit ${prompt}`,
    state: common.state,
    hook: common.hook,
    botType: botTypeOf(b),
    mode: modeOf(call, prompt),
    kind: "edit",
    style: "progress",
    cells: gridCells(`edit|${prompt}|${keyOf([image])}`),
    aspect: aspectOfInput(image),
    size: ctx.config.imageSize,
    finalPrompt: finalPromptOf(`${prompt} --v 7`),
    flags,
  });
  task.wire.baseImageUrl = baseImageUrl;
  return enqueue(ctx, task, flags.queued);
}

export function swapFace(ctx: Ctx, call: Call): Reply {
  const b = call.body;
  const source = parseImage(b.sourceBase64 ?? b.sourceUrl);
  const target = parseImage(b.targetBase64 ?? b.targetUrl);
  if (source === "invalid" || target === "invalid") return invalid(BAD_BASE64);
  if (!source) return invalid("sourceBase64或sourceUrl不能为空");
  if (!target) return invalid("targetBase64或targetUrl不能为空");
  if (keyOf([source]) === keyOf([target])) return invalid("源图片和目标图片不能相同");
  const common = hookAndState(ctx, b);
  if (isReply(common)) return common;
  hostInput(source, ctx.media);
  hostInput(target, ctx.media);
  const task = createTask({
    action: "SWAP_FACE",
    prompt: null,
    description: null,
    state: common.state,
    hook: common.hook,
    botType: "INSIGHT_FACE",
    mode: modeOf(call, null),
    kind: "swap",
    style: "faceswap",
    cells: [cellFor(`swap|${keyOf([source, target])}`)],
    aspect: aspectOfInput(target),
    size: ctx.config.imageSize,
    finalPrompt: "",
    flags: runFlags(""),
    bareProperties: true,
  });
  return enqueue(ctx, task, false);
}
