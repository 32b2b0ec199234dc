// The bot as an operator runs it (`npm start`), for the tests that start it as a process of
// its own: the build they share, a copy of the project through symlinks, the environment it
// gets, and the pid it reports once online.
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Started, waitUntil } from "./processes.js";

export const projectRoot = fileURLToPath(new URL("../..", import.meta.url));

/**
 * Builds dist/ when the sources are newer, once before the processes of a file start: a
 * build of their own on every start would be slow.
 */
export function buildProject(): void {
  const launcher = join(projectRoot, "bin", "mjcord.mjs");
  const build = spawnSync(process.execPath, [launcher, "--build"], {
    cwd: projectRoot,
    encoding: "utf8",
  });
  if (build.status !== 0) throw new Error(`the build failed:\n${build.stdout}${build.stderr}`);
}

/** Only what the bot needs: no `.env` of a developer's, no inherited settings. */
export function baseEnv(): Record<string, string> {
  return { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? tmpdir() };
}

/**
 * A copy of the project made of symlinks, in a folder named `folder` (say, one whose path
 * has `#` and spaces): with the project's dist/ (fresh, so never written through the link),
 * or with `copied` folders real copies and no dist/, which the copy builds for itself.
 */
export function symlinkedCopy(options: { copied?: string[]; folder?: string } = {}): string {
  const dir = join(mkdtempSync(join(tmpdir(), "mjcord #proc ")), options.folder ?? "my bot #1");
  mkdirSync(dir);
  const copied = options.copied ?? [];
  const linked = [
    "package.json",
    "tsconfig.json",
    "tsconfig.build.json",
    "bin",
    "src",
    "commands",
    "node_modules",
    ...(options.copied ? [] : ["dist"]),
  ];
  for (const name of linked) {
    const from = join(projectRoot, name);
    if (copied.includes(name)) cpSync(from, join(dir, name), { recursive: true });
    else symlinkSync(from, join(dir, name));
  }
  return dir;
}

/**
 * The pid of the bot itself (not npm's), from its start-up line; fails at once when the
 * process ends first, and after `timeoutMs` when it never says it is online.
 */
export async function botPid(bot: Started, timeoutMs = 30_000): Promise<number> {
  let ended = false;
  void bot.exited.then(() => {
    ended = true;
  });
  const pid = await waitUntil(() => {
    for (const line of bot.output().split("\n")) {
      if (!line.startsWith("{")) continue;
      const entry = JSON.parse(line) as { msg?: string; pid?: number };
      if (entry.msg?.startsWith("mjcord is online")) return entry.pid;
    }
    return ended ? -1 : undefined;
  }, timeoutMs);
  if (!pid || pid === -1) throw new Error(`the bot never said it was online:\n${bot.output()}`);
  return pid;
}
