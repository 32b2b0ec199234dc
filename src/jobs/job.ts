// A job: one proxy task followed on behalf of a member, and the Discord message that shows it;
// every change of its state besides a polled task's (submitted, failed, form confirmed,
// cancelled), and the codes its failure and note hold. The jobs layer knows tasks and where
// they are shown, not how (that is src/discord).
import type { MjMode } from "../config.js";
import type { ProxyError } from "../mj/errors.js";
import type { MediaLink, SubmitOutcome, Task, TaskButton, TaskStatus } from "../mj/task.js";
import type { CostKey, PolicyCommand } from "../policy/policy.js";
import type { SubmitRequest } from "./submit.js";

export type JobKind =
  | "imagine"
  | "action"
  | "modal"
  | "blend"
  | "describe"
  | "shorten"
  | "video"
  | "swapface"
  | "edit";

/** What the member sees, in order of progress. */
export type JobPhase =
  /** Sent to the proxy; no state polled yet. */
  | "waiting"
  /** Accepted with code 22, or NOT_START. */
  | "queued"
  | "running"
  /** The proxy waits for the form (status MODAL). */
  | "needs-form"
  | "done"
  | "failed";

/** What starting a job spends (see src/policy): its price, the command it needs, how many. */
export interface Spend {
  cost: CostKey;
  /** The command whose permission it needs (`members.commands`); null: none. */
  command: PolicyCommand | null;
  /** Jobs one submit starts, all or none (Imagine all: 4). */
  jobs: number;
}

/** Where the job's message lives, and how it can be edited. */
export interface JobMessage {
  channelId: string;
  guildId: string | null;
  /** The interaction whose @original shows the job; editable with its token for 15 min. */
  applicationId: string;
  interactionToken: string | null;
  tokenIssuedAt: number;
  /** Known once the reply exists; needed to edit it with the bot token. */
  messageId: string | null;
  /** Largest file Discord takes in this channel (the interaction's attachment_size_limit). */
  attachmentSizeLimit: number;
}

/** The parts of a finished task the result needs (kept so results survive restarts). */
export interface JobResult {
  /** The task's action: IMAGINE, UPSCALE, DESCRIBE, SHORTEN, VIDEO, EDIT, SWAP_FACE, … */
  action: string;
  status: TaskStatus;
  imageUrl: string | null;
  imageUrls: MediaLink[];
  videoUrls: MediaLink[];
  imageWidth: number | null;
  imageHeight: number | null;
  buttons: TaskButton[];
  finalPrompt: string;
  promptEn: string;
  description: string;
  failReason: string;
  /** The task came through a new-api gateway: buttons it refuses are not offered. */
  viaGateway?: boolean;
}

export interface Job {
  id: string;
  kind: JobKind;
  /**
   * The proxy task; "" while it is not known: the job is written before its submit leaves,
   * and stays without one when the submit's answer was lost (the tracker then looks for
   * the task by `state`).
   */
  taskId: string;
  /** Sent with the submit (`mjcord:<id>`); the proxy echoes it on the task it made. */
  state: string;
  /** Since when the tracker looks for the task by `state` (the submit's answer was lost). */
  searchSince?: number | null;
  /** Closed at its deadline, but watched until then and shown if it succeeds after all. */
  watchUntil?: number | null;
  userId: string;
  /**
   * The Discord locale of the member who started it (`interaction.locale`): its message
   * reads in that language. Absent on jobs saved before languages: English.
   */
  locale?: string;
  prompt: string;
  mode: MjMode;
  /** What was pressed to make it, e.g. "U2" (for actions and forms). */
  origin: string | null;
  parentTaskId: string | null;
  phase: JobPhase;
  queueAhead: number | null;
  progress: number | null;
  /** taskRank of the last state applied: states never go back. */
  rank: number;
  previewUrl: string | null;
  result: JobResult | null;
  /**
   * Why the job failed or was closed: a code (JOB_CODES, `#timed-out N`, `#proxy {…}`) that
   * src/discord words in the member's language. Jobs saved before codes hold English words.
   */
  failure: string | null;
  /** The prompt to prefill when the proxy waits for a form (status MODAL). */
  formPrompt: string | null;
  /** The member (owner or admin) at whose word the job ended: cancelled, credits back. */
  cancelledBy?: string;
  /** Something the member should know about how the job ran (a JOB_CODES code). */
  note?: string;
  /** What it spent; a Retry spends it again. Absent on jobs saved before the policy. */
  spend?: Spend;
  /**
   * How to submit it again (Retry): member images only as references to a stash that
   * expires (see images.ts). Null once Retry could bill twice or is pointless: the job
   * succeeded, was refused for good, or may still be running.
   */
  request: SubmitRequest | null;
  message: JobMessage;
  createdAt: number;
  updatedAt: number;
  /** After this the job is closed with a message, whatever the proxy says. */
  deadlineAt: number;
  /** The final message is on Discord: nothing more to do. */
  delivered: boolean;
}

