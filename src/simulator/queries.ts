/**
 * Task queries: fetch (§7.6), list-by-condition (§10), image-seed (§11), list, queue, cancel.
 * § numbers refer to docs/proxy-behaviour.md.
 */
import type { Ctx } from "./common.js";
import { envelope, gatewayError, json, type Reply, text } from "./envelope.js";
import { isTerminal, view } from "./task.js";

export function fetchTask(ctx: Ctx, id: string): Reply {
  const task = ctx.store.get(id);
  if (task) return json(view(task, ctx.config.dialect));
  if (ctx.config.dialect === "gateway") return gatewayError(400, 4, "task_no_found ");
  // java: HTTP 200 with an empty body; trueai: ASP.NET's 204 for a null result.
  const java = ctx.config.dialect === "legacy" || ctx.config.unknownFetch === "empty200";
  return java ? text(200, "", "application/json") : text(204);
}

/** Known ids only, in reverse request order (never the request order); null or empty gives []. */
export function listByCondition(ctx: Ctx, body: unknown): Reply {
  const ids =
    typeof body === "object" && body !== null ? (body as Record<string, unknown>).ids : undefined;
  if (!Array.isArray(ids)) return json([]);
  const wanted = [
    ...new Set(ids.filter((v): v is string => typeof v === "string").map((v) => v.trim())),
  ].filter(Boolean);
  const found = wanted
    .map((id) => ctx.store.get(id))
    .filter((t) => t !== undefined)
    .reverse();
  return json(found.map((t) => view(t, ctx.config.dialect)));
}

export function imageSeed(ctx: Ctx, id: string): Reply {
  const task = ctx.store.get(id);
  if (!task) return envelope(3, "关联任务不存在或已失效", null, {}, 404);
  const hash = task.wire.properties.messageHash;
  if (task.wire.status !== "SUCCESS" || typeof hash !== "string" || !hash) {
    return envelope(4, "关联任务状态错误", null, {}, 400);
  }
  if (!ctx.config.seedSupport) return envelope(9, "请配置私聊频道");
  task.wire.seed = task.seedValue;
  return envelope(1, "成功", task.seedValue);
}

/** GET /mj/task/list: the latest 100 (trueai); java returns them all, newest first. */
export function listTasks(ctx: Ctx): Reply {
  const all = ctx.store.list();
  const shown = ctx.config.dialect === "legacy" ? all : all.slice(0, 100);
  return json(shown.map((t) => view(t, ctx.config.dialect)));
}

/** GET /mj/task/queue: tasks waiting or running. */
export function queue(ctx: Ctx): Reply {
  return json(
    ctx.store
      .list()
      .filter((t) => ["NOT_START", "SUBMITTED", "IN_PROGRESS"].includes(t.wire.status))
      .map((t) => view(t, ctx.config.dialect)),
  );
}

/** POST /mj/task/{id}/cancel (trueai): FAILURE with reason 取消任务. */
export function cancel(ctx: Ctx, id: string): Reply {
  const task = ctx.store.get(id);
  if (!task) return envelope(3, "关联任务不存在或已失效", null, {}, 404);
  if (isTerminal(task)) return envelope(4, "关联任务状态错误");
  ctx.store.cancel(task, "取消任务");
  return envelope(1, "成功", id);
}
