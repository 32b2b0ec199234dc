// The proxy client against the simulator over real HTTP: following a task to SUCCESS, the
// MODAL flow (code 21), "Imagine all", retries of reads, timeouts, and never submitting
// (and so charging) a job twice. Delays are kept tiny; nothing here asserts timings.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { proxyWords } from "../../src/discord/lang/proxy.js";
import { MjClient } from "../../src/mj/client.js";
import { isTerminal, type SubmitOutcome, type Task, taskRank } from "../../src/mj/task.js";
import type { RecordedRequest, Simulator } from "../../src/simulator/index.js";
import { call, dataUri, KEY, makePng, start } from "../simulator/helpers.js";
import { clientsFor, failure, submittedId } from "./support.js";

/** What an English reader is told about a proxy error. */
const words = (error: Parameters<typeof proxyWords>[1]) => proxyWords("en-US", error);

let sim: Simulator;
const { client, closeAll } = clientsFor(() => sim);

beforeAll(async () => {
  sim = await start();
});

afterEach(async () => {
  vi.restoreAllMocks();
  await closeAll();
  sim.configure({ remix: false, dialect: "trueai" });
});

afterAll(async () => {
  await sim.close();
});

const since = (mark: number): RecordedRequest[] => sim.requests.slice(mark);

function modalId(outcome: SubmitOutcome): string {
  if (outcome.kind !== "modal") throw new Error(`expected modal: ${outcome.kind}`);
  return outcome.taskId;
}

/** Polls fetchTask (as the bot does, only faster) until the task is terminal. */
async function follow(c: MjClient, id: string): Promise<{ task: Task; seen: Task[] }> {
  const seen: Task[] = [];
  for (let i = 0; i < 1000; i++) {
    const task = await c.fetchTask(id);
    if (task === null) throw new Error(`task ${id} is unknown`);
    seen.push(task);
    if (isTerminal(task.status)) return { task, seen };
    await new Promise((r) => setTimeout(r, 3));
  }
  throw new Error(`task ${id} did not finish`);
}

function buttonOf(task: Task, prefix: string): string {
  const found = task.buttons.find((b) => b.customId.startsWith(prefix));
  if (!found) throw new Error(`no ${prefix} button on ${task.id}`);
  return found.customId;
}

/** The delays the client slept for (its backoff goes through the global setTimeout). */
function sleeps(): () => unknown[] {
  const spy = vi.spyOn(globalThis, "setTimeout");
  return () => spy.mock.calls.map((args) => args[1]);
}

describe("following a task", () => {
  it("imagine -> fetchTask polling -> SUCCESS with the nine grid buttons and imageUrl", async () => {
    const c = client();
    const id = submittedId(await c.imagine({ prompt: "a red fox --ar 1:1 --v 7", state: "f" }));
    const mark = sim.requests.length;
    const { task, seen } = await follow(c, id);
    expect(since(mark).every((r) => r.method === "GET" && r.path === `/mj/task/${id}/fetch`)).toBe(
      true,
    );
    for (let i = 1; i < seen.length; i++) {
      expect(taskRank(seen[i] as Task)).toBeGreaterThanOrEqual(taskRank(seen[i - 1] as Task));
    }
    expect(task).toMatchObject({
      id,
      action: "IMAGINE",
      status: "SUCCESS",
      progress: 100,
      prompt: "a red fox --ar 1:1 --v 7",
      state: "f",
      failReason: "",
      imageWidth: 64,
      imageHeight: 64,
      parentId: null,
    });
    expect(task.imageUrl?.startsWith(`${sim.url}/sim/`)).toBe(true);
    expect(task.finalPrompt).toContain("a red fox");
    expect(task.submitTime).toBeGreaterThan(0);
    expect(task.finishTime).toBeGreaterThanOrEqual(task.submitTime as number);
    const hash = task.properties.messageHash as string;
    expect(task.buttons.map((b) => [b.customId, b.label, b.emoji])).toEqual([
      [`MJ::JOB::upsample::1::${hash}`, "U1", ""],
      [`MJ::JOB::upsample::2::${hash}`, "U2", ""],
      [`MJ::JOB::upsample::3::${hash}`, "U3", ""],
      [`MJ::JOB::upsample::4::${hash}`, "U4", ""],
      [`MJ::JOB::reroll::0::${hash}::SOLO`, "", "🔄"],
      [`MJ::JOB::variation::1::${hash}`, "V1", ""],
      [`MJ::JOB::variation::2::${hash}`, "V2", ""],
      [`MJ::JOB::variation::3::${hash}`, "V3", ""],
      [`MJ::JOB::variation::4::${hash}`, "V4", ""],
    ]);
    expect(task.buttons.every((b) => b.style === 2 && b.type === 2)).toBe(true);
  });

  it("a task that fails at run time ends in FAILURE with its reason", async () => {
    const c = client();
    const { task } = await follow(c, submittedId(await c.imagine({ prompt: "x sim:fail" })));
    expect(task.status).toBe("FAILURE");
    expect(task.failReason).toMatch(/^\[Banned prompt detected\]/);
    expect(task.buttons).toEqual([]);
  });
});

