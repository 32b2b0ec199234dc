// One loop for all in-flight jobs. Each tick it asks the proxy about every unfinished task
// with list-by-condition (batches of 100, side by side), fetches one by one a bounded number
// of the tasks the list left out (or all of it missed, when the list failed), applies states
// monotonically, looks for the tasks of jobs whose submit got no clear answer by the `state`
// they were sent with, closes jobs that outlive their deadline, and now and then asks about
// the jobs closed that way, which are shown after all if they succeed. Every proxy call of a
// tick is one attempt with a short timeout: a hanging proxy costs one tick a few seconds.
import type { Logger } from "../log.js";
import type { ReadOptions } from "../mj/client.js";
import { isTerminal, type Task, taskRank } from "../mj/task.js";
import type { Ledger } from "../policy/ledger.js";
import { imagesKey } from "./images.js";
import {
  hasEnded,
  JOB_CODES,
  type Job,
  type JobPhase,
  jobCancelled,
  jobFailed,
  jobReopened,
  resultOf,
  siblingId,
  siblingJob,
  timedOut,
} from "./job.js";
import type { JobStore } from "./store.js";

export interface TaskSource {
  listTasks(ids: readonly string[], options?: ReadOptions): Promise<Task[]>;
  fetchTask(id: string, options?: ReadOptions): Promise<Task | null>;
  /** The proxy's latest tasks (GET /mj/task/list), each with its `state`. */
  recentTasks(options?: ReadOptions): Promise<Task[]>;
}

/** Called after a job changed; must resolve once the change is shown (or given up). */
export type JobListener = (job: Job) => Promise<void>;

export interface TrackerOptions {
  source: TaskSource;
  store: JobStore;
  intervalMs: number;
  onChange: JobListener;
  log: Pick<Logger, "debug" | "info" | "warn" | "error">;
  /** Longest wait for one proxy answer in a tick (one attempt each). Default 5 s. */
  readTimeoutMs?: number;
  /** How long a task may be unknown to the proxy, without a break, before its job fails. */
  unknownGraceMs?: number;
  /** Most per-task fetches in one tick (the list's gaps, or its fallback). Default 20. */
  maxFetchesPerTick?: number;
  /** How long the task of a job whose submit got no clear answer is looked for. */
  searchMs?: number;
  /** Where an ended job keeps its price (success) or gets it back (failure). */
  ledger?: Pick<Ledger, "finish" | "refund">;
  /** How long a job closed at its deadline is still watched. Default 2 h. */
  watchMs?: number;
  /** Watched jobs are asked about once every this many ticks. Default 20 (a minute at 3 s). */
  watchEveryTicks?: number;
  /**
   * Whether a job is this process's to follow (its guild is on one of this process's shards;
   * see shards.ts). The in-flight and watched lists are shared by every process on the store:
   * a job that is not this process's is left to the one that runs its shard. Default: all.
   */
  mine?: (job: Job) => boolean;
  now?: () => number;
}

const MINUTE = 60_000;
/** How often the store's in-flight list is read again (jobs that reached it another way). */
const RESYNC_MS = MINUTE;
const LIST_BATCH = 100;

export class Tracker {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = true;
  /** Jobs whose final message is being delivered right now. */
  private readonly delivering = new Set<string>();
  /** Jobs whose submit is under way in this process: not to be looked for yet. */
  private readonly held = new Set<string>();
  /** Jobs the proxy accepted but the store refused to save: saved again each tick. */
  private readonly unsaved = new Map<string, Job>();
  /** Since when each job's task has been unknown to the proxy, without a break. */
  private readonly absentSince = new Map<string, number>();
  private listSupported = true;
  private searchSupported = true;
  private fetchCursor = 0;
  private ticks = 0;
  /**
   * The in-flight jobs as last written or read here (every write goes through to the
   * store): a tick reads the store only for jobs whose task changed. The store's in-flight
   * list is read again now and then, for jobs that reached it by another way.
   */
  private readonly following = new Map<string, Job>();
  private syncedAt: number | null = null;
  /** Jobs followed while a resync reads the store's list: not to be dropped by it. */
  private readonly followedDuringSync = new Set<string>();
  private readonly pending = new Set<Promise<void>>();
  /** Hinted states being applied: a pass waits for them. */
  private readonly hints = new Set<Promise<void>>();

