// Shards across processes, end to end: the real app (discord.js client, tracker, publisher,
// store) against the fake Discord with guilds on both shards of two, and the simulator as
// the proxy. A process follows only the jobs of guilds on its shards; the jobs of a shard
// nobody runs wait in the store, and the process that takes that shard over (a restart, a
// re-shard) finishes them, each published once.
import { mkdtempSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { commands } from "../../commands/index.js";
import { type App, startApp } from "../../src/app.js";
import type { Config } from "../../src/config.js";
import { registerCommands } from "../../src/discord/registration.js";
import type { ShardSet } from "../../src/jobs/shards.js";
import { createLogger } from "../../src/log.js";
import { type Simulator, startSimulator } from "../../src/simulator/index.js";
import type { FakeDiscord, FakeGuild, FakeInteraction, FakeMessage } from "../fakes/index.js";
import { startFakeDiscord } from "../fakes/index.js";
import { baseEnv, botPid, buildProject, projectRoot } from "../support/bot-process.js";
import { describePostgres, freshDatabase } from "../support/postgres.js";
import {
  isRunning,
  killStarted,
  type Started,
  signalGroup,
  startProcess,
  waitUntil,
} from "../support/processes.js";
import { GRID_BUTTONS } from "./helpers.js";

let fake: FakeDiscord | undefined;
let sim: Simulator | undefined;
const apps: App[] = [];
const logs: string[] = [];
const bots: Started[] = [];

afterEach(async (context) => {
  if (context.task.result?.state === "fail") {
    console.error(logs.join(""));
    for (const bot of bots) console.error(bot.output());
  }
  logs.length = 0;
  bots.length = 0;
  await killStarted();
  for (const app of apps.splice(0)) await app.stop().catch(() => undefined);
  await fake?.close();
  await sim?.close();
  fake = undefined;
  sim = undefined;
});

interface Cluster {
  fake: FakeDiscord;
  sim: Simulator;
  /** guilds on shard 0 and shard 1 of 2 */
  zero: FakeGuild;
  one: FakeGuild;
  /** Starts the app on the one store with these shards (undefined: every shard Discord recommends). */
  launch(shards: ShardSet | undefined): Promise<App>;
}

/** A port nothing listens on right now (PUBLIC_URL must be known before the start). */
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

async function cluster(): Promise<Cluster> {
  sim = await startSimulator({ stepMs: 300, imageSize: 96 });
  // Every process in turn serves the notify hook at the same address (PUBLIC_URL).
  const port = await freePort();
  fake = await startFakeDiscord();
  const zero = fake.addGuild("zero", { shard: [0, 2] });
  const one = fake.addGuild("one", { shard: [1, 2] });
  for (const guild of [zero, one]) {
    await registerCommands(commands, fake.botToken, fake.apiUrl, guild.id);
  }
  const dir = mkdtempSync(join(tmpdir(), "mjcord-shards-"));
  const base: Config = {
    discordToken: fake.botToken,
    discordGuildId: undefined,
    discordApiUrl: fake.apiUrl,
    mjApiUrl: sim.url,
    mjApiKey: "sim-key-for-tests",
    mjAuthHeader: "authorization",
    mjMode: "fast",
    mjModeStyle: "auto",
    mjDisable: [],
    databaseUrl: `sqlite://${join(dir, "mjcord.sqlite")}`,
    pollIntervalMs: 60,
    logLevel: "warn",
    maxImageMb: 10,
    jobTimeoutMinutes: 30,
    allowPrivateImageUrls: false,
    policyFile: undefined,
    httpPort: port,
    httpHost: "127.0.0.1",
    publicUrl: `http://127.0.0.1:${port}`,
  };
  const log = createLogger({
    level: "warn",
    secrets: [base.discordToken],
    destination: new Writable({
      write(chunk, _enc, done) {
        logs.push(String(chunk));
        done();
      },
    }),
  });
  const f = fake;
  const s = sim;
  return {
    fake: f,
    sim: s,
    zero,
    one,
    async launch(shards) {
      const app = await startApp({
        config: { ...base, shards },
        log,
        progressIntervalMs: 50,
        refusedDelayMs: 20,
      });
      apps.push(app);
      return app;
    },
  };
}

async function stop(app: App): Promise<void> {
  await app.stop();
  apps.splice(apps.indexOf(app), 1);
}

/** The job is shown as under way (waiting, queued or a percentage), not finished. */
function underWay(cmd: FakeInteraction): boolean {
  const m = cmd.original();
  return !!m && m.attachments.length === 0 && /Waiting|Queued|%/.test(m.content);
}

/** How many writes of a message carried the finished grid's buttons (U1): published once. */
function finalWrites(message: FakeMessage): number {
  return message.writes.filter((w) => JSON.stringify(w.body.components ?? []).includes('"U1"'))
    .length;
}

/** The task ids the proxy was asked about in these requests (list-by-condition and fetch). */
function taskIdsAsked(requests: Simulator["requests"]): string[] {
  const ids: string[] = [];
  for (const r of requests) {
    if (r.path.includes("list-by-condition")) {
      ids.push(...(((r.body as { ids?: string[] } | null)?.ids ?? []) as string[]));
    }
    const fetched = /\/task\/([^/]+)\/fetch/.exec(r.path);
    if (fetched?.[1]) ids.push(fetched[1]);
  }
  return ids;
}

/** The job's message once it shows the finished grid. */
function grid(f: FakeDiscord, cmd: FakeInteraction, what: string): Promise<FakeMessage> {
  return f.waitFor(
    () => {
      const m = cmd.original();
      return m && m.attachments.length > 0 && f.buttons(m.id).length === GRID_BUTTONS.length
        ? m
        : undefined;
    },
    { timeoutMs: 30_000, what },
  );
}

describe("one process on some of the shards", () => {
  it("follows only its shards' jobs; the process that takes the other shard over finishes them, each published once", async () => {
    const c = await cluster();
    // One process on every shard (Discord recommends one): both guilds' members start jobs.
    const all = await c.launch(undefined);
    expect(c.fake.gateway.readyShards).toEqual([[0, 1]]);
    const inZero = await c.fake.runCommand(
      "imagine",
      { prompt: "a red fox" },
      { user: "alice", channel: c.zero.channelId },
    );
    const inOne = await c.fake.runCommand(
      "imagine",
      { prompt: "a blue whale" },
      { user: "bob", channel: c.one.channelId },
    );
    await c.fake.waitFor(() => underWay(inZero) && underWay(inOne), {
      what: "both jobs under way",
    });
    expect(inZero.original()?.attachments.length ?? 0).toBe(0);
    expect(inOne.original()?.attachments.length ?? 0).toBe(0);
    await stop(all);

    // Re-sharded to two; only shard 0 runs for now.
    const asked = c.sim.requests.length;
    const zeroOnly = await c.launch({ count: 2, ids: [0] });
    expect(c.fake.gateway.readyShards).toEqual([[0, 2]]);
    expect(zeroOnly.client.guilds.cache.has(c.zero.id)).toBe(true);
    expect(zeroOnly.client.guilds.cache.has(c.one.id)).toBe(false);
    const zeroGrid = await grid(c.fake, inZero, "the grid in the guild on shard 0");
    const oneTask = inOneTask(c);
    // The task in guild "one" finishes on the proxy; nobody on its shard shows it.
    await waitForSuccess(c.sim, await oneTask);
    const writesBefore = inOne.original()?.writes.length ?? 0;
    // The proxy's notify hook names that task (the simulator posts its own as it goes): the
    // process on shard 0 takes the post and does nothing with it, not even a fetch.
    const submit = c.sim.requests.find((r) => r.path.endsWith("/submit/imagine"));
    const hook = String((submit?.body as { notifyHook?: string } | undefined)?.notifyHook);
    for (let i = 0; i < 3; i += 1) {
      const answer = await fetch(hook, {
        method: "POST",
        body: JSON.stringify({ id: await oneTask, status: "SUCCESS" }),
        headers: { "content-type": "application/json" },
      });
      expect(answer.status).toBe(204);
    }
    await new Promise((resolve) => setTimeout(resolve, 1_500)); // ~25 ticks of the process on shard 0
    expect(inOne.original()?.writes.length ?? 0).toBe(writesBefore);
    expect(inOne.original()?.attachments.length ?? 0).toBe(0);
    expect(taskIdsAsked(c.sim.requests.slice(asked))).not.toContain(await oneTask);
    await stop(zeroOnly);

    // Shard 1 is taken over: its job is resumed and shown; the other is left alone.
    const zeroWrites = zeroGrid.writes.length;
    const oneOnly = await c.launch({ count: 2, ids: [1] });
    expect(c.fake.gateway.readyShards).toEqual([[1, 2]]);
    const oneGrid = await grid(
      c.fake,
      inOne,
      "the grid in the guild on shard 1, after the take-over",
    );
    expect(finalWrites(zeroGrid)).toBe(1);
    expect(finalWrites(oneGrid)).toBe(1);
    expect(c.fake.message(zeroGrid.id)?.writes.length).toBe(zeroWrites);

    // Its buttons work on the process that now runs its shard.
    const u1 = c.fake.buttons(oneGrid.id).find((b) => b.label === "U1")?.customId ?? "";
    const press = await c.fake.pressButton(oneGrid.id, u1, { user: "bob" });
    await c.fake.waitFor(() => (press.original()?.attachments.length ?? 0) > 0, {
      timeoutMs: 30_000,
      what: "the upscale",
    });
    await stop(oneOnly);
    expect(c.sim.requests.filter((r) => r.path.endsWith("/submit/imagine"))).toHaveLength(2);
    expect(c.fake.violations).toEqual([]);
  }, 90_000);
});

/** The proxy task of the job in guild "one" (the simulator's task with its prompt). */
async function inOneTask(c: Cluster): Promise<string> {
  const tasks = await listTasks(c.sim);
  const found = tasks.find((t) => t.prompt.includes("blue whale"));
  if (!found) throw new Error("no task for the job in guild one");
  return found.id;
}

async function listTasks(
  s: Simulator,
): Promise<Array<{ id: string; prompt: string; status: string }>> {
  const answer = await fetch(`${s.url}/mj/task/list`, {
    headers: { authorization: "Bearer sim-key-for-tests" },
  });
  return (await answer.json()) as Array<{ id: string; prompt: string; status: string }>;
}

async function waitForSuccess(s: Simulator, taskId: string): Promise<void> {
  const until = Date.now() + 30_000;
  while (Date.now() < until) {
    const task = (await listTasks(s)).find((t) => t.id === taskId);
    if (task?.status === "SUCCESS") return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`task ${taskId} never succeeded`);
}

const root = projectRoot;

/** The bot as an operator starts it (`npm start`), on the shard `shard` of 2. */
function startBot(env: Record<string, string>, shard: number): Started {
  const bot = startProcess("npm", ["start"], {
    cwd: root,
    env: {
      ...baseEnv(),
      ...env,
      // Each process its own key: the simulator's log tells which process asked what.
      MJ_API_KEY: `sim-key-shard-${shard}`,
      SHARD_COUNT: "2",
      SHARD_IDS: String(shard),
    },
  });
  bots.push(bot);
  return bot;
}

/** The task ids each process asked the proxy about, by its key. */
function askedBy(requests: Simulator["requests"], shard: number): Set<string> {
  const key = `Bearer sim-key-shard-${shard}`;
  return new Set(taskIdsAsked(requests.filter((r) => r.headers.authorization === key)));
}

describe("npm start with SHARD_COUNT and SHARD_IDS", () => {
  beforeAll(buildProject, 180_000);

  it.each([
    [
      "SHARD_COUNT=2, SHARD_IDS=1: only shard 1",
      { SHARD_COUNT: "2", SHARD_IDS: "1" },
      1,
      [[1, 2]],
      "shards 1 of 2",
    ],
    [
      "SHARD_COUNT=2 alone: both shards",
      { SHARD_COUNT: "2" },
      1,
      [
        [0, 2],
        [1, 2],
      ],
      "every shard of 2",
    ],
    [
      "a blank SHARD_COUNT: every shard Discord recommends",
      { SHARD_COUNT: " ", SHARD_IDS: "" },
      2,
      [
        [0, 2],
        [1, 2],
      ],
      "every shard Discord recommends",
    ],
  ] as const)(
    "%s",
    async (_, shardEnv, recommended, shards, logged) => {
      sim = await startSimulator({ imageSize: 96 });
      fake = await startFakeDiscord({ recommendedShards: recommended });
      const f = fake;
      const bot = startProcess("npm", ["start"], {
        cwd: root,
        env: {
          ...baseEnv(),
          DISCORD_TOKEN: f.botToken,
          DISCORD_API_URL: f.apiUrl,
          MJ_API_URL: sim.url,
          MJ_API_KEY: "sim-key",
          DATABASE_URL: `sqlite://${join(mkdtempSync(join(tmpdir(), "mjcord-db-")), "bot.sqlite")}`,
          LOG_LEVEL: "info",
          ...shardEnv,
        },
      });
      bots.push(bot);
      await botPid(bot, 60_000);
      expect(f.gateway.readyShards.sort()).toEqual(shards);
      expect(bot.output()).toContain(`"shards":"${logged}"`);
      signalGroup(bot, "SIGTERM");
      expect((await bot.exited).code).toBe(0);
    },
    60_000,
  );
});

describePostgres("two bot processes, one on each shard, on one Postgres database", () => {
  beforeAll(buildProject, 180_000);

  it("publishes each job once, by the process of its guild's shard; a kill -9 and a restart lose nothing", async () => {
    sim = await startSimulator({ stepMs: 400, imageSize: 96 });
    fake = await startFakeDiscord();
    const f = fake;
    const zero = f.addGuild("zero", { shard: [0, 2] });
    const one = f.addGuild("one", { shard: [1, 2] });
    for (const guild of [zero, one])
      await registerCommands(commands, f.botToken, f.apiUrl, guild.id);
    const env = {
      DISCORD_TOKEN: f.botToken,
      DISCORD_API_URL: f.apiUrl,
      MJ_API_URL: sim.url,
      DATABASE_URL: await freshDatabase(),
      POLL_INTERVAL_MS: "250",
      LOG_LEVEL: "info",
    };
    const onShardZero = startBot(env, 0);
    const onShardOne = startBot(env, 1);
    const [, onePid] = await Promise.all([botPid(onShardZero, 60_000), botPid(onShardOne, 60_000)]);
    await f.waitFor(() => f.gateway.readyShards.length === 2, { what: "both shards" });
    expect(f.gateway.readyShards.sort()).toEqual([
      [0, 2],
      [1, 2],
    ]);

    const jobs: Array<{ cmd: FakeInteraction; guild: FakeGuild }> = [];
    for (const [user, guild, prompt] of [
      ["alice", zero, "a red fox"],
      ["bob", one, "a blue whale"],
      ["carol", zero, "a green frog"],
      ["alice", one, "a yellow bird"],
    ] as const) {
      const cmd = await f.runCommand("imagine", { prompt }, { user, channel: guild.channelId });
      jobs.push({ cmd, guild });
    }
    await f.waitFor(() => jobs.every((j) => underWay(j.cmd)), {
      timeoutMs: 20_000,
      what: "every job under way",
    });
    // kill -9 of the process on shard 1 (its whole group), mid-job.
    signalGroup(onShardOne, "SIGKILL");
    await onShardOne.exited;
    expect(await waitUntil(() => !isRunning(onePid), 10_000)).toBe(true);
    const inOne = jobs.filter((j) => j.guild === one);
    const inZero = jobs.filter((j) => j.guild === zero);
    const tasks = await listTasks(sim);
    const taskOf = (prompt: string) => tasks.find((t) => t.prompt.includes(prompt))?.id ?? "";
    const zeroTasks = new Set([taskOf("red fox"), taskOf("green frog")]);
    const oneTasks = new Set([taskOf("blue whale"), taskOf("yellow bird")]);
    // Killed long before its jobs could finish.
    expect(tasks.filter((t) => oneTasks.has(t.id)).map((t) => t.status)).not.toContain("SUCCESS");
    const writes = inOne.map((j) => j.cmd.original()?.writes.length ?? 0);

    // While shard 1 is down the process on shard 0 is restarted too (an upgrade): it reads
    // every job in flight from the store, takes up its own and finishes them, and leaves
    // shard 1's alone even once their tasks have finished on the proxy.
    signalGroup(onShardZero, "SIGTERM");
    expect((await onShardZero.exited).code).toBe(0);
    await botPid(startBot(env, 0), 60_000);
    for (const j of inZero) await grid(f, j.cmd, "a grid of shard 0 while shard 1 is down");
    for (const id of oneTasks) await waitForSuccess(sim, id);
    await new Promise((resolve) => setTimeout(resolve, 1_000)); // four polls of shard 0's process
    expect(inOne.map((j) => j.cmd.original()?.writes.length ?? 0)).toEqual(writes);

    // A job of shard 0 stays in flight (its task stops at 62%) while shard 1 comes back.
    const stuck = await f.runCommand(
      "imagine",
      { prompt: "a stuck snail sim:stuck" },
      { user: "bob", channel: zero.channelId },
    );
    await f.waitFor(() => /62%/.test(stuck.original()?.content ?? ""), {
      timeoutMs: 20_000,
      what: "the stuck job at 62%",
    });
    const stuckTask = (await listTasks(sim)).find((t) => t.prompt.includes("stuck snail"))?.id;

    // Shard 1 comes back: its jobs are resumed and shown; shard 0's are not its to follow.
    await botPid(startBot(env, 1), 60_000);
    for (const j of inOne) await grid(f, j.cmd, "a grid of shard 1 after its restart");

    for (const j of jobs) {
      const message = j.cmd.original() as FakeMessage;
      expect(finalWrites(message)).toBe(1);
    }
    // No task was asked about by a process that does not run its guild's shard.
    expect([...askedBy(sim.requests, 0)].filter((id) => oneTasks.has(id))).toEqual([]);
    expect(
      [...askedBy(sim.requests, 1)].filter((id) => zeroTasks.has(id) || id === stuckTask),
    ).toEqual([]);
    expect(askedBy(sim.requests, 0).has(stuckTask ?? "")).toBe(true);
    expect(sim.requests.filter((r) => r.path.endsWith("/submit/imagine"))).toHaveLength(5);
    expect(f.violations).toEqual([]);
  }, 180_000);
});
