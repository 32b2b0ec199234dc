// What the operator's Prometheus scrapes from /metrics: one Registry per app (never the
// global one, so that tests can run several apps in one process), every name prefixed
// `mjcord_`. The parts that report get plain callbacks wired in src/app.ts; only this module
// knows prom-client.
import type { REST } from "discord.js";
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

export const METRICS_PREFIX = "mjcord_";

/** How a job ended, as counted in `mjcord_jobs_total{outcome}`. */
export type JobOutcome = "succeeded" | "failed" | "refused" | "cancelled" | "timed_out";

export interface MetricsOptions {
  /** The default process metrics (CPU, memory, event loop, …). Default true. */
  defaultMetrics?: boolean;
}

export class Metrics {
  readonly registry = new Registry();
  private readonly jobs: Counter<"kind" | "outcome">;
  private readonly credits: Counter;
  private readonly proxyRequests: Counter<"endpoint" | "code">;
  private readonly proxySeconds: Histogram<"endpoint">;
  private readonly discordRequests: Counter<"method" | "route" | "status">;
  private readonly discordRateLimits: Counter<"route" | "scope">;
  private readonly discordSeconds: Histogram<"method" | "route">;
  private readonly finalSeconds: Histogram;
  private inFlightSource: (() => Promise<number>) | null = null;

  constructor(options: MetricsOptions = {}) {
    const registers = [this.registry];
    const p = METRICS_PREFIX;
    this.jobs = new Counter({
      name: `${p}jobs_total`,
      help: "Jobs ended, by kind and outcome (counted once their final message is shown)",
      labelNames: ["kind", "outcome"],
      registers,
    });
    const inFlight: Gauge = new Gauge({
      name: `${p}jobs_in_flight`,
      help: "Jobs the bot follows that have not ended yet",
      registers,
      collect: async () => {
        if (!this.inFlightSource) return;
        try {
          inFlight.set(await this.inFlightSource());
        } catch {
          // The store does not answer: the last value stays (/healthz says why).
        }
      },
    });
    this.credits = new Counter({
      name: `${p}credits_spent_total`,
      help: "Credits of the spending policy kept by jobs that succeeded",
      registers,
    });
    this.proxyRequests = new Counter({
      name: `${p}proxy_requests_total`,
      help: "HTTP exchanges with the Midjourney proxy, by endpoint and HTTP code (network: no answer)",
      labelNames: ["endpoint", "code"],
      registers,
    });
    this.proxySeconds = new Histogram({
      name: `${p}proxy_request_duration_seconds`,
      help: "How long the proxy took to answer, by endpoint",
      labelNames: ["endpoint"],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers,
    });
    this.discordRequests = new Counter({
      name: `${p}discord_requests_total`,
      help: "Discord REST answers, by method, route and HTTP status",
      labelNames: ["method", "route", "status"],
      registers,
    });
    this.discordRateLimits = new Counter({
      name: `${p}discord_rate_limits_total`,
      help: "Discord rate limits hit (the REST client waited), by route and scope",
      labelNames: ["route", "scope"],
      registers,
    });
    this.discordSeconds = new Histogram({
      name: `${p}discord_request_duration_seconds`,
      help: "How long Discord took to answer one request (time spent waiting for a rate limit left out), by method and route",
      labelNames: ["method", "route"],
      buckets: [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15],
      registers,
    });
    this.finalSeconds = new Histogram({
      name: `${p}final_message_latency_seconds`,
      help: "From the tracker seeing a job's SUCCESS to its final message shown on Discord",
      buckets: [0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120],
      registers,
    });
    if (options.defaultMetrics ?? true) {
      collectDefaultMetrics({ register: this.registry, prefix: p });
    }
  }

  /** Where `mjcord_jobs_in_flight` is read at each scrape. */
  countInFlight(source: () => Promise<number>): void {
    this.inFlightSource = source;
  }

  jobEnded(kind: string, outcome: JobOutcome): void {
    this.jobs.inc({ kind, outcome });
  }

