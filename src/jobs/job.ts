// A job: one proxy task followed on behalf of a member, and the Discord message that shows it.
// The jobs layer knows tasks and where they are shown, not how (that is src/discord).
import type { MjMode } from "../config.js";
import type { MediaLink, Task, TaskButton, TaskStatus } from "../mj/task.js";
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
}

export interface Job {
  id: string;
  kind: JobKind;
  /** The proxy task; several for "Imagine all". */
  taskId: string;
  userId: string;
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
  /** Something the member should know about how the job ran. */
  note?: string;
  /** How to submit it again (Retry); dropped once the job succeeded. */
  request: SubmitRequest | null;
  message: JobMessage;
  createdAt: number;
  updatedAt: number;
  /** After this the job is closed with a message, whatever the proxy says. */
  deadlineAt: number;
  /** The final message is on Discord: nothing more to do. */
  delivered: boolean;
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
  message: JobMessage;
  /** How long it may take before it is closed with a message. */
  deadlineMs: number;
  id?: string;
  taskId?: string;
  now?: number;
}

export function newJob(init: NewJob): Job {
  const now = init.now ?? Date.now();
  return {
    id: init.id ?? newJobId(now),
    kind: init.kind,
    taskId: init.taskId ?? "",
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
