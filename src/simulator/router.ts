/**
 * Routes /mj/… requests (with the speed prefixes the configured style routes) to their handlers.
 * § numbers refer to docs/proxy-behaviour.md.
 */
import { action, submitModal } from "./actions.js";
import type { Call, Ctx } from "./common.js";
import { badJson, type Reply, text } from "./envelope.js";
import { change, simpleChange, springError } from "./legacy.js";
import type { Speed } from "./prompt.js";
import { cancel, fetchTask, imageSeed, listByCondition, listTasks, queue } from "./queries.js";
import { blend, describe, edits, imagine, shorten, swapFace, video } from "./submit.js";
import type { Dialect, Endpoint, RouteStyle, SimConfig } from "./types.js";

/** `/mj/…`, `/fast/mj/…`, `/relax/mj/…`, `/turbo/mj/…`, `/mj-fast/mj/…`, `/mj-relax/mj/…`, `/mj-turbo/mj/…`. */
const API_RE = /^\/(?:(fast|relax|turbo|mj-fast|mj-relax|mj-turbo)\/)?mj(\/[^?]*)$/;

const MODES: Record<string, Speed> = {
  fast: "FAST",
  relax: "RELAX",
  turbo: "TURBO",
  "mj-fast": "FAST",
  "mj-relax": "RELAX",
  "mj-turbo": "TURBO",
};

/** The speed prefixes each route style mounts (§2); `/mj/…` itself always works. */
const PREFIXES: Record<RouteStyle, readonly string[]> = {
  all: Object.keys(MODES),
  "mj-path": ["mj-fast", "mj-relax", "mj-turbo"],
  path: ["fast", "relax", "turbo"],
  filter: [],
};

type Submit = (ctx: Ctx, call: Call) => Reply;

const SUBMITS: Record<string, [Endpoint, Submit]> = {
  "/submit/imagine": ["imagine", imagine],
  "/submit/blend": ["blend", blend],
  "/submit/describe": ["describe", describe],
  "/submit/shorten": ["shorten", shorten],
  "/submit/action": ["action", action],
  "/submit/modal": ["modal", submitModal],
  "/submit/video": ["video", video],
  "/submit/edits": ["edits", edits],
  "/submit/edit": ["edits", edits],
  "/insight-face/swap": ["swap", swapFace],
  "/submit/change": ["change", change],
  "/submit/simple-change": ["simple-change", simpleChange],
};

/** What each dialect serves at all; `unrouted` removes more. */
const LEGACY: ReadonlySet<Endpoint> = new Set<Endpoint>([
  "imagine",
  "blend",
  "describe",
  "change",
  "simple-change",
  "fetch",
  "list-by-condition",
  "list",
  "queue",
]);

function served(dialect: Dialect, name: Endpoint): boolean {
  if (dialect === "legacy") return LEGACY.has(name);
  // /submit/change is java/plus only; a new-api gateway has no list or queue either.
  if (name === "change" || name === "simple-change") return false;
  if (dialect === "gateway") return name !== "list" && name !== "queue";
  return true;
}

function routedPrefix(config: SimConfig, prefix: string | undefined): boolean {
  if (prefix === undefined) return true;
  if (config.dialect === "legacy") return false;
  return PREFIXES[config.routes].includes(prefix);
}

/** Whether the path is on a mounted API prefix (else a plain 404, before auth). */
export function isApiPath(pathname: string, config: SimConfig): boolean {
  const m = API_RE.exec(pathname);
  return m !== null && routedPrefix(config, m[1]);
}

function safeDecode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

interface Resolved {
  name: Endpoint;
  method: "GET" | "POST";
  submit?: Submit;
  id?: string;
}

function resolve(rest: string): Resolved | undefined {
  const submit = SUBMITS[rest];
  if (submit) return { name: submit[0], method: "POST", submit: submit[1] };
  if (rest === "/task/list-by-condition") return { name: "list-by-condition", method: "POST" };
  if (rest === "/task/list-by-ids") return { name: "list-by-ids", method: "POST" };
  if (rest === "/task/list") return { name: "list", method: "GET" };
  if (rest === "/task/queue") return { name: "queue", method: "GET" };
  const t = /^\/task\/([^/]+)\/(fetch|image-seed|cancel)$/.exec(rest);
  if (!t) return undefined;
  const id = safeDecode(t[1] as string);
  if (t[2] === "cancel") return { name: "cancel", method: "POST", id };
  return { name: t[2] === "fetch" ? "fetch" : "seed", method: "GET", id };
}

/** java answers its own errors as Spring's JSON; the others as ASP.NET does. */
function failures(dialect: Dialect, pathname: string) {
  if (dialect === "legacy") {
    return {
      notFound: () => springError(404, pathname),
      notAllowed: () => springError(405, pathname),
      badBody: (_detail: string) => springError(400, pathname),
    };
  }
  return { notFound: () => text(404), notAllowed: () => text(405), badBody: badJson };
}

/** java's envelope carries only `discordInstanceId` (trueai mirrors it as `discordChannelId`). */
function legacyEnvelope(reply: Reply): Reply {
  const env = reply.json as { properties?: Record<string, unknown> } | undefined;
  if (!env || typeof env.properties !== "object" || env.properties === null) return reply;
  if (!("discordChannelId" in env.properties)) return reply;
  const { discordChannelId: _drop, ...properties } = env.properties;
  return { ...reply, json: { ...env, properties } };
}

/** `body` is the parsed JSON (undefined when absent, a SyntaxError when unparsable). */
export function route(ctx: Ctx, method: string, pathname: string, body: unknown): Reply {
  const { config } = ctx;
  const fail = failures(config.dialect, pathname);
  const m = API_RE.exec(pathname);
  if (!m || !routedPrefix(config, m[1])) return text(404);
  const pathMode = m[1] ? (MODES[m[1]] ?? null) : null;
  const rest = (m[2] ?? "").replace(/\/+$/, "");

  const found = resolve(rest);
  if (!found || !served(config.dialect, found.name) || config.unrouted.includes(found.name)) {
    return fail.notFound();
  }
  if (method !== found.method) return fail.notAllowed();

  if (found.submit) {
    if (body instanceof SyntaxError) return fail.badBody(body.message);
    if (typeof body !== "object" || body === null || Array.isArray(body)) {
      return fail.badBody("A JSON object request body is required.");
    }
    const reply = found.submit(ctx, { body: body as Record<string, unknown>, pathMode });
    return config.dialect === "legacy" ? legacyEnvelope(reply) : reply;
  }
  switch (found.name) {
    case "list-by-condition":
    case "list-by-ids":
      if (body instanceof SyntaxError) return fail.badBody(body.message);
      if (config.dialect === "legacy" && (typeof body !== "object" || body === null)) {
        return fail.badBody("Required request body is missing");
      }
      return listByCondition(ctx, body);
    case "list":
      return listTasks(ctx);
    case "queue":
      return queue(ctx);
    case "cancel":
      return cancel(ctx, found.id as string);
    case "fetch":
      return fetchTask(ctx, found.id as string);
    default:
      return imageSeed(ctx, found.id as string);
  }
}
