// The container, short of `docker build` (not available where the tests run): what the
// Dockerfile and compose.yaml run exists once dist/ is built and starts without the
// sources; the health check command tells 200 from 503 and from silence; compose.yaml
// runs the same command, volume and health check as the Dockerfile; the build context
// leaves out what the image makes itself.
import { cpSync, existsSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import {
  killStarted,
  type Started,
  signalGroup,
  startProcess,
  waitUntil,
} from "./support/processes.js";

const root = fileURLToPath(new URL("..", import.meta.url));

interface Instruction {
  keyword: string;
  args: string;
  /** the stage (its `AS` name) the instruction belongs to */
  stage: string;
}

/** The Dockerfile's instructions, continuation lines joined, comments dropped. */
function dockerfile(): Instruction[] {
  const text = readFileSync(join(root, "Dockerfile"), "utf8");
  const logical: string[] = [];
  let current = "";
  for (const line of text.split("\n")) {
    if (/^\s*#/.test(line)) continue;
    if (line.endsWith("\\")) {
      current += `${line.slice(0, -1)} `;
      continue;
    }
    current += line;
    if (current.trim() !== "") logical.push(current.trim());
    current = "";
  }
  let stage = "";
  return logical.map((line) => {
    const [keyword = "", ...rest] = line.split(/\s+/);
    const args = rest.join(" ");
    if (keyword.toUpperCase() === "FROM") stage = /\bAS\s+(\S+)/i.exec(args)?.[1] ?? args;
    return { keyword: keyword.toUpperCase(), args, stage };
  });
}

const instructions = dockerfile();
const finalStage = instructions.filter((i) => i.keyword === "FROM").at(-1)?.stage ?? "";
const runtime = instructions.filter((i) => i.stage === finalStage);

function only(keyword: string): string {
  const found = runtime.filter((i) => i.keyword === keyword);
  expect(found, `one ${keyword} in the runtime stage`).toHaveLength(1);
  return found[0]?.args ?? "";
}

/** CMD ["node", "dist/src/main.js"] as an array (exec form only: signals reach node). */
function execForm(args: string): string[] {
  const parsed: unknown = JSON.parse(args);
  expect(Array.isArray(parsed)).toBe(true);
  return parsed as string[];
}

const cmd = execForm(only("CMD"));
const healthcheck = execForm(only("HEALTHCHECK").replace(/^.*?\bCMD\s+/, ""));
const workdir = only("WORKDIR");

interface ComposeService {
  command?: string[];
  volumes?: string[];
  environment?: Record<string, string>;
  env_file?: string;
  profiles?: string[];
  restart?: string;
  stop_grace_period?: string;
  depends_on?: string[];
  healthcheck?: { test?: string[]; disable?: boolean };
}
const compose = parse(readFileSync(join(root, "compose.yaml"), "utf8")) as {
  services: Record<string, ComposeService>;
  volumes: Record<string, unknown>;
};

/** Only what a process needs: no developer's settings leak in. */
function baseEnv(extra: Record<string, string> = {}): Record<string, string> {
  return { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? tmpdir(), ...extra };
}

/** An empty folder to run in: no .env, no policy.yml. */
function emptyDir(): string {
  return mkdtempSync(join(tmpdir(), "mjcord-container-"));
}

async function run(
  args: string[],
  cwd: string,
  env: Record<string, string>,
): Promise<{ code: number | null; output: string }> {
  const started = startProcess(process.execPath, args, { cwd, env });
  const { code } = await started.exited;
  return { code, output: started.output() };
}

const servers: Server[] = [];
const running: Started[] = [];

afterEach(async () => {
  running.length = 0;
  await killStarted();
  await Promise.all(servers.map((s) => new Promise((done) => s.close(done))));
  servers.length = 0;
});

beforeAll(async () => {
  const build = await run([join(root, "bin", "mjcord.mjs"), "--build"], root, baseEnv());
  if (build.code !== 0) throw new Error(`the build failed:\n${build.output}`);
}, 180_000);

describe("the Dockerfile", () => {
  it("runs the compiled entry with node, never the launcher that may compile", () => {
    expect(cmd[0]).toBe("node");
    expect(cmd.slice(1)).toEqual(["dist/src/main.js"]);
    expect(runtime.some((i) => i.keyword === "ENTRYPOINT")).toBe(false);
    expect(existsSync(join(root, cmd[1] ?? ""))).toBe(true);
  });

  it("has a runtime stage with production dependencies, a non-root user, the store on a volume", () => {
    expect(instructions.filter((i) => i.keyword === "FROM").length).toBeGreaterThanOrEqual(2);
    const build = instructions.filter((i) => i.stage !== finalStage && i.keyword === "RUN");
    expect(build.map((i) => i.args).join("\n")).toMatch(/npm ci\b/);
    expect(build.map((i) => i.args).join("\n")).toMatch(/npm prune --omit=dev/);
    expect(workdir).toBe("/app");
    const user = only("USER");
    expect(user).not.toMatch(/^(root|0)$/);
    expect(only("VOLUME")).toBe("/data");
    expect(only("STOPSIGNAL")).toBe("SIGTERM");
    const env = runtime
      .filter((i) => i.keyword === "ENV")
      .map((i) => i.args)
      .join(" ");
    expect(env).toContain("DATABASE_URL=sqlite:///data/mjcord.sqlite");
    expect(env).toMatch(/HTTP_PORT=\d+/);
    // The runtime stage takes only these from the build stage; each exists after a build.
    const copied = runtime
      .filter((i) => i.keyword === "COPY")
      .flatMap((i) => {
        expect(i.args).toMatch(/^--from=\S+ /);
        const paths = i.args.split(/\s+/).slice(1, -1);
        return paths.map((p) => p.replace(/^\/app\//, ""));
      });
    expect(copied).toEqual(expect.arrayContaining(["package.json", "node_modules", "dist"]));
    expect(copied).not.toContain("src");
    for (const path of copied) expect(existsSync(join(root, path)), path).toBe(true);
  });

  it("checks health with bin/healthcheck.mjs, which the runtime stage has", () => {
    expect(healthcheck).toEqual(["node", "bin/healthcheck.mjs"]);
    expect(only("HEALTHCHECK")).toMatch(/--timeout=\d+s/);
    expect(existsSync(join(root, "bin", "healthcheck.mjs"))).toBe(true);
  });

  it("starts its CMD from the image's layout (dist/ without src/): no settings, one message, status 1", async () => {
    // The runtime stage: package.json (type: module), node_modules, dist/; no sources.
    const app = emptyDir();
    cpSync(join(root, "package.json"), join(app, "package.json"));
    cpSync(join(root, "dist"), join(app, "dist"), { recursive: true });
    symlinkSync(join(root, "node_modules"), join(app, "node_modules"));
    const [command, ...args] = cmd;
    expect(command).toBe("node");
    const { code, output } = await run(args, app, baseEnv());
    expect(code).toBe(1);
    expect(output).toContain("mjcord cannot start");
    expect(output).toContain("DISCORD_TOKEN: missing");
    expect(output).toContain("MJ_API_KEY: missing");
    expect(output).not.toMatch(/\n\s+at /); // no stack trace
    expect(output).not.toContain("compiling"); // nothing built at run time
    expect(existsSync(join(app, "src"))).toBe(false);
  });
});

describe("bin/healthcheck.mjs", () => {
  /** A local server answering /healthz with `status`; returns its port. */
  async function serve(status: number | "hang"): Promise<number> {
    const server = createServer((req, res) => {
      if (status === "hang") return; // never answers
      if (req.url !== "/healthz") {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(status, { "content-type": "application/json" });
      res.end(
        JSON.stringify(
          status === 200 ? { status: "ok" } : { status: "down", failing: ["gateway"] },
        ),
      );
    });
    servers.push(server);
    await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
    return (server.address() as AddressInfo).port;
  }

  /** A port nothing listens on: one a server had, now closed. */
  async function closedPort(): Promise<number> {
    const server = createServer();
    await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
    const { port } = server.address() as AddressInfo;
    await new Promise((done) => server.close(done));
    return port;
  }

  const script = join(root, "bin", "healthcheck.mjs");

  it("exits 0 when /healthz answers 200", async () => {
    const port = await serve(200);
    const result = await run([script], emptyDir(), baseEnv({ HTTP_PORT: String(port) }));
    expect(result.code, result.output).toBe(0);
    expect(result.output).toContain('"status":"ok"');
  });

  it("asks loopback when the server listens on every interface (HTTP_HOST=0.0.0.0)", async () => {
    const port = await serve(200);
    const env = baseEnv({ HTTP_PORT: String(port), HTTP_HOST: "0.0.0.0" });
    expect((await run([script], emptyDir(), env)).code).toBe(0);
  });

  it("reads HTTP_PORT from .env in the working folder, as the bot does", async () => {
    const port = await serve(200);
    const dir = emptyDir();
    writeFileSync(join(dir, ".env"), `HTTP_PORT=${port}\n`);
    expect((await run([script], dir, baseEnv())).code).toBe(0);
  });

  it("exits 1 when /healthz answers 503, naming the status", async () => {
    const port = await serve(503);
    const result = await run([script], emptyDir(), baseEnv({ HTTP_PORT: String(port) }));
    expect(result.code).toBe(1);
    expect(result.output).toContain("503");
  });

  it("exits 1 when nothing listens", async () => {
    const port = await closedPort();
    const result = await run([script], emptyDir(), baseEnv({ HTTP_PORT: String(port) }));
    expect(result.code).toBe(1);
    expect(result.output).toContain("no answer");
  });

  it("exits 1 after about 3 s when the server never answers", async () => {
    const port = await serve("hang");
    const startedAt = Date.now();
    const result = await run([script], emptyDir(), baseEnv({ HTTP_PORT: String(port) }));
    expect(result.code).toBe(1);
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(2_500);
    expect(Date.now() - startedAt).toBeLessThan(15_000);
  });

  it("exits 1 when HTTP_PORT is not set (no HTTP server to ask)", async () => {
    const result = await run([script], emptyDir(), baseEnv());
    expect(result.code).toBe(1);
    expect(result.output).toContain("HTTP_PORT");
  });
});

describe("compose.yaml", () => {
  const bot = compose.services.mjcord;

  it("runs the bot as the Dockerfile does: command, volume, health check, restart", () => {
    expect(bot).toBeDefined();
    expect(bot?.command).toEqual(cmd);
    expect(bot?.env_file).toBe(".env");
    expect(bot?.restart).toBe("unless-stopped");
    const volume = bot?.volumes?.find((v) => v.endsWith(`:${only("VOLUME")}`));
    expect(volume).toBeDefined();
    expect(Object.keys(compose.volumes)).toContain(volume?.split(":")[0]);
    expect(bot?.environment?.DATABASE_URL).toBe("sqlite:///data/mjcord.sqlite");
    expect(bot?.healthcheck?.test).toEqual(["CMD", ...healthcheck]);
    // longer than the 75 s the bot may take to drain on SIGTERM
    expect(Number.parseInt(bot?.stop_grace_period ?? "0", 10)).toBeGreaterThan(75);
  });

  it("has the simulator as an optional profile, and a bot pointed at it on a volume of its own", () => {
    const sim = compose.services.simulator;
    expect(sim?.profiles).toEqual(["simulator"]);
    expect(sim?.command?.[0]).toBe("node");
    expect(existsSync(join(root, sim?.command?.[1] ?? "-"))).toBe(true);
    const tryOut = compose.services["mjcord-sim"];
    expect(tryOut?.profiles).toEqual(["simulator"]);
    expect(tryOut?.command).toEqual(cmd);
    expect(tryOut?.depends_on).toContain("simulator");
    expect(tryOut?.environment?.MJ_API_URL).toBe(
      `http://simulator:${sim?.environment?.SIM_PORT ?? "8787"}`,
    );
    expect(tryOut?.volumes?.some((v) => v.endsWith(":/data") && !bot?.volumes?.includes(v))).toBe(
      true,
    );
  });

  it("runs the simulator's command from the build, listening where the bot is pointed", async () => {
    const sim = compose.services.simulator;
    const [, ...args] = sim?.command ?? [];
    const started = startProcess(process.execPath, args, {
      cwd: root,
      env: baseEnv({ SIM_PORT: "0", SIM_HOST: "127.0.0.1", SIM_STEP_MS: "50" }),
    });
    running.push(started);
    const url = await waitUntil(
      () => /listening on (http:\/\/\S+)/.exec(started.output())?.[1],
      15_000,
    );
    expect(url, started.output()).toBeDefined();
    const answer = await fetch(`${url}/mj/task/list`, { headers: { authorization: "Bearer k" } });
    expect(answer.status).toBe(200);
    signalGroup(started, "SIGTERM");
    expect((await started.exited).code).toBe(0);
  });
});

describe(".dockerignore", () => {
  const ignored = readFileSync(join(root, ".dockerignore"), "utf8")
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"));

  it("leaves out what the image builds itself, history and secrets", () => {
    for (const name of ["node_modules", "dist", ".git", ".env", "data"]) {
      expect(ignored, name).toContain(name);
    }
  });

  it("keeps what the build needs", () => {
    for (const name of [
      "src",
      "commands",
      "bin",
      "package.json",
      "package-lock.json",
      "tsconfig.json",
    ]) {
      expect(ignored, name).not.toContain(name);
    }
  });
});