  creditsSpent(credits: number): void {
    if (Number.isFinite(credits) && credits > 0) this.credits.inc(credits);
  }

  /** One exchange with the proxy: `path` as asked (ids and speed prefixes are generalised). */
  proxyRequest(path: string, status: number | null, seconds: number): void {
    const endpoint = proxyEndpoint(path);
    this.proxyRequests.inc({ endpoint, code: status === null ? "network" : String(status) });
    this.proxySeconds.observe({ endpoint }, seconds);
  }

  discordRequest(method: string, route: string, status: number): void {
    this.discordRequests.inc({ method, route: discordRoute(route), status: String(status) });
  }

  discordRateLimited(route: string, scope: string): void {
    this.discordRateLimits.inc({ route: discordRoute(route), scope });
  }

  /** A job's final message was shown `seconds` after its SUCCESS was seen. */
  finalShown(seconds: number): void {
    if (Number.isFinite(seconds) && seconds >= 0) this.finalSeconds.observe(seconds);
  }

  /**
   * Counts every answer and rate limit of a discord.js REST client, and times each request
   * on the wire: @discordjs/rest tells when an answer came but not when its request left, so
   * the client's `makeRequest` (the one call that goes to the network, after any wait for a
   * rate limit) is wrapped.
   */
  watchRest(rest: REST): void {
    const send = rest.options.makeRequest;
    rest.options.makeRequest = async (url, init) => {
      const started = performance.now();
      try {
        return await send(url, init);
      } finally {
        const method = (init.method ?? "GET").toUpperCase();
        const route = discordRoute(apiPath(url));
        this.discordSeconds.observe({ method, route }, (performance.now() - started) / 1000);
      }
    };
    rest.on("response", (request, response) => {
      this.discordRequest(request.method, request.route, response.status);
    });
    rest.on("rateLimited", (info) => {
      this.discordRateLimited(info.route, info.scope);
    });
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }
}

/**
 * A proxy path as a label: the speed prefix (`/fast`, `/mj-fast`) dropped, task ids
 * replaced, the query left off: `/fast/mj/task/123/fetch` -> `/mj/task/:id/fetch`.
 */
export function proxyEndpoint(path: string): string {
  const bare = path.split("?")[0] ?? "";
  const at = bare.indexOf("/mj/");
  if (at < 0) return "other";
  return bare
    .slice(at)
    .replace(/^\/mj\/task\/(?!list(?:-by-condition)?(?:\/|$))[^/]+/, "/mj/task/:id")
    .slice(0, 80);
}

/** The path of a Discord API URL after its version: `…/api/v10/channels/1` -> `/channels/1`. */
function apiPath(url: string): string {
  let path: string;
  try {
    // Decoded, as discord.js names its routes (`@original`, not `%40original`).
    path = decodeURIComponent(new URL(url).pathname);
  } catch {
    return "other";
  }
  const version = /\/v\d+(?=\/)/.exec(path);
  return version ? path.slice(version.index + version[0].length) : path;
}

/**
 * A Discord route as a label: discord.js already replaces snowflakes and webhook tokens;
 * any other id or token-like segment is replaced too, so no secret or unbounded value
 * becomes a label.
 */
export function discordRoute(route: string): string {
  const segments = route.replace(/\?.*$/, "").split("/");
  return segments
    .map((segment, i) => {
      if (/^\d+$/.test(segment)) return ":id";
      // The segment after `/webhooks/{id}` or `/interactions/{id}` is a token however short.
      if (
        i >= 2 &&
        TOKEN_AFTER.has(segments[i - 2] ?? "") &&
        /^(\d+|:id)$/.test(segments[i - 1] ?? "")
      ) {
        return ":token";
      }
      if (segment.length > 32) return ":token";
      return segment;
    })
    .join("/")
    .slice(0, 100);
}

const TOKEN_AFTER = new Set(["webhooks", "interactions"]);
