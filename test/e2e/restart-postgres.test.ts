// The restart tests on a Postgres store (DATABASE_URL=postgres://…): a job in flight when the
// bot is killed resumes after the restart, in the app (test/e2e/world.ts) and as an operator
// runs it (`npm start`, killed with SIGKILL), and is submitted once.
import { fileURLToPath } from "node:url";
import { afterEach, beforeAll, expect, it } from "vitest";
import { commands } from "../../commands/index.js";
import { registerCommands } from "../../src/discord/registration.js";
import { type Simulator, startSimulator } from "../../src/simulator/index.js";
import { type FakeDiscord, startFakeDiscord } from "../fakes/index.js";
import { baseEnv, botPid, buildProject, symlinkedCopy } from "../support/bot-process.js";
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

const _root = fileURLToPath(new URL("../..", import.meta.url));
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

  beforeAll(buildProject, 180_000);

  it("npm start survives kill -9 of its process group mid-job and finishes the job after the restart", async () => {
    sim = await startSimulator({ stepMs: 400, imageSize: 96 });
    fake = await startFakeDiscord();
    await registerCommands(commands, fake.botToken, fake.apiUrl, fake.guildId);
    const databaseUrl = await freshDatabase();
    const env = {
      ...baseEnv(),
      DISCORD_TOKEN: fake.botToken,
      DISCORD_API_URL: fake.apiUrl,
      MJ_API_URL: sim.url,
      MJ_API_KEY: "sim-key",
      DATABASE_URL: databaseUrl,
      POLL_INTERVAL_MS: "250",
      LOG_LEVEL: "info",
    };
    const cwd = symlinkedCopy();
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

function npmStart(cwd: string, env: Record<string, string>): Started {
  const bot = startProcess("npm", ["start"], { cwd, env });
  bots.push(bot);
  return bot;
}
