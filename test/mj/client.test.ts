// The proxy client against the simulator over real HTTP on loopback: each endpoint's path,
// headers and body as the proxy received them, the parsed outcome, auth, every submit code,
// "not found" in its three shapes, list-by-condition batching and image-seed.
// Retries, timeouts, double charging and the multi-step flows are in client-flows.test.ts.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { MjMode } from "../../src/config.js";
import { proxyWords } from "../../src/discord/lang/proxy.js";
import type { SubmitOutcome } from "../../src/mj/task.js";
import type { RecordedRequest, Simulator } from "../../src/simulator/index.js";
import { dataUri, KEY, makePng, start, waitFor } from "../simulator/helpers.js";
import { clientsFor, failure, submittedId } from "./support.js";

/** What an English reader is told about a proxy error. */
const words = (error: Parameters<typeof proxyWords>[1]) => proxyWords("en-US", error);

let sim: Simulator;
const { client, closeAll } = clientsFor(() => sim);

beforeAll(async () => {
  sim = await start();
});

afterEach(async () => {
  await closeAll();
  sim.configure({
    dialect: "trueai",
    unknownFetch: "204",
    seedSupport: true,
    editsSupported: true,
    videoSupported: true,
  });
});

afterAll(async () => {
  await sim.close();
});

/** What the simulator received from `mark` on (take `mark = sim.requests.length` first). */
const since = (mark: number): RecordedRequest[] => sim.requests.slice(mark);

function only(mark: number): RecordedRequest {
  const got = since(mark);
  expect(got).toHaveLength(1);
  return got[0] as RecordedRequest;
}

const CJK = /[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]/;
const TASK_ID = /^\d{16}$/;
const PNG_A = dataUri(makePng(8, 8));
const PNG_B = dataUri(makePng(12, 8, (x) => x < 6));

