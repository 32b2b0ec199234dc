// Starting a job without ever losing it or billing it twice. The job, with the `state` its
// submit carries, is written to the store and the in-flight index before the submit leaves;
// if that write fails nothing is sent. A submit whose answer is lost (a crash, a cut
// connection, a timeout, a 5xx from a gateway in front) leaves a job that may be running:
// no Retry, and the tracker looks for its task by that `state`. Member images stay out of
// the record (images.ts).
import type { Logger } from "../log.js";
import type { MjClient } from "../mj/client.js";
import { ProxyError } from "../mj/errors.js";
import type { SubmitOutcome } from "../mj/task.js";
import type { Ledger, Reservation } from "../policy/ledger.js";
import { type Capabilities, featureOf } from "./capabilities.js";
import { imagesKey, imagesOwner, restoreImages, setImagesAside } from "./images.js";
import { type Job, siblingId, siblingJob } from "./job.js";
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
 * What a job's `failure` and `note` hold when this layer sets them: a code that src/discord
 * words in the language of the member who started the job (a job saved before codes holds
 * plain English words, shown as they are).
 */
export const JOB_CODES = {
  /** The store could not be written: nothing was sent or charged. */
  storeDown: "#store-down",
  /** The submit's answer was lost: the job may be running, and is looked for. */
  mayBeRunning: "#may-be-running",
  /** The form's prompt was not used: the proxy's account has Remix off. */
  formSkipped: "#form-skipped",
} as const;

/** The prefix of a failure that is the proxy's refusal: `#proxy {…ProxyError's fields}`. */
export const PROXY_FAILURE = "#proxy ";

/** A proxy's refusal as a job keeps it: the reason code, the numbers, what the proxy said. */
export function proxyFailure(error: ProxyError): string {
  const banned = error.properties.bannedWord;
  return `${PROXY_FAILURE}${JSON.stringify({
    kind: error.kind,
    reason: error.reason,
    code: error.code,
    httpStatus: error.httpStatus,
    description: error.description,
    ...(typeof banned === "string" && banned !== "" && { bannedWord: banned }),
  })}`;
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

/** The proxy accepted the job: the job and any siblings are saved, or kept until they are. */
async function record(
  ctx: LaunchContext,
  job: Job,
  outcome: SubmitOutcome & { formSkipped?: true },
  options: LaunchOptions,
): Promise<Job> {
  let accepted: Job = {
    ...withOutcome(job, outcome),
    prompt: options.promptsPerTask?.[0] ?? job.prompt,
  };
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
async function charge(ctx: LaunchContext, options: LaunchOptions, jobIds: string[]) {
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

function refused(job: Job, failure: string, retryable: boolean): Job {
  return {
    ...job,
    phase: "failed",
    failure,
    rank: 4,
    delivered: true,
    request: retryable ? job.request : null,
  };
}

async function save(ctx: LaunchContext, job: Job, problem: string): Promise<void> {
  await ctx.store.putJob(job).catch((error: unknown) => {
    ctx.log.error({ err: error, jobId: job.id }, problem);
  });
}

/** A job as the proxy's answer leaves it. */
export function withOutcome(job: Job, outcome: SubmitOutcome): Job {
  switch (outcome.kind) {
    case "submitted":
      return {
        ...job,
        taskId: outcome.taskId,
        phase: outcome.queued ? "queued" : "waiting",
        queueAhead: outcome.queueAhead,
      };
    case "modal":
      // The account has Remix on (or the form was wanted): the proxy waits for the prompt.
      return {
        ...job,
        taskId: outcome.taskId,
        phase: "needs-form",
        formPrompt: outcome.finalPrompt || job.prompt,
      };
    case "existed":
      return { ...job, taskId: outcome.taskId };
  }
}
