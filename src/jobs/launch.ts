// Starting a job without ever losing it or billing it twice. The job, with the `state` its
// submit carries, is written to the store and the in-flight index before the submit leaves;
// if that write fails nothing is sent. A submit whose answer is lost (a crash, a cut
// connection, a timeout, a 5xx from a gateway in front) leaves a job that may be running:
// no Retry, and the tracker looks for its task by that `state`. Member images stay out of
// the record (images.ts). A form the proxy waits for (status MODAL) is sent and recorded
// the same way (confirmForm).
import type { Logger } from "../log.js";
import type { MjClient } from "../mj/client.js";
import { ProxyError } from "../mj/errors.js";
import type { SubmitOutcome } from "../mj/task.js";
import type { Ledger, Reservation } from "../policy/ledger.js";
import { type Capabilities, featureOf } from "./capabilities.js";
import { imagesKey, imagesOwner, restoreImages, setImagesAside } from "./images.js";
import {
  formConfirmed,
  JOB_CODES,
  type Job,
  jobFailed,
  jobSubmitted,
  proxyFailure,
  siblingId,
  siblingJob,
} from "./job.js";
import type { JobStore } from "./store.js";
import { type SubmitRequest, submitRequest } from "./submit.js";
import type { Tracker } from "./tracker.js";

export interface LaunchContext {
  store: JobStore;
  proxy: MjClient;
  tracker: Tracker;
  log: Pick<Logger, "info" | "warn" | "error">;
  ledger: Pick<Ledger, "commit" | "release" | "refund">;
  /** Told when the proxy has no route for a request's feature (HTTP 404/405). */
  capabilities?: Pick<Capabilities, "learnMissing">;
  /** Told when the proxy refused a job at its submit (nothing runs; e.g. for metrics). */
  jobRefused?: (job: Job) => void;
}

export interface LaunchOptions {
  /** When one submit starts several tasks ("Imagine all"), the prompt shown for each. */
  promptsPerTask?: string[];
  /** The prompt the pressed result was made with (shown if the proxy skips the form). */
  parentPrompt?: string;
  /** How long the job's pictures are kept for Retry. */
  imagesTtlMs: number;
  /** The job a Retry repeats: its pictures are dropped once the new job holds them. */
  retryOf?: string | null;
  /**
   * The credits reserved for it (src/policy/ledger.ts): given back if nothing reaches the
   * proxy, tied to the job (and its siblings) once the proxy has it or may have it.
   */
  reservation?: Reservation;
}

/**
 * A request whose pictures were set aside (a Retry) with its pictures back; the request as
 * it is when it has none; null when they have expired.
 */
export async function withImages(
  store: JobStore,
  request: SubmitRequest,
): Promise<SubmitRequest | null> {
  const owner = imagesOwner(request);
  if (owner === null) return request;
  return restoreImages(request, await store.unstash<string[]>(imagesKey(owner)));
}

/**
 * Writes the job ahead, submits it and records the outcome. Never throws: resolves with the
 * job as it is to be shown first (refused, may be running, or submitted).
 */
export async function launch(
  ctx: LaunchContext,
  draft: Job,
  request: SubmitRequest,
  options: LaunchOptions,
): Promise<Job> {
  const aside = setImagesAside(request, draft.id);
  let job: Job = { ...draft, request: aside.request };
  ctx.tracker.hold(job.id);
  try {
    try {
      if (aside.images.length > 0) {
        await ctx.store.stash(imagesKey(job.id), aside.images, options.imagesTtlMs);
      }
      await ctx.store.putJob(job);
      await ctx.tracker.follow(job);
    } catch (error) {
      ctx.log.error({ err: error, jobId: job.id }, "job not saved, so not submitted");
      await ctx.store.removeInFlight(job.id).catch(() => undefined);
      await ctx.store.drop(imagesKey(job.id)).catch(() => undefined);
      await giveBack(ctx, options);
      return refused(job, JOB_CODES.storeDown, false);
    }
    // A Retry's pictures now live in the new job's stash.
    if (options.retryOf) await ctx.store.drop(imagesKey(options.retryOf)).catch(() => undefined);
    job = await submit(ctx, job, request, options);
  } finally {
    ctx.tracker.release(job.id);
  }
  return job;
}

async function submit(
  ctx: LaunchContext,
  job: Job,
  request: SubmitRequest,
  options: LaunchOptions,
): Promise<Job> {
  let outcome: SubmitOutcome & { formSkipped?: true };
  try {
    outcome = await submitRequest(ctx.proxy, request, { mode: job.mode, state: job.state });
  } catch (error) {
    if (error instanceof ProxyError && !error.mayHaveSubmitted) {
      // Refused: nothing runs. Retry only where asking again could go differently.
      ctx.log.warn({ err: error, jobId: job.id }, "proxy refused the job");
      const feature = featureOf(request);
      if (error.routeMissing && feature && ctx.capabilities) {
        await ctx.capabilities.learnMissing(feature).catch((e: unknown) => {
          ctx.log.warn({ err: e, feature }, "a missing proxy feature not remembered");
        });
        ctx.log.warn(
          { feature },
          `the proxy has no route for ${feature}: its commands are now refused at once`,
        );
      }
      const failed = refused(job, proxyFailure(error), error.worthRetrying);
      await chargeRefused(ctx, options, job.id);
      ctx.jobRefused?.(failed);
      await save(ctx, failed, "refused job not saved");
      await ctx.store.removeInFlight(job.id).catch(() => undefined);
      if (failed.request === null) await ctx.store.drop(imagesKey(job.id)).catch(() => undefined);
      return failed;
    }
    // The proxy may have the job: it is looked for, never submitted again.
    if (error instanceof ProxyError) {
      ctx.log.warn({ err: error, jobId: job.id }, "submit's answer lost; looking for its task");
    } else {
      ctx.log.error({ err: error, jobId: job.id }, "submit crashed; looking for its task");
    }
    // Charged as if it runs, every task it may have started; the tracker gives back what
    // does not turn up (src/jobs/tracker.ts).
    await charge(ctx, options, jobIdsOf(job, options.reservation?.jobs ?? 1));
    const lost: Job = { ...job, searchSince: Date.now(), note: JOB_CODES.mayBeRunning };
    await save(ctx, lost, "job that may be running not updated; it is looked for anyway");
    return lost;
  }
  return record(ctx, job, outcome, options);
}