describe("the MODAL flow (code 21)", () => {
  it("Vary (Region): 21 with an empty prompt, modal() with the MODAL id runs that id", async () => {
    const c = client({ notifyHook: "http://127.0.0.1:9/hook" });
    const grid = (await follow(c, submittedId(await c.imagine({ prompt: "a cat on a sofa" }))))
      .task;
    const up = (
      await follow(
        c,
        submittedId(
          await c.action({ taskId: grid.id, customId: buttonOf(grid, "MJ::JOB::upsample::1") }),
        ),
      )
    ).task;
    expect(up).toMatchObject({ action: "UPSCALE", status: "SUCCESS", parentId: grid.id });

    const pressed = await c.action({ taskId: up.id, customId: buttonOf(up, "MJ::Inpaint::") });
    expect(pressed).toEqual({
      kind: "modal",
      taskId: expect.stringMatching(/^\d{16}$/),
      finalPrompt: "",
      description: "Waiting for window confirm",
    });
    const id = modalId(pressed);
    expect(id).not.toBe(up.id);
    expect(await c.fetchTask(id)).toMatchObject({ status: "MODAL", parentId: up.id, buttons: [] });

    const mask = dataUri(makePng(64, 64, (x, y) => x > 16 && x < 48 && y > 16 && y < 48));
    const mark = sim.requests.length;
    const confirmed = await c.modal({ taskId: id, prompt: "a cat in a hat", maskBase64: mask });
    expect(confirmed).toMatchObject({ kind: "submitted", taskId: id, taskIds: [id] });
    const [req] = since(mark);
    expect(req?.path).toBe("/fast/mj/submit/modal");
    // The modal body has no notifyHook (the proxy keeps the action's) and no state.
    expect(req?.body).toEqual({ taskId: id, prompt: "a cat in a hat", maskBase64: mask });

    const { task } = await follow(c, id);
    expect(task).toMatchObject({
      id,
      status: "SUCCESS",
      action: "VARIATION",
      prompt: "a cat in a hat",
    });
    expect(task.buttons).toHaveLength(9);
  });

  it("Custom Zoom: 21 prefilled with the parent's final prompt; --zoom runs a ZOOM", async () => {
    const c = client();
    const grid = (await follow(c, submittedId(await c.imagine({ prompt: "a lighthouse" })))).task;
    const upId = submittedId(
      await c.action({ taskId: grid.id, customId: buttonOf(grid, "MJ::JOB::upsample::2") }),
    );
    const up = (await follow(c, upId)).task;
    const pressed = await c.action({ taskId: up.id, customId: buttonOf(up, "MJ::CustomZoom::") });
    expect(pressed).toMatchObject({ kind: "modal", finalPrompt: up.finalPrompt });
    expect(up.finalPrompt).toContain("a lighthouse");
    const id = modalId(pressed);
    const prompt = `${up.finalPrompt} --zoom 1.5`;
    expect(await c.modal({ taskId: id, prompt, mode: "relax" })).toMatchObject({ taskId: id });
    expect(sim.requests.at(-1)?.path).toBe("/relax/mj/submit/modal");
    expect((await follow(c, id)).task).toMatchObject({ status: "SUCCESS", action: "ZOOM" });
  });

  it("remix on: V1 gives 21 with the finalPrompt; the confirmed MODAL id runs", async () => {
    const c = client();
    const grid = (await follow(c, submittedId(await c.imagine({ prompt: "a remix fox" })))).task;
    sim.configure({ remix: true });
    const pressed = await c.action({
      taskId: grid.id,
      customId: buttonOf(grid, "MJ::JOB::variation::1"),
    });
    expect(pressed).toMatchObject({ kind: "modal", finalPrompt: grid.finalPrompt });
    expect(grid.finalPrompt).not.toBe("");
    const id = modalId(pressed);
    expect(await c.modal({ taskId: id, prompt: "a remix fox, in winter" })).toMatchObject({
      kind: "submitted",
      taskId: id,
    });
    expect((await follow(c, id)).task).toMatchObject({
      status: "SUCCESS",
      action: "VARIATION",
      prompt: "a remix fox, in winter",
    });
  });

  it("enableRemix is sent; on a remix-off account it is code 4 in plain words", async () => {
    const c = client();
    const grid = (await follow(c, submittedId(await c.imagine({ prompt: "no remix" })))).task;
    const customId = buttonOf(grid, "MJ::JOB::variation::2");
    const error = await failure(c.action({ taskId: grid.id, customId, enableRemix: true }));
    expect(error).toMatchObject({ kind: "rejected", code: 4 });
    expect(words(error)).toBe("The proxy's Midjourney account has Remix switched off.");
    expect(sim.requests.at(-1)?.body).toEqual({ taskId: grid.id, customId, enableRemix: true });
  });

  it("behind the gateway a remix V1 answers 1, and the polled task is MODAL", async () => {
    const c = client();
    sim.configure({ dialect: "gateway" });
    const grid = (await follow(c, submittedId(await c.imagine({ prompt: "gateway remix" })))).task;
    sim.configure({ remix: true });
    const pressed = await c.action({
      taskId: grid.id,
      customId: buttonOf(grid, "MJ::JOB::variation::3"),
    });
    const id = submittedId(pressed);
    expect(await c.fetchTask(id)).toMatchObject({ status: "MODAL" });
    await c.modal({ taskId: id, prompt: "gateway remix, confirmed" });
    expect((await follow(c, id)).task.status).toBe("SUCCESS");
  });

  it("describe: a PicReader pick is 21 with its keycap; 'Imagine all' gives four ids", async () => {
    const c = client();
    const image = dataUri(makePng(48, 32, (x) => x < 20));
    const described = (await follow(c, submittedId(await c.describe({ base64: image })))).task;
    expect(described).toMatchObject({ action: "DESCRIBE", status: "SUCCESS" });

    const pick = await c.action({ taskId: described.id, customId: "MJ::Job::PicReader::1" });
    expect(pick).toMatchObject({ kind: "modal", finalPrompt: expect.stringMatching(/^1️⃣ /) });

    const all = await c.action({
      taskId: described.id,
      customId: "MJ::Job::PicReader::all",
      state: "st",
    });
    if (all.kind !== "submitted") throw new Error(all.kind);
    expect(all.taskIds).toHaveLength(4);
    expect(new Set(all.taskIds).size).toBe(4);
    expect(all.taskIds.every((id) => /^\d{16}$/.test(id))).toBe(true);
    expect(all.taskId).toBe(all.taskIds[0]);
    const tasks = await c.listTasks(all.taskIds);
    const states = new Map(tasks.map((t) => [t.id, t.state]));
    expect(all.taskIds.map((id) => states.get(id))).toEqual(["st::1", "st::2", "st::3", "st::4"]);
    expect(tasks.every((t) => t.action === "IMAGINE")).toBe(true);
  });
});

