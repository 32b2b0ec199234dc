// A job: one proxy task followed on behalf of a member, and the Discord message that shows it.
// The jobs layer knows tasks and where they are shown, not how (that is src/discord).
import type { MjMode } from "../config.js";
import type { MediaLink, Task, TaskButton, TaskStatus } from "../mj/task.js";
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
  /** Plain words for the member when the job failed or was closed. */
  failure: string | null;
  /** The prompt to prefill when the proxy waits for a form (status MODAL). */
  formPrompt: string | null;
  /** The member (owner or admin) at whose word the job ended: cancelled, credits back. */
  cancelledBy?: string;
  /** Something the member should know about how the job ran. */
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
export function stateTag(jobId: string): string {
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
