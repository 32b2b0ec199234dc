// Typed errors of the proxy layer. Each carries what the proxy said (code, description,
// HTTP status) and a `userMessage` in plain words that a member may see.
import { plainWords } from "./messages.js";

export type ProxyErrorKind =
  /** The proxy answered with an error envelope (a code other than 1, 21, 22). */
  | "rejected"
  /** A non-2xx answer without an envelope, e.g. 5xx or 401. */
  | "http"
  /** No usable answer: connection failed, timed out or was cut. */
  | "network"
  /** A 2xx answer that is not what the API promises. */
  | "protocol";

export interface ProxyErrorInit {
  kind: ProxyErrorKind;
  code?: number | undefined;
  description?: string | undefined;
  httpStatus?: number | undefined;
  /** For submits: true when the request may have reached the proxy (so the job may exist). */
  mayHaveSubmitted?: boolean;
  cause?: unknown;
  /** Properties of the envelope, e.g. bannedWord for code 24. */
  properties?: Record<string, unknown>;
}

export class ProxyError extends Error {
  readonly kind: ProxyErrorKind;
  readonly code: number | undefined;
  readonly description: string | undefined;
  readonly httpStatus: number | undefined;
  readonly mayHaveSubmitted: boolean;
  readonly properties: Record<string, unknown>;
  readonly userMessage: string;

  constructor(init: ProxyErrorInit) {
    const summary = [
      init.kind,
      init.httpStatus !== undefined ? `HTTP ${init.httpStatus}` : undefined,
      init.code !== undefined ? `code ${init.code}` : undefined,
      init.description,
    ]
      .filter(Boolean)
      .join(", ");
    super(`proxy error: ${summary}`, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = "ProxyError";
    this.kind = init.kind;
    this.code = init.code;
    this.description = init.description;
    this.httpStatus = init.httpStatus;
    this.mayHaveSubmitted = init.mayHaveSubmitted ?? false;
    this.properties = init.properties ?? {};
    this.userMessage = userMessageFor(init);
  }

  /**
   * Whether asking again could go differently: not for refused input (code 4) or a banned
   * prompt (24), and not when the first request may have started a job (no double charge).
   * Only an answer that says the job was refused (an error envelope, a 4xx) or a request
   * that never left leaves nothing running; see `mayFollowSubmit`.
   */
  get worthRetrying(): boolean {
    if (this.mayHaveSubmitted || this.routeMissing) return false;
    return !(this.kind === "rejected" && (this.code === 4 || this.code === 24));
  }

  /**
   * The proxy has no such route (HTTP 404 or 405 without an envelope code): it cannot do
   * this at all, as opposed to not knowing a task (code 3, which trueai sends with a 404).
   */
  get routeMissing(): boolean {
    return (this.httpStatus === 404 || this.httpStatus === 405) && this.code === undefined;
  }

  /** The task (or button's parent) is unknown to the proxy (code 3 / HTTP 404). */
  get isNotFound(): boolean {
    return this.code === 3 || this.httpStatus === 404;
  }
}

/**
 * Whether a submit's failed answer may come after the proxy took the job: a 5xx or a timeout
 * (408) from a gateway in front of it, which answers so when the upstream is slow or its
 * answer is lost, or a gateway's code 5 ("unknown or transport error", docs/proxy-behaviour.md
 * §4, §16). Any other answer says the job was refused: nothing runs.
 */
export function mayFollowSubmit(httpStatus: number | undefined, code?: number | null): boolean {
  if (code === 5) return true;
  return httpStatus !== undefined && (httpStatus >= 500 || httpStatus === 408);
}

const MAY_STILL_RUN = "The job may still run; if nothing shows up in a few minutes, try again.";

function userMessageFor(init: ProxyErrorInit): string {
  const fromText = plainWords(init.description);
  switch (init.kind) {
    case "rejected": {
      if (init.mayHaveSubmitted) {
        return `${fromText || `The Midjourney proxy had a problem (code ${init.code}).`} ${MAY_STILL_RUN}`;
      }
      const banned = init.properties?.bannedWord;
      if (init.code === 24 && typeof banned === "string" && banned !== "") {
        return `Midjourney's word filter flagged "${banned}" in this prompt. Rephrase it and try again.`;
      }
      if (init.code === 24) return plainWords("可能包含敏感词");
      if (init.code === 23) return plainWords("队列已满");
      if (init.code === 30 || init.httpStatus === 429) {
        return "The Midjourney proxy is busy. Try again in a minute.";
      }
      return fromText || `The proxy refused the request (code ${init.code}).`;
    }
    case "http":
      if (init.mayHaveSubmitted) {
        return `The Midjourney proxy had a problem (HTTP ${init.httpStatus}). ${MAY_STILL_RUN}`;
      }
      if (init.httpStatus === 401 || init.httpStatus === 403) {
        return "The bot's Midjourney proxy key was refused. Ask the server admin to check MJ_API_KEY.";
      }
      if (init.httpStatus === 429) return "The Midjourney proxy is busy. Try again in a minute.";
      if (init.httpStatus === 404 || init.httpStatus === 405) {
        return "This server's Midjourney proxy does not offer this.";
      }
      if (fromText) return fromText;
      return `The Midjourney proxy had a problem (HTTP ${init.httpStatus}). Try again in a moment.`;
    case "network":
      return init.mayHaveSubmitted
        ? `The Midjourney proxy did not answer in time. ${MAY_STILL_RUN}`
        : "The Midjourney proxy could not be reached. Try again in a moment.";
    case "protocol":
      return "The Midjourney proxy gave an answer the bot does not understand. Try again later.";
  }
}