describe("retries of reads", () => {
  let id: string;
  beforeAll(async () => {
    const c = new MjClient({ baseUrl: sim.url, apiKey: KEY });
    id = submittedId(await c.imagine({ prompt: "a target for faults" }));
    await follow(c, id); // finished, so it has a seed
    await c.close();
  });
  const fetchPath = () => `/mj/task/${id}/fetch`;
  const hits = (mark: number) => since(mark).filter((r) => r.path === fetchPath()).length;

  it("503 twice, then success: fetchTask succeeds after 3 requests, with jittered backoff", async () => {
    const debug = vi.fn();
    const c = client({ log: { debug, warn: vi.fn() } });
    sim.injectFault({ match: fetchPath(), status: 503, body: "down", times: 2 });
    const slept = sleeps();
    const mark = sim.requests.length;
    expect(await c.fetchTask(id)).toMatchObject({ id });
    expect(hits(mark)).toBe(3);
    expect(debug).toHaveBeenCalledTimes(2);
    expect(debug.mock.calls.map(([o]) => o.status)).toEqual([503, 503]);
    // random 0.5 x min(50, 5 x 2^(n-1)): 3 ms, then 5 ms.
    expect(slept()).toEqual(expect.arrayContaining([3, 5]));
  });

  it("a dropped connection is retried", async () => {
    const warn = vi.fn();
    const c = client({ log: { debug: vi.fn(), warn } });
    sim.injectFault({ match: fetchPath(), drop: true });
    const mark = sim.requests.length;
    expect(await c.fetchTask(id)).toMatchObject({ id });
    expect(hits(mark)).toBe(2);
    expect(warn).toHaveBeenCalledTimes(1);
  });

  it("429 is retried, and a Retry-After is honoured (up to maxDelayMs)", async () => {
    // The simulator cannot send headers on a fault: a two-answer stub stands in for it.
    let served = 0;
    const stub: Server = createServer((_req, res) => {
      served++;
      if (served === 1) {
        res.writeHead(429, { "retry-after": "1", "content-type": "text/plain" }).end("slow down");
      } else {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ id: "42", status: "SUCCESS", progress: "100%" }));
      }
    });
    await new Promise<void>((resolve) => stub.listen(0, "127.0.0.1", resolve));
    try {
      const port = (stub.address() as AddressInfo).port;
      const c = client({ baseUrl: `http://127.0.0.1:${port}` });
      const slept = sleeps();
      expect(await c.fetchTask("42")).toMatchObject({ id: "42", status: "SUCCESS" });
      expect(served).toBe(2);
      expect(slept()).toContain(50); // 1 s, capped at maxDelayMs; the jitter would be 3
      expect(slept()).not.toContain(3);
    } finally {
      stub.closeAllConnections();
      await new Promise((resolve) => stub.close(resolve));
    }

    // The simulator's 429 carries no Retry-After: plain backoff.
    const c = client();
    sim.injectFault({ match: fetchPath(), status: 429, body: "" });
    const slept = sleeps();
    const mark = sim.requests.length;
    expect(await c.fetchTask(id)).toMatchObject({ id });
    expect(hits(mark)).toBe(2);
    expect(slept()).toContain(3);
  });

  it("listTasks and imageSeed are retried too", async () => {
    const c = client();
    sim.injectFault({ match: "/task/list-by-condition", status: 502, body: "bad gateway" });
    const mark = sim.requests.length;
    expect((await c.listTasks([id])).map((t) => t.id)).toEqual([id]);
    expect(since(mark).filter((r) => r.path === "/mj/task/list-by-condition")).toHaveLength(2);

    sim.injectFault({ match: "/image-seed", drop: true });
    const seedMark = sim.requests.length;
    expect(await c.imageSeed(id)).toMatch(/^\d+$/);
    expect(since(seedMark)).toHaveLength(2);
  });

  it("after `attempts` 5xx answers: ProxyError kind 'http' with the last status", async () => {
    const c = client({ retry: { attempts: 3, baseDelayMs: 5, maxDelayMs: 50 } });
    sim.injectFault({ match: fetchPath(), status: 503, body: "down", times: 3 });
    const mark = sim.requests.length;
    const error = await failure(c.fetchTask(id));
    expect(error).toMatchObject({ kind: "http", httpStatus: 503, code: undefined });
    expect(words(error)).toBe(
      "The Midjourney proxy had a problem (HTTP 503). Try again in a moment.",
    );
    expect(hits(mark)).toBe(3);
  });

  it("after `attempts` dropped connections: ProxyError kind 'network'", async () => {
    const c = client({ retry: { attempts: 3, baseDelayMs: 5, maxDelayMs: 50 } });
    sim.injectFault({ match: fetchPath(), drop: true, times: 3 });
    const mark = sim.requests.length;
    const error = await failure(c.fetchTask(id));
    expect(error).toMatchObject({ kind: "network", mayHaveSubmitted: false });
    expect(words(error)).toBe("The Midjourney proxy could not be reached. Try again in a moment.");
    expect(hits(mark)).toBe(3);
  });
});

