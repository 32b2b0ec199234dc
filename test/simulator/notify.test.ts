import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Simulator } from "../../src/simulator/index.js";
import { fetchTask, type Json, post, start, waitFor } from "./helpers.js";

let sim: Simulator;
let hooks: Server;
let hookUrl: string;
const received: { path: string; type: string | undefined; body: Json }[] = [];

beforeAll(async () => {
  sim = await start();
  hooks = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push({
        path: req.url ?? "",
        type: req.headers["content-type"],
        body: JSON.parse(Buffer.concat(chunks).toString("utf8")),
      });
      res.end("ok");
    });
  });
  await new Promise<void>((resolve) => hooks.listen(0, "127.0.0.1", resolve));
  hookUrl = `http://127.0.0.1:${(hooks.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await sim.close();
  hooks.closeAllConnections();
  await new Promise((resolve) => hooks.close(resolve));
});

async function hooksFor(id: string, until: string): Promise<Json[]> {
  const deadline = Date.now() + 3000;
  while (Date.now() < deadline) {
    const mine = received.filter((r) => r.body.id === id).map((r) => r.body);
    if (mine.some((b) => b.status === until)) return mine;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`no ${until} hook for ${id}`);
}

describe("notifyHook", () => {
  it("posts the whole task on SUBMITTED, every step, and SUCCESS; state is echoed", async () => {
    const answer = await post(sim, "/mj/submit/imagine", {
      prompt: "hooked fox",
      notifyHook: `${hookUrl}/mj/notify/secret`,
      state: "discord:1",
    });
    const id = answer.json.result as string;
    const final = await waitFor(sim, id);
    const bodies = await hooksFor(id, "SUCCESS");
    const steps = bodies.map((b) => `${b.status}:${b.progress}`).sort();
    expect(steps).toEqual(
      [
        "SUBMITTED:0%",
        "IN_PROGRESS:15%",
        "IN_PROGRESS:31%",
        "IN_PROGRESS:46%",
        "IN_PROGRESS:62%",
        "IN_PROGRESS:78%",
        "IN_PROGRESS:93%",
        "SUCCESS:100%",
      ].sort(),
    );
    const mine = received.filter((r) => r.body.id === id);
    expect(mine.every((r) => r.path === "/mj/notify/secret")).toBe(true);
    expect(mine.every((r) => r.type === "application/json")).toBe(true);
    const success = bodies.find((b) => b.status === "SUCCESS");
    expect(success).toEqual(final);
    expect(success.state).toBe("discord:1");
    expect(success.properties.notifyHook).toBe(`${hookUrl}/mj/notify/secret`);
  });

  it("sends FAILURE, and nothing for a MODAL task until it runs", async () => {
    const failing = await post(sim, "/mj/submit/imagine", {
      prompt: "x sim:fail",
      notifyHook: hookUrl,
    });
    const failed = await hooksFor(failing.json.result, "FAILURE");
    expect(failed.map((b) => b.status).sort()).toEqual(["FAILURE", "SUBMITTED"]);

    const grid = await post(sim, "/mj/submit/imagine", { prompt: "parent" });
    const done = await waitFor(sim, grid.json.result);
    const up = await post(sim, "/mj/submit/action", {
      taskId: done.id,
      customId: done.buttons[0].customId,
      notifyHook: hookUrl,
    });
    const upscale = await waitFor(sim, up.json.result);
    const inpaint = upscale.buttons.find((b: { customId: string }) =>
      b.customId.startsWith("MJ::Inpaint"),
    );
    const modal = await post(sim, "/mj/submit/action", {
      taskId: upscale.id,
      customId: inpaint.customId,
      notifyHook: `${hookUrl}/modal`,
      state: "m",
    });
    await new Promise((r) => setTimeout(r, 60));
    expect(received.some((r) => r.body.id === modal.json.result)).toBe(false);
    expect((await fetchTask(sim, modal.json.result)).status).toBe("MODAL");

    // The hook of the action is used; the modal body's is ignored.
    await post(sim, "/mj/submit/modal", {
      taskId: modal.json.result,
      prompt: "p",
      maskBase64: "bad",
      notifyHook: `${hookUrl}/ignored`,
    });
    const after = await hooksFor(modal.json.result, "FAILURE");
    expect(after.every((b) => b.state === "m")).toBe(true);
    const paths = received.filter((r) => r.body.id === modal.json.result).map((r) => r.path);
    expect(new Set(paths)).toEqual(new Set(["/modal"]));
  });

  it("ignores hooks that fail", async () => {
    const answer = await post(sim, "/mj/submit/imagine", {
      prompt: "unreachable hook",
      notifyHook: "http://127.0.0.1:9/nowhere",
    });
    expect((await waitFor(sim, answer.json.result)).status).toBe("SUCCESS");
  });
});
