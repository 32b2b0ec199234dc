/** Routes /mj/… requests (with any speed-mode prefix) to their handlers. */
import { action, submitModal } from "./actions.js";
import type { Call, Ctx } from "./common.js";
import { badJson, type Reply, text } from "./envelope.js";
import type { Speed } from "./prompt.js";
import { cancel, fetchTask, imageSeed, listByCondition, listTasks, queue } from "./queries.js";
import { blend, describe, edits, imagine, shorten, swapFace, video } from "./submit.js";

/** `/mj/…`, `/fast/mj/…`, `/relax/mj/…`, `/mj-fast/mj/…`, `/mj-relax/mj/…`, `/mj-turbo/mj/…`. */
const API_RE = /^\/(?:(fast|relax|turbo|mj-fast|mj-relax|mj-turbo)\/)?mj(\/[^?]*)$/;

const MODES: Record<string, Speed> = {
  fast: "FAST",
  relax: "RELAX",
  turbo: "TURBO",
  "mj-fast": "FAST",
  "mj-relax": "RELAX",
  "mj-turbo": "TURBO",
};

type Submit = (ctx: Ctx, call: Call) => Reply;

const SUBMITS: Record<string, Submit> = {
  "/submit/imagine": imagine,
  "/submit/blend": blend,
  "/submit/describe": describe,
  "/submit/shorten": shorten,
  "/submit/action": action,
  "/submit/modal": submitModal,
  "/submit/video": video,
  "/submit/edits": edits,
  "/submit/edit": edits,
  "/insight-face/swap": swapFace,
};

export function isApiPath(pathname: string): boolean {
  return API_RE.test(pathname);
}

const notFound = (): Reply => text(404);

function safeDecode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}
const notAllowed = (): Reply => text(405);

/** `body` is the parsed JSON (undefined when absent, a SyntaxError when unparsable). */
export function route(ctx: Ctx, method: string, pathname: string, body: unknown): Reply {
  const m = API_RE.exec(pathname);
  if (!m) return notFound();
  const pathMode = m[1] ? (MODES[m[1]] ?? null) : null;
  const rest = (m[2] ?? "").replace(/\/+$/, "");

  const submit = SUBMITS[rest];
  if (submit) {
    if (method !== "POST") return notAllowed();
    if (body instanceof SyntaxError) return badJson(body.message);
    if (typeof body !== "object" || body === null || Array.isArray(body)) {
      return badJson("A JSON object request body is required.");
    }
    return submit(ctx, { body: body as Record<string, unknown>, pathMode });
  }

  if (rest === "/task/list-by-condition" || rest === "/task/list-by-ids") {
    if (method !== "POST") return notAllowed();
    if (body instanceof SyntaxError) return badJson(body.message);
    return listByCondition(ctx, body);
  }
  if (rest === "/task/list" || rest === "/task/queue") {
    // trueai extras: a new-api gateway has no such routes.
    if (ctx.config.dialect === "gateway") return notFound();
    if (method !== "GET") return notAllowed();
    return rest === "/task/list" ? listTasks(ctx) : queue(ctx);
  }

  const t = /^\/task\/([^/]+)\/(fetch|image-seed|cancel)$/.exec(rest);
  if (t) {
    const id = safeDecode(t[1] as string);
    const verb = t[2];
    if (verb === "cancel") return method === "POST" ? cancel(ctx, id) : notAllowed();
    if (method !== "GET") return notAllowed();
    return verb === "fetch" ? fetchTask(ctx, id) : imageSeed(ctx, id);
  }
  return notFound();
}