describe("never submitting a job twice", () => {
  const submits = (mark: number) => since(mark).filter((r) => r.path.includes("/submit/"));

  it("a submit answered by HTTP 500, 502, 503, 504 or 408 is not retried, and may be running", async () => {
    // A gateway in front of the proxy answers these after the proxy may have taken (and
    // billed) the job: asking again could bill it twice.
    const c = client();
    for (const status of [500, 502, 503, 504, 408]) {
      sim.injectFault({
        match: "/submit/imagine",
        status,
        body: "upstream trouble",
        afterHandling: true,
      });
      const mark = sim.requests.length;
      const error = await failure(c.imagine({ prompt: `fault ${status}`, state: `gw-${status}` }));
      expect(error).toMatchObject({ kind: "http", httpStatus: status, mayHaveSubmitted: true });
      expect(error.worthRetrying).toBe(false);
      expect(words(error)).toMatch(/may still run/);
      expect(submits(mark)).toHaveLength(1);
    }
    const list = (await call(sim, "/mj/task/list")).json as { state: string }[];
    expect(list.filter((t) => t.state.startsWith("gw-"))).toHaveLength(5);
    const mark = sim.requests.length;
    const error = await failure(c.imagine({ prompt: "x sim:http500" }));
    expect(error.mayHaveSubmitted).toBe(true);
    expect(submits(mark)).toHaveLength(1);
  });

  it("a gateway's 5xx with an error envelope, or its code 5 (transport error), may be running too", async () => {
    const c = client();
    sim.injectFault({
      match: "/submit/imagine",
      status: 502,
      body: JSON.stringify({ code: 9, description: "upstream", result: null }),
    });
    expect(await failure(c.imagine({ prompt: "enveloped 502" }))).toMatchObject({
      httpStatus: 502,
      mayHaveSubmitted: true,
    });
    const error = await failure(c.imagine({ prompt: "x sim:gateway-error" }));
    expect(error).toMatchObject({ httpStatus: 400, code: 5, mayHaveSubmitted: true });
    expect(error.worthRetrying).toBe(false);
  });

  it("an answer that says the job was refused leaves nothing running", async () => {
    const c = client();
    const refusals: [number, string, boolean][] = [
      [400, JSON.stringify({ code: 4, description: "参数错误", type: "upstream_error" }), false],
      [401, "", true],
      [403, JSON.stringify({ success: false, message: "您无权限访问" }), true],
      [404, JSON.stringify({ code: 3, description: "关联任务不存在或已失效", result: null }), true],
      [
        429,
        JSON.stringify({ code: 30, description: "当前分组负载已饱和", type: "upstream_error" }),
        true,
      ],
      [200, JSON.stringify({ code: 9, description: "提交失败，系统异常", result: null }), true],
      [200, JSON.stringify({ code: 24, description: "可能包含敏感词", result: null }), false],
    ];
    for (const [status, body, worth] of refusals) {
      sim.injectFault({ match: "/submit/imagine", status, body });
      const mark = sim.requests.length;
      const error = await failure(c.imagine({ prompt: `refused ${status}` }));
      expect(error, `HTTP ${status} ${body}`).toMatchObject({ mayHaveSubmitted: false });
      expect(error.worthRetrying, `HTTP ${status} ${body}`).toBe(worth);
      expect(submits(mark)).toHaveLength(1);
    }
  });

  it("dropped after the proxy handled it: not retried, 'network', may have submitted", async () => {
    const c = client();
    sim.injectFault({ match: "/submit/imagine", drop: true, afterHandling: true });
    const mark = sim.requests.length;
    const error = await failure(c.imagine({ prompt: "billed once", state: "billed-drop" }));
    expect(error).toMatchObject({ kind: "network", mayHaveSubmitted: true });
    expect(words(error)).toMatch(/The job may still run/);
    expect(submits(mark)).toHaveLength(1);
    // The proxy did create (and bill) the job.
    const list = (await call(sim, "/mj/task/list")).json as { state: string }[];
    expect(list.filter((t) => t.state === "billed-drop")).toHaveLength(1);
  });

  it("dropped before an answer (the client cannot tell): not retried either", async () => {
    const c = client();
    sim.injectFault({ match: "/submit/shorten", drop: true });
    const mark = sim.requests.length;
    const error = await failure(c.shorten({ prompt: "cut" }));
    expect(error).toMatchObject({ kind: "network", mayHaveSubmitted: true });
    expect(submits(mark)).toHaveLength(1);
  });

  it("connection refused: retried `attempts` times (it never reached the proxy)", async () => {
    const gone = await start();
    const url = gone.url;
    await gone.close();
    const warn = vi.fn();
    const c = client({
      baseUrl: url,
      retry: { attempts: 3, baseDelayMs: 5, maxDelayMs: 50 },
      log: { debug: vi.fn(), warn },
    });
    const error = await failure(c.imagine({ prompt: "nobody home" }));
    expect(error).toMatchObject({
      kind: "network",
      description: "ECONNREFUSED",
      mayHaveSubmitted: false,
    });
    expect(words(error)).toBe("The Midjourney proxy could not be reached. Try again in a moment.");
    expect(warn.mock.calls.map(([o]) => [o.attempt, o.code])).toEqual([
      [1, "ECONNREFUSED"],
      [2, "ECONNREFUSED"],
      [3, "ECONNREFUSED"],
    ]);
  });

  it("a 2xx answer that is not an envelope: 'protocol', may have submitted", async () => {
    const c = client();
    for (const body of ["", "<html>ok</html>", "[1]", '{"code":1,"result":null}']) {
      sim.injectFault({ match: "/submit/shorten", status: 200, body });
      const error = await failure(c.shorten({ prompt: "odd answer" }));
      expect(error).toMatchObject({ kind: "protocol", mayHaveSubmitted: true });
      expect(words(error)).not.toMatch(/[\u4e00-\u9fff]/);
    }
  });
});

