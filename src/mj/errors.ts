// Typed errors of the proxy layer. Each carries what the proxy said (code, description,
// HTTP status) and a reason code; src/discord/lang words it for the member.

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
  readonly reason: ProxyReason;

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
    this.reason = reasonOf(init);
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

/** What went wrong, for src/discord to put in the member's words (with `code`, `httpStatus`). */
export type ProxyReason =
  /** The answer to a submit is unclear: the proxy may have the job (`mayHaveSubmitted`). */
  | "may-run"
  /** Code 24 with the word in `properties.bannedWord`. */
  | "banned-word"
  /** Code 24 without the word. */
  | "banned-prompt"
  /** Code 23. */
  | "queue-full"
  /** Code 30 or HTTP 429. */
  | "busy"
  /** Any other error envelope: `description` says what. */
  | "refused"
  /** HTTP 401 or 403: the proxy key. */
  | "key-refused"
  /** HTTP 404 or 405 without an envelope: the proxy has no such route. */
  | "no-route"
  /** Any other non-2xx answer. */
  | "http"
  /** The proxy could not be reached. */
  | "unreachable"
  /** A 2xx answer that is not what the API promises. */
  | "unexpected";

/** The reason code of an error (the proxy layer says what; src/discord words it). */
export function reasonOf(init: ProxyErrorInit): ProxyReason {
  switch (init.kind) {
    case "rejected": {
      if (init.mayHaveSubmitted) return "may-run";
      const banned = init.properties?.bannedWord;
      if (init.code === 24)
        return typeof banned === "string" && banned !== "" ? "banned-word" : "banned-prompt";
      if (init.code === 23) return "queue-full";
      if (init.code === 30 || init.httpStatus === 429) return "busy";
      return "refused";
    }
    case "http":
      if (init.mayHaveSubmitted) return "may-run";
      if (init.httpStatus === 401 || init.httpStatus === 403) return "key-refused";
      if (init.httpStatus === 429) return "busy";
      if (init.httpStatus === 404 || init.httpStatus === 405) return "no-route";
      return "http";
    case "network":
      return init.mayHaveSubmitted ? "may-run" : "unreachable";
    case "protocol":
      return "unexpected";
  }
}
