// The load benchmark (issue 11): the real bot, started with `npm start` as its own process,
// against the fake Discord (test/fakes) and the proxy simulator, on loopback. For each N it
// sends N `/imagine` commands spread over 5 s, waits until every job's final message is
// there, and prints ack latency, SUCCESS -> final message latency, Discord calls and
// progress edits per job, proxy requests per tracker tick, and the RSS of the bot's process
// group (peak and idle). It fails unless every job got its final message and every tick
// asked the proxy with at most ceil(N/100) requests (exactly that while all N were in flight).
//
//   npm run bench:load            # N = 100, then N = 1000
//   npm run bench:load -- 100     # one size (or BENCH_LOAD_SIZES=100,1000)
//   BENCH_LOAD_BOT_DIR=/tmp/old npm run bench:load   # the bot from another checkout
//
// See bench/README.md, "Load: `npm run bench:load`".
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { commands } from "../commands/index.js";
import { registerCommands } from "../src/discord/registration.js";
import { type Simulator, startSimulator } from "../src/simulator/index.js";
import {
  type FakeDiscord,
  type FakeInteraction,
  type FakeMessage,
  type MessageWrite,
  startFakeDiscord,
} from "../test/fakes/index.js";

const root = fileURLToPath(new URL("..", import.meta.url));
/**
 * Where `npm start` runs: this checkout, or another one (BENCH_LOAD_BOT_DIR), e.g. an older
 * commit exported with `git archive` and a symlink to node_modules, to measure "before".
 */
const botDir = process.env.BENCH_LOAD_BOT_DIR || root;

/** The commands are sent over this long, evenly spaced. */
const SEND_WINDOW_MS = 5_000;
/**
 * The simulator's time between lifecycle steps. An imagine takes 8 steps (queued, submitted,
 * six progress steps, done): 20 s, so all jobs are in flight at once for about 15 s and each
 * can show several progress steps (the bot edits progress at most every 2.5 s).
 */
const STEP_MS = 2_500;
const IMAGE_SIZE = 128;
const POLL_INTERVAL_MS = 250;
/** Members the commands come from, in turn (no spending policy: nothing is limited). */
const MEMBERS = 10;
const RSS_SAMPLE_MS = 100;
/** How long after the last command every final message must be there. */
const FINISH_TIMEOUT_MS = 150_000;
const SIM_KEY = "bench-sim-key";

// ---- the bot's process group -------------------------------------------------------------

/** Process groups started here and not yet gone: killed on exit, error or Ctrl-C. */
const groups = new Set<number>();
const tempDirs = new Set<string>();

function killGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // gone already
  }
}

function cleanUpNow(): void {
  for (const pgid of groups) killGroup(pgid, "SIGKILL");
  groups.clear();
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  tempDirs.clear();
}

process.once("exit", cleanUpNow);
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
  process.once(signal, () => {
    console.error(`\nbench:load: ${signal}, stopping the bot`);
    cleanUpNow();
    process.exit(130);
  });
}

