/**
 * Injected faults: the next matching requests answer 429 (with Discord's rate-limit headers
 * and body) or a 5xx, before any routing. They are not violations.
 */
import { createHash } from "node:crypto";
import type { Reply } from "./http.js";
import type { RecordedRequest } from "./state.js";

/** Which requests a fault hits: a RegExp or substring of the decoded path, or a predicate. */
export type RequestMatch = RegExp | string | ((request: RecordedRequest) => boolean);

/** Options of `rateLimitNext`. */
export interface RateLimitOptions {
  match: RequestMatch;
  /** only this HTTP method (any if omitted) */
  method?: string;
  /** how many matching requests get a 429 (default 1) */
  times?: number;
  /** Retry-After in milliseconds (default 300) */
  retryAfterMs?: number;
  /** a global rate limit (X-RateLimit-Global) instead of a per-route one */
  global?: boolean;
}

/** Options of `failNext`. */
export interface FailOptions {
  match: RequestMatch;
  method?: string;
  /** status to answer (default 500) */
  status?: number;
  /** how many matching requests fail (default 1) */
  times?: number;
  /** JSON body (default `{message: "500: Internal Server Error", code: 0}`) */
  body?: unknown;
}

interface Fault {
  match: RequestMatch;
  method?: string;
  remaining: number;
  reply: (request: RecordedRequest) => Reply;
}

/** A bucket hash per route shape (ids and tokens left out), as Discord sends. */
function bucketOf(request: RecordedRequest): string {
  const shape = request.path
    .split("/")
    .map((seg, i, all) =>
      /^\d{17,20}$/.test(seg) || all[i - 2] === "webhooks" || all[i - 2] === "interactions"
        ? ":id"
        : seg,
    )
    .join("/");
  return createHash("sha1").update(`${request.method} ${shape}`).digest("hex").slice(0, 16);
}

function matches(match: RequestMatch, request: RecordedRequest): boolean {
  if (typeof match === "function") return match(request);
  if (typeof match === "string") return request.path.includes(match);
  return match.test(request.path);
}

/** The queue of injected faults. */
export class Faults {
  private readonly faults: Fault[] = [];

  /** The next `times` matching requests answer 429. */
  rateLimit(opts: RateLimitOptions): void {
    const retryAfterMs = opts.retryAfterMs ?? 300;
    const seconds = retryAfterMs / 1000;
    this.faults.push({
      match: opts.match,
      ...(opts.method ? { method: opts.method.toUpperCase() } : {}),
      remaining: opts.times ?? 1,
      reply: (request) => ({
        status: 429,
        headers: {
          "retry-after": String(seconds),
          "x-ratelimit-limit": "5",
          "x-ratelimit-remaining": "0",
          "x-ratelimit-reset": String(Date.now() / 1000 + seconds),
          "x-ratelimit-reset-after": String(seconds),
          "x-ratelimit-bucket": bucketOf(request),
          "x-ratelimit-scope": opts.global ? "global" : "user",
          ...(opts.global ? { "x-ratelimit-global": "true" } : {}),
        },
        body: {
          message: "You are being rate limited.",
          retry_after: seconds,
          global: opts.global ?? false,
        },
      }),
    });
  }

  /** The next `times` matching requests answer a 5xx (or the given status). */
  fail(opts: FailOptions): void {
    const status = opts.status ?? 500;
    this.faults.push({
      match: opts.match,
      ...(opts.method ? { method: opts.method.toUpperCase() } : {}),
      remaining: opts.times ?? 1,
      reply: () => ({
        status,
        body: opts.body ?? { message: `${status}: Internal Server Error`, code: 0 },
      }),
    });
  }

  /** The reply of the first fault hitting `request` (and uses it up), or undefined. */
  take(request: RecordedRequest): Reply | undefined {
    const fault = this.faults.find(
      (f) =>
        f.remaining > 0 && (!f.method || f.method === request.method) && matches(f.match, request),
    );
    if (!fault) return undefined;
    fault.remaining -= 1;
    if (fault.remaining === 0) this.faults.splice(this.faults.indexOf(fault), 1);
    return fault.reply(request);
  }
}