  constructor(private readonly options: TrackerOptions) {}

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
    await this.settled();
  }

  /**
   * Starts following a job (already saved in the store). One that is not this process's is
   * only listed in flight, for the process that runs its shard.
   */
  async follow(job: Job): Promise<void> {
    await this.options.store.addInFlight(job.id);
    if (!this.mine(job)) return;
    this.following.set(job.id, job);
    this.followedDuringSync.add(job.id);
  }

  /**
   * How many jobs this process follows now: not the store's in-flight list, which processes
   * sharing the store share (each would count the others' jobs too).
   */
  get followed(): number {
    return this.following.size;
  }

  /** Whether the job is this process's to follow (its guild on this process's shards). */
  private mine(job: Job): boolean {
    return this.options.mine?.(job) ?? true;
  }

  /** The job's submit is under way here: leave it alone until `release`. */
  hold(jobId: string): void {
    this.held.add(jobId);
  }

  release(jobId: string): void {
    this.held.delete(jobId);
  }

  /**
   * A job the proxy accepted but the store could not save: kept here and saved on the next
   * ticks, then followed. Should the process end first, its write-ahead record is found.
   */
  remember(job: Job): void {
    this.unsaved.set(job.id, job);
  }

  /**
   * Ends a job at a member's word: its task was cancelled on the proxy, or nothing ran there
   * (a form the proxy waited for). Its credits come back and the message says so. Null when
   * the job had already ended (or is unknown): nothing changes.
   */
  async cancel(jobId: string, by: string): Promise<Job | null> {
    const job = await this.options.store.getJob(jobId);
    if (!job || hasEnded(job)) return null;
    // Nothing to retry: the member chose to stop it.
    const ended = jobCancelled(job, by, this.now());
    this.absentSince.delete(jobId);
    await this.save(ended);
    return ended;
  }

  /**
   * A task state a notify hook pointed at (fetched from the proxy by the caller): applied
   * between passes, never during one, so that no state is applied, or shown, twice.
   */
  async hint(read: Job, task: Task): Promise<void> {
    while (this.running) await this.running;
    const job = this.following.get(read.id) ?? read;
    // Another process's job: that process polls and shows it.
    if (!this.mine(job)) return;
    // A job whose submit is still under way here shows its first state itself; polls follow.
    if (job.delivered || hasEnded(job) || this.held.has(job.id)) return;
    const applied = this.apply(job, task);
    this.hints.add(applied);
    try {
      await applied;
    } finally {
      this.hints.delete(applied);
    }
  }

  /** One pass over every in-flight job. Never runs twice at once, nor with a hint. */
  tick(): Promise<void> {
    if (!this.running) {
      this.running = Promise.allSettled([...this.hints])
        .then(() => this.pass())
        .catch((error: unknown) => this.options.log.error({ err: error }, "tracker pass failed"))
        .finally(() => {
          this.running = null;
        });
    }
    return this.running;
  }

  /** Applies a task state from any source (a poll, a submit answer, a notify hook). */
  async apply(seen: Job, task: Task): Promise<void> {
    // Most polls change nothing: decide on the caller's copy first, then compare again with
    // the stored job, since the copy may be out of date.
    if (!changes(seen, task)) return;
    await this.applyAll([[seen, task]]);
  }

  /** The job as the task's state leaves it. */
  private advance(job: Job, task: Task): Job {
    const rank = taskRank(task);
    const phase = phaseOf(task);
    return {
      ...job,
      rank,
      phase,
      progress: task.progress,
      queueAhead: phase === "queued" ? job.queueAhead : null,
      previewUrl: isTerminal(task.status) ? job.previewUrl : task.imageUrl,
      result: isTerminal(task.status) ? resultOf(task) : null,
      // The task's own reason is kept with its result (failReason); src/discord words both.
      failure: phase === "failed" ? JOB_CODES.couldNotMake : job.failure,
      formPrompt:
        phase === "needs-form"
          ? task.finalPrompt || task.promptEn || task.prompt || job.formPrompt || job.prompt
          : job.formPrompt,
      request: phase === "done" ? null : job.request,
      updatedAt: this.now(),
    };
  }

  /** Saves a changed job and shows it; a job that needs no Retry any more drops its pictures. */
  private async save(next: Job): Promise<void> {
    await this.options.store.putJob(next);
    await this.saved(next);
  }

  /** What follows a job's save: the copy followed here, its pictures, the ledger, the message. */
  private async saved(next: Job): Promise<void> {
    if (this.following.has(next.id)) this.following.set(next.id, next);
    if (next.request === null) await this.dropImages(next.id);
    if (hasEnded(next)) await this.settle(next);
    await this.notify(next);
  }

  /**
   * An ended job in the ledger: a success keeps its price, anything else (FAILURE, not
   * found, closed at its deadline) gives it back. Once: the ledger ignores a second call.
   */
  private async settle(job: Job): Promise<void> {
    const { ledger } = this.options;
    if (!ledger) return;
    const ids = [job.id];
    // A submit of several tasks whose answer was lost and none of which turned up.
    if (job.phase === "failed" && job.taskId === "") ids.push(...this.siblingsOf(job, 1));
    for (const id of ids) {
      const ended =
        job.phase === "done" && job.result !== null
          ? ledger.finish(id)
          : ledger.refund(id, job.cancelledBy ? "cancelled" : "failed");
      await ended.catch((error: unknown) => {
        this.options.log.error({ err: error, jobId: id }, "ledger not told that a job ended");
      });
    }
  }

  /** The ids of the siblings a submit may have made past the first `found` tasks. */
  private siblingsOf(job: Job, found: number): string[] {
    const count = job.spend?.jobs ?? 1;
    return Array.from({ length: Math.max(0, count - found) }, (_, i) =>
      siblingId(job.id, found + i + 1),
    );
  }

  private async dropImages(jobId: string): Promise<void> {
    await this.options.store.drop(imagesKey(jobId)).catch((error: unknown) => {
      this.options.log.warn({ err: error, jobId }, "pictures of a job not dropped; they expire");
    });
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      void this.tick().finally(() => this.schedule(this.options.intervalMs));
    }, delayMs);
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  private get reads(): ReadOptions {
    return { timeoutMs: this.options.readTimeoutMs ?? 5_000, attempts: 1 };
  }

  private async pass(): Promise<void> {
    this.ticks += 1;
    await this.saveUnsaved();
    if (this.syncedAt === null || this.now() - this.syncedAt >= RESYNC_MS) await this.resync();
    const jobs: Job[] = [];
    for (const [id, job] of this.following) {
      if (this.held.has(id) || this.unsaved.has(id)) continue;
      if (job.delivered) await this.unfollow(id);
      else jobs.push(job);
    }
    const open: Job[] = [];
    const lost: Job[] = [];
    for (const job of jobs) {
      if (hasEnded(job)) {
        // Finished but not yet shown (e.g. the bot restarted in between): show it again.
        if (!this.delivering.has(job.id)) void this.notify(job);
      } else if (this.now() > job.deadlineAt) {
        await this.guarded(job, () => this.close(job));
      } else if (job.taskId === "") {
        lost.push(job);
      } else {
        open.push(job);
      }
    }
    await Promise.all([this.followOpen(open), this.search(lost), this.watch()]);
  }

  /**
   * Reads the store's in-flight list: jobs followed before a restart, added elsewhere, or of
   * a shard this process took over (a restart, a re-shard). Another process's jobs (on
   * shards this one does not run) are left to it.
   */
  private async resync(): Promise<void> {
    const { store } = this.options;
    this.followedDuringSync.clear();
    const ids = await store.inFlight();
    const listed = new Set(ids);
    const unknown = ids.filter(
      (id) => !this.following.has(id) && !this.held.has(id) && !this.unsaved.has(id),
    );
    const jobs = unknown.length > 0 ? await store.getJobs(unknown) : new Map<string, Job>();
    for (const id of unknown) {
      const job = jobs.get(id);
      if (!job || job.delivered) await store.removeInFlight(id);
      else if (this.mine(job)) this.following.set(id, job);
    }
    // Ended by another way (a restart's copy of this store, a later shard): not ours now.
    for (const [id, job] of this.following) {
      if (this.held.has(id) || this.followedDuringSync.has(id)) continue;
      if (!listed.has(id) || !this.mine(job)) this.following.delete(id);
    }
    this.syncedAt = this.now();
  }

  private async unfollow(jobId: string): Promise<void> {
    this.following.delete(jobId);
    await this.options.store.removeInFlight(jobId);
  }

  /** Runs one job's step; a failure (e.g. of the store) is logged and tried again next tick. */
  private async guarded(job: Job, step: () => Promise<void>): Promise<void> {
    try {
      await step();
    } catch (error) {
      this.options.log.error({ err: error, jobId: job.id }, "tracking a job failed; next tick");
    }
  }

  private async saveUnsaved(): Promise<void> {
    for (const [id, job] of this.unsaved) {
      try {
        await this.options.store.putJob(job);
        await this.follow(job);
        this.unsaved.delete(id);
        this.options.log.info({ jobId: id, taskId: job.taskId }, "job saved after all");
      } catch (error) {
        this.options.log.warn({ err: error, jobId: id }, "job still not saved");
      }
    }
  }

  /** Asks about the jobs whose task is known, and applies what the proxy says. */
  private async followOpen(open: Job[]): Promise<void> {
    if (open.length === 0) return;
    const tasks = await this.poll(open.map((j) => j.taskId));
    const changed: Array<[Job, Task]> = [];
    for (const job of open) {
      const task = tasks.get(job.taskId);
      if (task === undefined) continue; // not asked, or the poll failed for it: next tick
      if (task === null) {
        await this.guarded(job, () => this.missed(job));
        continue;
      }
      this.absentSince.delete(job.id);
      if (changes(job, task)) changed.push([job, task]);
    }
    await this.applyAll(changed);
  }

  /**
   * The new states of many jobs at once: one store read for all of them (their copies here
   * may be out of date), one write, then each is shown. A failure is tried again next tick.
   */
  private async applyAll(changed: Array<[Job, Task]>): Promise<void> {
    if (changed.length === 0) return;
    try {
      const stored = await this.options.store.getJobs(changed.map(([job]) => job.id));
      const next: Job[] = [];
      for (const [seen, task] of changed) {
        const job = stored.get(seen.id) ?? seen;
        // The copy followed here was older than the store's (written elsewhere): now it is not.
        if (this.following.has(job.id)) this.following.set(job.id, job);
        if (changes(job, task)) next.push(this.advance(job, task));
      }
      await this.options.store.updateJobs(next);
      for (const job of next) await this.guarded(job, () => this.saved(job));
    } catch (error) {
      this.options.log.error(
        { err: error, jobs: changed.length },
        "saving the jobs' new states failed; next tick",
      );
    }
  }

  /**
   * Current tasks by id: a Task, null when the proxy does not know it, absent when it was
   * not asked about this tick or the answer failed.
   */
  private async poll(ids: string[]): Promise<Map<string, Task | null>> {
    const unique = [...new Set(ids)];
    const found = new Map<string, Task | null>();
    if (this.listSupported) {
      const batches: string[][] = [];
      for (let i = 0; i < unique.length; i += LIST_BATCH)
        batches.push(unique.slice(i, i + LIST_BATCH));
      const answers = await Promise.allSettled(
        batches.map((batch) => this.options.source.listTasks(batch, this.reads)),
      );
      for (const answer of answers) {
        if (answer.status === "fulfilled") {
          for (const task of answer.value) found.set(task.id, task);
        } else {
          this.options.log.warn({ err: answer.reason }, "list-by-condition failed; fetching a few");
          if (statusOf(answer.reason) === 404) this.listSupported = false;
        }
      }
    }
    const missing = unique.filter((id) => !found.has(id));
    const budget = this.options.maxFetchesPerTick ?? 20;
    // Round robin: when more are missing than one tick may fetch, the next tick goes on.
    const start = missing.length > budget ? this.fetchCursor % missing.length : 0;
    const chosen = [...missing.slice(start), ...missing.slice(0, start)].slice(0, budget);
    this.fetchCursor = start + chosen.length;
    const fetched = await Promise.allSettled(
      chosen.map((id) => this.options.source.fetchTask(id, this.reads)),
    );
    for (const [n, answer] of fetched.entries()) {
      const id = chosen[n] as string;
      if (answer.status === "fulfilled") found.set(id, answer.value);
      else this.options.log.warn({ err: answer.reason, taskId: id }, "task fetch failed");
    }
    return found;
  }

  /** The proxy does not know the task: the job fails only after minutes of that. */
  private async missed(job: Job): Promise<void> {
    const now = this.now();
    const since = this.absentSince.get(job.id) ?? now;
    this.absentSince.set(job.id, since);
    if (now - since < (this.options.unknownGraceMs ?? 3 * MINUTE)) return;
    this.absentSince.delete(job.id);
    // Unknown for minutes on end: nothing runs, so Retry (the request) stays.
    await this.fail(job, JOB_CODES.unknownToProxy, true);
  }

  /**
   * Jobs whose submit got no clear answer (lost, 5xx, a crash mid-submit): their task is
   * looked for by the `state` it was sent with, adopted when found, and the job closed in
   * plain words when it does not turn up in time.
   */
  private async search(lost: Job[]): Promise<void> {
    if (lost.length === 0) return;
    const now = this.now();
    const searching: Job[] = [];
    for (const job of lost) {
      if ((job.searchSince ?? null) === null) {
        const started = { ...job, searchSince: now };
        await this.guarded(job, async () => {
          await this.options.store.putJob(started);
          this.following.set(started.id, started);
        });
        searching.push(started);
      } else {
        searching.push(job);
      }
    }
    let recent: Task[] | null = null;
    if (this.searchSupported) {
      try {
        recent = await this.options.source.recentTasks(this.reads);
      } catch (error) {
        const status = statusOf(error);
        if (status === 404 || status === 405) this.searchSupported = false;
        else this.options.log.warn({ err: error }, "the proxy's task list failed; next tick");
      }
    }
    for (const job of searching) {
      await this.guarded(job, async () => {
        if (!this.searchSupported) return this.giveUp(job, JOB_CODES.cannotSearch);
        const found = recent === null ? [] : tasksOf(job, recent);
        if (found.length > 0) return this.adopt(job, found);
        if (now - (job.searchSince ?? now) >= (this.options.searchMs ?? 5 * MINUTE)) {
          await this.giveUp(job, JOB_CODES.neverFound);
        }
      });
    }
  }

  /** The job takes the task(s) found by its state; "Imagine all" gives it siblings. */
  private async adopt(job: Job, tasks: Task[]): Promise<void> {
    const [first, ...others] = tasks as [Task, ...Task[]];
    const { note: _lost, ...rest } = job;
    const adopted: Job = { ...rest, taskId: first.id, searchSince: null, updatedAt: this.now() };
    for (const [n, task] of others.entries()) {
      const sibling = siblingJob(adopted, n + 2, task.id, task.prompt || job.prompt);
      await this.options.store.putJob(sibling);
      await this.follow(sibling);
    }
    await this.options.store.putJob(adopted);
    this.following.set(adopted.id, adopted);
    // Fewer tasks than were charged for: the missing ones give their credits back.
    for (const id of this.siblingsOf(job, tasks.length)) {
      await this.options.ledger?.refund(id).catch((error: unknown) => {
        this.options.log.error({ err: error, jobId: id }, "refund of a missing task not recorded");
      });
    }
    this.options.log.info(
      { jobId: job.id, taskIds: tasks.map((t) => t.id) },
      "found the task of a job whose submit had no clear answer",
    );
    await this.apply(adopted, first);
  }

  /** A job whose task could not be found: closed, without Retry (it may exist after all). */
  private giveUp(job: Job, failure: string): Promise<void> {
    return this.fail({ ...job, searchSince: null }, failure, false);
  }

  /** Past the deadline: closed without Retry (the task may still run), but watched a while. */
  private async close(job: Job): Promise<void> {
    if (job.taskId === "") return this.giveUp(job, JOB_CODES.neverFound);
    const minutes = Math.round((job.deadlineAt - job.createdAt) / 60_000);
    const watched: Job = {
      ...job,
      watchUntil: this.now() + (this.options.watchMs ?? 120 * MINUTE),
    };
    await this.options.store.addWatched(job.id);
    await this.fail(watched, timedOut(minutes), false);
  }

  /** Now and then: the closed jobs still watched, shown after all if their task succeeded. */
  private async watch(): Promise<void> {
    if (this.ticks % (this.options.watchEveryTicks ?? 20) !== 0) return;
    const { store } = this.options;
    const jobs: Job[] = [];
    for (const id of await store.watched()) {
      const job = await store.getJob(id);
      if (!job || job.result !== null || !job.watchUntil || this.now() > job.watchUntil) {
        await store.removeWatched(id);
      } else if (this.mine(job)) jobs.push(job);
    }
    if (jobs.length === 0) return;
    const tasks = await this.poll(jobs.map((j) => j.taskId));
    for (const job of jobs) {
      const task = tasks.get(job.taskId);
      if (!task || !isTerminal(task.status)) continue;
      await this.guarded(job, async () => {
        const next: Job = {
          ...this.advance(jobReopened(job), task),
          delivered: false,
          watchUntil: null,
        };
        await this.follow(next);
        await store.removeWatched(next.id);
        await this.save(next);
      });
    }
  }

  /** Ends the job for the reason `failure` (a code); `retry`: whether Retry is offered. */
  private async fail(job: Job, failure: string, retry: boolean): Promise<void> {
    await this.save(jobFailed(job, failure, retry, this.now()));
  }

  /**
   * Hands a change to the listener without holding up the loop. A final change that the
   * listener showed marks the job delivered and ends its tracking; one that failed is
   * offered again on the next tick.
   */
  private notify(job: Job): Promise<void> {
    const final = hasEnded(job);
    if (final) this.delivering.add(job.id);
    const shown = this.options
      .onChange(job)
      .then(async () => {
        if (!final) return;
        const latest = (await this.options.store.getJob(job.id)) ?? job;
        await this.options.store.putJob({ ...latest, delivered: true });
        await this.unfollow(job.id);
      })
      .catch((error: unknown) => {
        this.options.log.error({ err: error, jobId: job.id }, "showing a job change failed");
      })
      .finally(() => {
        if (final) this.delivering.delete(job.id);
        this.pending.delete(shown);
      });
    this.pending.add(shown);
    return Promise.resolve();
  }

  /** Resolves when every change handed to the listener so far has been dealt with. */
  async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }
}

