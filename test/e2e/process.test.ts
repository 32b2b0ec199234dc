// The bot as an operator runs it: `npm start` in a process of its own, from a copy of the
// project reached through symlinks in a path with `#` and spaces, pointed at the fake
// Discord (DISCORD_API_URL) with the simulator as the proxy. Killed with SIGKILL mid-job,
// stopped with SIGTERM while a submit is under way, and refused by Discord and by its
// database. `npm start` runs what tsc built into dist/ (bin/mjcord.mjs), building it first
// when the sources are newer.
import {
  appendFileSync,
  chmodSync,
  existsSync,
  lstatSync,
  mkdtempSync,
  readFileSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { commands } from "../../commands/index.js";
import { registerCommands } from "../../src/discord/registration.js";
import { JobStore } from "../../src/jobs/store.js";
import { type Simulator, startSimulator } from "../../src/simulator/index.js";
import { type FakeDiscord, type FakeInteraction, startFakeDiscord } from "../fakes/index.js";
import {
  baseEnv,
  botPid,
  buildProject,
  projectRoot,
  symlinkedCopy,
} from "../support/bot-process.js";
import {
  isRunning,
  killStarted,
  markedProcesses,
  type Started,
  signalGroup,
  startProcess,
  waitUntil,
} from "../support/processes.js";
import { GRID_BUTTONS } from "./helpers.js";

const root = projectRoot;
const launcher = join(root, "bin", "mjcord.mjs");
let fake: FakeDiscord | undefined;
let sim: Simulator | undefined;
const bots: Started[] = [];

// The copies below share the project's own build, made (when stale) once here: a build of
// their own on every start would be slow. One test builds a copy's own dist/.
beforeAll(buildProject, 180_000);

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

function freshDatabase(): string {
  return `sqlite://${join(mkdtempSync(join(tmpdir(), "mjcord-db-")), "bot.sqlite")}`;
}

async function startFakes(simOptions: Parameters<typeof startSimulator>[0] = {}) {
  sim = await startSimulator({ stepMs: 400, imageSize: 96, ...simOptions });
  fake = await startFakeDiscord();
  await registerCommands(commands, fake.botToken, fake.apiUrl, fake.guildId);
  return {
    sim,
    fake,
    env: {
      ...baseEnv(),
      DISCORD_TOKEN: fake.botToken,
      DISCORD_API_URL: fake.apiUrl,
      MJ_API_URL: sim.url,
      MJ_API_KEY: "sim-key",
      DATABASE_URL: freshDatabase(),
      POLL_INTERVAL_MS: "250",
      LOG_LEVEL: "info",
    },
  };
}

/** `npm start` (or another script) in `cwd`, in a process group of its own. */
function npm(script: string[], cwd: string, env: Record<string, string>): Started {
  const bot = startProcess("npm", script, { cwd, env });
  bots.push(bot);
  return bot;
}

async function gone(pid: number): Promise<boolean> {
  return (await waitUntil(() => !isRunning(pid), 10_000)) === true;
}

describe("npm start against the fakes", () => {
  it("serves /imagine, survives kill -9 of its process group mid-job, and finishes the job after the restart", async () => {
    const { sim, fake, env } = await startFakes();
    const cwd = symlinkedCopy();
    const first = npm(["start"], cwd, env);
    const firstPid = await botPid(first);
    const cmd = await fake.runCommand("imagine", { prompt: "a red fox" }, { user: "alice" });
    // Killed while the job is shown as under way, long before it can finish.
    await fake.waitFor(() => /Waiting|Queued|%/.test(cmd.original()?.content ?? "") || undefined, {
      timeoutMs: 15_000,
      what: "the job under way",
    });
    signalGroup(first, "SIGKILL");
    await first.exited;
    expect(await gone(firstPid)).toBe(true);
    expect(markedProcesses()).toEqual([]);
    const tasks = (await (
      await fetch(`${sim.url}/mj/task/list`, { headers: { authorization: "Bearer sim-key" } })
    ).json()) as Array<{ status: string }>;
    expect(tasks.map((t) => t.status)).not.toContain("SUCCESS");

    const second = npm(["start"], cwd, env);
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
  }, 90_000);

  it.each([
    ["trueai (routes /mj-fast/mj only)", { routes: "mj-path" }, "/mj-fast/mj/submit/imagine"],
    ["legacy novicezk", { dialect: "legacy" }, "/mj/submit/imagine"],
  ] as const)(
    "npm start against %s with no speed settings: /imagine and U2 work",
    async (_, simOptions, imaginePath) => {
      const { sim, fake, env } = await startFakes(simOptions);
      const bot = npm(["start"], symlinkedCopy(), env);
      await botPid(bot);
      const cmd = await fake.runCommand("imagine", { prompt: "a red fox" }, { user: "alice" });
      const grid = await fake.waitFor(
        () => {
          const m = cmd.original();
          return m && m.attachments.length > 0 && !m.loading ? m : undefined;
        },
        { timeoutMs: 30_000, what: "the grid" },
      );
      expect(fake.buttons(grid.id).map((b) => b.label)).toEqual(GRID_BUTTONS);
      const u2 = fake.buttons(grid.id).find((b) => b.label === "U2")?.customId ?? "";
      const press = await fake.pressButton(grid.id, u2, { user: "alice" });
      await fake.waitFor(
        () => {
          const m = press.original();
          return m && m.attachments.length > 0 && !m.loading ? m : undefined;
        },
        { timeoutMs: 30_000, what: "the upscale" },
      );
      const submits = sim.requests.filter((r) => r.path.includes("/submit/")).map((r) => r.path);
      expect(submits[0]).toBe(imaginePath);
      expect(submits).toHaveLength(2);
      expect(bot.output()).toMatch(/the proxy routes speeds as (mj-path|filter)/);
      expect(fake.violations).toEqual([]);
      signalGroup(bot, "SIGTERM");
      expect((await bot.exited).code).toBe(0);
    },
    90_000,
  );

  it.each([
    ["the npm process alone (docker stop, a process manager)", "process"],
    ["its whole process group (systemd, Ctrl-C)", "group"],
  ] as const)(
    "SIGTERM to %s waits for the submit under way, exits 0 and leaves nothing behind",
    async (_, target) => {
      const { sim, fake, env } = await startFakes();
      const cwd = symlinkedCopy();
      const bot = npm(["start"], cwd, env);
      const pid = await botPid(bot);
      // The proxy takes 3 s to answer this submit: long past any quick exit.
      sim.injectFault({ match: "/submit/imagine", delayMs: 3_000 });
      const cmd = await fake.runCommand("imagine", { prompt: "a calm lake" }, { user: "alice" });
      await waitUntil(() => sim.requests.some((r) => r.path.endsWith("/submit/imagine")), 10_000);
      if (target === "process") bot.child.kill("SIGTERM");
      else signalGroup(bot, "SIGTERM");
      // While it waits for that submit, a new command is told why nothing starts.
      await waitUntil(() => bot.output().includes('"msg":"shutting down"'), 10_000);
      const late = await fake.runCommand("imagine", { prompt: "too late" }, { user: "bob" });
      const refusal = await late.firstResponse();
      expect(refusal.type).toBe(4);
      expect(refusal.body).toMatchObject({
        data: { content: "mjcord is restarting. Please try again in a minute.", flags: 64 },
      });

      expect(await bot.exited).toEqual({ code: 0, signal: null });
      expect(await gone(pid)).toBe(true);
      expect(markedProcesses()).toEqual([]);
      expect(bot.output()).toContain('"msg":"stopped"');
      // The billed job was saved before the bot stopped: the next start shows its picture.
      const again = npm(["start"], cwd, env);
      await botPid(again);
      await fake.waitFor(() => (cmd.original()?.attachments.length ?? 0) > 0 || undefined, {
        timeoutMs: 30_000,
        what: "the picture of the job submitted during the stop",
      });
      expect(sim.requests.filter((r) => r.path.endsWith("/submit/imagine"))).toHaveLength(1);
      expect(fake.violations).toEqual([]);
    },
    90_000,
  );

  it("re-reads the spending policy on SIGHUP and on change; a bad file keeps the previous one", async () => {
    const { env } = await startFakes();
    const cwd = symlinkedCopy();
    const file = join(cwd, "policy.yml");
    writeFileSync(file, "members: { daily: 5 }\n");
    const bot = npm(["start"], cwd, env);
    const pid = await botPid(bot);
    expect(bot.output()).toContain("spending policy read from policy.yml");
    expect(bot.output()).not.toContain("no spending policy");
    const count = (text: string) => bot.output().split(text).length - 1;
    const kept = "not re-read; the previous policy stays: members.daily: expected a number >= 0";
    writeFileSync(file, "members: { daily: -1 }\n");
    await waitUntil(() => count(kept) >= 1 || undefined, 10_000);
    const before = count(kept);
    process.kill(pid, "SIGHUP");
    await waitUntil(() => count(kept) > before || undefined, 10_000);
    expect(isRunning(pid)).toBe(true);
    writeFileSync(file, "members: { daily: 6 }\n");
    await waitUntil(
      () => count("spending policy re-read from policy.yml") >= 1 || undefined,
      10_000,
    );
    const good = count("spending policy re-read from policy.yml");
    process.kill(pid, "SIGHUP");
    await waitUntil(
      () => count("spending policy re-read from policy.yml") > good || undefined,
      10_000,
    );
    expect(isRunning(pid)).toBe(true);
    signalGroup(bot, "SIGTERM");
    expect((await bot.exited).code).toBe(0);
  }, 60_000);

  it("a bad spending policy at start: exit 1, every bad key named, no stack trace", async () => {
    const { fake, env } = await startFakes();
    const cwd = symlinkedCopy();
    writeFileSync(
      join(cwd, "policy.yml"),
      "members:\n  daily: -1\n  modes: [fast, warp]\nroles:\n  112233445566778899: { daily: 3 }\ncolour: red\n",
    );
    const bot = npm(["start"], cwd, env);
    expect((await bot.exited).code).toBe(1);
    const output = bot.output();
    expect(output).toContain("mjcord cannot start: the spending policy policy.yml (POLICY_FILE)");
    expect(output).toContain("members.daily: expected a number >= 0");
    expect(output).toMatch(/members\.modes\.1: .*fast.*relax.*turbo/);
    expect(output).toMatch(/roles\.112233445566778899: .*quotes/);
    expect(output).toMatch(/colour: .*/);
    expect(output).not.toMatch(/^\s+at /m);
    // It never logged in.
    expect(fake.requests.filter((r) => r.path.includes("/gateway"))).toEqual([]);
  }, 60_000);

  it("exits 1 with a clear line when the bot token is revoked", async () => {
    const { fake, env } = await startFakes();
    const bot = npm(["start"], symlinkedCopy(), env);
    const pid = await botPid(bot);
    fake.revokeBotToken();
    expect((await bot.exited).code).toBe(1);
    expect(await gone(pid)).toBe(true);
    expect(bot.output()).toContain(
      "Discord refused the bot token: DISCORD_TOKEN is wrong or was reset in the Developer Portal (gateway close 4004)",
    );
  }, 60_000);
});

describe("kill -9 while the proxy holds the answer to a submit", () => {
  /** The finished picture in the member's own reply. */
  const picture = (f: FakeDiscord, cmd: FakeInteraction) =>
    f.waitFor(
      () => {
        const m = cmd.original();
        return m && m.attachments.length > 0 ? m : undefined;
      },
      { timeoutMs: 40_000, what: "the picture" },
    );

  it.each([
    ["/imagine", "/submit/imagine"],
    ["U3 on a grid", "/submit/action"],
  ])(
    "%s: after the restart the task is found and delivered, submitted once",
    async (_, endpoint) => {
      const { sim, fake, env } = await startFakes();
      const cwd = symlinkedCopy();
      const first = npm(["start"], cwd, env);
      await botPid(first);
      // The proxy makes the task at once, then holds its answer far longer than the test.
      const hold = () =>
        sim.injectFault({ match: endpoint, delayMs: 120_000, afterHandling: true });
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
      await waitUntil(() => sim.requests.some((r) => r.path.endsWith(endpoint)), 15_000);
      signalGroup(first, "SIGKILL");
      await first.exited;

      await botPid(npm(["start"], cwd, env));
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

describe("npm run register", () => {
  it("registers every command, for servers only, from a symlinked copy in a path with # and spaces", async () => {
    const { fake, env } = await startFakes();
    const run = npm(["run", "register"], symlinkedCopy(), {
      ...env,
      DISCORD_GUILD_ID: fake.guildId,
    });
    expect(await run.exited).toEqual({ code: 0, signal: null });
    const names = commands.map((c) => c.definition.name);
    expect(run.output()).toContain(`Registered ${names.length} commands (server ${fake.guildId})`);
    const registered = fake.registeredCommands("guild");
    expect(registered.map((c) => c.name)).toEqual(names);
    for (const c of registered) {
      expect(c).toMatchObject({ contexts: [0], integration_types: [0] });
    }
    expect(fake.violations).toEqual([]);
  }, 60_000);
});

describe("the build behind npm start", () => {
  it("a copy builds its own dist/ on first start, rebuilds after an edit, and runs nothing that fails to type-check", async () => {
    const cwd = symlinkedCopy({ copied: ["src"] });
    const register = () => npm(["run", "register"], cwd, baseEnv());
    const configError = "DISCORD_TOKEN: missing";
    const rootStamp = () => readFileSync(join(root, "dist", ".stamp"), "utf8");
    const stampBefore = rootStamp();

    const first = register();
    expect((await first.exited).code).toBe(1);
    expect(first.output()).toContain("mjcord: dist/ has no build yet; compiling");
    expect(first.output()).toContain(configError);
    expect(first.output()).not.toMatch(/\n\s+at /);
    expect(lstatSync(join(cwd, "dist")).isDirectory()).toBe(true);
    expect(existsSync(join(cwd, "dist", "src", "register.js"))).toBe(true);

    const again = register();
    expect((await again.exited).code).toBe(1);
    expect(again.output()).not.toContain("compiling");
    expect(again.output()).toContain(configError);

    const source = join(cwd, "src", "register.ts");
    const original = readFileSync(source, "utf8");
    writeFileSync(source, `process.stderr.write("edited copy\\n");\n${original}`);
    const edited = register();
    expect((await edited.exited).code).toBe(1);
    expect(edited.output()).toContain("mjcord: dist/ is older than the sources; compiling");
    expect(edited.output()).toContain("edited copy");

    appendFileSync(source, 'const wrong: number = "not a number";\n');
    const broken = register();
    expect((await broken.exited).code).toBe(1);
    expect(broken.output()).toContain("error TS2322");
    expect(broken.output()).toContain("mjcord: the build failed (tsc above); nothing was run");
    expect(broken.output()).not.toContain(configError);
    // The project's own build was left alone.
    expect(rootStamp()).toBe(stampBefore);
  }, 180_000);
});

describe("a database that cannot be used stops start-up", () => {
  /** The bot's own entry point, as `npm start` runs it; as root, without root's file powers. */
  function startBot(databaseUrl: string): Started {
    const asRoot = process.getuid?.() === 0;
    const bot = startProcess(process.execPath, [launcher, "src/main.ts"], {
      cwd: root,
      env: {
        ...baseEnv(),
        DISCORD_TOKEN: "token-never-used",
        MJ_API_KEY: "key-never-used",
        DISCORD_API_URL: "http://127.0.0.1:9/api",
        DATABASE_URL: databaseUrl,
      },
      // Root may write any file; an operator's bot user may not. Drop the powers that let
      // root ignore file permissions, so that a read-only file is read-only here too.
      ...(asRoot
        ? { wrapper: ["setpriv", "--bounding-set=-dac_override,-dac_read_search", "--"] }
        : {}),
    });
    bots.push(bot);
    return bot;
  }

  it("a read-only database file: exit 1, naming DATABASE_URL and why", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mjcord-ro-"));
    const file = join(dir, "bot.sqlite");
    const store = await JobStore.openChecked(`sqlite://${file}`);
    await store.close();
    chmodSync(file, 0o444);
    chmodSync(dir, 0o555);
    const bot = startBot(`sqlite://${file}`);
    const { code } = await bot.exited;
    chmodSync(dir, 0o755);
    expect(code).toBe(1);
    expect(bot.output()).toContain(
      `mjcord cannot start: DATABASE_URL (sqlite://${file}): the store is read-only: the bot's user must be able to write the file and its folder (SQLITE_READONLY`,
    );
    expect(bot.output()).not.toMatch(/\n\s+at /);
  }, 60_000);

  it("a corrupted database file: exit 1, naming DATABASE_URL and why", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "mjcord-bad-")), "bot.sqlite");
    writeFileSync(file, Buffer.alloc(8192, "not a database at all "));
    const bot = startBot(`sqlite://${file}`);
    expect((await bot.exited).code).toBe(1);
    expect(bot.output()).toContain(
      `mjcord cannot start: DATABASE_URL (sqlite://${file}): the file is not an intact SQLite database (corrupted?): restore it from a backup or move it away (SQLITE_NOTADB`,
    );
    expect(bot.output()).not.toMatch(/\n\s+at /);
  }, 60_000);
});
