// Processes that tests start, and the guard that no process outlives its test.
// Every process started here runs in a process group of its own, so that a kill reaches
// whatever it started in turn (npm -> node), and carries a marker in its environment that
// its children inherit; the guard (test/support/guard.ts) finds leftovers by that marker,
// even ones whose parent died and left them to init.
import { type ChildProcess, spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

/** The environment variable that marks this test worker's processes. */
const MARK = "MJCORD_TEST_PROCESS";
const MARK_VALUE = `worker-${process.pid}`;

export interface Started {
  child: ChildProcess;
  /** what it printed so far, stdout and stderr together */
  output(): string;
  /** its exit status (or the signal that ended it) */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const started = new Set<Started>();

/** Marks this worker's environment, so that any process it starts inherits the marker. */
export function markThisWorker(): void {
  process.env[MARK] = MARK_VALUE;
}

export interface StartOptions {
  cwd: string;
  env: Record<string, string>;
  /** wrap the command, e.g. to drop privileges (setpriv …) */
  wrapper?: string[];
}

/** Starts `command` in a process group of its own, with this worker's marker. */
export function startProcess(command: string, args: string[], options: StartOptions): Started {
  const [cmd, ...rest] = [...(options.wrapper ?? []), command, ...args] as [string, ...string[]];
  const child = spawn(cmd, rest, {
    cwd: options.cwd,
    env: { ...options.env, [MARK]: MARK_VALUE },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  const chunks: string[] = [];
  child.stdout?.on("data", (d) => chunks.push(String(d)));
  child.stderr?.on("data", (d) => chunks.push(String(d)));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  const entry: Started = { child, output: () => chunks.join(""), exited };
  started.add(entry);
  void exited.then(() => started.delete(entry));
  return entry;
}

/** Sends `signal` to the whole process group of `started` (as systemd or `kill -9 -PGID` would). */
export function signalGroup(target: Started, signal: NodeJS.Signals): void {
  if (target.child.pid === undefined) return;
  try {
    process.kill(-target.child.pid, signal);
  } catch {
    // the group is gone already
  }
}

/** Everything `startProcess` started that has not exited, killed with its group. */
export async function killStarted(): Promise<void> {
  const alive = [...started];
  for (const s of alive) signalGroup(s, "SIGKILL");
  await Promise.all(alive.map((s) => s.exited));
}

/** Whether a process with this pid is still running (a zombie counts as ended). */
export function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  }
}

/** Running processes that carry this worker's marker: pid and command line. */
export function markedProcesses(): Array<{ pid: number; command: string }> {
  let pids: string[];
  try {
    pids = readdirSync("/proc").filter((name) => /^\d+$/.test(name));
  } catch {
    return []; // no /proc: the guard cannot look on this system
  }
  const found: Array<{ pid: number; command: string }> = [];
  for (const name of pids) {
    const pid = Number(name);
    let environ: string;
    try {
      environ = readFileSync(`/proc/${pid}/environ`, "utf8");
    } catch {
      continue; // gone meanwhile, or not ours to read
    }
    if (!environ.split("\0").includes(`${MARK}=${MARK_VALUE}`) || !isRunning(pid)) continue;
    let command = "";
    try {
      command = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ").trim();
    } catch {}
    found.push({ pid, command });
  }
  return found;
}

/** Waits until `check` holds, or gives up after `timeoutMs`; returns the last result. */
export async function waitUntil<T>(
  check: () => T | undefined | false,
  timeoutMs: number,
): Promise<T | undefined> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const result = check();
    if (result) return result;
    if (Date.now() >= until) return undefined;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
