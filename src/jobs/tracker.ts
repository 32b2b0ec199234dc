// One loop for all in-flight jobs: each tick asks the proxy about every unfinished task
// with list-by-condition (the client sends it in batches of 100), fetches one by one only
// the tasks the list left out, applies states monotonically, and closes jobs that outlive
// their deadline.
import type { Logger } from "../log.js";
import { plainWords } from "../mj/messages.js";
import { isTerminal, type Task, taskRank } from "../mj/task.js";
import { type Job, type JobPhase, resultOf } from "./job.js";
import type { JobStore } from "./store.js";

export interface TaskSource {
  listTasks(ids: readonly string[]): Promise<Task[]>;
  fetchTask(id: string): Promise<Task | null>;
}

/** Called after a job changed; must resolve once the change is shown (or given up). */
export type JobListener = (job: Job) => Promise<void>;

export interface TrackerOptions {
  source: TaskSource;
  store: JobStore;
  intervalMs: number;
  onChange: JobListener;
  log: Pick<Logger, "debug" | "info" | "warn" | "error">;
  /** How many ticks in a row a task may be unknown to the proxy before the job fails. */
  maxMisses?: number;
  now?: () => number;
}

export class Tracker {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = true;
  /** Jobs whose final message is being delivered right now. */
  private readonly delivering = new Set<string>();
  private readonly misses = new Map<string, number>();
  private listSupported = true;
  private readonly pending = new Set<Promise<void>>();

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

  /** Starts following a job (already saved in the store). */
  async follow(job: Job): Promise<void> {
    await this.options.store.addInFlight(job.id);
  }

  /** One pass over every in-flight job. Never runs twice at once. */
  tick(): Promise<void> {
    if (!this.running) {
      this.running = this.pass()
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
    const job = (await this.options.store.getJob(seen.id)) ?? seen;
    if (!changes(job, task)) return;
    const rank = taskRank(task);
    const phase = phaseOf(task);
    const next: Job = {
      ...job,
      rank,
      phase,
      progress: task.progress,
      queueAhead: phase === "queued" ? job.queueAhead : null,
      previewUrl: isTerminal(task.status) ? job.previewUrl : task.imageUrl,
      result: isTerminal(task.status) ? resultOf(task) : null,
      failure:
        phase === "failed"
          ? plainWords(task.failReason) || "Midjourney could not make this job."
          : job.failure,
      formPrompt:
        phase === "needs-form"
          ? task.finalPrompt || task.promptEn || task.prompt || job.formPrompt || job.prompt
          : job.formPrompt,
      request: phase === "done" ? null : job.request,
      updatedAt: this.now(),
    };
    await this.options.store.putJob(next);
    await this.notify(next);
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

  private async pass(): Promise<void> {
    const { store } = this.options;
    const jobs: Job[] = [];
    for (const id of await store.inFlight()) {
      const job = await store.getJob(id);
      if (!job || job.delivered) await store.removeInFlight(id);
      else jobs.push(job);
    }
    const open: Job[] = [];
    for (const job of jobs) {
      if (job.result !== null || job.phase === "failed") {
        // Finished but not yet shown (e.g. the bot restarted in between): show it again.
        if (!this.delivering.has(job.id)) void this.notify(job);
      } else if (this.now() > job.deadlineAt) {
        await this.close(job);
      } else {
        open.push(job);
      }
    }
    if (open.length === 0) return;
    const tasks = await this.poll(open.map((j) => j.taskId));
    for (const job of open) {
      const task = tasks.get(job.taskId);
      if (task === undefined) continue; // the poll failed for it; try next tick
      if (task === null) {
        await this.missed(job);
        continue;
      }
      this.misses.delete(job.id);
      await this.apply(job, task);
    }
  }

  /** Current tasks by id: a Task, null when the proxy does not know it, absent when unknown. */
  private async poll(ids: string[]): Promise<Map<string, Task | null>> {
    const found = new Map<string, Task | null>();
    if (this.listSupported) {
      try {
        for (const task of await this.options.source.listTasks(ids)) found.set(task.id, task);
      } catch (error) {
        this.options.log.warn({ err: error }, "list-by-condition failed; fetching one by one");
        if ((error as { httpStatus?: number }).httpStatus === 404) this.listSupported = false;
      }
    }
    for (const id of ids.filter((i) => !found.has(i))) {
      try {
        found.set(id, await this.options.source.fetchTask(id));
      } catch (error) {
        this.options.log.warn({ err: error, taskId: id }, "task fetch failed");
      }
    }
    return found;
  }

  private async missed(job: Job): Promise<void> {
    const count = (this.misses.get(job.id) ?? 0) + 1;
    this.misses.set(job.id, count);
    if (count < (this.options.maxMisses ?? 5)) return;
    this.misses.delete(job.id);
    await this.fail(
      job,
      "The proxy no longer knows this job, so it cannot be finished. Please start it again.",
    );
  }

  private async close(job: Job): Promise<void> {
    const minutes = Math.round((job.deadlineAt - job.createdAt) / 60_000);
    await this.fail(
      job,
      `No result after ${minutes} minutes: the proxy seems to have lost this job. Please try again.`,
    );
  }

  private async fail(job: Job, failure: string): Promise<void> {
    const next: Job = { ...job, phase: "failed", failure, rank: 4, updatedAt: this.now() };
    await this.options.store.putJob(next);
    await this.notify(next);
  }

  /**
   * Hands a change to the listener without holding up the loop. A final change that the
   * listener showed marks the job delivered and ends its tracking; one that failed is
   * offered again on the next tick.
   */
  private notify(job: Job): Promise<void> {
    const final = job.result !== null || job.phase === "failed";
    if (final) this.delivering.add(job.id);
    const shown = this.options
      .onChange(job)
      .then(async () => {
        if (!final) return;
        const latest = (await this.options.store.getJob(job.id)) ?? job;
        await this.options.store.putJob({ ...latest, delivered: true });
        await this.options.store.removeInFlight(job.id);
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

/** Whether a task state is news for the job: newer, or the same rank with a new look. */
function changes(job: Job, task: Task): boolean {
  if (job.result !== null) return false;
  const rank = taskRank(task);
  if (rank !== job.rank) return rank > job.rank;
  return (
    !isTerminal(task.status) && (task.imageUrl !== job.previewUrl || phaseOf(task) !== job.phase)
  );
}

/** Rank of a job whose form was sent: above MODAL (0), below SUBMITTED (1). */
export const CONFIRMED_RANK = 0.5;

export function phaseOf(task: Pick<Task, "status">): JobPhase {
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