/** Pids of the processes in a process group (from /proc/<pid>/stat). */
function groupPids(pgid: number): number[] {
  const pids: number[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      // pid (comm) state ppid pgrp …; comm may hold spaces and parentheses.
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(fields[2]) === pgid && fields[0] !== "Z") pids.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

/** VmRSS of one process in kB (0 when it is gone or a zombie). */
function rssKb(pid: number): number {
  try {
    const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

function commandOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ").trim();
  } catch {
    return "?";
  }
}

/** Each process of the group with its RSS (MB), and the sum. */
function groupRss(pgid: number): { totalMb: number; parts: { command: string; mb: number }[] } {
  const parts = groupPids(pgid).map((pid) => ({ command: commandOf(pid), mb: rssKb(pid) / 1024 }));
  return { totalMb: parts.reduce((sum, p) => sum + p.mb, 0), parts };
}

/**
 * Samples the group's summed VmRSS every RSS_SAMPLE_MS in a worker thread, so that a busy
 * main thread (the fake Discord and the simulator run here) does not thin out the samples.
 */
const SAMPLER = `
const { parentPort, workerData } = require("node:worker_threads");
const { readdirSync, readFileSync } = require("node:fs");
const { pgid, everyMs } = workerData;
let peakKb = 0, peakProcessKb = 0, samples = 0, longestGapMs = 0, last = Date.now();
function sample() {
  let sum = 0;
  for (const name of readdirSync("/proc")) {
    if (!/^\\d+$/.test(name)) continue;
    try {
      const stat = readFileSync("/proc/" + name + "/stat", "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(fields[2]) !== pgid) continue;
      const m = /^VmRSS:\\s+(\\d+) kB/m.exec(readFileSync("/proc/" + name + "/status", "utf8"));
      if (m) {
        sum += Number(m[1]);
        if (Number(m[1]) > peakProcessKb) peakProcessKb = Number(m[1]);
      }
    } catch {}
  }
  const now = Date.now();
  longestGapMs = Math.max(longestGapMs, now - last);
  last = now;
  samples += 1;
  if (sum > peakKb) peakKb = sum;
}
const timer = setInterval(sample, everyMs);
sample();
parentPort.on("message", () => {
  clearInterval(timer);
  sample();
  parentPort.postMessage({ peakKb, peakProcessKb, samples, longestGapMs });
});
`;

interface RssPeak {
  peakMb: number;
  /** the largest RSS any one process of the group reached (the bot's node process) */
  peakProcessMb: number;
  samples: number;
  longestGapMs: number;
}

function startRssSampler(pgid: number): { stop(): Promise<RssPeak> } {
  const worker = new Worker(SAMPLER, { eval: true, workerData: { pgid, everyMs: RSS_SAMPLE_MS } });
  return {
    async stop() {
      const result = new Promise<{
        peakKb: number;
        peakProcessKb: number;
        samples: number;
        longestGapMs: number;
      }>((resolve, reject) => {
        worker.once("message", resolve);
        worker.once("error", reject);
      });
      worker.postMessage("stop");
      const r = await result;
      await worker.terminate();
      return {
        peakMb: r.peakKb / 1024,
        peakProcessMb: r.peakProcessKb / 1024,
        samples: r.samples,
        longestGapMs: r.longestGapMs,
      };
    },
  };
}

interface Bot {
  child: ChildProcess;
  pgid: number;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** the last lines it printed */
  tail(): string;
  /** pino lines at warn (40) and error (50) or above, counted, and the first few kept */
  problems: { warn: number; error: number; first: string[] };
  online: Promise<void>;
}

/** `npm start` in a process group of its own (detached), its output read line by line. */
function startBot(env: Record<string, string>): Bot {
  const child = spawn("npm", ["start"], {
    cwd: botDir,
    env,
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  const pgid = child.pid;
  if (pgid === undefined) throw new Error("npm start did not start");
  groups.add(pgid);
  const lines: string[] = [];
  const problems = { warn: 0, error: 0, first: [] as string[] };
  let onlineResolve: () => void = () => {};
  const online = new Promise<void>((resolve) => {
    onlineResolve = resolve;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  const read = (stream: NodeJS.ReadableStream | null) => {
    let rest = "";
    stream?.setEncoding("utf8");
    stream?.on("data", (chunk: string) => {
      const parts = (rest + chunk).split("\n");
      rest = parts.pop() ?? "";
      for (const line of parts) {
        lines.push(line);
        if (lines.length > 200) lines.shift();
        if (!line.startsWith("{")) continue;
        let entry: { level?: number; msg?: string };
        try {
          entry = JSON.parse(line) as { level?: number; msg?: string };
        } catch {
          continue;
        }
        if (entry.msg?.startsWith("mjcord is online")) onlineResolve();
        if ((entry.level ?? 0) >= 50) problems.error += 1;
        else if ((entry.level ?? 0) >= 40) problems.warn += 1;
        if ((entry.level ?? 0) >= 40 && problems.first.length < 10) problems.first.push(line);
      }
    });
  };
  read(child.stdout);
  read(child.stderr);
  return { child, pgid, exited, tail: () => lines.join("\n"), problems, online };
}

/** SIGTERM to the whole group, SIGKILL after 10 s; then nothing of the group is left. */
async function stopBot(bot: Bot): Promise<void> {
  killGroup(bot.pgid, "SIGTERM");
  const done = await Promise.race([bot.exited.then(() => true), sleep(10_000, false)]);
  if (!done) killGroup(bot.pgid, "SIGKILL");
  await bot.exited;
  for (let i = 0; i < 50 && groupPids(bot.pgid).length > 0; i++) {
    killGroup(bot.pgid, "SIGKILL");
    await sleep(100);
  }
  const left = groupPids(bot.pgid);
  if (left.length > 0) throw new Error(`processes of the bot's group left: ${left.join(", ")}`);
  groups.delete(bot.pgid);
}

// ---- statistics ---------------------------------------------------------------------------

/** Nearest-rank percentile (p in 0..100) of unsorted values; NaN when there are none. */
function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] as number;
}

function mean(values: readonly number[]): number {
  return values.length === 0 ? Number.NaN : values.reduce((a, b) => a + b, 0) / values.length;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
const millis = (ms: number) => (ms < 1000 ? `${Math.round(ms)} ms` : seconds(ms));

// ---- one run ------------------------------------------------------------------------------

interface JobOutcome {
  index: number;
  interaction: FakeInteraction;
  /** the write that carried the final picture (the first write with files) */
  finalWrite?: MessageWrite;
  message?: FakeMessage;
}

interface Tick {
  ids: number;
  lists: number;
  fetches: number;
  /** when its first list call arrived (to within the 20 ms marks) */
  at: number;
}

interface RunResult {
  n: number;
  sendWindowMs: number;
  ackMs: number[];
  unacked: number;
  successToFinalMs: number[];
  finals: number;
  tasksSucceeded: number;
  progressEdits: number[];
  writesPerJob: number[];
  discordPerJob: number;
  interactionCallsPerJob: number;
  byKind: Record<string, number>;
  ticks: Tick[];
  fullTicks: Tick[];
  lastFinalAfterMs: number;
  tooMany: number;
  violations: Record<string, number>;
  idle: { totalMb: number; parts: { command: string; mb: number }[] };
  peak: RssPeak;
  botProblems: Bot["problems"];
  fetchesTotal: number;
}

/** What kind of Discord REST call a recorded request is. */
function kindOf(method: string, path: string): string {
  if (path.startsWith("/interactions/")) return "callback";
  if (path.startsWith("/webhooks/")) return `webhook ${method}`;
  if (path.startsWith("/channels/")) return `channel ${method}`;
  return "other";
}

/**
 * When the simulator had seen how many requests: [Date.now(), sim.requests.length], taken
 * every 20 ms (its records carry no time), to date the ticks to within a sample or so.
 */
type Marks = Array<[number, number]>;

/** The time of the first mark at which request number `index` had arrived. */
function timeOf(marks: Marks, index: number): number {
  let lo = 0;
  let hi = marks.length - 1;
  if (hi < 0) return Number.NaN;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((marks[mid]?.[1] ?? 0) > index) hi = mid;
    else lo = mid + 1;
  }
  return marks[lo]?.[0] ?? Number.NaN;
}

/** List calls further apart than this belong to different ticks (the poll interval is 250 ms). */
const TICK_GAP_MS = 120;

/** Groups list-by-condition calls into tracker ticks: a tick asks about each task once. */
function ticksOf(sim: Simulator, from: number, marks: Marks): Tick[] {
  const ticks: Tick[] = [];
  let current: (Tick & { seen: Set<string> }) | undefined;
  // A tick's list calls go out together; ticks are a poll interval apart. A list that
  // repeats an id, or comes well after the previous one, starts the next tick.
  let lastAt = Number.NEGATIVE_INFINITY;
  const close = () => {
    if (current) {
      const { seen: _seen, ...tick } = current;
      ticks.push({ ...tick, ids: current.seen.size });
    }
  };
  for (const [offset, request] of sim.requests.slice(from).entries()) {
    if (request.path.endsWith("/fetch")) {
      if (current) current.fetches += 1;
      continue;
    }
    if (!request.path.endsWith("/task/list-by-condition")) continue;
    const ids = ((request.body as { ids?: unknown } | null)?.ids ?? []) as string[];
    if (ids.length === 0) continue; // the start-up probe
    const at = timeOf(marks, from + offset);
    const gap = at - lastAt;
    lastAt = at;
    if (!current || gap > TICK_GAP_MS || ids.some((id) => current?.seen.has(id))) {
      close();
      current = { ids: 0, lists: 0, fetches: 0, at, seen: new Set() };
    }
    for (const id of ids) current.seen.add(id);
    current.lists += 1;
  }
  close();
  return ticks;
}

function freshDatabase(): string {
  const dir = mkdtempSync(join(tmpdir(), "mjcord-load-"));
  tempDirs.add(dir);
  return `sqlite://${join(dir, "bot.sqlite")}`;
}

async function run(n: number): Promise<RunResult> {
  let sim: Simulator | undefined;
  let fake: FakeDiscord | undefined;
  let bot: Bot | undefined;
  let sampler: { stop(): Promise<RssPeak> } | undefined;
  let marking: NodeJS.Timeout | undefined;
  try {
    sim = await startSimulator({
      apiKey: SIM_KEY,
      stepMs: STEP_MS,
      imageSize: IMAGE_SIZE,
      recordLimit: 1_000_000,
    });
    fake = await startFakeDiscord();
    const members = Array.from({ length: MEMBERS }, (_, i) => `member${i}`);
    for (const name of members) fake.addMember(name);
    await registerCommands(commands, fake.botToken, fake.apiUrl, fake.guildId);
    bot = startBot({
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? tmpdir(),
      DISCORD_TOKEN: fake.botToken,
      DISCORD_API_URL: fake.apiUrl,
      MJ_API_URL: sim.url,
      MJ_API_KEY: SIM_KEY,
      DATABASE_URL: freshDatabase(),
      POLL_INTERVAL_MS: String(POLL_INTERVAL_MS),
      LOG_LEVEL: "info",
      // For trying V8 or Node flags on the bot (and on npm, which reads them too).
      ...(process.env.BENCH_LOAD_NODE_OPTIONS
        ? { NODE_OPTIONS: process.env.BENCH_LOAD_NODE_OPTIONS }
        : {}),
    });
    const started = bot;
    await Promise.race([
      started.online,
      started.exited.then(({ code, signal }) => {
        throw new Error(
          `the bot exited (${code ?? signal}) before it was online:\n${started.tail()}`,
        );
      }),
      sleep(60_000).then(() => {
        throw new Error(`the bot was not online after 60 s:\n${started.tail()}`);
      }),
    ]);
    await fake.waitForClient(10_000);
    // Idle: after start-up settled, before any command.
    await sleep(3_000);
    const idle = groupRss(bot.pgid);
    sampler = startRssSampler(bot.pgid);

    // Warnings of start-up (say, "no spending policy") and of the stop are not counted.
    const problemsBefore = { warn: bot.problems.warn, error: bot.problems.error };
    const firstBefore = bot.problems.first.length;
    const simFrom = sim.requests.length;
    const fakeFrom = fake.requests.length;
    const marks: Marks = [];
    marking = setInterval(() => marks.push([Date.now(), sim?.requests.length ?? 0]), 20);
    const t0 = Date.now();
    const sending: Promise<FakeInteraction>[] = [];
    for (let i = 0; i < n; i++) {
      const due = t0 + Math.floor((i * SEND_WINDOW_MS) / n);
      const wait = due - Date.now();
      if (wait > 0) await sleep(wait);
      sending.push(
        fake.runCommand(
          "imagine",
          { prompt: `a red fox in the snow, bench take ${i}` },
          { user: members[i % members.length] ?? "alice" },
        ),
      );
    }
    const interactions = await Promise.all(sending);
    const sentAt = Date.now();
    const sendWindowMs = sentAt - t0;

    const jobs: JobOutcome[] = interactions.map((interaction, index) => ({ index, interaction }));
    const open = new Set(jobs);
    const look = (job: JobOutcome) => {
      const candidates = [job.interaction.original(), ...job.interaction.followUps()];
      for (const message of candidates) {
        const write = message?.writes.find((w) => w.files > 0);
        if (message && write) {
          job.finalWrite = write;
          job.message = message;
          return true;
        }
      }
      return false;
    };
    const deadline = sentAt + FINISH_TIMEOUT_MS;
    let lastReport = Date.now();
    while (open.size > 0 && Date.now() < deadline) {
      for (const job of open) if (look(job)) open.delete(job);
      if (open.size === 0) break;
      if (Date.now() - lastReport >= 10_000) {
        lastReport = Date.now();
        console.log(
          `  N=${n}: ${n - open.size}/${n} finals after ${seconds(Date.now() - t0)} (bot: ${bot.problems.warn - problemsBefore.warn} warnings, ${bot.problems.error - problemsBefore.error} errors)`,
        );
      }
      await sleep(250);
    }
    const lastFinalAt = Math.max(...jobs.map((j) => j.finalWrite?.at ?? 0));
    const peak = await sampler.stop();
    sampler = undefined;
    clearInterval(marking);
    marks.push([Date.now(), sim.requests.length]);
    const botProblems = {
      warn: bot.problems.warn - problemsBefore.warn,
      error: bot.problems.error - problemsBefore.error,
      first: bot.problems.first.slice(firstBefore),
    };

    // Tasks by the prompt marker, from the ids the bot asked about.
    const taskIds = new Set<string>();
    for (const r of sim.requests.slice(simFrom)) {
      if (!r.path.endsWith("/task/list-by-condition")) continue;
      for (const id of ((r.body as { ids?: unknown } | null)?.ids ?? []) as string[]) {
        taskIds.add(id);
      }
    }
    const finishByTake = new Map<number, { status: string; finishTime: number }>();
    for (const id of taskIds) {
      const task = sim.task(id) as
        | { status?: string; prompt?: string; finishTime?: number | null }
        | undefined;
      const take = /bench take (\d+)\b/.exec(task?.prompt ?? "")?.[1];
      if (task && take !== undefined) {
        finishByTake.set(Number(take), {
          status: task.status ?? "",
          finishTime: task.finishTime ?? 0,
        });
      }
    }

    const ackMs: number[] = [];
    let unacked = 0;
    const successToFinalMs: number[] = [];
    const progressEdits: number[] = [];
    const writesPerJob: number[] = [];
    let tasksSucceeded = 0;
    for (const job of jobs) {
      const acked = job.interaction.record.acked;
      if (acked) ackMs.push(acked.latencyMs);
      else unacked += 1;
      const task = finishByTake.get(job.index);
      if (task?.status === "SUCCESS") tasksSucceeded += 1;
      if (!job.finalWrite || !job.message) continue;
      if (task?.status === "SUCCESS" && task.finishTime > 0) {
        successToFinalMs.push(job.finalWrite.at - task.finishTime);
      }
      const writes = job.message.writes;
      const finalAt = writes.indexOf(job.finalWrite);
      progressEdits.push(writes.slice(0, finalAt).filter((w) => w.kind === "edit").length);
      writesPerJob.push(writes.filter((w) => w.kind !== "defer").length);
    }

    const discord = fake.requests.slice(fakeFrom);
    const byKind: Record<string, number> = {};
    let interactionCalls = 0;
    const tokens = new Set(interactions.map((i) => i.token));
    for (const r of discord) {
      const kind = kindOf(r.method, r.path);
      byKind[kind] = (byKind[kind] ?? 0) + 1;
      const segments = r.path.split("/");
      if (segments.some((s) => tokens.has(s))) interactionCalls += 1;
    }
    const violations: Record<string, number> = {};
    for (const v of fake.violations) violations[v.rule] = (violations[v.rule] ?? 0) + 1;

    const ticks = ticksOf(sim, simFrom, marks);
    const fetchesTotal = sim.requests
      .slice(simFrom)
      .filter((r) => r.path.endsWith("/fetch")).length;
    return {
      n,
      sendWindowMs,
      ackMs,
      unacked,
      successToFinalMs,
      finals: jobs.filter((j) => j.finalWrite).length,
      tasksSucceeded,
      progressEdits,
      writesPerJob,
      discordPerJob: discord.length / n,
      interactionCallsPerJob: interactionCalls / n,
      byKind,
      ticks,
      fullTicks: ticks.filter((t) => t.ids === n),
      lastFinalAfterMs: lastFinalAt - t0,
      tooMany: discord.filter((r) => r.status === 429).length,
      violations,
      idle,
      peak,
      botProblems,
      fetchesTotal,
    };
  } finally {
    clearInterval(marking);
    await sampler?.stop().catch(() => undefined);
    if (bot) await stopBot(bot);
    await fake?.close();
    await sim?.close();
  }
}

// ---- report -------------------------------------------------------------------------------

function sizesFromArgs(): number[] {
  const args = process.argv.slice(2).filter((a) => a !== "--");
  const raw = args.length > 0 ? args.join(",") : (process.env.BENCH_LOAD_SIZES ?? "100,1000");
  const sizes = raw
    .split(/[\s,]+/)
    .filter((s) => s !== "")
    .map(Number);
  if (sizes.length === 0 || sizes.some((s) => !Number.isInteger(s) || s < 1 || s > 5000)) {
    throw new Error(`bench:load: sizes must be whole numbers 1-5000, got "${raw}"`);
  }
  return sizes;
}

function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? "").length))) ?? [];
  const line = (r: string[]) =>
    `| ${r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c] ?? 0) : cell.padStart(widths[c] ?? 0))).join(" | ")} |`;
  const rule = `| ${widths.map((w, c) => (c === 0 ? "-".repeat(w) : `${"-".repeat(w - 1)}:`)).join(" | ")} |`;
  return [line(rows[0] ?? []), rule, ...rows.slice(1).map(line)].join("\n");
}

