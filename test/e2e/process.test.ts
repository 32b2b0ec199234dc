// The bot as an operator runs it: `npm start`'s entry point in its own process, pointed at
// the fake Discord (DISCORD_API_URL) with the simulator as the proxy; killed with SIGKILL
// mid-job and started again.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { registerCommands } from "../../src/register.js";
import { type Simulator, startSimulator } from "../../src/simulator/index.js";
import { type FakeDiscord, startFakeDiscord } from "../fakes/index.js";
import { GRID_BUTTONS } from "./helpers.js";

const root = fileURLToPath(new URL("../..", import.meta.url));
let fake: FakeDiscord;
let sim: Simulator;
const bots: ChildProcess[] = [];
/** What the bots printed, shown when a test fails. */
const output: string[] = [];

afterEach(async (context) => {
  if (context.task.result?.state === "fail") console.error(output.join(""));
  output.length = 0;
  for (const bot of bots) bot.kill("SIGKILL");
  await fake?.close();
  await sim?.close();
});

function startBot(env: Record<string, string>): ChildProcess {
  const bot = spawn(join(root, "node_modules/.bin/tsx"), [join(root, "src/main.ts")], {
    cwd: mkdtempSync(join(tmpdir(), "mjcord-proc-")),
    env: { PATH: process.env.PATH ?? "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  bots.push(bot);
  bot.stderr?.on("data", (d) => output.push(String(d)));
  bot.stdout?.on("data", (d) => output.push(String(d)));
  return bot;
}

describe("npm start against the fakes", () => {
  it("serves /imagine, survives kill -9 mid-job, and finishes the job after the restart", async () => {
    sim = await startSimulator({ stepMs: 400, imageSize: 96 });
    fake = await startFakeDiscord();
    await registerCommands(fake.botToken, fake.apiUrl, fake.guildId);
    const env = {
      DISCORD_TOKEN: fake.botToken,
      DISCORD_API_URL: fake.apiUrl,
      MJ_API_URL: sim.url,
      MJ_API_KEY: "sim-key",
      DATABASE_URL: `sqlite://${join(mkdtempSync(join(tmpdir(), "mjcord-db-")), "bot.sqlite")}`,
      POLL_INTERVAL_MS: "250",
      LOG_LEVEL: "warn",
    };
    const first = startBot(env);
    await fake.waitForClient(20_000);
    const cmd = await fake.runCommand("imagine", { prompt: "a red fox" }, { user: "alice" });
    // Killed while the job is shown as under way, long before it can finish.
    await fake.waitFor(() => /Waiting|Queued|%/.test(cmd.original()?.content ?? "") || undefined, {
      timeoutMs: 15_000,
      what: "the job under way",
    });
    first.kill("SIGKILL");
    await new Promise((resolve) => first.once("exit", resolve));
    const tasks = (await (
      await fetch(`${sim.url}/mj/task/list`, { headers: { authorization: "Bearer sim-key" } })
    ).json()) as Array<{ status: string }>;
    expect(tasks.map((t) => t.status)).not.toContain("SUCCESS");

    startBot(env);
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
  }, 60_000);
});