/** Whether the job has ended: a result (done), or failed, cancelled or closed. */
export function hasEnded(job: Pick<Job, "result" | "phase">): boolean {
  return job.result !== null || job.phase === "failed";
}

export function resultOf(task: Task): JobResult {
  return {
    action: task.action,
    status: task.status,
    imageUrl: task.imageUrl,
    imageUrls: task.imageUrls,
    videoUrls: task.videoUrls,
    imageWidth: task.imageWidth,
    imageHeight: task.imageHeight,
    buttons: task.buttons,
    finalPrompt: task.finalPrompt,
    promptEn: task.promptEn,
    description: task.description,
    failReason: task.failReason,
    ...(task.viaGateway ? { viaGateway: true } : {}),
  };
}

/** What a new job is made of; its state starts empty ("waiting"). */
export interface NewJob {
  kind: JobKind;
  userId: string;
  prompt: string;
  mode: MjMode;
  origin: string | null;
  parentTaskId: string | null;
  request: SubmitRequest | null;
  spend?: Spend;
  message: JobMessage;
  /** How long it may take before it is closed with a message. */
  deadlineMs: number;
  id?: string;
  taskId?: string;
  now?: number;
}

export function newJob(init: NewJob): Job {
  const now = init.now ?? Date.now();
  const id = init.id ?? newJobId(now);
  return {
    id,
    kind: init.kind,
    taskId: init.taskId ?? "",
    state: stateTag(id),
    userId: init.userId,
    prompt: init.prompt,
    mode: init.mode,
    origin: init.origin,
    parentTaskId: init.parentTaskId,
    phase: "waiting",
    queueAhead: null,
    progress: null,
    rank: 0,
    previewUrl: null,
    result: null,
    failure: null,
    formPrompt: null,
    request: init.request,
    ...(init.spend && { spend: init.spend }),
    message: init.message,
    createdAt: now,
    updatedAt: now,
    deadlineAt: now + init.deadlineMs,
    delivered: false,
  };
}

/** A short, unique, sortable id for jobs. */
export function newJobId(now = Date.now()): string {
  return (
    now.toString(36) +
    Math.floor(Math.random() * 36 ** 4)
      .toString(36)
      .padStart(4, "0")
  );
}

/** The `state` a job's submit carries, by which its task can be found again. */
function stateTag(jobId: string): string {
  return `mjcord:${jobId}`;
}

/** The id of the nth (2…) job of a submit that started several. */
export function siblingId(firstId: string, n: number): string {
  return `${firstId}-${n}`;
}

/**
 * One of the other tasks of a submit that started several ("Imagine all"), as a job of its
 * own, shown in a new channel message. Its id follows from the first job's, so that making
 * it twice (a found task adopted again after a crash) overwrites rather than duplicates.
 */
