// The container's health check (Dockerfile HEALTHCHECK, compose.yaml): asks the bot's own
// HTTP server for GET /healthz and exits 0 on 200, 1 on anything else (503, no answer within
// 3 s, nothing listening, HTTP_PORT unset). Slim images have no curl; this needs only node.
//
//   node bin/healthcheck.mjs
//
// It reads HTTP_PORT and HTTP_HOST as the bot does: from the environment, else from .env in
// the working folder. A server listening on every interface (0.0.0.0, ::) is asked on
// loopback.
import { existsSync, readFileSync } from "node:fs";
import { parseEnv } from "node:util";

const TIMEOUT_MS = 3_000;

function fail(message) {
  process.stderr.write(`healthcheck: ${message}\n`);
  process.exit(1);
}

const env = {
  ...(existsSync(".env") ? parseEnv(readFileSync(".env", "utf8")) : {}),
  ...process.env,
};
const port = env.HTTP_PORT?.trim();
if (!port) fail("HTTP_PORT is not set, so the bot serves no /healthz");
if (!/^\d{1,5}$/.test(port)) fail(`HTTP_PORT "${port}" is not a port number`);

let host = env.HTTP_HOST?.trim() || "127.0.0.1";
if (host === "0.0.0.0") host = "127.0.0.1";
else if (host === "::" || host === "[::]") host = "::1";
if (host.includes(":") && !host.startsWith("[")) host = `[${host}]`;

try {
  const response = await fetch(`http://${host}:${port}/healthz`, {
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  const body = (await response.text()).slice(0, 500);
  if (response.status !== 200) fail(`/healthz answered ${response.status}: ${body}`);
  process.stdout.write(`${body}\n`);
  process.exit(0);
} catch (error) {
  const cause = error instanceof Error ? (error.cause?.code ?? error.message) : String(error);
  fail(`no answer from http://${host}:${port}/healthz (${cause})`);
}
