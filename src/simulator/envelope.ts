/**
 * HTTP replies: the submit envelope (§4), gateway errors (§16), plain answers.
 * § numbers refer to docs/proxy-behaviour.md.
 */
import type { Envelope } from "./types.js";

/** The simulated Discord account (same as the fixtures). */
export const INSTANCE_ID = "1372845222307958867";

export function instanceProps(): Record<string, unknown> {
  return { discordInstanceId: INSTANCE_ID, discordChannelId: INSTANCE_ID };
}

export interface Reply {
  status: number;
  /** Serialised as JSON. */
  json?: unknown;
  /** Sent as-is (with `contentType`, default text/plain). */
  raw?: string | Buffer;
  contentType?: string;
}

export function envelope(
  code: number,
  description: string,
  result: string | null = null,
  properties: Record<string, unknown> = {},
  status = 200,
): Reply {
  const body: Envelope = { code, description, result, properties };
  return { status, json: body };
}

/** Code 1 "提交成功", or 22 when `ahead` tasks wait before it. */
export function submitted(id: string, ahead = 0): Reply {
  if (ahead > 0) {
    return envelope(22, `排队中，前面还有${ahead}个任务`, id, {
      numberOfQueues: ahead,
      ...instanceProps(),
    });
  }
  return envelope(1, "提交成功", id, instanceProps());
}

/** Code 4 (HTTP 200 unless told otherwise). */
export function invalid(description: string, status = 200): Reply {
  return envelope(4, description, null, {}, status);
}

/** The new-api error body: no result, no properties. */
export function gatewayError(status: number, code: number, description: string): Reply {
  return { status, json: { description, type: "upstream_error", code } };
}

export function json(value: unknown, status = 200): Reply {
  return { status, json: value };
}

export function text(status: number, body = "", contentType = "text/plain; charset=utf-8"): Reply {
  return { status, raw: body, contentType };
}

/** ASP.NET-style answer for a body that is not the expected JSON. */
export function badJson(detail: string): Reply {
  return {
    status: 400,
    json: {
      type: "https://tools.ietf.org/html/rfc9110#section-15.5.1",
      title: "One or more validation errors occurred.",
      status: 400,
      errors: { $: [detail] },
    },
  };
}
