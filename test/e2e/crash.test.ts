// kill -9 while a submit is under way: the proxy has made (and billed) the task, the bot has
// not heard back. `npm start` in a process of its own, against the fake Discord and the
// simulator; after the restart the job must be found and delivered, and submitted once.
import { mkdirSync, mkdtempSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { commands } from "../../commands/index.js";
import { registerCommands } from "../../src/discord/registration.js";
import { type Simulator, startSimulator } from "../../src/simulator/index.js";
import { type FakeDiscord, type FakeInteraction, startFakeDiscord } from "../fakes/index.js";
import {
  killStarted,
  type Started,
  signalGroup,
  startProcess,
  waitUntil,
} from "../support/processes.js";
import { GRID_BUTTONS } from "./helpers.js";

const root = fileURLToPath(new URL("../..", import.meta.url));
let fake: FakeDiscord | undefined;
let sim: Simulator | undefined;
const bots: Started[] = [];

afterEach(async (context) => {
  if (context.task.result?.state === "fail") {
    for (const bot of bots) console.error(bot.output());
  }
  bots.length = 0;
  await killStarted();
  await fake?.close();
  await sim?.close();
  fake = undefined;
  sim = undefined;
});

/** The project as symlinks in a folder of its own: no developer's `.env` is read. */
function projectCopy(): string {
  const dir = join(mkdtempSync(join(tmpdir(), "mjcord-crash-")), "bot");
  mkdirSync(dir);
  for (const name of ["package.json", "tsconfig.json", "src", "commands", "node_modules"]) {
    symlinkSync(join(root, name), join(dir, name));
  }
  return dir;
}

function startBot(cwd: string, env: Record<string, string>): Started {
  const bot = startProcess("npm", ["start"], { cwd, env });
  bots.push(bot);
  return bot;
}

async function online(bot: Started): Promise<void> {
  const ok = await waitUntil(() => bot.output().includes('"msg":"mjcord is online'), 30_000);
  if (!ok) throw new Error(`the bot never said it was online:\n${bot.output()}`);
}

/** The finished picture in the member's own reply. */
function picture(f: FakeDiscord, cmd: FakeInteraction) {
  return f.waitFor(
    () => {
      const m = cmd.original();
      return m && m.attachments.length > 0 ? m : undefined;
    },
    { timeoutMs: 40_000, what: "the picture after the restart" },
  );
}

describe("kill -9 while the proxy holds the answer to a submit", () => {
  it.each([
    ["/imagine", "/submit/imagine"],
    ["U3 on a grid", "/submit/action"],
  ])(
    "%s: after the restart the task is found and delivered, submitted once",
    async (_, endpoint) => {
      sim = await startSimulator({ stepMs: 300, imageSize: 96 });
      fake = await startFakeDiscord();
      await registerCommands(commands, fake.botToken, fake.apiUrl, fake.guildId);
      const env = {
        PATH: process.env.PATH ?? "",
        HOME: process.env.HOME ?? tmpdir(),
        DISCORD_TOKEN: fake.botToken,
        DISCORD_API_URL: fake.apiUrl,
        MJ_API_URL: sim.url,
        MJ_API_KEY: "sim-key",
        DATABASE_URL: `sqlite://${join(mkdtempSync(join(tmpdir(), "mjcord-db-")), "bot.sqlite")}`,
        POLL_INTERVAL_MS: "250",
        LOG_LEVEL: "info",
      };
      const cwd = projectCopy();
      const first = startBot(cwd, env);
      await online(first);
      // The proxy makes the task at once, then holds its answer far longer than the test.
      const hold = () =>
        sim?.injectFault({ match: endpoint, delayMs: 120_000, afterHandling: true });
      let cmd: FakeInteraction;
      if (endpoint === "/submit/imagine") {
        hold();
        cmd = await fake.runCommand("imagine", { prompt: "a red fox" }, { user: "alice" });
      } else {
        const grid = await picture(
          fake,
          await fake.runCommand("imagine", { prompt: "a red fox" }, { user: "alice" }),
        );
        const u3 = fake.buttons(grid.id).find((b) => b.label === "U3");
        hold();
        cmd = await fake.pressButton(grid.id, u3?.customId ?? "", { user: "alice" });
      }
      await waitUntil(() => sim?.requests.some((r) => r.path.endsWith(endpoint)), 15_000);
      signalGroup(first, "SIGKILL");
      await first.exited;

      const second = startBot(cwd, env);
      await online(second);
      const final = await picture(fake, cmd);
      expect(fake.buttons(final.id).length).toBeGreaterThan(0);
      if (endpoint === "/submit/imagine")
        expect(fake.buttons(final.id).map((b) => b.label)).toEqual(GRID_BUTTONS);
      expect(sim.requests.filter((r) => r.path.endsWith(endpoint))).toHaveLength(1);
      expect(fake.violations).toEqual([]);
    },
    120_000,
  );
});
