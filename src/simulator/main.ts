/**
 * CLI: `npm run simulator`. Environment: SIM_PORT (8787), SIM_HOST (127.0.0.1), SIM_STEP_MS (1500),
 * SIM_API_KEY (optional), SIM_REMIX (0/1), SIM_DIALECT (trueai|gateway|legacy),
 * SIM_ROUTES (all|mj-path|path|filter), SIM_UNROUTED (comma list of endpoint names),
 * SIM_IMAGE_SIZE (512), SIM_PUBLIC_URL (optional base for media links).
 */
import { ENDPOINTS } from "./options.js";
import { startSimulator } from "./server.js";
import { TRIGGERS } from "./triggers.js";
import type { Dialect, Endpoint, RouteStyle, SimulatorOptions } from "./types.js";

function fail(message: string): never {
  process.stderr.write(`simulator: ${message}\n`);
  process.exit(2);
}

function intEnv(name: string, fallback: number): number {
  const raw = process.env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) fail(`${name} must be a non-negative integer`);
  return value;
}

function boolEnv(name: string): boolean {
  const raw = process.env[name]?.trim().toLowerCase() ?? "";
  if (raw === "" || raw === "0" || raw === "false" || raw === "no") return false;
  if (raw === "1" || raw === "true" || raw === "yes") return true;
  return fail(`${name} must be 0 or 1`);
}

function readEnv(): SimulatorOptions {
  const dialect = (process.env.SIM_DIALECT?.trim() || "trueai") as Dialect;
  if (!["trueai", "gateway", "legacy"].includes(dialect)) {
    fail("SIM_DIALECT must be trueai, gateway or legacy");
  }
  const routes = (process.env.SIM_ROUTES?.trim() || "all") as RouteStyle;
  if (!["all", "mj-path", "path", "filter"].includes(routes)) {
    fail("SIM_ROUTES must be all, mj-path, path or filter");
  }
  const unrouted = (process.env.SIM_UNROUTED ?? "")
    .split(",")
    .map((e) => e.trim())
    .filter(Boolean) as Endpoint[];
  const unknown = unrouted.filter((e) => !ENDPOINTS.includes(e));
  if (unknown.length > 0) {
    fail(`SIM_UNROUTED: unknown endpoint ${unknown.join(", ")} (known: ${ENDPOINTS.join(", ")})`);
  }
  const apiKey = process.env.SIM_API_KEY?.trim();
  const publicUrl = process.env.SIM_PUBLIC_URL?.trim();
  return {
    host: process.env.SIM_HOST?.trim() || "127.0.0.1",
    port: intEnv("SIM_PORT", 8787),
    stepMs: intEnv("SIM_STEP_MS", 1500),
    imageSize: intEnv("SIM_IMAGE_SIZE", 512),
    remix: boolEnv("SIM_REMIX"),
    remixAutoSubmit: boolEnv("SIM_REMIX_AUTO_SUBMIT"),
    dialect,
    routes,
    unrouted,
    recordLimit: 200,
    ...(apiKey ? { apiKey } : {}),
    ...(publicUrl ? { publicUrl } : {}),
  };
}

async function main(): Promise<void> {
  const options = readEnv();
  let sim: Awaited<ReturnType<typeof startSimulator>>;
  try {
    sim = await startSimulator(options);
  } catch (err) {
    fail(err instanceof Error ? err.message : String(err));
  }
  const out = (line = "") => process.stdout.write(`${line}\n`);
  out(`Midjourney proxy simulator listening on ${sim.url}`);
  const legacy = options.dialect === "legacy";
  const keyNote = legacy
    ? options.apiKey
      ? "API key required in mj-api-secret (SIM_API_KEY)"
      : "no API key checked"
    : options.apiKey
      ? "API key required (SIM_API_KEY)"
      : "any non-empty API key accepted";
  out(
    `  dialect ${options.dialect}, routes ${legacy ? "/mj only" : options.routes}, ` +
      `step ${options.stepMs} ms, remix ${options.remix ? "on" : "off"}, ${keyNote}`,
  );
  if (options.unrouted?.length) out(`  unrouted (404): ${options.unrouted.join(", ")}`);
  out();
  out("Point mjcord at it:");
  out(`  MJ_API_URL=${sim.url}`);
  out(`  MJ_API_KEY=${options.apiKey ? "<the SIM_API_KEY value>" : "sim-key"}`);
  const prefix = legacy
    ? ""
    : ({ all: "/fast", "mj-path": "/mj-fast", path: "/fast", filter: "" } as const)[
        options.routes ?? "all"
      ];
  const header = legacy ? "mj-api-secret: sim-key" : "Authorization: Bearer sim-key";
  if (legacy) out("  MJ_AUTH_HEADER=mj-api-secret  MJ_MODE_STYLE=filter");
  else if (options.routes && options.routes !== "all") out(`  MJ_MODE_STYLE=${options.routes}`);
  out();
  out("Try it:");
  out(
    `  curl -s -H '${header}' -H 'content-type: application/json' ` +
      `-d '{"prompt":"a red fox"}' ${sim.url}${prefix}/mj/submit/imagine`,
  );
  out(`  Control: ${sim.url}/sim/config, ${sim.url}/sim/faults; help: ${sim.url}/`);
  out(`  Trigger words: ${TRIGGERS.map((t) => t.word).join(", ")}`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    out(`\n${signal}: closing the simulator`);
    sim.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));
}

void main();
