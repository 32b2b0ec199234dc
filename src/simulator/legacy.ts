/**
 * The legacy dialect: novicezk/midjourney-proxy (Java, v2.6.x). No /submit/action and no buttons;
 * U, V and 🔄 go through `/submit/change` or `/submit/simple-change` (docs/proxy-behaviour.md §1, §3).
 */
import { buildChild } from "./children.js";
import { type Call, type Ctx, enqueue, hookAndState, isReply, str } from "./common.js";
import type { Press } from "./customids.js";
import { envelope, invalid, json, type Reply } from "./envelope.js";
import type { SimTask } from "./task.js";

const REASONS: Record<number, string> = {
  400: "Bad Request",
  404: "Not Found",
  405: "Method Not Allowed",
};

/** Spring Boot's error body, e.g. for a route java does not have. */
export function springError(status: number, path: string): Reply {
  return json(
    {
      timestamp: new Date().toISOString().replace("Z", "+00:00"),
      status,
      error: REASONS[status] ?? "Error",
      path,
    },
    status,
  );
}

type ChangeAction = "UPSCALE" | "VARIATION" | "REROLL";

const CHANGEABLE = ["IMAGINE", "VARIATION", "REROLL", "BLEND"];

/** The customId Midjourney's button would have had: what the child is built from. */
function pressOf(act: ChangeAction, index: number, parent: SimTask): [Press, string] {
  const hash = parent.hash;
  if (act === "UPSCALE")
    return [{ type: "upscale", index }, `MJ::JOB::upsample::${index}::${hash}`];
  if (act === "VARIATION") {
    return [{ type: "variation", index }, `MJ::JOB::variation::${index}::${hash}`];
  }
  return [{ type: "reroll" }, `MJ::JOB::reroll::0::${hash}::SOLO`];
}

function runChange(
  ctx: Ctx,
  call: Call,
  fields: { taskId: unknown; action: unknown; index: unknown; state: unknown; notifyHook: unknown },
): Reply {
  const taskId = str(fields.taskId).trim();
  if (!taskId) return invalid("taskId不能为空");
  const act = fields.action;
  if (act !== "UPSCALE" && act !== "VARIATION" && act !== "REROLL") {
    return invalid("action参数错误");
  }
  const common = hookAndState(ctx, { state: fields.state, notifyHook: fields.notifyHook });
  if (isReply(common)) return common;
  const parent = ctx.store.get(taskId);
  if (!parent) return envelope(3, "关联任务不存在或已失效");
  if (parent.wire.status !== "SUCCESS") return invalid("关联任务状态错误");
  if (!CHANGEABLE.includes(parent.wire.action)) return invalid("关联任务不允许执行变化");
  const index = act === "REROLL" ? 0 : fields.index;
  if (act !== "REROLL" && !(typeof index === "number" && [1, 2, 3, 4].includes(index))) {
    return invalid("index参数错误");
  }

  const [press, customId] = pressOf(act, index as number, parent);
  const child = buildChild(ctx, parent, press, customId, {
    mode: call.pathMode ?? parent.wire.mode,
    state: common.state,
    hook: common.hook,
  });
  const w = child.wire;
  w.action = act;
  w.description = `/up ${taskId} ${act === "REROLL" ? "R" : `${act[0]}${index}`}`;
  w.properties = {
    notifyHook: w.properties.notifyHook,
    nonce: w.properties.nonce,
    discordInstanceId: w.properties.discordInstanceId,
    finalPrompt: parent.wire.properties.finalPrompt ?? child.finalPrompt,
    progressMessageId: parent.wire.properties.messageId ?? null,
  };
  return enqueue(ctx, child, false);
}

/** `POST /mj/submit/change {taskId, action: UPSCALE|VARIATION|REROLL, index, state, notifyHook}`. */
export function change(ctx: Ctx, call: Call): Reply {
  const b = call.body;
  return runChange(ctx, call, {
    taskId: b.taskId,
    action: b.action,
    index: b.index,
    state: b.state,
    notifyHook: b.notifyHook,
  });
}

const SIMPLE_RE = /^(?:([uv])([1-4])|r)$/i;

/** `POST /mj/submit/simple-change {content: "<taskId> U2" | "<taskId> V1" | "<taskId> R"}`. */
export function simpleChange(ctx: Ctx, call: Call): Reply {
  const b = call.body;
  const parts = str(b.content).split(" ").filter(Boolean);
  const m = parts.length === 2 ? SIMPLE_RE.exec(parts[1] as string) : null;
  if (!m) return invalid("content参数错误");
  const letter = m[1]?.toLowerCase();
  return runChange(ctx, call, {
    taskId: parts[0],
    action: letter === "u" ? "UPSCALE" : letter === "v" ? "VARIATION" : "REROLL",
    index: m[2] === undefined ? undefined : Number(m[2]),
    state: b.state,
    notifyHook: b.notifyHook,
  });
}
