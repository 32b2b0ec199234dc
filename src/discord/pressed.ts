// What a press or a form is about, found once for every handler: the result whose button was
// pressed (from the store, else from the proxy, which tells a task it does not know apart
// from not answering), or the job a Retry, Cancel or "Confirm prompt" names, with the
// presser's right to act on it checked. A refusal is the member's words, to be told privately.
import type { Job } from "../jobs/job.js";
import type { Task, TaskButton } from "../mj/task.js";
import type { BotContext } from "./context.js";
import type { Texts } from "./lang/index.js";
import { spendRefusal } from "./owners.js";

/** What a pressed result is made of, from the store's job or the proxy's task. */
export interface PressedResult {
  /** The store's job for the task; undefined when the store lost it. */
  job: Job | undefined;
  buttons: TaskButton[];
  prompt: string;
  imageUrl: string | null;
  imageWidth: number | null;
  imageHeight: number | null;
}

export type Found<T> = { ok: true; found: T } | { ok: false; message: string };

/** The button a custom_id names: the task's, by its index, with its owner as the key says. */
export interface ButtonRef {
  taskId: string;
  index: number;
  /** The owner written into the custom_id (absent in keys made before owners were). */
  ownerId?: string | undefined;
}

/**
 * The result and button that `ref` names, when `presser` may spend on it. `beforeProxy` runs
 * before the proxy is asked (which may take longer than Discord waits for an answer).
 */
export async function pressedButton(
  ctx: BotContext,
  ref: ButtonRef,
  presser: { userId: string; madeBy?: string | undefined },
  t: Texts,
  beforeProxy?: () => Promise<unknown>,
): Promise<Found<{ result: PressedResult; button: TaskButton }>> {
  const job = await ctx.store.jobForTask(ref.taskId);
  let result: PressedResult | null = job?.result
    ? { ...job.result, job, prompt: job.prompt }
    : null;
  if (!result) {
    await beforeProxy?.();
    let task: Task | null;
    try {
      task = await ctx.proxy.fetchTask(ref.taskId);
    } catch (error) {
      ctx.log.warn({ err: error, taskId: ref.taskId }, "a pressed result not fetched");
      return { ok: false, message: t.presses.proxyUnreachable };
    }
    if (task) result = { ...task, job, prompt: task.prompt || task.promptEn };
  }
  const button = result?.buttons[ref.index];
  if (!result || !button) return { ok: false, message: t.presses.resultUnknown };
  const refusal = spendRefusal(
    { stored: job?.userId, keyed: ref.ownerId, madeBy: presser.madeBy },
    presser.userId,
    t,
  );
  if (refusal) return { ok: false, message: refusal };
  return { ok: true, found: { result, button } };
}

/** What a press on a job needs of it, and the words when the presser may not. */
export interface JobRule {
  /** Whether the job can still take the press (e.g. Retry: it has a request). */
  usable: (job: Job) => boolean;
  /** The words when it cannot (or the job is unknown). */
  unusable: string;
  /** The words for a presser who is not its owner, naming the owner. */
  notYours: (ownerId: string) => string;
  /** Whether someone other than the owner may press it too (Cancel: admins). */
  alsoAllowed?: () => boolean;
}

/** The job `jobId` names, when it can take the press and `userId` may make it. */
export async function pressedJob(
  ctx: BotContext,
  jobId: string,
  userId: string,
  rule: JobRule,
): Promise<Found<Job>> {
  const job = await ctx.store.getJob(jobId);
  if (!job || !rule.usable(job)) return { ok: false, message: rule.unusable };
  if (job.userId !== userId && !rule.alsoAllowed?.()) {
    return { ok: false, message: rule.notYours(job.userId) };
  }
  return { ok: true, found: job };
}