/** Time from each tick to the next, for the pairs where both ticks pass `keep`. */
function periodsOf(ticks: readonly Tick[], keep: (t: Tick) => boolean): number[] {
  const out: number[] = [];
  for (let i = 1; i < ticks.length; i++) {
    const a = ticks[i - 1] as Tick;
    const b = ticks[i] as Tick;
    if (keep(a) && keep(b)) out.push(b.at - a.at);
  }
  return out;
}

function report(results: RunResult[]): void {
  const head = ["", ...results.map((r) => `N = ${r.n}`)];
  const row = (label: string, cell: (r: RunResult) => string) => [label, ...results.map(cell)];
  const pct = (xs: number[], p: number) => millis(percentile(xs, p));
  const range = (xs: number[]) => `${mean(xs).toFixed(1)} (${Math.min(...xs)}–${Math.max(...xs)})`;
  const tickCell = (r: RunResult) => {
    const full = r.fullTicks.map((t) => t.lists + t.fetches);
    const most = Math.max(...r.ticks.map((t) => t.lists + t.fetches));
    return `${Math.min(...full)}–${Math.max(...full)} (most ${most}; ${r.fetchesTotal} fetch)`;
  };
  const rows = [
    head,
    row("commands sent over", (r) => seconds(r.sendWindowMs)),
    row("ack p50 / p99", (r) => `${pct(r.ackMs, 50)} / ${pct(r.ackMs, 99)}`),
    row("SUCCESS → final p50", (r) => pct(r.successToFinalMs, 50)),
    row("SUCCESS → final p95", (r) => pct(r.successToFinalMs, 95)),
    row("SUCCESS → final max", (r) => pct(r.successToFinalMs, 100)),
    row("last final after first command", (r) => seconds(r.lastFinalAfterMs)),
    row("progress edits per job, mean (min–max)", (r) => range(r.progressEdits)),
    row("Discord REST calls per job", (r) => r.discordPerJob.toFixed(2)),
    row("  of them on the interaction token", (r) => r.interactionCallsPerJob.toFixed(2)),
    row("proxy requests per tick, all N in flight", tickCell),
    row("ticks (all N in flight / total)", (r) => `${r.fullTicks.length} / ${r.ticks.length}`),
    row("tick period p50 / max (all N in flight)", (r) => {
      const periods = periodsOf(r.ticks, (t) => t.ids === r.n);
      return `${millis(percentile(periods, 50))} / ${millis(percentile(periods, 100))}`;
    }),
    row("tick period p50 / max (whole run)", (r) => {
      const periods = periodsOf(r.ticks, () => true);
      return `${millis(percentile(periods, 50))} / ${millis(percentile(periods, 100))}`;
    }),
    row("peak RSS, bot's process group", (r) => `${r.peak.peakMb.toFixed(0)} MB`),
    row("idle RSS, bot's process group", (r) => `${r.idle.totalMb.toFixed(0)} MB`),
    row("peak RSS, bot's node process", (r) => `${r.peak.peakProcessMb.toFixed(0)} MB`),
    row("idle RSS, bot's node process", (r) => {
      const largest = Math.max(...r.idle.parts.map((p) => p.mb));
      return `${largest.toFixed(0)} MB`;
    }),
    row("finals / tasks SUCCESS / jobs", (r) => `${r.finals} / ${r.tasksSucceeded} / ${r.n}`),
    row("unacked interactions", (r) => String(r.unacked)),
    row("429s from the fake", (r) => String(r.tooMany)),
    row("fake Discord violations", (r) => {
      const v = Object.entries(r.violations);
      return v.length === 0 ? "0" : v.map(([k, c]) => `${k} ${c}`).join(", ");
    }),
    row("bot log warn / error lines", (r) => `${r.botProblems.warn} / ${r.botProblems.error}`),
  ];
  console.log(`\n${table(rows)}\n`);
  for (const r of results) {
    const kinds = Object.entries(r.byKind)
      .map(([k, c]) => `${k} ${(c / r.n).toFixed(2)}`)
      .join(", ");
    console.log(`N=${r.n}: Discord calls per job by kind: ${kinds}`);
    console.log(
      `N=${r.n}: idle RSS by process: ${r.idle.parts.map((p) => `${p.mb.toFixed(0)} MB ${p.command.slice(0, 60)}`).join("; ")}`,
    );
    console.log(
      `N=${r.n}: RSS samples ${r.peak.samples}, longest gap ${r.peak.longestGapMs} ms; writes per job message ${range(r.writesPerJob)}`,
    );
    for (const line of r.botProblems.first)
      console.log(`N=${r.n}: bot said: ${line.slice(0, 300)}`);
  }
}

