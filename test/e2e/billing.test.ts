// Never bill twice, never lose a job: what a member sees, and how many submits the proxy
// received, when the proxy's answer is lost, the store fails, a job outlives its deadline or
// the proxy forgets a task for a while. The real app against the fake Discord and the
// simulator; the store is a real SQLite file, made to fail by another connection's lock.
import type { AddressInfo } from "node:net";
import { connect, createServer, type Server, type Socket } from "node:net";
import { PNG } from "pngjs";
import sqlite3 from "sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import type { FakeInteraction, FakeMessage } from "../fakes/index.js";
import { waitUntil } from "../support/processes.js";
import {
  finalResult,
  GRID_BUTTONS,
  labelsOf,
  messageSaying,
  newGrids,
  press,
  proxyBodies,
  proxyCalls,
  refusalOf,
  resultWithButtons,
  taskOf,
} from "./helpers.js";
import { png } from "./pictures.js";
import { startWorld, type World } from "./world.js";

let world: World;
afterEach(async () => {
  await world?.close();
});

/** Every body the bot ever wrote to this message (the defer, each edit). */
function writesOf(message: FakeMessage | undefined): string[] {
  return (message?.writes ?? []).map((w) => JSON.stringify(w.body ?? {}));
}

/** Whether the message ever offered 🔄 Retry, at any point of its life. */
function everOfferedRetry(message: FakeMessage | undefined): boolean {
  return writesOf(message).some((body) => body.includes('"label":"Retry"'));
}

/** The tasks the proxy holds (what it billed). */
async function proxyTasks(w: World): Promise<Array<{ id: string; state: string; status: string }>> {
  const res = await fetch(`${w.sim.url}/mj/task/list`, {
    headers: { authorization: `Bearer ${w.config.mjApiKey}` },
  });
  return (await res.json()) as Array<{ id: string; state: string; status: string }>;
}

/** Lets tests hold the bot's SQLite store locked from another connection, as another process would. */
class StoreLock {
  private readonly db: sqlite3.Database;
  constructor(world: World) {
    this.db = new sqlite3.Database(world.config.databaseUrl.slice("sqlite://".length));
  }
  private exec(sql: string): Promise<void> {
    return new Promise((resolve, reject) =>
      this.db.exec(sql, (err) => (err ? reject(err) : resolve())),
    );
  }
  /** Takes the write lock: every write of the bot waits for it, then fails. */
  async take(): Promise<void> {
    await this.exec("PRAGMA busy_timeout = 20000");
    await this.exec("BEGIN EXCLUSIVE");
  }
  async release(): Promise<void> {
    await this.exec("ROLLBACK");
    await new Promise((resolve) => this.db.close(resolve));
  }
}

/** The member's /imagine, and its message once it shows a finished picture. */
async function imagine(w: World, prompt = "a red fox"): Promise<FakeInteraction> {
  return w.fake.runCommand("imagine", { prompt }, { user: "alice" });
}

