/**
 * `/submit/action` and `/submit/modal`: buttons, and the code-21 MODAL flow
 * (docs/proxy-behaviour.md §5, §8).
 */
import { KEYCAPS } from "./buttons.js";
import { buildChild, finalOf } from "./children.js";
import {
  type Call,
  type Ctx,
  enqueue,
  hookAndState,
  isReply,
  modeOf,
  str,
  videoDisabled,
} from "./common.js";
import { classify, gatewayAccepts, isRemixable, type Press, proxyAccepts } from "./customids.js";
import { envelope, gatewayError, instanceProps, invalid, type Reply } from "./envelope.js";
import { decodeMask, type Mask } from "./images.js";
import { decodeBase64 } from "./inputs.js";
import { stripSpeedFlags } from "./prompt.js";
import { createTask, type ModalKind, type SimTask } from "./task.js";
import { stripKeycap } from "./texts.js";
import { runFlags, submitTrigger } from "./triggers.js";

const UNKNOWN_ACTION = "未知的 Action 类型";
const WINDOW = "Waiting for window confirm";

/** The `action` of a MODAL task (§5.1). */
function modalAction(kind: ModalKind, press: Press, parent: SimTask): string {
  if (kind === "custom_zoom") return "ZOOM";
  if (kind === "pic_reader" || kind === "prompt_analyzer") return "IMAGINE";
  switch (press.type) {
    case "pan":
      return "PAN";
    case "animate":
      return "VIDEO";
    case "reroll":
      return parent.wire.action === "UPSCALE" ? "IMAGINE" : parent.wire.action;
    default:
      return "VARIATION";
  }
}

/** Creates the parked MODAL task and answers 21 (1 in the gateway for remix). */
function openModal(
  ctx: Ctx,
  parent: SimTask,
  press: Press,
  customId: string,
  kind: ModalKind,
  prefill: string,
  common: { state: string; hook: string | undefined; mode: string | null },
): Reply {
  const action = modalAction(kind, press, parent);
  const prompt = kind === "inpaint" ? "" : kind === "remix" ? (parent.wire.prompt ?? "") : prefill;
  const task = createTask({
    action,
    prompt,
    promptEn: kind === "inpaint" ? "" : prefill,
    description: kind === "custom_zoom" ? WINDOW : null,
    state: common.state,
    hook: common.hook,
    botType: parent.wire.botType,
    mode: common.mode ?? parent.wire.mode,
    parentId: parent.wire.id,
    kind: "grid",
    style: "progress",
    cells: parent.cells,
    aspect: parent.aspect,
    size: ctx.config.imageSize,
    finalPrompt: prefill,
    flags: runFlags(""),
    properties: { custom_id: customId },
  });
  task.wire.status = "MODAL";
  task.wire.properties.messageId = parent.wire.properties.messageId ?? null;
  task.wire.properties.flags = 0;
  task.modal = { kind, parentId: parent.wire.id, customId };
  ctx.store.add(task);
  const gatewayRewrites = ctx.config.dialect === "gateway" && kind === "remix";
  return envelope(gatewayRewrites ? 1 : 21, WINDOW, task.wire.id, {
    finalPrompt: prefill,
    remix: true,
  });
}

