/**
 * API-key check: `Authorization: Bearer KEY`, the raw key in Authorization, or `mj-api-secret`
 * (legacy: `mj-api-secret` only).
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import { json, type Reply, text } from "./envelope.js";
import type { Dialect } from "./types.js";

export type AuthResult = "ok" | "missing" | "wrong";

function first(value: string | string[] | undefined): string {
  return (Array.isArray(value) ? value[0] : value)?.trim() ?? "";
}

function same(a: string, b: string): boolean {
  const da = createHash("sha256").update(a).digest();
  const db = createHash("sha256").update(b).digest();
  return timingSafeEqual(da, db);
}

/** The keys a request offers (gateway rule: an empty or "midjourney-proxy" Authorization is skipped). */
export function offeredKeys(headers: IncomingHttpHeaders): string[] {
  const keys: string[] = [];
  const auth = first(headers.authorization);
  if (auth && auth !== "midjourney-proxy") {
    const bearer = /^Bearer(?:\s+(.*))?$/i.exec(auth);
    if (bearer) keys.push((bearer[1] ?? "").trim());
    else keys.push(auth);
  }
  keys.push(first(headers["mj-api-secret"]));
  return keys.filter((k) => k.length > 0);
}

/**
 * java (§1) reads only `mj-api-secret`, and only when a secret is configured: without one every
 * request passes, with one a wrong or missing header is a 401 with an empty body.
 */
export function checkAuth(
  headers: IncomingHttpHeaders,
  apiKey: string | undefined,
  dialect: Dialect = "trueai",
): AuthResult {
  if (dialect === "legacy") {
    if (apiKey === undefined) return "ok";
    const secret = first(headers["mj-api-secret"]);
    if (!secret) return "missing";
    return same(secret, apiKey) ? "ok" : "wrong";
  }
  const keys = offeredKeys(headers);
  if (keys.length === 0) return "missing";
  if (apiKey === undefined) return "ok";
  return keys.some((k) => same(k, apiKey)) ? "ok" : "wrong";
}

/** The 401 answer; never echoes what was sent. */
export function unauthorised(result: AuthResult, dialect: Dialect): Reply {
  if (dialect === "gateway") {
    return json({ error: { message: "无效的令牌", type: "new_api_error" } }, 401);
  }
  if (dialect === "legacy") return text(401);
  return result === "missing" ? text(401, "Authorization header missing.") : text(401);
}