/**
 * Sends the member's prompt for a task the proxy holds in status MODAL (the job's form), and
 * records the outcome as a submit's is recorded. Resolves with the job as it is to be shown.
 * Rejects with the error when the proxy refused it (nothing runs) or its answer was lost:
 * then the proxy may have taken the prompt, so the job is saved as confirmed and followed
 * (the task runs under its own id).
 */
export async function confirmForm(ctx: LaunchContext, job: Job, prompt: string): Promise<Job> {
  let outcome: SubmitOutcome;
  try {
    outcome = await ctx.proxy.modal({ taskId: job.taskId, prompt, mode: job.mode });
  } catch (error) {
    if (!(error instanceof ProxyError) || error.mayHaveSubmitted) {
      const confirmed = formConfirmed(job, prompt, Date.now());
      await ctx.store.putJob(confirmed);
      await ctx.tracker.follow(confirmed);
    }
    throw error;
  }
  return record(ctx, job, outcome, { confirmedPrompt: prompt });
}

/** What recording an accepted submit needs to know (see LaunchOptions). */
type RecordOptions = Pick<LaunchOptions, "promptsPerTask" | "parentPrompt" | "reservation"> & {
  /** The prompt of the form the submit confirmed (confirmForm). */
  confirmedPrompt?: string;
};

/** The proxy accepted the job: the job and any siblings are saved, or kept until they are. */
async function record(
  ctx: LaunchContext,
  job: Job,
  outcome: SubmitOutcome & { formSkipped?: true },
  options: RecordOptions,
): Promise<Job> {
  const answered = jobSubmitted(job, outcome);
  let accepted: Job =
    options.confirmedPrompt === undefined
      ? { ...answered, prompt: options.promptsPerTask?.[0] ?? job.prompt }
      : formConfirmed(answered, options.confirmedPrompt, Date.now());
  if (outcome.formSkipped) {
    accepted = {
      ...accepted,
      prompt: options.parentPrompt ?? accepted.prompt,
      note: JOB_CODES.formSkipped,
    };
  }
  const siblings =
    outcome.kind === "submitted"
      ? outcome.taskIds
          .slice(1)
          .map((taskId, n) =>
            siblingJob(accepted, n + 2, taskId, options.promptsPerTask?.[n + 1] ?? accepted.prompt),
          )
      : [];
  // Charged before the tracker can see them end (a refund needs the entry).
  await charge(ctx, options, [accepted.id, ...siblings.map((sibling) => sibling.id)]);
  for (const saved of [...siblings, accepted]) {
    try {
      await ctx.store.putJob(saved);
      await ctx.tracker.follow(saved);
    } catch (error) {
      // Billed: never offered again. The tracker saves it as soon as the store lets it.
      ctx.log.error(
        { err: error, jobId: saved.id, taskId: saved.taskId },
        "job not saved after the proxy accepted it; saving it again on the next ticks",
      );
      ctx.tracker.remember(saved);
    }
  }
  ctx.log.info(
    { jobId: accepted.id, taskId: accepted.taskId, kind: accepted.kind, user: accepted.userId },
    "job submitted",
  );
  return accepted;
}

/** The ids a submit of `count` tasks gives its jobs: the first, then its siblings. */
function jobIdsOf(job: Job, count: number): string[] {
  return [job.id, ...Array.from({ length: count - 1 }, (_, i) => siblingId(job.id, i + 2))];
}

/** Ties the reserved credits to the jobs the proxy has (the rest are given back). */
async function charge(
  ctx: LaunchContext,
  options: Pick<LaunchOptions, "reservation">,
  jobIds: string[],
) {
  const { reservation } = options;
  if (!reservation) return;
  await ctx.ledger.commit(reservation, jobIds).catch((error: unknown) => {
    ctx.log.error(
      { err: error, jobIds },
      "spend not tied to its jobs: the credits stay counted, the jobs in flight lapse",
    );
  });
}

/** The proxy refused the job: in the ledger as refused, and free (nothing ran). */
async function chargeRefused(ctx: LaunchContext, options: LaunchOptions, jobId: string) {
  if (!options.reservation) return;
  await charge(ctx, options, [jobId]);
  await ctx.ledger.refund(jobId, "refused").catch((error: unknown) => {
    ctx.log.error({ err: error, jobId }, "refund of a refused job not recorded");
  });
}

/** Nothing reached the proxy: the reserved credits come back. */
async function giveBack(ctx: LaunchContext, options: LaunchOptions) {
  const { reservation } = options;
  if (!reservation) return;
  await ctx.ledger.release(reservation).catch((error: unknown) => {
    ctx.log.error(
      { err: error },
      "reservation not released: the credits stay counted, the jobs in flight lapse",
    );
  });
}

/** Refused before anything ran: shown by the launcher itself, so delivered already. */
function refused(job: Job, failure: string, retryable: boolean): Job {
  return { ...jobFailed(job, failure, retryable), delivered: true };
}

async function save(ctx: LaunchContext, job: Job, problem: string): Promise<void> {
  await ctx.store.putJob(job).catch((error: unknown) => {
    ctx.log.error({ err: error, jobId: job.id }, problem);
  });
}
