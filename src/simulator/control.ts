/** Operator control over HTTP: /sim/config and /sim/faults, plus a help page at /. */
import { json, type Reply, text } from "./envelope.js";
import { type FaultQueue, faultFromJson } from "./faults.js";
import { publicView, validateOptions } from "./options.js";
import { TRIGGERS } from "./triggers.js";
import type { SimConfig, SimulatorOptions } from "./types.js";

export interface Controls {
  config(): SimConfig;
  configure(update: Partial<SimulatorOptions>): void;
  faults: FaultQueue;
}

export function isControlPath(pathname: string): boolean {
  return pathname === "/sim/config" || pathname === "/sim/faults";
}

function problem(status: number, message: string): Reply {
  return json({ error: message }, status);
}

export function control(c: Controls, method: string, pathname: string, body: unknown): Reply {
  if (body instanceof SyntaxError) return problem(400, `invalid JSON: ${body.message}`);
  if (pathname === "/sim/config") {
    if (method === "GET") return json(publicView(c.config()));
    if (method !== "POST") return text(405);
    const problems = validateOptions(body);
    if (typeof body === "object" && body !== null && ("host" in body || "port" in body)) {
      problems.push("host and port cannot change while running");
    }
    if (problems.length > 0) return problem(400, problems.join("; "));
    c.configure(body as Partial<SimulatorOptions>);
    return json(publicView(c.config()));
  }
  // /sim/faults
  if (method === "GET") return json(c.faults.list());
  if (method === "DELETE") {
    c.faults.clear();
    return json([]);
  }
  if (method !== "POST") return text(405);
  const fault = faultFromJson(body);
  if (typeof fault === "string") return problem(400, fault);
  c.faults.add(fault);
  return json(c.faults.list());
}

const ROUTE_PREFIXES: Record<SimConfig["routes"], string> = {
  all: "/mj, /fast/mj, /relax/mj, /turbo/mj, /mj-fast/mj, /mj-relax/mj, /mj-turbo/mj",
  "mj-path": "/mj, /mj-fast/mj, /mj-relax/mj, /mj-turbo/mj",
  path: "/mj, /fast/mj, /relax/mj, /turbo/mj",
  filter: "/mj only (speed from accountFilter.modes)",
};

function apiLines(config: SimConfig): string[] {
  if (config.dialect === "legacy") {
    return [
      "API (legacy novicezk: /mj only; key in mj-api-secret when SIM_API_KEY is set):",
      "  POST /mj/submit/imagine|blend|describe|change|simple-change",
      "  GET  /mj/task/{id}/fetch, GET /mj/task/list|queue, POST /mj/task/list-by-condition",
    ];
  }
  return [
    `API (prefixes ${ROUTE_PREFIXES[config.routes]}):`,
    "  POST /mj/submit/imagine|blend|describe|shorten|action|modal|video|edits",
    "  POST /mj/insight-face/swap",
    "  GET  /mj/task/{id}/fetch, GET /mj/task/{id}/image-seed, POST /mj/task/list-by-condition",
    `  POST /mj/task/{id}/cancel${config.dialect === "gateway" ? "" : ", GET /mj/task/list|queue"}`,
  ];
}

export function helpPage(base: string, config: SimConfig): Reply {
  const lines = [
    `mjcord proxy simulator: answers like a Midjourney proxy (dialect ${config.dialect}).`,
    "",
    `Point mjcord at it:  MJ_API_URL=${base}  MJ_API_KEY=<any non-empty key unless SIM_API_KEY is set>`,
    "",
    ...apiLines(config),
    ...(config.unrouted.length > 0
      ? [`  not routed (HTTP 404): ${config.unrouted.join(", ")}`]
      : []),
    "",
    "Options (SIM_* at start, or POST /sim/config): dialect trueai|gateway|legacy,",
    "  routes all|mj-path|path|filter, unrouted <endpoint,…>, remix, remixAutoSubmit, stepMs, imageSize,",
    "  unknownFetch, seedSupport, editsSupported, videoSupported, shortenPicks, recordLimit",
    "",
    "Control: GET|POST /sim/config, GET|POST|DELETE /sim/faults",
    "",
    "Trigger words (put them in a prompt):",
    ...TRIGGERS.map((t) => `  ${t.word.padEnd(18)} ${t.when.padEnd(7)} ${t.effect}`),
    "",
  ];
  return text(200, lines.join("\n"));
}