/** The checks: every job finished, and the proxy was asked ceil(N/100) times per tick. */
function check(r: RunResult): string[] {
  const problems: string[] = [];
  if (r.finals !== r.n) problems.push(`N=${r.n}: only ${r.finals} of ${r.n} jobs got their final`);
  if (r.tasksSucceeded !== r.n)
    problems.push(`N=${r.n}: only ${r.tasksSucceeded} of ${r.n} tasks were found SUCCESS`);
  const expected = Math.ceil(r.n / 100);
  if (r.fullTicks.length === 0) problems.push(`N=${r.n}: no tick asked about all ${r.n} jobs`);
  for (const t of r.fullTicks) {
    if (t.lists + t.fetches !== expected) {
      problems.push(
        `N=${r.n}: a tick over all ${r.n} jobs made ${t.lists} list and ${t.fetches} fetch requests (expected ${expected})`,
      );
      break;
    }
  }
  for (const t of r.ticks) {
    if (t.lists + t.fetches > Math.ceil(t.ids / 100)) {
      problems.push(
        `N=${r.n}: a tick over ${t.ids} jobs made ${t.lists} list and ${t.fetches} fetch requests (expected ${Math.ceil(t.ids / 100)})`,
      );
      break;
    }
  }
  return problems;
}

async function main(): Promise<void> {
  const sizes = sizesFromArgs();
  console.log(
    `bench:load: N = ${sizes.join(", ")}; ${cpus().length} cores, Node ${process.versions.node}; ` +
      `commands over ${SEND_WINDOW_MS / 1000} s, simulator stepMs ${STEP_MS} (a job ~${(8 * STEP_MS) / 1000} s), ` +
      `imageSize ${IMAGE_SIZE}, POLL_INTERVAL_MS ${POLL_INTERVAL_MS}; the bot: npm start in ${botDir}`,
  );
  const results: RunResult[] = [];
  for (const n of sizes) {
    const started = Date.now();
    console.log(`N=${n}: starting the bot`);
    results.push(await run(n));
    console.log(`N=${n}: done in ${seconds(Date.now() - started)}`);
  }
  report(results);
  const problems = results.flatMap(check);
  if (problems.length > 0) {
    for (const p of problems) console.error(`FAIL ${p}`);
    process.exitCode = 1;
  } else {
    console.log("OK: every job got its final; proxy requests per tick stayed ceil(N/100)");
  }
}

try {
  await main();
} catch (error) {
  console.error(error);
  process.exitCode = 1;
} finally {
  cleanUpNow();
}
// Nothing of ours is left running; keep-alive sockets must not hold the process open.
process.exit();