describe("a submit whose answer is lost is found by its state and delivered once", () => {
  it.each([502, 500, 504])(
    "HTTP %i after the proxy created the task: delivered, one submit, never a Retry",
    async (status) => {
      world = await startWorld();
      world.sim.injectFault({
        match: "/submit/imagine",
        status,
        body: "<html>Bad Gateway</html>",
        afterHandling: true,
      });
      const cmd = await imagine(world);
      const result = await finalResult(world, cmd);
      expect(labelsOf(world, result)).toEqual(GRID_BUTTONS);
      expect(result.content).not.toMatch(/may still be running/);
      expect(proxyCalls(world, "/submit/imagine")).toHaveLength(1);
      expect(everOfferedRetry(cmd.original())).toBe(false);
      expect(await proxyTasks(world)).toHaveLength(1);
      expect(world.fake.violations).toEqual([]);
    },
  );

  it("the member is told the job may still be running while it is looked for", async () => {
    world = await startWorld();
    world.sim.injectFault({ match: "/submit/imagine", status: 502, afterHandling: true });
    // The proxy's task list shows nothing for a while: the job is not found at once.
    world.sim.injectFault({
      match: /\/mj\/task\/list$/,
      status: 200,
      body: "[]",
      times: 1_000_000,
    });
    const cmd = await imagine(world);
    const waiting = await messageSaying(world, cmd, /may still be running/);
    expect(waiting.content).not.toMatch(/❌/);
    expect(labelsOf(world, waiting)).toEqual([]);
    await fetch(`${world.sim.url}/sim/faults`, { method: "DELETE" });
    const result = await finalResult(world, cmd);
    expect(labelsOf(world, result)).toEqual(GRID_BUTTONS);
    expect(proxyCalls(world, "/submit/imagine")).toHaveLength(1);
    expect(everOfferedRetry(cmd.original())).toBe(false);
    expect(world.fake.violations).toEqual([]);
  });

  it("a connection cut after the proxy created the task: delivered once", async () => {
    world = await startWorld();
    world.sim.injectFault({ match: "/submit/imagine", drop: true, afterHandling: true });
    const cmd = await imagine(world);
    const result = await finalResult(world, cmd);
    expect(labelsOf(world, result)).toEqual(GRID_BUTTONS);
    expect(proxyCalls(world, "/submit/imagine")).toHaveLength(1);
    expect(everOfferedRetry(cmd.original())).toBe(false);
    expect(world.fake.violations).toEqual([]);
  });

  it("a U1 whose answer is a 502: the upscale is found and delivered, one action", async () => {
    world = await startWorld();
    const cmd = await imagine(world);
    const grid = await finalResult(world, cmd);
    world.sim.injectFault({ match: "/submit/action", status: 502, afterHandling: true });
    const u1 = await press(world, grid, "U1");
    const upscale = await world.fake.waitFor(
      () => {
        const m = u1.original();
        return m && m.attachments.length > 0 && labelsOf(world, m).length > 0 ? m : undefined;
      },
      { timeoutMs: 20_000, what: "the upscale" },
    );
    expect(labelsOf(world, upscale)).not.toContain("Retry");
    expect(proxyCalls(world, "/submit/action")).toHaveLength(1);
    expect(everOfferedRetry(u1.original())).toBe(false);
    expect(world.fake.violations).toEqual([]);
  });

  it("🎉 Imagine all answered by a 502: all four tasks are found, each delivered once", async () => {
    world = await startWorld();
    const described = await world.fake.runCommand(
      "describe",
      {},
      {
        user: "alice",
        attachments: {
          image: { filename: "p.png", bytes: png(6, 4, [90, 90, 200]), contentType: "image/png" },
        },
      },
    );
    const result = await resultWithButtons(world, described);
    const before = new Set(world.fake.channelMessages().map((m) => m.id));
    world.sim.injectFault({ match: "/submit/action", status: 502, afterHandling: true });
    await press(world, result, "Imagine all");
    const grids = await newGrids(world, before);
    expect(new Set(grids.map((m) => taskOf(world, m))).size).toBe(4);
    expect(proxyCalls(world, "/submit/action")).toHaveLength(1);
    expect(world.fake.violations).toEqual([]);
  });

  it("a submit that made nothing (HTTP 500 before the proxy handled it): closed in plain words, no Retry", async () => {
    // The search for the task ends with the job's deadline at the latest.
    world = await startWorld({ jobDeadlineMs: 2_000 });
    world.sim.injectFault({ match: "/submit/imagine", status: 500, body: "down" });
    const cmd = await imagine(world);
    const closed = await messageSaying(world, cmd, /❌/);
    expect(closed.content).toMatch(/never confirmed/);
    expect(labelsOf(world, closed)).toEqual([]);
    expect(writesOf(cmd.original()).some((b) => b.includes("may still be running"))).toBe(true);
    expect(proxyCalls(world, "/submit/imagine")).toHaveLength(1);
    expect(await proxyTasks(world)).toHaveLength(0);
    expect(world.fake.violations).toEqual([]);
  });
});

describe("the store is checked before money moves", () => {
  it("a store that cannot be written: the member is refused in plain words, nothing is sent to the proxy", async () => {
    world = await startWorld();
    const lock = new StoreLock(world);
    await lock.take();
    try {
      const cmd = await imagine(world);
      expect((await cmd.firstResponse()).type).toBe(5); // acknowledged in time all the same
      // The credits cannot be reserved either: told privately, the public reply withdrawn.
      const refused = await refusalOf(world, cmd, 30_000);
      expect(refused.content).toMatch(/cannot save jobs right now/);
      expect(refused.content).toMatch(/nothing was sent to Midjourney/);
      expect(refused.flags & 64).toBe(64);
      expect(cmd.original()?.deleted ?? true).toBe(true);
      expect(labelsOf(world, refused)).toEqual([]);
      expect(proxyCalls(world, "/submit/imagine")).toHaveLength(0);
    } finally {
      await lock.release();
    }
    expect(world.fake.violations).toEqual([]);
  }, 60_000);

  it("a store that fails right after the proxy accepted the job: delivered once, never a Retry", async () => {
    world = await startWorld();
    // The proxy makes the task at once and answers a moment later: time to take the lock.
    world.sim.injectFault({ match: "/submit/imagine", delayMs: 500, afterHandling: true });
    const cmd = await imagine(world);
    await waitUntil(() => proxyCalls(world, "/submit/imagine").length === 1, 10_000);
    const lock = new StoreLock(world);
    await lock.take();
    try {
      const noted = await waitUntil(
        () => world.logs.some((l) => l.includes("job not saved after the proxy accepted it")),
        30_000,
      );
      expect(noted).toBe(true);
    } finally {
      await lock.release();
    }
    const result = await finalResult(world, cmd, 30_000);
    expect(labelsOf(world, result)).toEqual(GRID_BUTTONS);
    expect(proxyCalls(world, "/submit/imagine")).toHaveLength(1);
    expect(everOfferedRetry(cmd.original())).toBe(false);
    // Saved after all: the store knows the job by its task, and that it was delivered.
    const taskId = taskOf(world, result);
    let saved = await world.app.context.store.jobForTask(taskId);
    for (let i = 0; i < 100 && !saved?.delivered; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      saved = await world.app.context.store.jobForTask(taskId);
    }
    expect(saved).toMatchObject({ delivered: true, phase: "done" });
    expect(world.fake.violations).toEqual([]);
  }, 60_000);
});