describe("timeouts", () => {
  // undici checks headersTimeout on a ~0.5 s "fast timer" tick, so a 50 ms timeout fires after
  // 0.5–1 s: the faults delay 2 s, and both cases run side by side to keep the suite fast.
  it("a read timeout is retried, then fails; a submit timeout is never retried", async () => {
    const target = submittedId(await client().shorten({ prompt: "timeout target" }));
    const fetchPath = `/mj/task/${target}/fetch`;
    const reads = client({
      readTimeoutMs: 50,
      retry: { attempts: 2, baseDelayMs: 5, maxDelayMs: 50 },
    });
    const submits = client({ submitTimeoutMs: 50 });
    sim.injectFault({ match: fetchPath, delayMs: 2000, times: 2 });
    sim.injectFault({ match: "/submit/imagine", delayMs: 2000 });
    const mark = sim.requests.length;
    const [read, submit] = await Promise.all([
      failure(reads.fetchTask(target)),
      failure(submits.imagine({ prompt: "slow proxy" })),
    ]);
    expect(read).toMatchObject({
      kind: "network",
      description: "UND_ERR_HEADERS_TIMEOUT",
      mayHaveSubmitted: false,
    });
    expect(submit).toMatchObject({
      kind: "network",
      description: "UND_ERR_HEADERS_TIMEOUT",
      mayHaveSubmitted: true,
    });
    expect(words(submit)).toMatch(/The job may still run/);
    const got = since(mark).map((r) => r.path);
    expect(got.filter((p) => p === fetchPath)).toHaveLength(2);
    expect(got.filter((p) => p.includes("/submit/"))).toEqual(["/fast/mj/submit/imagine"]);
  });
});

