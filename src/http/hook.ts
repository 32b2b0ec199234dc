// The proxy's notify hook: `POST /hooks/mj/<secret>`, with the task as its body. The body is
// only a hint: it names a task, which the bot then fetches from the proxy with its own key,
// so a forged body changes nothing. The secret is random, made once and kept in the store.
// A wrong secret gets 404, a body that is not a task 400, a body over the limit 413; none of
// them costs more than reading at most that many bytes.
import { randomBytes, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { JobStore } from "../jobs/store.js";
import type { Logger } from "../log.js";
import type { ExtraRoute } from "./server.js";

const SECRET_KEY = "http:hook-secret";
export const HOOK_PREFIX = "/hooks/mj/";
/** A whole task with its buttons is a few kB; a describe's prompts a few more. */
export const HOOK_MAX_BYTES = 64 * 1024;

/** The hook's secret: made once, then read from the store. */
export async function hookSecret(
  store: Pick<JobStore, "getKeyed" | "setKeyed" | "keepFirst">,
): Promise<string> {
  const kept = await store.getKeyed<string>(SECRET_KEY);
  if (typeof kept === "string" && kept.length >= 32) return kept;
  const made = randomBytes(24).toString("base64url");
  if (kept !== undefined) {
    await store.setKeyed(SECRET_KEY, made); // not one the bot made: replaced
    return made;
  }
  // Of processes sharing the store that start at once, each takes the one kept first.
  return store.keepFirst(SECRET_KEY, made);
}

/** The URL the proxy is given as `notifyHook`. */
export function hookUrl(publicUrl: string, secret: string): string {
  return `${publicUrl.replace(/\/+$/, "")}${HOOK_PREFIX}${secret}`;
}

export interface HookOptions {
  secret: string;
  /** A task the proxy says changed; resolves once it was looked at (errors are logged). */
  onTask: (taskId: string) => Promise<void>;
  log: Pick<Logger, "debug" | "warn">;
  maxBytes?: number;
}

export function hookRoute(options: HookOptions): ExtraRoute {
  const expected = Buffer.from(options.secret);
  const maxBytes = options.maxBytes ?? HOOK_MAX_BYTES;
  return async (req, res) => {
    const path = (req.url ?? "").split("?")[0] ?? "";
    if (!path.startsWith(HOOK_PREFIX)) return false;
    const given = Buffer.from(path.slice(HOOK_PREFIX.length));
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      return false; // the server's 404: nothing tells a wrong secret from no route
    }
    if (req.method !== "POST") {
      res.setHeader("allow", "POST");
      return answer(res, 405);
    }
    const body = await readCapped(req, maxBytes);
    if (body === "too-large") return answer(res, 413);
    const taskId = taskIdOf(body);
    if (taskId === null) return answer(res, 400);
    answer(res, 204);
    await options.onTask(taskId).catch((error: unknown) => {
      options.log.warn({ err: error, taskId }, "a notify hook's task was not looked at");
    });
    return true;
  };
}

function answer(res: ServerResponse, status: number): true {
  res.writeHead(status, { connection: "close", "content-length": "0" }).end();
  return true;
}

/** The body, or "too-large" once it passes `maxBytes` (reading stops there). */
function readCapped(req: IncomingMessage, maxBytes: number): Promise<Buffer | "too-large"> {
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > maxBytes) {
    req.resume();
    return Promise.resolve("too-large");
  }
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (result: Buffer | "too-large") => {
      if (done) return;
      done = true;
      resolve(result);
    };
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        req.removeAllListeners("data");
        req.resume();
        finish("too-large");
      } else chunks.push(chunk);
    });
    req.on("end", () => finish(Buffer.concat(chunks)));
    req.on("error", () => finish(Buffer.alloc(0)));
  });
}

/** The task id a hook body names: `id`, a string or number of digits; else null. */
function taskIdOf(body: Buffer): string | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString("utf8"));
  } catch {
    return null;
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return null;
  const id = (parsed as { id?: unknown }).id;
  const text = typeof id === "number" ? String(id) : id;
  return typeof text === "string" && /^[\w-]{1,64}$/.test(text) ? text : null;
}
