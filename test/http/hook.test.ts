// The proxy's notify hook, end to end: with PUBLIC_URL every submit names
// `PUBLIC_URL/hooks/mj/<secret>`; the simulator posts each task change there and the job is
// finished long before the next poll. The body is only a hint (the bot fetches the task
// itself): a wrong secret, a forged SUCCESS, an empty, malformed or oversized body show
// nothing, download nothing and break nothing.
import { createServer } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { finalResult, messageSaying, proxyCalls } from "../e2e/helpers.js";
import { startWorld, type World } from "../e2e/world.js";

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

/** A port nothing listens on right now (the hook's URL must be known before the start). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer().listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(),
      );
    });
  });
}

/** A world whose bot serves the hook, polling only once a minute. */
async function hookedWorld(): Promise<{ w: World; hook: string; base: string }> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const w = await startWorld({
    pollIntervalMs: 60_000,
    config: { httpPort: port, httpHost: "127.0.0.1", publicUrl: base },
    logLevel: "debug",
  });
  const submit = await w.fake.runCommand("imagine", { prompt: "a red fox" }, { user: "alice" });
  const hook = await w.fake.waitFor(
    () =>
      (proxyCalls(w, "/submit/imagine")[0]?.body as { notifyHook?: string } | undefined)
        ?.notifyHook,
    { what: "the submit's notifyHook" },
  );
  await finalResult(w, submit);
  return { w, hook, base };
}

const post = (url: string, body: string | Buffer, method = "POST") =>
  fetch(url, {
    method,
    body: method === "GET" ? undefined : body,
    headers: { "content-type": "application/json" },
  });

describe("the notify hook", () => {
  it("every submit names the hook; the job is finished by hooks long before the next poll; the secret is in no log", async () => {
    const { w, hook, base } = await hookedWorld();
    world = w;
    expect(hook).toMatch(new RegExp(`^${base}/hooks/mj/[A-Za-z0-9_-]{32}$`));
    // One poll at start, none since (the next is a minute away): the hooks did it.
    expect(
      proxyCalls(w, "/list-by-condition").filter((c) => (c.body as { ids?: string[] }).ids?.length),
    ).toEqual([]);
    expect(proxyCalls(w, "/fetch").length).toBeGreaterThan(0);
    const secret = hook.slice(hook.lastIndexOf("/") + 1);
    expect(w.logs.join("\n")).not.toContain(secret);
    expect(w.fake.violations).toEqual([]);
  });

  it("the secret is kept: the same hook after a restart", async () => {
    const { w, hook } = await hookedWorld();
    world = w;
    await w.app.stop();
    await w.restart();
    const again = await w.fake.runCommand("imagine", { prompt: "a blue owl" }, { user: "alice" });
    await finalResult(w, again);
    const hooks = proxyCalls(w, "/submit/imagine").map(
      (c) => (c.body as { notifyHook?: string }).notifyHook,
    );
    expect(hooks).toEqual([hook, hook]);
  });

  it("a wrong secret, a forged SUCCESS, empty, malformed and oversized bodies: nothing shown, nothing downloaded, nothing crashes", async () => {
    const { w, hook, base } = await hookedWorld();
    world = w;
    const running = await w.fake.runCommand(
      "imagine",
      { prompt: "a grey wolf sim:stuck" },
      { user: "alice" },
    );
    const shown = await messageSaying(w, running, /🎨/);
    // The stuck task's id: the one the bot fetched after the simulator's hooks about it.
    const taskId = await w.fake.waitFor(
      () =>
        w.sim.requests
          .map((r) => /^\/mj\/task\/(\d+)\/fetch$/.exec(r.path)?.[1])
          .filter((id): id is string => id !== undefined)
          .at(-1),
      { what: "the stuck task fetched after a hook" },
    );
    const forgedImage = `${w.sim.url}/forged/grid.png`;
    const forged = JSON.stringify({
      id: taskId,
      status: "SUCCESS",
      progress: "100%",
      imageUrl: forgedImage,
      buttons: [{ customId: "MJ::JOB::upsample::1::x", label: "U1", emoji: "", style: 2, type: 2 }],
    });
    const fetchesBefore = proxyCalls(w, "/fetch").length;

    expect((await post(`${base}/hooks/mj/wrong-secret`, forged)).status).toBe(404);
    expect((await post(`${hook.slice(0, -1)}x`, forged)).status).toBe(404);
    expect((await post(hook, "", "GET")).status).toBe(405);
    expect((await post(hook, "")).status).toBe(400);
    expect((await post(hook, "{not json")).status).toBe(400);
    expect((await post(hook, JSON.stringify({ id: { $gt: "" } }))).status).toBe(400);
    expect((await post(hook, Buffer.alloc(200 * 1024, 0x20))).status).toBe(413);
    expect((await post(hook, forged)).status).toBe(204);

    // The forged body made the bot ask the proxy, which says the task still runs.
    await w.fake.waitFor(
      () => (proxyCalls(w, "/fetch").length > fetchesBefore ? true : undefined),
      {
        what: "the bot asking the proxy itself",
      },
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    const now = running.original();
    expect(now?.content).toMatch(/🎨/);
    expect(now?.attachments).toEqual([]);
    expect(now?.id).toBe(shown.id);
    expect(w.sim.requests.some((r) => r.path.startsWith("/forged/"))).toBe(false);
    const health = await fetch(`${base}/healthz`);
    expect(health.status).toBe(200);
    expect(w.fake.violations).toEqual([]);
  });
});
