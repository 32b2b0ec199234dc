// The restart tests on a Postgres store (DATABASE_URL=postgres://…): a job in flight when the
// bot is killed resumes after the restart, in the app (test/e2e/world.ts) and as an operator
// runs it (`npm start`, killed with SIGKILL), and is submitted once.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeAll, expect, it } from "vitest";
import { commands } from "../../commands/index.js";
import { registerCommands } from "../../src/discord/registration.js";
import { type Simulator, startSimulator } from "../../src/simulator/index.js";
import { type FakeDiscord, startFakeDiscord } from "../fakes/index.js";
import { describePostgres, freshDatabase } from "../support/postgres.js";
import {
  isRunning,
  killStarted,
  markedProcesses,
  type Started,
  signalGroup,
  startProcess,
  waitUntil,
} from "../support/processes.js";
import {
  finalResult,
  GRID_BUTTONS,
  imagineGrid,
  messageSaying,
  press,
  proxyCalls,
} from "./helpers.js";
import { buttonsByLabel, startWorld, type World } from "./world.js";

const root = fileURLToPath(new URL("../..", import.meta.url));
let world: World | undefined;
let fake: FakeDiscord | undefined;
let sim: Simulator | undefined;
const bots: Started[] = [];

afterEach(async (context) => {
  if (context.task.result?.state === "fail") {
    for (const bot of bots) console.error(bot.output());
  }
  bots.length = 0;
  await killStarted();
  await world?.close();
  await fake?.close();
  await sim?.close();
  world = fake = sim = undefined;
});

describePostgres("restarts on a Postgres store", () => {
  it("a job in flight when the bot is killed resumes after the restart, and old buttons still work", async () => {
    const w = await startWorld({
      sim: { stepMs: 120 },
      config: { databaseUrl: await freshDatabase() },
    });
    world = w;
    const { grid } = await imagineGrid(w);
    const cmd = await w.fake.runCommand("imagine", { prompt: "a blue owl" }, { user: "alice" });
    await messageSaying(w, cmd, /%|Waiting|Queued/);
    await w.crash();
    await w.restart();
    const resumed = await finalResult(w, cmd, 15_000);
    expect(resumed.content).toContain("a blue owl");
    expect([...buttonsByLabel(w, resumed.id).keys()]).toEqual(GRID_BUTTONS);
    const u3 = await press(w, grid, "U3");
    await finalResult(w, u3);
    expect(proxyCalls(w, "/submit/imagine")).toHaveLength(2);
    expect(w.fake.violations).toEqual([]);
  });

  beforeAll(() => {
    const build = spawnSync(process.execPath, [join(root, "bin", "mjcord.mjs"), "--build"], {
      cwd: root,
      encoding: "utf8",
    });
    if (build.status !== 0) throw new Error(`the build failed:\n${build.stdout}${build.stderr}`);
  }, 180_000);

  it("npm start survives kill -9 of its process group mid-job and finishes the job after the restart", async () => {
    sim = await startSimulator({ stepMs: 400, imageSize: 96 });
    fake = await startFakeDiscord();
    await registerCommands(commands, fake.botToken, fake.apiUrl, fake.guildId);
    const databaseUrl = await freshDatabase();
    const env = {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? tmpdir(),
      DISCORD_TOKEN: fake.botToken,
      DISCORD_API_URL: fake.apiUrl,
      MJ_API_URL: sim.url,
      MJ_API_KEY: "sim-key",
      DATABASE_URL: databaseUrl,
      POLL_INTERVAL_MS: "250",
      LOG_LEVEL: "info",
    };
    const cwd = linkedCopy();
    const first = npmStart(cwd, env);
    const firstPid = await botPid(first);
    const cmd = await fake.runCommand("imagine", { prompt: "a red fox" }, { user: "alice" });
    await fake.waitFor(() => /Waiting|Queued|%/.test(cmd.original()?.content ?? "") || undefined, {
      timeoutMs: 15_000,
      what: "the job under way",
    });
    signalGroup(first, "SIGKILL");
    await first.exited;
    expect(await waitUntil(() => !isRunning(firstPid), 10_000)).toBe(true);
    expect(markedProcesses()).toEqual([]);

    const second = npmStart(cwd, env);
    expect(await botPid(second)).not.toBe(firstPid);
    const final = await fake.waitFor(
      () => {
        const m = cmd.original();
        return m && m.attachments.length > 0 ? m : undefined;
      },
      { timeoutMs: 30_000, what: "the picture after the restart" },
    );
    expect(fake.buttons(final.id).map((b) => b.label)).toEqual(GRID_BUTTONS);
    expect(sim.requests.filter((r) => r.path.endsWith("/submit/imagine"))).toHaveLength(1);
    expect(fake.violations).toEqual([]);
    // The store's password is in no line the bot wrote.
    const password = decodeURIComponent(new URL(databaseUrl).password);
    expect(first.output() + second.output()).not.toContain(password);
    signalGroup(second, "SIGTERM");
    expect((await second.exited).code).toBe(0);
  }, 90_000);
});

/** The project through symlinks (with its fresh dist/), as process.test.ts runs it. */
function linkedCopy(): string {
  const dir = join(mkdtempSync(join(tmpdir(), "mjcord-pg-e2e-")), "bot");
  mkdirSync(dir);
  for (const name of [
    "package.json",
    "tsconfig.json",
    "tsconfig.build.json",
    "bin",
    "src",
    "commands",
    "node_modules",
    "dist",
  ]) {
    symlinkSync(join(root, name), join(dir, name));
  }
  return dir;
}

function npmStart(cwd: string, env: Record<string, string>): Started {
  const bot = startProcess("npm", ["start"], { cwd, env });
  bots.push(bot);
  return bot;
}

/** The pid of the bot itself (not npm's), from its start-up line. */
async function botPid(bot: Started): Promise<number> {
  const pid = await waitUntil(() => {
    for (const line of bot.output().split("\n")) {
      if (!line.startsWith("{")) continue;
      const entry = JSON.parse(line) as { msg?: string; pid?: number };
      if (entry.msg?.startsWith("mjcord is online")) return entry.pid;
    }
    return undefined;
  }, 30_000);
  if (!pid) throw new Error(`the bot never said it was online:\n${bot.output()}`);
  return pid;
}
