/** The HTTP server: body reading, recording, faults, auth, media, and dispatch. */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { checkAuth, unauthorised } from "./auth.js";
import type { Ctx } from "./common.js";
import { control, helpPage, isControlPath } from "./control.js";
import { type Reply, text } from "./envelope.js";
import { FaultQueue } from "./faults.js";
import { MediaStore } from "./media.js";
import { applyOptions, resolveOptions, validateOptions } from "./options.js";
import { isApiPath, route } from "./router.js";
import { TaskStore } from "./store.js";
import { view } from "./task.js";
import type { Fault, RecordedRequest, SimConfig, Simulator, SimulatorOptions } from "./types.js";

const BODY_LIMIT = 64 * 1024 * 1024;

class TooLarge extends Error {}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > BODY_LIMIT) throw new TooLarge();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** JSON value, SyntaxError when it does not parse, undefined when empty. */
function parseJson(raw: Buffer): unknown {
  if (raw.length === 0) return undefined;
  try {
    return JSON.parse(raw.toString("utf8"));
  } catch (err) {
    return err instanceof SyntaxError ? err : new SyntaxError(String(err));
  }
}

function flatHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) {
    if (v !== undefined) out[k] = Array.isArray(v) ? v.join(", ") : v;
  }
  return out;
}

function send(res: ServerResponse, reply: Reply, head: boolean): void {
  if (res.destroyed || res.writableEnded) return;
  let body: Buffer = Buffer.alloc(0);
  let type = reply.contentType;
  if (reply.json !== undefined) {
    body = Buffer.from(JSON.stringify(reply.json));
    type = "application/json; charset=utf-8";
  } else if (reply.raw !== undefined) {
    body = typeof reply.raw === "string" ? Buffer.from(reply.raw) : reply.raw;
  }
  res.statusCode = reply.status;
  if (reply.status !== 204 && reply.status !== 304) {
    if (type && (body.length > 0 || reply.json !== undefined || reply.raw !== undefined)) {
      res.setHeader("content-type", type);
    }
    res.setHeader("content-length", body.length);
  }
  res.end(head || reply.status === 204 ? undefined : body);
}

function faultReply(fault: Fault): Reply {
  const body = fault.body ?? "";
  let isJson = false;
  try {
    JSON.parse(body);
    isJson = body.length > 0;
  } catch {
    isJson = false;
  }
  const status = fault.status ?? (fault.body !== undefined ? 200 : 500);
  return text(
    status,
    body,
    isJson ? "application/json; charset=utf-8" : "text/plain; charset=utf-8",
  );
}

function hasEffect(fault: Fault): boolean {
  return fault.drop === true || fault.status !== undefined || fault.body !== undefined;
}

function urlHost(host: string): string {
  if (host === "0.0.0.0" || host === "" || host === "::") return "127.0.0.1";
  return host.includes(":") ? `[${host}]` : host;
}

export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  let config: SimConfig = resolveOptions(options);
  let listenBase = "";
  const base = () => config.publicUrl?.replace(/\/+$/, "") ?? listenBase;
  const media = new MediaStore(base);
  const store = new TaskStore(() => config, media);
  const faults = new FaultQueue();
  const requests: RecordedRequest[] = [];
  const ctx = (): Ctx => ({ config, store, media });
  const closing = new AbortController();
  const pause = (ms: number) => sleep(ms, undefined, { signal: closing.signal });

  const configure = (update: Partial<SimulatorOptions>): void => {
    const problems = validateOptions(update);
    if (problems.length > 0)
      throw new TypeError(`Invalid simulator options: ${problems.join("; ")}`);
    const { host: _host, port: _port, ...rest } = update;
    config = applyOptions(config, rest);
  };
  const controls = { config: () => config, configure, faults };

  function dispatch(req: IncomingMessage, pathname: string, body: unknown): Reply {
    const method = req.method ?? "GET";
    if (pathname === "/" && method === "GET") return helpPage(base(), config);
    if (isControlPath(pathname)) {
      // Open on loopback; guarded by the key when one is configured.
      if (config.apiKey !== undefined) {
        const auth = checkAuth(req.headers, config.apiKey);
        if (auth !== "ok")
          return unauthorised(auth, config.dialect === "gateway" ? "gateway" : "trueai");
      }
      return control(controls, method, pathname, body);
    }
    if (pathname.startsWith("/sim/")) {
      if (method !== "GET" && method !== "HEAD") return text(405);
      const file = media.get(pathname);
      return file ? { status: 200, raw: file.bytes, contentType: file.contentType } : text(404);
    }
    if (!isApiPath(pathname, config)) return text(404);
    const auth = checkAuth(req.headers, config.apiKey, config.dialect);
    if (auth !== "ok") return unauthorised(auth, config.dialect);
    const reply = route(ctx(), method, pathname, body);
    // new-api rewrites "queued" to plain success (docs/proxy-behaviour.md §16).
    const env = reply.json as { code?: unknown } | undefined;
    if (config.dialect === "gateway" && env && env.code === 22) {
      return { ...reply, json: { ...(reply.json as object), code: 1 } };
    }
    return reply;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const target = req.url ?? "/";
    const pathname = target.split("?")[0] ?? "/";
    let raw: Buffer;
    try {
      raw = await readBody(req);
    } catch (err) {
      if (err instanceof TooLarge) {
        res.setHeader("connection", "close");
        send(res, text(413, "Request body too large"), false);
      } else {
        res.destroy();
      }
      return;
    }
    const parsed = parseJson(raw);
    requests.push({
      method: req.method ?? "GET",
      path: target,
      headers: flatHeaders(req),
      body:
        parsed instanceof SyntaxError ? raw.toString("utf8") : parsed === undefined ? null : parsed,
    });
    // Same array object throughout, so callers' references stay valid.
    if (requests.length > config.recordLimit) {
      requests.splice(0, requests.length - config.recordLimit);
    }

    const fault = isControlPath(pathname) ? undefined : faults.take(pathname);
    if (fault && !fault.afterHandling) {
      if (fault.delayMs) await pause(fault.delayMs);
      if (hasEffect(fault)) {
        if (fault.drop) req.socket.destroy();
        else send(res, faultReply(fault), req.method === "HEAD");
        return;
      }
    }
    const reply = dispatch(req, pathname, parsed);
    if (fault?.afterHandling) {
      if (fault.delayMs) await pause(fault.delayMs);
      if (fault.drop) {
        req.socket.destroy();
        return;
      }
      if (hasEffect(fault)) {
        send(res, faultReply(fault), req.method === "HEAD");
        return;
      }
    }
    send(res, reply, req.method === "HEAD");
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) send(res, text(500, "Internal Server Error"), false);
      else res.destroy();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.port, config.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  listenBase = `http://${urlHost(config.host)}:${address.port}`;

  let closed: Promise<void> | undefined;
  return {
    get url() {
      return base();
    },
    requests,
    configure,
    injectFault: (fault: Fault) => faults.add(fault),
    task: (id: string) => {
      const task = store.get(id);
      return task ? view(task, config.dialect) : undefined;
    },
    close: () => {
      closed ??= new Promise<void>((resolve) => {
        store.close();
        closing.abort();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closed;
    },
  };
}