export function siblingJob(first: Job, n: number, taskId: string, prompt: string): Job {
  return {
    ...first,
    id: siblingId(first.id, n),
    taskId,
    state: `${first.state}::${n}`,
    prompt,
    searchSince: null,
    // Retrying one of them imagines its own prompt, not all four again.
    request: { type: "imagine", prompt, base64Array: [] },
    spend: { cost: "imagine", command: "imagine", jobs: 1 },
    message: { ...first.message, interactionToken: null, messageId: null },
  };
}

/**
 * What a job's `failure` and `note` hold: a code that src/discord words in the language of
 * the member who started the job (src/discord/lang/failures.ts). A job saved before codes
 * holds plain English words, shown as they are (or recognised and translated).
 */
export const JOB_CODES = {
  /** The store could not be written: nothing was sent or charged. */
  storeDown: "#store-down",
  /** The submit's answer was lost: the job may be running, and is looked for. */
  mayBeRunning: "#may-be-running",
  /** The form's prompt was not used: the proxy's account has Remix off. */
  formSkipped: "#form-skipped",
  /** The proxy stopped knowing the task for minutes on end: nothing runs. */
  unknownToProxy: "#unknown-to-proxy",
  /** The submit's answer was lost and its task never turned up among the proxy's jobs. */
  neverFound: "#never-found",
  /** The submit's answer was lost and this proxy's jobs cannot be looked up. */
  cannotSearch: "#cannot-search",
  /** The task ended failed (FAILURE, CANCEL): its reason, if any, is the result's failReason. */
  couldNotMake: "#could-not-make",
} as const;

/** The prefix of a failure that is the job's deadline: `#timed-out <minutes>`. */
export const TIMED_OUT_FAILURE = "#timed-out ";

/** No result by the deadline, `minutes` after the job started (Midjourney may still finish). */
export function timedOut(minutes: number): string {
  return `${TIMED_OUT_FAILURE}${minutes}`;
}

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

// Every change of a job's state that is not a polled task state (the tracker's `advance`):
// made here, so that each is made the same way wherever it happens.

/** taskRank of an ended task: a job that failed or was cancelled takes no later state. */
const ENDED_RANK = 4;

/** Rank of a job whose form was sent: above MODAL (0), below SUBMITTED (1). */
const CONFIRMED_RANK = 0.5;

/** The job as the proxy's answer to its submit (or to its form) leaves it. */
export function jobSubmitted(job: Job, outcome: SubmitOutcome): Job {
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

/**
 * The job failed or was closed, for the reason `failure` (a code; null: cancelled). `retry`: whether asking
 * again could go differently and nothing can be running, so Retry keeps its request.
 * `now`, when given, becomes its updatedAt.
 */
export function jobFailed(job: Job, failure: string | null, retry: boolean, now?: number): Job {
  return {
    ...job,
    phase: "failed",
    failure,
    rank: ENDED_RANK,
    request: retry ? job.request : null,
    ...(now !== undefined && { updatedAt: now }),
  };
}

/**
 * The member sent the form of a task the proxy held in status MODAL, with `prompt`. A late
 * poll that still says MODAL must not bring the form back, so its rank passes MODAL's.
 */
export function formConfirmed(job: Job, prompt: string, now: number): Job {
  return {
    ...job,
    prompt,
    formPrompt: null,
    updatedAt: now,
    phase: job.phase === "needs-form" ? "waiting" : job.phase,
    rank: Math.max(job.rank, CONFIRMED_RANK),
  };
}

/** A job closed at its deadline whose task ended after all: open again, to take that state. */
export function jobReopened(job: Job): Job {
  return { ...job, rank: 0, phase: "running", failure: null };
}

/** Ended at the word of member `by` (owner or admin): nothing to retry, credits back. */
export function jobCancelled(job: Job, by: string, now: number): Job {
  return { ...jobFailed(job, null, false, now), cancelledBy: by, previewUrl: null };
}