describe("a job past JOB_TIMEOUT_MINUTES", () => {
  it("is closed without Retry, saying it may still arrive, and shows the picture when it does", async () => {
    world = await startWorld({ jobDeadlineMs: 800 });
    const cmd = await imagine(world, "a red fox sim:slow");
    const closed = await messageSaying(world, cmd, /No result after/);
    expect(closed.content).toMatch(/may still/);
    expect(labelsOf(world, closed)).toEqual([]);
    const result = await finalResult(world, cmd, 30_000);
    expect(labelsOf(world, result)).toEqual(GRID_BUTTONS);
    expect(result.content).not.toMatch(/❌/);
    expect(proxyCalls(world, "/submit/imagine")).toHaveLength(1);
    expect(everOfferedRetry(cmd.original())).toBe(false);
    expect(world.fake.violations).toEqual([]);
  });
});

describe("a proxy that forgets a task for a while", () => {
  it("an unknown-task blip (list leaves it out, fetch says unknown): not failed, delivered once", async () => {
    world = await startWorld();
    world.sim.injectFault({ match: "/task/list-by-condition", status: 200, body: "[]", times: 40 });
    world.sim.injectFault({ match: /\/fetch$/, status: 204, times: 40 });
    const cmd = await imagine(world);
    const result = await finalResult(world, cmd, 30_000);
    expect(labelsOf(world, result)).toEqual(GRID_BUTTONS);
    // Never shown as failed (❌ also marks the Cancel button, so only the words are read).
    const shownWords = (cmd.original()?.writes ?? []).map((w) => String(w.body?.content ?? ""));
    expect(shownWords.some((text) => text.includes("❌"))).toBe(false);
    expect(proxyCalls(world, "/submit/imagine")).toHaveLength(1);
    expect(world.fake.violations).toEqual([]);
  });
});

/** A PNG of random pixels: it does not compress, like a photo. */
function photo(seed: number): Buffer {
  const image = new PNG({ width: 64, height: 64 });
  let x = seed;
  for (let i = 0; i < image.data.length; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    image.data[i] = i % 4 === 3 ? 255 : x >>> 24;
  }
  return PNG.sync.write(image);
}

/** Every row of the bot's SQLite store with its size in bytes. */
async function storeRows(w: World): Promise<Array<{ key: string; size: number }>> {
  const db = new sqlite3.Database(w.config.databaseUrl.slice("sqlite://".length));
  try {
    return await new Promise((resolve, reject) =>
      db.all(
        "SELECT key, length(value) AS size FROM keyv",
        (err, rows: Array<{ key: string; size: number }>) => (err ? reject(err) : resolve(rows)),
      ),
    );
  } finally {
    await new Promise((resolve) => db.close(resolve));
  }
}

