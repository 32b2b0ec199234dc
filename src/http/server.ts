// The one small HTTP server (started only when HTTP_PORT is set): /healthz for a supervisor
// or a container's health check, /metrics for Prometheus. Bodies are never read for these
// routes; an odd request gets 400/404/405, never a crash.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Logger } from "../log.js";
import type { Metrics } from "./metrics.js";

/** What /healthz asks about. */
export interface Health {
  /** The Discord gateway is connected and ready. */
  gatewayReady(): boolean;
  /** A cheap real read and write of the store; rejects (or hangs: timed out) when it fails. */
  probeStore(): Promise<void>;
  /** Jobs in flight (a store read). */
  inFlight(): Promise<number>;
}

/**
 * A route added by another part (the notify hook, `/hooks/mj/<secret>`, goes here): it
 * answers the request and resolves true, or resolves false to let the server answer 404.
 */
export type ExtraRoute = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

export interface HttpServerOptions {
  host: string;
  /** 0: any free port (tests). */
  port: number;
  metrics: Metrics;
  health: Health;
  log: Pick<Logger, "info" | "warn" | "error">;
  /** Longest wait for the store's probe. Default 2 s. */
  probeTimeoutMs?: number;
  /** Routes for paths the server itself does not know (reserved for the notify hook). */
  extraRoutes?: readonly ExtraRoute[];
  now?: () => number;
}

export interface HttpServer {
  /** `http://host:port`, the bound address. */
  url: string;
  port: number;
  close(): Promise<void>;
}

const ROUTES: Record<string, "healthz" | "metrics"> = {
  "/healthz": "healthz",
  "/metrics": "metrics",
};

export async function startHttpServer(options: HttpServerOptions): Promise<HttpServer> {
  const startedAt = (options.now ?? Date.now)();
  const server = createServer({ requestTimeout: 10_000, headersTimeout: 10_000 }, (req, res) => {
    handle(req, res).catch((error: unknown) => {
      options.log.error({ err: error, path: pathOf(req) }, "HTTP request failed");
      if (!res.headersSent) send(res, 500, "text/plain; charset=utf-8", "internal error\n");
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 5_000;
  server.on("clientError", (_error, socket) => {
    if (socket.writable) socket.end("HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n");
    else socket.destroy();
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // A body is never read here: the connection closes after the answer instead.
    if (req.headers["content-length"] !== undefined || req.headers["transfer-encoding"]) {
      res.setHeader("connection", "close");
    }
    const path = pathOf(req);
    const route = path === null ? undefined : ROUTES[path];
    if (route === undefined) {
      for (const extra of options.extraRoutes ?? []) if (await extra(req, res)) return;
      return send(res, 404, "text/plain; charset=utf-8", "not found\n");
    }
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.setHeader("allow", "GET, HEAD");
      return send(res, 405, "text/plain; charset=utf-8", "method not allowed\n");
    }
    if (route === "metrics") {
      const text = await options.metrics.text();
      return send(res, 200, options.metrics.contentType, text, req.method === "HEAD");
    }
    const report = await healthReport();
    return send(
      res,
      report.status === "ok" ? 200 : 503,
      "application/json; charset=utf-8",
      `${JSON.stringify(report)}\n`,
      req.method === "HEAD",
    );
  }

  async function healthReport(): Promise<Record<string, unknown>> {
    const timeoutMs = options.probeTimeoutMs ?? 2_000;
    const gateway = safely(() => options.health.gatewayReady());
    const [store, inFlight] = await Promise.all([
      within(options.health.probeStore(), timeoutMs).then(
        () => "ok" as const,
        () => "failing" as const,
      ),
      within(options.health.inFlight(), timeoutMs).catch(() => null),
    ]);
    const failing = [...(gateway ? [] : ["gateway"]), ...(store === "ok" ? [] : ["store"])];
    return {
      status: failing.length === 0 ? "ok" : "failing",
      ...(failing.length > 0 ? { failing } : {}),
      gateway: gateway ? "ready" : "not ready",
      store,
      uptimeSeconds: Math.round(((options.now ?? Date.now)() - startedAt) / 1000),
      jobsInFlight: inFlight,
    };
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  server.on("error", (error) => options.log.error({ err: error }, "HTTP server error"));
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  options.log.info({ url }, `serving /healthz and /metrics on ${url}`);
  return {
    url,
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** The request's path without its query; null when it cannot be parsed. */
function pathOf(req: IncomingMessage): string | null {
  try {
    return new URL(req.url ?? "/", "http://localhost").pathname;
  } catch {
    return null;
  }
}

function send(
  res: ServerResponse,
  status: number,
  type: string,
  body: string,
  headOnly = false,
): void {
  res.statusCode = status;
  res.setHeader("content-type", type);
  res.setHeader("cache-control", "no-store");
  res.setHeader("content-length", Buffer.byteLength(body));
  res.end(headOnly ? undefined : body);
}

function safely(check: () => boolean): boolean {
  try {
    return check();
  } catch {
    return false;
  }
}

/** The promise, or a rejection once `ms` have passed. */
function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