/** The tasks a job's submit made, found by its state: itself, or `<state>::1…n` in order. */
function tasksOf(job: Job, recent: Task[]): Task[] {
  const state = job.state || `mjcord:${job.id}`;
  const part = (task: Task): number =>
    task.state === state ? 0 : Number(task.state.slice(state.length + 2)) || 0;
  return recent
    .filter((t) => t.state === state || t.state.startsWith(`${state}::`))
    .sort((a, b) => part(a) - part(b));
}

function statusOf(error: unknown): number | undefined {
  return (error as { httpStatus?: number } | null)?.httpStatus;
}

/** Whether a task state is news for the job: newer, or the same rank with a new look. */
function changes(job: Job, task: Task): boolean {
  if (job.result !== null) return false;
  const rank = taskRank(task);
  if (rank !== job.rank) return rank > job.rank;
  return (
    !isTerminal(task.status) && (task.imageUrl !== job.previewUrl || phaseOf(task) !== job.phase)
  );
}

function phaseOf(task: Pick<Task, "status">): JobPhase {
  switch (task.status) {
    case "SUCCESS":
      return "done";
    case "FAILURE":
    case "CANCEL":
      return "failed";
    case "MODAL":
      return "needs-form";
    case "IN_PROGRESS":
    case "SUBMITTED":
      return "running";
    case "NOT_START":
      return "queued";
    default:
      return "waiting";
  }
}