describe("reads for the tracker: one short attempt when asked", () => {
  it("a hanging list-by-condition fails after one attempt of timeoutMs, not after four of readTimeoutMs", async () => {
    const c = client({ readTimeoutMs: 20_000 });
    sim.injectFault({ match: "/task/list-by-condition", delayMs: 5_000 });
    const mark = sim.requests.length;
    const error = await failure(c.listTasks(["1754300112345678"], { timeoutMs: 50, attempts: 1 }));
    expect(error).toMatchObject({ kind: "network", description: "UND_ERR_HEADERS_TIMEOUT" });
    expect(since(mark).filter((r) => r.path === "/mj/task/list-by-condition")).toHaveLength(1);
  });

  it("fetchTask takes the same options: one attempt, its own timeout", async () => {
    const c = client();
    sim.injectFault({ match: "/fetch", status: 503, body: "down" });
    const mark = sim.requests.length;
    const error = await failure(c.fetchTask("1754300112345678", { attempts: 1 }));
    expect(error).toMatchObject({ kind: "http", httpStatus: 503 });
    expect(since(mark)).toHaveLength(1);
    expect(await c.fetchTask("1754300112345678", { attempts: 1 })).toBeNull(); // unknown id
  });

  it("recentTasks: the proxy's latest tasks (GET /mj/task/list), each with the state it was sent", async () => {
    const c = client();
    const id = submittedId(await c.shorten({ prompt: "find me", state: "mjcord:findme" }));
    const mark = sim.requests.length;
    const tasks = await c.recentTasks({ timeoutMs: 1_000, attempts: 1 });
    expect(since(mark).map((r) => [r.method, r.path])).toEqual([["GET", "/mj/task/list"]]);
    expect(tasks.find((t) => t.state === "mjcord:findme")?.id).toBe(id);
  });

  it("recentTasks behind a gateway, which has no task list: a 404 ProxyError", async () => {
    sim.configure({ dialect: "gateway" });
    const error = await failure(client().recentTasks({ attempts: 1 }));
    expect(error).toMatchObject({ httpStatus: 404 });
  });
});

describe("odd answers on reads", () => {
  it("non-JSON fetch and a non-list list-by-condition are 'protocol' errors", async () => {
    const c = client();
    sim.injectFault({ match: "/fetch", status: 200, body: "<html>" });
    expect(await failure(c.fetchTask("1"))).toMatchObject({ kind: "protocol" });
    sim.injectFault({ match: "/list-by-condition", status: 200, body: '{"ids":[]}' });
    expect(await failure(c.listTasks(["1"]))).toMatchObject({ kind: "protocol" });
  });

  it("a fetch answer without an id is 'not found'", async () => {
    sim.injectFault({ match: "/fetch", status: 200, body: "{}" });
    expect(await client().fetchTask("1")).toBeNull();
  });
});
