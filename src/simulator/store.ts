/** Tasks in memory and their lifecycle (docs/proxy-behaviour.md §7), driven by `stepMs` timers. */
import { setMaxListeners } from "node:events";
import { setTimeout as sleep } from "node:timers/promises";
import type { MediaStore } from "./media.js";
import { Notifier, notifyOrder } from "./notify.js";
import { finish, markStarted, previewUrl } from "./results.js";
import { isTerminal, type SimTask, view } from "./task.js";
import { BANNED_PROMPT_REASON } from "./triggers.js";
import type { SimConfig } from "./types.js";

const STEPS = [15, 31, 46, 62, 78, 93];
const STUCK_AT = 62;
const TIMEOUT_AFTER = 46;

export class TaskStore {
  private readonly tasks = new Map<string, SimTask>();
  private readonly closing = new AbortController();
  private readonly notifier = new Notifier();

  constructor(
    private readonly config: () => SimConfig,
    private readonly media: MediaStore,
  ) {
    // Every waiting task listens for the close: thousands of them are normal here.
    setMaxListeners(0, this.closing.signal);
  }

  add(task: SimTask): SimTask {
    this.tasks.set(task.wire.id, task);
    return task;
  }

  get(id: string): SimTask | undefined {
    return this.tasks.get(id);
  }

  /** Newest first. */
  list(): SimTask[] {
    return [...this.tasks.values()].reverse();
  }

  /** Queues a task (NOT_START) and runs it in the background. */
  start(task: SimTask): void {
    task.wire.status = "NOT_START";
    task.wire.progress = null;
    this.run(task).catch(() => {
      // Aborted on close.
    });
  }

  /** Ends a running task with FAILURE (the cancel endpoint). */
  cancel(task: SimTask, reason: string): void {
    this.fail(task, reason);
  }

  close(): void {
    this.closing.abort();
    this.notifier.close();
  }

  private async wait(task: SimTask, steps = 1): Promise<boolean> {
    const cfg = this.config();
    const ms = cfg.stepMs * steps * (task.flags.slow ? 10 : 1);
    await sleep(ms, undefined, { signal: this.closing.signal, ref: false });
    return !isTerminal(task);
  }

  private async run(task: SimTask): Promise<void> {
    const w = task.wire;
    if (!(await this.wait(task, 1 + task.queuedSteps))) return;
    if (task.flags.moderated) {
      this.fail(task, "可能包含敏感词");
      return;
    }
    w.status = "SUBMITTED";
    w.progress = "0%";
    w.startTime = Date.now();
    this.notify(task);

    const reason = task.presetFailure ?? (task.flags.fail ? BANNED_PROMPT_REASON : undefined);
    if (reason !== undefined) {
      if (!(await this.wait(task))) return;
      if (task.flags.fail && !task.presetFailure) w.description = reason;
      this.fail(task, reason);
      return;
    }

    if (task.style === "progress") {
      for (const pct of STEPS) {
        if (!(await this.wait(task))) return;
        w.status = "IN_PROGRESS";
        w.progress = `${pct}%`;
        w.imageUrl = previewUrl(task, pct, this.media);
        markStarted(task);
        this.notify(task);
        if (task.flags.stuck && pct === STUCK_AT) return;
        if (task.flags.timeout && pct === TIMEOUT_AFTER) {
          if (!(await this.wait(task, 2))) return;
          this.fail(task, "执行超时 5 分钟");
          return;
        }
      }
    } else if (task.style === "faceswap") {
      for (let i = 0; i < 2; i++) {
        if (!(await this.wait(task))) return;
        w.status = "IN_PROGRESS";
        this.notify(task);
      }
    }
    if (task.style !== "progress") {
      if (task.flags.stuck) return;
      if (task.flags.timeout) {
        if (!(await this.wait(task, 2))) return;
        this.fail(task, "执行超时 5 分钟");
        return;
      }
    }
    if (!(await this.wait(task))) return;
    finish(task, this.media);
    this.notify(task);
  }

  private fail(task: SimTask, reason: string): void {
    const w = task.wire;
    w.status = "FAILURE";
    w.progress = "";
    w.failReason = reason;
    w.finishTime = Date.now();
    w.buttons = [];
    this.notify(task);
  }

  private notify(task: SimTask): void {
    if (!task.hook) return;
    const order = notifyOrder(task);
    if (order <= task.lastNotify) return;
    task.lastNotify = order;
    this.notifier.send(task.hook, view(task, this.config().dialect));
  }
}