describe("stored jobs stay small", () => {
  it("a 5-image /blend: no progress write carries the pictures, and nothing of them is kept after", async () => {
    world = await startWorld({ sim: { stepMs: 120 } });
    const pictures = [1, 2, 3, 4, 5].map(photo);
    const total = pictures.reduce((n, p) => n + p.length, 0);
    const cmd = await world.fake.runCommand(
      "blend",
      {},
      {
        user: "alice",
        attachments: Object.fromEntries(
          pictures.map((bytes, i) => [
            `image${i + 1}`,
            { filename: `p${i}.png`, bytes, contentType: "image/png" },
          ]),
        ),
      },
    );
    // Measured while the job runs: every job record written for it so far.
    const sizes: number[] = [];
    await world.fake.waitFor(
      () => {
        const m = cmd.original();
        return m && /%/.test(m.content) ? m : undefined;
      },
      { timeoutMs: 20_000, what: "progress" },
    );
    for (const row of await storeRows(world)) if (row.key.includes(":job:")) sizes.push(row.size);
    const result = await finalResult(world, cmd);
    for (const row of await storeRows(world)) if (row.key.includes(":job:")) sizes.push(row.size);
    expect(total).toBeGreaterThan(40_000);
    expect(sizes.length).toBeGreaterThan(0);
    expect(Math.max(...sizes)).toBeLessThan(6_000);
    // Once the job succeeded, no Retry can need the pictures: nothing of them is left.
    const left = await storeRows(world);
    expect(left.filter((r) => r.key.includes("images:"))).toEqual([]);
    expect(Math.max(...left.map((r) => r.size))).toBeLessThan(6_000);
    expect(labelsOf(world, result)).toEqual(GRID_BUTTONS);
    expect(proxyCalls(world, "/submit/blend")).toHaveLength(1);
  });

  it("Retry of a refused /blend sends the same pictures again, though the job record holds none", async () => {
    world = await startWorld();
    world.sim.injectFault({
      match: "/submit/blend",
      body: JSON.stringify({
        code: 9,
        description: "提交失败，队列已满，请稍后重试",
        result: null,
      }),
    });
    const pictures = [photo(7), photo(8)];
    const cmd = await world.fake.runCommand(
      "blend",
      {},
      {
        user: "alice",
        attachments: {
          image1: { filename: "a.png", bytes: pictures[0] as Buffer, contentType: "image/png" },
          image2: { filename: "b.png", bytes: pictures[1] as Buffer, contentType: "image/png" },
        },
      },
    );
    const failed = await messageSaying(world, cmd, /queue is full/);
    const jobs = (await storeRows(world)).filter((r) => r.key.includes(":job:"));
    expect(Math.max(...jobs.map((r) => r.size))).toBeLessThan(6_000);
    const again = await press(world, failed, "Retry");
    await finalResult(world, again);
    const bodies = proxyBodies<{ base64Array: string[] }>(world, "/submit/blend");
    expect(bodies).toHaveLength(2);
    expect(bodies[1]?.base64Array).toEqual(bodies[0]?.base64Array);
    expect(world.fake.violations).toEqual([]);
  });
});

/** A TCP forwarder to the simulator that can stop listening: "connection refused" on demand. */
class Forwarder {
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  port = 0;
  target = 0;

  async on(): Promise<void> {
    const server = createServer((client) => {
      const upstream = connect(this.target, "127.0.0.1");
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on("close", () => this.sockets.delete(socket));
        socket.on("error", () => socket.destroy());
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => server.listen(this.port, "127.0.0.1", resolve));
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  async off(): Promise<void> {
    const server = this.server;
    this.server = null;
    for (const socket of this.sockets) socket.destroy();
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  }
}

describe("Retry is offered only where nothing can be running, and then works", () => {
  it("a proxy that refused the job (queue full, code 9): nothing was made; Retry submits it again and delivers", async () => {
    world = await startWorld();
    world.sim.injectFault({
      match: "/submit/imagine",
      body: JSON.stringify({
        code: 9,
        description: "提交失败，队列已满，请稍后重试",
        result: null,
      }),
    });
    const cmd = await imagine(world);
    const failed = await messageSaying(world, cmd, /queue is full/);
    expect(labelsOf(world, failed)).toEqual(["Retry"]);
    expect(await proxyTasks(world)).toHaveLength(0); // the refusal made nothing
    const retry = await press(world, failed, "Retry");
    const result = await finalResult(world, retry);
    expect(labelsOf(world, result)).toEqual(GRID_BUTTONS);
    expect(proxyCalls(world, "/submit/imagine")).toHaveLength(2);
    expect(await proxyTasks(world)).toHaveLength(1);
    expect(world.fake.violations).toEqual([]);
  });

  it("a proxy that could not be reached (connection refused): Retry, once it is back, delivers", async () => {
    const forwarder = new Forwarder();
    await forwarder.on();
    try {
      world = await startWorld({ config: { mjApiUrl: `http://127.0.0.1:${forwarder.port}` } });
      forwarder.target = Number(new URL(world.sim.url).port);
      await forwarder.off();
      const cmd = await imagine(world);
      const failed = await messageSaying(world, cmd, /could not be reached/);
      expect(labelsOf(world, failed)).toEqual(["Retry"]);
      expect(proxyCalls(world, "/submit/imagine")).toHaveLength(0);
      await forwarder.on();
      const retry = await press(world, failed, "Retry");
      const result = await finalResult(world, retry);
      expect(labelsOf(world, result)).toEqual(GRID_BUTTONS);
      expect(proxyCalls(world, "/submit/imagine")).toHaveLength(1);
      expect(world.fake.violations).toEqual([]);
    } finally {
      await forwarder.off();
    }
  });
});