export function action(ctx: Ctx, call: Call): Reply {
  const b = call.body;
  const taskId = str(b.taskId).trim();
  const customId = str(b.customId).trim();
  if (!taskId || !customId) return invalid("参数错误");
  const press = classify(customId);
  if (ctx.config.dialect === "gateway" && !gatewayAccepts(press)) {
    return gatewayError(400, 4, `unknown_action:${customId}`);
  }
  if (!proxyAccepts(press, ctx.config.shortenPicks)) return invalid(UNKNOWN_ACTION);
  const common = hookAndState(ctx, b);
  if (isReply(common)) return common;
  const parent = ctx.store.get(taskId);
  if (!parent) return envelope(3, "关联任务不存在或已失效", null, {}, 404);
  if (parent.wire.status !== "SUCCESS") return invalid("关联任务状态错误");
  if (!parent.wire.buttons.some((btn) => btn.customId === customId)) return invalid(UNKNOWN_ACTION);
  if (press.type === "animate" && !ctx.config.videoSupported) return videoDisabled();

  const mode = call.pathMode ?? parent.wire.mode;
  const ctxCommon = { ...common, mode };
  const modal = (kind: ModalKind, prefill: string) =>
    openModal(ctx, parent, press, customId, kind, prefill, ctxCommon);

  switch (press.type) {
    case "inpaint":
      return modal("inpaint", "");
    case "custom_zoom":
      return modal("custom_zoom", stripSpeedFlags(finalOf(parent)));
    case "pic_reader": {
      const picked = parent.describe?.prompts[press.index - 1] ?? "";
      return modal("pic_reader", `${KEYCAPS[press.index - 1]} ${picked}`);
    }
    case "prompt_analyzer":
      return modal("prompt_analyzer", parent.shorten?.prompts[press.index - 1] ?? "");
    case "pic_reader_all":
      return imagineAll(ctx, parent, customId, ctxCommon);
  }
  if (isRemixable(press)) {
    const wantsRemix = b.enableRemix === true;
    if (wantsRemix && !ctx.config.remix) return invalid("当前账号不支持 remix，请开启 remix 功能");
    // Auto-submit runs the remix with the parent's prompt, unless the client asks for the form.
    if (wantsRemix || (ctx.config.remix && !ctx.config.remixAutoSubmit)) {
      return modal("remix", finalOf(parent));
    }
  }
  const child = buildChild(ctx, parent, press, customId, ctxCommon);
  return enqueue(ctx, child, false);
}

/** `MJ::Job::PicReader::all`: four IMAGINE tasks, ids joined by commas (trueai). */
function imagineAll(
  ctx: Ctx,
  parent: SimTask,
  customId: string,
  common: { state: string; hook: string | undefined; mode: string | null },
): Reply {
  const prompts = parent.describe?.prompts ?? [];
  const ids = prompts.map((prompt, i) => {
    const child = buildChild(ctx, parent, { type: "pic_reader_all" }, customId, {
      ...common,
      prompt: stripKeycap(prompt),
      state: `${common.state}::${i + 1}`,
    });
    enqueue(ctx, child, false);
    return child.wire.id;
  });
  return envelope(1, "提交成功", ids.join(","), instanceProps());
}

function parseMask(value: unknown): Mask | "missing" | "invalid" {
  const raw = str(value).trim();
  if (!raw) return "missing";
  const bytes = decodeBase64(raw.replace(/^data:[^,]*;base64,/, ""));
  if (!bytes) return "invalid";
  try {
    return decodeMask(bytes);
  } catch {
    return "invalid";
  }
}

/** Moves the run description of `child` into the parked MODAL task, keeping its identity. */
function adopt(modal: SimTask, child: SimTask): void {
  const keep = modal.wire;
  const { modal: info, hook } = modal;
  Object.assign(modal, child, { hook, modal: info, lastNotify: 0 });
  modal.wire = {
    ...child.wire,
    id: keep.id,
    submitTime: keep.submitTime,
    state: keep.state,
    parentId: keep.parentId,
    properties: keep.properties,
  };
}

export function submitModal(ctx: Ctx, call: Call): Reply {
  const b = call.body;
  const taskId = str(b.taskId).trim();
  if (!taskId) return invalid("参数错误");
  const task = ctx.store.get(taskId);
  if (task?.wire.status !== "MODAL" || !task.modal) {
    return envelope(3, "目标任务不存在", null, {}, 404);
  }
  const parent = ctx.store.get(task.modal.parentId);
  if (!parent) return envelope(3, "关联任务不存在或已失效", null, {}, 404);
  let prompt = str(b.prompt).trim();
  if (!prompt) prompt = (parent.wire.prompt ?? "").trim() || finalOf(parent).trim();
  if (!prompt) return invalid("prompt不能为空");
  const forced = submitTrigger(prompt);
  if (forced) return forced;

  const { kind, customId } = task.modal;
  const press = classify(customId);
  const child = buildChild(ctx, parent, press, customId, {
    prompt,
    mask: kind === "inpaint" ? parseMask(b.maskBase64) : undefined,
    mode: call.pathMode ?? task.wire.mode ?? modeOf(call, prompt),
    state: task.wire.state,
    hook: task.hook,
  });
  adopt(task, child);
  return enqueue(ctx, task, runFlags(prompt).queued);
}
