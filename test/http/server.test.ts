// The HTTP server of the real app, over loopback: /healthz and /metrics as an operator's
// tools see them, before and after a job; odd requests answered without a crash.
import { request } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { startApp } from "../../src/app.js";
import { ConfigError } from "../../src/config.js";
import { createLogger } from "../../src/log.js";
import { startWorld, type World } from "../e2e/world.js";

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/** One raw HTTP exchange (node:http, so any method and body can be sent). */
function exchange(
  url: string,
  path: string,
  init: { method?: string; body?: string } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}${path}`, { method: init.method ?? "GET" }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          text: Buffer.concat(chunks).toString("utf8"),
        }),
      );
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(init.body);
  });
}

function urlOf(w: World): string {
  const url = w.app.http?.url;
  if (!url) throw new Error("no HTTP server");
  return url;
}

/** The value of one sample line of Prometheus text (0 when absent). */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  for (const line of text.split("\n")) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const ok = Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`));
    if (ok) return Number(line.slice(line.lastIndexOf(" ") + 1));
  }
  return 0;
}

describe("the HTTP server", () => {
  it("is not started without HTTP_PORT", async () => {
    world = await startWorld();
    expect(world.app.http).toBeUndefined();
    expect(world.app.metrics).toBeUndefined();
  });

  it("/healthz answers 200 with the parts named while all is well", async () => {
    world = await startWorld({ config: { httpPort: 0 } });
    const url = urlOf(world);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const answer = await exchange(url, "/healthz");
    expect(answer.status).toBe(200);
    expect(answer.headers["content-type"]).toMatch(/^application\/json/);
    const body = JSON.parse(answer.text) as Record<string, unknown>;
    expect(body).toMatchObject({ status: "ok", gateway: "ready", store: "ok", jobsInFlight: 0 });
    expect(body.uptimeSeconds).toEqual(expect.any(Number));
    expect(body.failing).toBeUndefined();
    // A query string changes nothing; HEAD has no body.
    expect((await exchange(url, "/healthz?x=1")).status).toBe(200);
    const head = await exchange(url, "/healthz", { method: "HEAD" });
    expect([head.status, head.text]).toEqual([200, ""]);
  });

  it("/healthz answers 503 naming the store when the store does not answer", async () => {
    world = await startWorld({ config: { httpPort: 0 } });
    await world.app.context.store.close();
    const answer = await exchange(urlOf(world), "/healthz");
    expect(answer.status).toBe(503);
    expect(JSON.parse(answer.text)).toMatchObject({
      status: "failing",
      failing: ["store"],
      gateway: "ready",
      store: "failing",
    });
  });

  it("/healthz answers 503 naming the gateway once Discord closed it for good", async () => {
    world = await startWorld({ config: { httpPort: 0 } });
    world.fake.revokeBotToken();
    await world.app.fatal;
    const answer = await exchange(urlOf(world), "/healthz");
    expect(answer.status).toBe(503);
    expect(JSON.parse(answer.text)).toMatchObject({
      status: "failing",
      failing: ["gateway"],
      gateway: "not ready",
      store: "ok",
    });
  });

  it("/metrics serves Prometheus text that changes after an /imagine job", async () => {
    world = await startWorld({ config: { httpPort: 0 } });
    const url = urlOf(world);
    const before = await exchange(url, "/metrics");
    expect(before.status).toBe(200);
    expect(before.headers["content-type"]).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(before.text).toContain("# TYPE mjcord_jobs_total counter");
    expect(before.text).toContain("# TYPE mjcord_final_message_latency_seconds histogram");
    expect(before.text).toContain("mjcord_process_cpu_user_seconds_total");
    expect(before.text).toContain("mjcord_jobs_in_flight 0");
    const imagines = { endpoint: "/mj/submit/imagine", code: "200" };
    expect(sample(before.text, "mjcord_proxy_requests_total", imagines)).toBe(0);
    expect(sample(before.text, "mjcord_jobs_total", { kind: "imagine" })).toBe(0);
    // The start-up ping already reached the proxy.
    expect(
      sample(before.text, "mjcord_proxy_requests_total", {
        endpoint: "/mj/task/list-by-condition",
      }),
    ).toBeGreaterThan(0);

    const { fake } = world;
    const cmd = await fake.runCommand("imagine", { prompt: "a red fox" }, { user: "alice" });
    await fake.waitFor(() => (cmd.original()?.attachments.length ?? 0) > 0 || undefined, {
      what: "the final picture",
      timeoutMs: 20_000,
    });
    const w = world;
    // Counted once the presenter's final show resolved (just after Discord has it).
    let after = "";
    for (let tries = 0; tries < 200; tries++) {
      after = (await exchange(url, "/metrics")).text;
      if (sample(after, "mjcord_jobs_total", { kind: "imagine" }) > 0) break;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect(sample(after, "mjcord_jobs_total", { kind: "imagine", outcome: "succeeded" })).toBe(1);
    expect(sample(after, "mjcord_final_message_latency_seconds_count")).toBe(1);
    // Priced even without a policy: an imagine at fast speed is 1 credit.
    expect(sample(before.text, "mjcord_credits_spent_total")).toBe(0);
    expect(sample(after, "mjcord_credits_spent_total")).toBe(1);
    expect(sample(after, "mjcord_proxy_requests_total", imagines)).toBe(1);
    expect(
      sample(after, "mjcord_proxy_request_duration_seconds_count", {
        endpoint: "/mj/submit/imagine",
      }),
    ).toBe(1);
    expect(after).toMatch(/mjcord_proxy_requests_total\{endpoint="\/mj\/task\/:id\/fetch|list-by/);
    // Discord's answers, by route; no token or snowflake in a label.
    expect(after).toMatch(
      /mjcord_discord_requests_total\{method="(PATCH|POST)",route="\/webhooks\/:id\/:token/,
    );
    // Each request is timed on the wire, by route: the final edit of the job's message too.
    expect(
      sample(after, "mjcord_discord_request_duration_seconds_count", {
        method: "PATCH",
        route: "/webhooks/:id/:token/messages/@original",
      }),
    ).toBeGreaterThan(0);
    expect(
      sample(after, "mjcord_discord_request_duration_seconds_count", {
        method: "POST",
        route: "/interactions/:id/:token/callback",
      }),
    ).toBeGreaterThan(0);
    expect(after).not.toContain(w.config.discordToken);
    expect(after).not.toMatch(/route="[^"]*\d{6,}/);

    // A job the proxy refuses at its submit (queue full, code 9) is counted as refused.
    const busy = await fake.runCommand("imagine", { prompt: "a fox sim:busy" }, { user: "alice" });
    await fake.waitFor(() => (/❌/.test(busy.original()?.content ?? "") ? true : undefined), {
      what: "the refused job's message",
    });
    const refused = (await exchange(url, "/metrics")).text;
    expect(sample(refused, "mjcord_jobs_total", { kind: "imagine", outcome: "refused" })).toBe(1);
    expect(fake.violations).toEqual([]);
  });

  it("answers 404 to other paths and 405 to other methods, and keeps serving", async () => {
    world = await startWorld({ config: { httpPort: 0 } });
    const url = urlOf(world);
    expect((await exchange(url, "/")).status).toBe(404);
    expect((await exchange(url, "/healthz/extra")).status).toBe(404);
    expect(
      (await exchange(url, "/hooks/mj/not-a-secret", { method: "POST", body: "{" })).status,
    ).toBe(404);
    const post = await exchange(url, "/metrics", { method: "POST", body: "x".repeat(100_000) });
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe("GET, HEAD");
    expect((await exchange(url, "/healthz", { method: "DELETE" })).status).toBe(405);
    expect((await exchange(url, "//%zz")).status).toBe(404);
    expect((await exchange(url, "/healthz")).status).toBe(200);
  });

  it("a port already taken stops the start, naming HTTP_PORT", async () => {
    world = await startWorld({ config: { httpPort: 0 } });
    const port = world.app.http?.port;
    const second = startApp({
      config: { ...world.config, httpPort: port },
      log: createLogger({ level: "silent" }),
    });
    const error = await second.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      { variable: "HTTP_PORT", message: expect.stringMatching(/EADDRINUSE/) },
    ]);
    // The first app still serves.
    expect((await exchange(urlOf(world), "/healthz")).status).toBe(200);
  });

  it("closes with the app", async () => {
    world = await startWorld({ config: { httpPort: 0 } });
    const url = urlOf(world);
    await world.app.stop();
    await expect(exchange(url, "/healthz")).rejects.toThrow(/ECONNREFUSED/);
  });
});