describe("each endpoint once through the client", () => {
  it("imagine: default mode fast, Bearer auth, JSON body with only the given fields", async () => {
    const mark = sim.requests.length;
    const outcome = await client().imagine({ prompt: "a red fox --v 7" });
    expect(outcome).toEqual({
      kind: "submitted",
      taskId: expect.stringMatching(TASK_ID),
      taskIds: [submittedId(outcome)],
      queued: false,
      queueAhead: null,
      description: "提交成功",
    });
    const req = only(mark);
    expect(req.method).toBe("POST");
    expect(req.path).toBe("/fast/mj/submit/imagine");
    expect(req.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(req.headers["mj-api-secret"]).toBeUndefined();
    expect(req.headers["content-type"]).toBe("application/json");
    expect(req.headers.accept).toBe("application/json");
    // base64Array is always sent (empty when no reference images are given).
    expect(req.body).toEqual({ prompt: "a red fox --v 7", base64Array: [] });
    expect(sim.task(submittedId(outcome))).toMatchObject({ mode: "FAST", state: "" });
  });

  it("imagine with every field: reference images, botType, notifyHook, state", async () => {
    const mark = sim.requests.length;
    const outcome = await client().imagine({
      prompt: "a cat",
      base64Array: [PNG_A],
      botType: "NIJI_JOURNEY",
      notifyHook: "http://127.0.0.1:9/hook",
      state: "job-1",
    });
    expect(only(mark).body).toEqual({
      prompt: "a cat",
      base64Array: [PNG_A],
      botType: "NIJI_JOURNEY",
      notifyHook: "http://127.0.0.1:9/hook",
      state: "job-1",
    });
    expect(sim.task(submittedId(outcome))).toMatchObject({
      botType: "NIJI_JOURNEY",
      state: "job-1",
    });
  });

  it("the client's notifyHook goes with every submit; a per-call one wins", async () => {
    const c = client({ notifyHook: "http://127.0.0.1:9/default" });
    const mark = sim.requests.length;
    await c.shorten({ prompt: "one" });
    await c.shorten({ prompt: "two", notifyHook: "http://127.0.0.1:9/own" });
    expect(since(mark).map((r) => r.body)).toEqual([
      { prompt: "one", notifyHook: "http://127.0.0.1:9/default" },
      { prompt: "two", notifyHook: "http://127.0.0.1:9/own" },
    ]);
  });

  it("mode relax -> /relax/mj/…, none -> /mj/…, and a per-call mode overrides the default", async () => {
    const relax = client({ mode: "relax" });
    const none = client({ mode: "none" });
    const mark = sim.requests.length;
    const a = submittedId(await relax.shorten({ prompt: "relaxed" }));
    const b = submittedId(await none.shorten({ prompt: "no prefix" }));
    const c = submittedId(await relax.shorten({ prompt: "per call", mode: "none" }));
    const d = submittedId(await none.shorten({ prompt: "per call", mode: "fast" }));
    expect(since(mark).map((r) => r.path)).toEqual([
      "/relax/mj/submit/shorten",
      "/mj/submit/shorten",
      "/mj/submit/shorten",
      "/fast/mj/submit/shorten",
    ]);
    expect(sim.task(a)).toMatchObject({ mode: "RELAX" });
    expect(sim.task(d)).toMatchObject({ mode: "FAST" });
    expect([b, c].every((id) => sim.task(id) !== undefined)).toBe(true);
  });

  it("a mode that is not a known one never becomes a path segment: nothing is sent", async () => {
    const mark = sim.requests.length;
    const forged = "../../admin" as MjMode;
    await expect(client().shorten({ prompt: "forged", mode: forged })).rejects.toThrow(
      'unknown speed mode "../../admin"',
    );
    expect(since(mark)).toEqual([]);
  });

  it("a trailing slash on baseUrl is ignored", async () => {
    const mark = sim.requests.length;
    await client({ baseUrl: `${sim.url}//` }).shorten({ prompt: "slash" });
    expect(only(mark).path).toBe("/fast/mj/submit/shorten");
  });

  it("blend, describe, shorten, swapFace, video and edits: path, body and outcome", async () => {
    const c = client({ mode: "relax" });
    const cases: [() => Promise<SubmitOutcome>, string, unknown][] = [
      [
        () => c.blend({ base64Array: [PNG_A, PNG_B], dimensions: "LANDSCAPE", state: "b" }),
        "/relax/mj/submit/blend",
        { base64Array: [PNG_A, PNG_B], dimensions: "LANDSCAPE", state: "b" },
      ],
      [
        () => c.describe({ base64: PNG_A, botType: "MID_JOURNEY" }),
        "/relax/mj/submit/describe",
        { base64: PNG_A, botType: "MID_JOURNEY" },
      ],
      [
        () => c.describe({ link: "https://example.com/a.png", mode: "fast" }),
        "/fast/mj/submit/describe",
        { link: "https://example.com/a.png" },
      ],
      [
        () => c.shorten({ prompt: "a very long prompt", botType: "NIJI_JOURNEY" }),
        "/relax/mj/submit/shorten",
        { prompt: "a very long prompt", botType: "NIJI_JOURNEY" },
      ],
      [
        () => c.swapFace({ sourceBase64: PNG_A, targetBase64: PNG_B, notifyHook: "http://h/x" }),
        "/relax/mj/insight-face/swap",
        { sourceBase64: PNG_A, targetBase64: PNG_B, notifyHook: "http://h/x" },
      ],
      [
        () => c.swapFace({ sourceUrl: "https://e.com/a.png", targetUrl: "https://e.com/b.png" }),
        "/relax/mj/insight-face/swap",
        { sourceUrl: "https://e.com/a.png", targetUrl: "https://e.com/b.png" },
      ],
      [
        () =>
          c.video({
            prompt: "the cat walks",
            image: PNG_A,
            motion: "high",
            loop: true,
            videoType: "vid_1.1_i2v_720",
            batchSize: 2,
            state: "v",
            mode: "none",
          }),
        "/mj/submit/video",
        {
          prompt: "the cat walks",
          image: PNG_A,
          motion: "high",
          loop: true,
          videoType: "vid_1.1_i2v_720",
          batchSize: 2,
          state: "v",
        },
      ],
      [
        () => c.edits({ prompt: "make it blue", image: PNG_B }),
        "/relax/mj/submit/edits",
        { prompt: "make it blue", image: PNG_B },
      ],
    ];
    for (const [run, path, body] of cases) {
      const mark = sim.requests.length;
      const outcome = await run();
      expect(outcome).toMatchObject({ kind: "submitted", queued: false });
      const req = only(mark);
      expect({ method: req.method, path: req.path, body: req.body }).toEqual({
        method: "POST",
        path,
        body,
      });
      expect(sim.task(submittedId(outcome))).toBeDefined();
    }
  });

  it("action: taskId and customId verbatim; reads go to /mj/task/… whatever the mode", async () => {
    const c = client({ mode: "relax" });
    const grid = await waitFor(sim, submittedId(await c.imagine({ prompt: "press me" })));
    const u1 = grid.buttons[0].customId as string;

    let mark = sim.requests.length;
    const outcome = await c.action({ taskId: grid.id, customId: u1, state: "u1" });
    expect(outcome).toMatchObject({ kind: "submitted", taskId: expect.stringMatching(TASK_ID) });
    const req = only(mark);
    expect(req.path).toBe("/relax/mj/submit/action");
    expect(req.body).toEqual({ taskId: grid.id, customId: u1, state: "u1" });

    mark = sim.requests.length;
    const task = await c.fetchTask(grid.id);
    expect(task).toMatchObject({ id: grid.id, status: "SUCCESS", action: "IMAGINE" });
    const tasks = await c.listTasks([grid.id]);
    const seed = await c.imageSeed(grid.id);
    expect(tasks.map((t) => t.id)).toEqual([grid.id]);
    expect(seed).toMatch(/^\d+$/);
    const reads = since(mark);
    expect(reads.map((r) => [r.method, r.path, r.body])).toEqual([
      ["GET", `/mj/task/${grid.id}/fetch`, null],
      ["POST", "/mj/task/list-by-condition", { ids: [grid.id] }],
      ["GET", `/mj/task/${grid.id}/image-seed`, null],
    ]);
    expect(reads.every((r) => r.headers.authorization === `Bearer ${KEY}`)).toBe(true);
    expect(reads[0]?.headers["content-type"]).toBeUndefined();
  });

  it("an id is path-encoded on reads", async () => {
    const mark = sim.requests.length;
    expect(await client().fetchTask("a/b c")).toBeNull();
    expect(only(mark).path).toBe("/mj/task/a%2Fb%20c/fetch");
  });
});

describe("auth", () => {
  it("authorization style sends Authorization: Bearer KEY", async () => {
    const mark = sim.requests.length;
    await client({ authHeader: "authorization" }).shorten({ prompt: "bearer" });
    const { headers } = only(mark);
    expect(headers.authorization).toBe(`Bearer ${KEY}`);
    expect(headers["mj-api-secret"]).toBeUndefined();
  });

  it("mj-api-secret style sends mj-api-secret: KEY and no Authorization", async () => {
    const c = client({ authHeader: "mj-api-secret" });
    const mark = sim.requests.length;
    const id = submittedId(await c.shorten({ prompt: "secret" }));
    expect(await c.fetchTask(id)).toMatchObject({ id });
    for (const { headers } of since(mark)) {
      expect(headers["mj-api-secret"]).toBe(KEY);
      expect(headers.authorization).toBeUndefined();
    }
  });

  it("a wrong key is HTTP 401 with a message naming MJ_API_KEY, for submits and reads", async () => {
    for (const authHeader of ["authorization", "mj-api-secret"] as const) {
      const c = client({ apiKey: "wrong-key", authHeader });
      let mark = sim.requests.length;
      const submit = await failure(c.imagine({ prompt: "nope" }));
      expect(submit).toMatchObject({ kind: "http", httpStatus: 401, mayHaveSubmitted: false });
      expect(words(submit)).toContain("MJ_API_KEY");
      only(mark);

      mark = sim.requests.length;
      const read = await failure(c.fetchTask("1234567890123456"));
      expect(read).toMatchObject({ kind: "http", httpStatus: 401 });
      expect(words(read)).toContain("MJ_API_KEY");
      only(mark); // 401 is not retried
    }
  });

  it("the gateway's JSON 401 body gives the same message", async () => {
    sim.configure({ dialect: "gateway" });
    const error = await failure(client({ apiKey: "wrong-key" }).shorten({ prompt: "x" }));
    expect(error).toMatchObject({ httpStatus: 401, mayHaveSubmitted: false });
    expect(words(error)).toContain("MJ_API_KEY");
  });
});

describe("submit codes", () => {
  it("code 22: queued, with the number of tasks ahead", async () => {
    const outcome = await client().imagine({ prompt: "wait your turn sim:queued" });
    expect(outcome).toEqual({
      kind: "submitted",
      taskId: expect.stringMatching(TASK_ID),
      taskIds: [expect.stringMatching(TASK_ID)],
      queued: true,
      queueAhead: 2,
      description: "排队中，前面还有2个任务",
    });
  });

  it("the gateway rewrites 22 to 1: plain submitted", async () => {
    sim.configure({ dialect: "gateway" });
    const outcome = await client().imagine({ prompt: "gateway sim:queued" });
    expect(outcome).toMatchObject({ kind: "submitted", queued: false, queueAhead: null });
  });

  const rejected: [string, number, RegExp][] = [
    ["sim:banned", 24, /word filter flagged "sim:banned"/],
    ["sim:queue-full", 23, /queue is full/],
    ["sim:busy", 9, /queue is full/],
    ["sim:invalid", 4, /^The request to the proxy was incomplete\.$/],
    ["sim:no-account", 3, /No Midjourney account is available/],
  ];
  for (const [word, code, message] of rejected) {
    it(`${word}: code ${code} -> ProxyError "rejected" in plain English, one request`, async () => {
      const mark = sim.requests.length;
      const error = await failure(client().imagine({ prompt: `a fox ${word}` }));
      expect(error).toMatchObject({ kind: "rejected", code, httpStatus: 200 });
      expect(error.mayHaveSubmitted).toBe(false);
      expect(error.description).toMatch(CJK); // what the proxy said, kept verbatim
      expect(words(error)).toMatch(message);
      expect(words(error)).not.toMatch(CJK);
      only(mark);
    });
  }

  it("code 24 carries the envelope's properties", async () => {
    const error = await failure(client().imagine({ prompt: "x sim:banned" }));
    expect(error.properties).toMatchObject({ bannedWord: "sim:banned", promptEn: "x sim:banned" });
  });

  it("HTTP 500 with a text body -> ProxyError 'http' 500: the job may still run", async () => {
    const mark = sim.requests.length;
    const error = await failure(client().shorten({ prompt: "boom sim:http500" }));
    expect(error).toMatchObject({ kind: "http", httpStatus: 500, code: undefined });
    expect(error.mayHaveSubmitted).toBe(true);
    expect(words(error)).toBe(
      "The Midjourney proxy had a problem (HTTP 500). The job may still run; if nothing shows up in a few minutes, try again.",
    );
    only(mark);
  });

  it("a gateway error body (HTTP 400, code 5) -> code and description, plain message", async () => {
    const error = await failure(client().imagine({ prompt: "x sim:gateway-error" }));
    expect(error).toMatchObject({
      kind: "rejected",
      httpStatus: 400,
      code: 5,
      description: "do_request_failed: upstream returned an error (sim:gateway-error)",
      // code 5 is the gateway's "unknown or transport error": the upstream may have the job.
      mayHaveSubmitted: true,
    });
    expect(words(error)).not.toMatch(CJK);
  });

  it("a gateway 429 'overloaded' (code 30) is a typed error that is not retried", async () => {
    const mark = sim.requests.length;
    const error = await failure(client().imagine({ prompt: "x sim:overloaded" }));
    expect(error).toMatchObject({
      kind: "rejected",
      httpStatus: 429,
      code: 30,
      mayHaveSubmitted: false,
    });
    // Code 30 is the gateway's "busy": its words do not depend on the Chinese description.
    expect(error.reason).toBe("busy");
    only(mark);
  });

  it("a missing parent on action: HTTP 404 code 3, isNotFound", async () => {
    const error = await failure(
      client().action({ taskId: "1234567890123456", customId: "MJ::JOB::upsample::1::abc" }),
    );
    expect(error).toMatchObject({ kind: "rejected", code: 3, httpStatus: 404, isNotFound: true });
    expect(words(error)).toMatch(/no longer knows that job/);
  });

  it("edits and video switched off: code 9 in plain words", async () => {
    sim.configure({ editsSupported: false, videoSupported: false });
    const c = client();
    const edits = await failure(c.edits({ prompt: "x", image: PNG_A }));
    expect(edits).toMatchObject({ kind: "rejected", code: 9 });
    expect(words(edits)).toBe("The proxy's Midjourney account cannot edit images.");
    const video = await failure(c.video({ prompt: "x", image: PNG_A }));
    expect(video).toMatchObject({ kind: "rejected", code: 9 });
    expect(words(video)).toBe("Video is not enabled on this proxy.");
  });
});

describe("not found on fetch", () => {
  const unknown = "9999999999999999";

  it('HTTP 204 (trueai, unknownFetch "204") -> null, not retried', async () => {
    const mark = sim.requests.length;
    expect(await client().fetchTask(unknown)).toBeNull();
    only(mark);
  });

  it('HTTP 200 with an empty body (java, unknownFetch "empty200") -> null', async () => {
    sim.configure({ unknownFetch: "empty200" });
    const mark = sim.requests.length;
    expect(await client().fetchTask(unknown)).toBeNull();
    only(mark);
  });

  it("the gateway's HTTP 400 task_no_found -> null; a known task still parses", async () => {
    sim.configure({ dialect: "gateway" });
    const c = client();
    const mark = sim.requests.length;
    expect(await c.fetchTask(unknown)).toBeNull();
    only(mark);
    const id = submittedId(await c.shorten({ prompt: "via the gateway" }));
    expect(await c.fetchTask(id)).toMatchObject({ id, action: "SHORTEN" });
  });
});

describe("listTasks", () => {
  it("leaves unknown ids out, sends duplicates once and maps an unordered answer by id", async () => {
    const c = client();
    const ids: string[] = [];
    for (const state of ["s1", "s2", "s3"]) {
      ids.push(submittedId(await c.shorten({ prompt: `list ${state}`, state })));
    }
    const [a, b, d] = ids as [string, string, string];
    const mark = sim.requests.length;
    const tasks = await c.listTasks([a, "0000000000000000", b, a, d, " ", b]);
    const req = only(mark);
    expect(req.body).toEqual({ ids: [a, "0000000000000000", b, d] });
    // The simulator answers in reverse: the order is not the request's.
    expect(tasks.map((t) => t.id)).toEqual([d, b, a]);
    const byId = new Map(tasks.map((t) => [t.id, t]));
    expect(byId.get(a)?.state).toBe("s1");
    expect(byId.get(b)?.state).toBe("s2");
    expect(byId.get(d)?.state).toBe("s3");
    expect(byId.get(a)?.prompt).toBe("list s1");
  });

  it("more than 100 ids go in batches of at most 100", async () => {
    const c = client();
    const real = [
      submittedId(await c.shorten({ prompt: "batch one" })),
      submittedId(await c.shorten({ prompt: "batch two" })),
    ];
    const fake = Array.from({ length: 248 }, (_, i) => String(1e15 + i));
    const ids = [...fake.slice(0, 10), real[0] as string, ...fake.slice(10), real[1] as string];
    const mark = sim.requests.length;
    const tasks = await c.listTasks([...ids, ...ids.slice(0, 30)]);
    const batches = since(mark).map((r) => (r.body as { ids: string[] }).ids);
    expect(batches.map((b) => b.length)).toEqual([100, 100, 50]);
    expect(batches.flat()).toEqual(ids);
    expect(since(mark).every((r) => r.path === "/mj/task/list-by-condition")).toBe(true);
    expect(tasks.map((t) => t.id).sort()).toEqual([...real].sort());
  });

  it("no ids: no request, an empty list", async () => {
    const mark = sim.requests.length;
    expect(await client().listTasks([])).toEqual([]);
    expect(since(mark)).toHaveLength(0);
  });
});

describe("imageSeed", () => {
  it("a finished task's seed, stable across calls", async () => {
    const c = client();
    const grid = await waitFor(sim, submittedId(await c.imagine({ prompt: "seeded" })));
    const seed = await c.imageSeed(grid.id);
    expect(seed).toMatch(/^\d+$/);
    expect(await c.imageSeed(grid.id)).toBe(seed);
  });

  it('seedSupport false -> code 9, "This proxy cannot look up seeds."', async () => {
    const c = client();
    const grid = await waitFor(sim, submittedId(await c.imagine({ prompt: "no seeds" })));
    sim.configure({ seedSupport: false });
    const error = await failure(c.imageSeed(grid.id));
    expect(error).toMatchObject({ kind: "rejected", code: 9 });
    expect(words(error)).toBe("This proxy cannot look up seeds.");
  });

  it("an unfinished task -> HTTP 400 code 4, not retried", async () => {
    const c = client();
    const id = submittedId(await c.imagine({ prompt: "never ends sim:stuck" }));
    const mark = sim.requests.length;
    const error = await failure(c.imageSeed(id));
    expect(error).toMatchObject({ kind: "rejected", code: 4, httpStatus: 400 });
    expect(words(error)).toBe("That job has not finished yet, so its buttons cannot be used.");
    only(mark);
  });

  it("an unknown id -> HTTP 404 code 3", async () => {
    const error = await failure(client().imageSeed("9999999999999999"));
    expect(error).toMatchObject({ code: 3, httpStatus: 404, isNotFound: true });
  });
});
