// Tolerant parsing of proxy answers: tasks and submit envelopes.
// Unknown fields are ignored, nulls accepted, numbers-as-strings and strings-as-numbers
// both understood (docs/proxy-behaviour.md §4, §6, §7.6, §16).
import { mayFollowSubmit, ProxyError } from "./errors.js";

/** The grids a legacy proxy can upscale, vary and reroll (/submit/change). */
const LEGACY_GRIDS = new Set(["IMAGINE", "BLEND", "VARIATION", "REROLL"]);
/** Stands for the message hash in the custom ids of legacy buttons: no proxy has it. */
const LEGACY_HASH = "mjcord-legacy";

/** U1–U4, 🔄, V1–V4 for a legacy grid, shaped like Midjourney's own custom ids. */
export function legacyGridButtons(): TaskButton[] {
  const one = (customId: string, label: string, emoji = ""): TaskButton => ({
    customId,
    emoji,
    label,
    style: 2,
    type: 2,
  });
  return [
    ...[1, 2, 3, 4].map((n) => one(`MJ::JOB::upsample::${n}::${LEGACY_HASH}`, `U${n}`)),
    one(`MJ::JOB::reroll::0::${LEGACY_HASH}::SOLO`, "", "🔄"),
    ...[1, 2, 3, 4].map((n) => one(`MJ::JOB::variation::${n}::${LEGACY_HASH}`, `V${n}`)),
  ];
}

/** The /submit/change a legacy button stands for; null for any other button. */
export function legacyChange(
  customId: string,
): { action: "UPSCALE" | "VARIATION" | "REROLL"; index: number } | null {
  const m = /^MJ::JOB::(upsample|variation|reroll)::(\d)::mjcord-legacy(?:::SOLO)?$/.exec(customId);
  if (!m) return null;
  const action = m[1] === "upsample" ? "UPSCALE" : m[1] === "variation" ? "VARIATION" : "REROLL";
  return { action, index: Number(m[2]) };
}

export type TaskStatus =
  | "NOT_START"
  | "SUBMITTED"
  | "IN_PROGRESS"
  | "MODAL"
  | "SUCCESS"
  | "FAILURE"
  | "CANCEL"
  /** `""` behind a gateway before its first sync, or a status this code does not know. */
  | "UNKNOWN";

export interface TaskButton {
  customId: string;
  emoji: string;
  label: string;
  style: number;
  type: number;
}

export interface MediaLink {
  url: string;
  thumbnail: string | null;
}

export interface Task {
  id: string;
  action: string;
  status: TaskStatus;
  /** 0–100 when known, else null. */
  progress: number | null;
  prompt: string;
  promptEn: string;
  description: string;
  state: string;
  submitTime: number | null;
  startTime: number | null;
  finishTime: number | null;
  imageUrl: string | null;
  imageUrls: MediaLink[];
  videoUrl: string | null;
  videoUrls: MediaLink[];
  imageWidth: number | null;
  imageHeight: number | null;
  failReason: string;
  buttons: TaskButton[];
  properties: Record<string, unknown>;
  /** properties.finalPrompt (the prompt as Midjourney echoed it), else "". */
  finalPrompt: string;
  parentId: string | null;
  /**
   * Shaped like a new-api gateway's task (its DTO has `maskBase64` and no `imageUrls`,
   * §6.2): the buttons such a gateway refuses (§16, `unknown_action`) are not offered.
   */
  viaGateway?: boolean;
}

const STATUSES: readonly TaskStatus[] = [
  "NOT_START",
  "SUBMITTED",
  "IN_PROGRESS",
  "MODAL",
  "SUCCESS",
  "FAILURE",
  "CANCEL",
];

export function isTerminal(status: TaskStatus): boolean {
  return status === "SUCCESS" || status === "FAILURE" || status === "CANCEL";
}

/**
 * Orders task states so that a late, older answer never overwrites a newer one:
 * unknown/NOT_START/MODAL < SUBMITTED < IN_PROGRESS (by percent) < terminal.
 */
export function taskRank(task: Pick<Task, "status" | "progress">): number {
  switch (task.status) {
    case "UNKNOWN":
    case "NOT_START":
    case "MODAL":
      return 0;
    case "SUBMITTED":
      return 1;
    case "IN_PROGRESS":
      return 2 + (task.progress ?? 0) / 100;
    default:
      return 4;
  }
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json =>
  typeof v === "object" && v !== null && !Array.isArray(v);

function str(v: unknown): string {
  if (typeof v === "string") return v;
  if (typeof v === "number" && Number.isFinite(v)) return String(v);
  return "";
}

function optStr(v: unknown): string | null {
  const s = str(v).trim();
  return s === "" ? null : s;
}

function num(v: unknown): number | null {
  if (typeof v === "number" && Number.isFinite(v)) return v;
  if (typeof v === "string" && v.trim() !== "" && Number.isFinite(Number(v))) return Number(v);
  return null;
}

/** A time field: epoch ms; 0 (gateway "unset") becomes null. */
function time(v: unknown): number | null {
  const n = num(v);
  return n === null || n <= 0 ? null : n;
}

function parseProgress(v: unknown): number | null {
  if (typeof v === "number" && Number.isFinite(v)) return clampPercent(v);
  const m = str(v).match(/(\d+(?:\.\d+)?)\s*%?/);
  return m?.[1] === undefined ? null : clampPercent(Number(m[1]));
}

const clampPercent = (n: number) => Math.max(0, Math.min(100, Math.round(n)));

function parseStatus(v: unknown): TaskStatus {
  const s = str(v).trim().toUpperCase();
  return (STATUSES as readonly string[]).includes(s) ? (s as TaskStatus) : "UNKNOWN";
}

function parseLinks(v: unknown): MediaLink[] {
  if (!Array.isArray(v)) return [];
  const links: MediaLink[] = [];
  for (const item of v) {
    const url = typeof item === "string" ? item : isObject(item) ? str(item.url) : "";
    if (url.trim() === "") continue;
    links.push({ url: url.trim(), thumbnail: isObject(item) ? optStr(item.thumbnail) : null });
  }
  return links;
}

function parseButtons(v: unknown): TaskButton[] {
  if (!Array.isArray(v)) return [];
  const buttons: TaskButton[] = [];
  for (const b of v) {
    if (!isObject(b)) continue;
    const customId = str(b.customId ?? b.custom_id);
    if (customId === "") continue; // link buttons carry no customId and cannot be pressed
    buttons.push({
      customId,
      emoji: str(b.emoji),
      label: str(b.label),
      style: num(b.style) ?? 2,
      type: num(b.type) ?? 2,
    });
  }
  return buttons;
}

/**
 * Parses a task object. Returns null for "not found": an empty body, `null`,
 * or an object without an `id` (§7.6).
 */
export function parseTask(value: unknown): Task | null {
  if (!isObject(value)) return null;
  const id = str(value.id).trim();
  if (id === "") return null;
  const properties = isObject(value.properties) ? value.properties : {};
  const status = parseStatus(value.status);
  return {
    id,
    action: str(value.action).toUpperCase(),
    status,
    progress: status === "SUCCESS" ? 100 : parseProgress(value.progress),
    prompt: str(value.prompt),
    promptEn: str(value.promptEn),
    description: str(value.description),
    state: str(value.state),
    submitTime: time(value.submitTime),
    startTime: time(value.startTime),
    finishTime: time(value.finishTime),
    imageUrl: optStr(value.imageUrl),
    imageUrls: parseLinks(value.imageUrls),
    videoUrl: optStr(value.videoUrl),
    videoUrls: parseLinks(value.videoUrls),
    imageWidth: num(value.imageWidth),
    imageHeight: num(value.imageHeight),
    failReason: str(value.failReason),
    // A legacy proxy (novicezk) sends no `buttons` at all: its grids get U1–U4, 🔄, V1–V4
    // of our own, pressed through /submit/change.
    buttons:
      value.buttons === undefined &&
      status === "SUCCESS" &&
      LEGACY_GRIDS.has(str(value.action).toUpperCase())
        ? legacyGridButtons()
        : parseButtons(value.buttons),
    properties,
    finalPrompt: str(properties.finalPrompt),
    parentId: optStr(value.parentId),
    ...("maskBase64" in value && !("imageUrls" in value) ? { viaGateway: true } : {}),
  };
}

/** Parses a JSON text of one task; empty text means "not found". */
export function parseTaskText(text: string): Task | null {
  if (text.trim() === "") return null;
  return parseTask(parseJson(text));
}

/** Parses a list-by-condition answer: items without an id are dropped. */
export function parseTaskList(value: unknown): Task[] {
  if (!Array.isArray(value)) {
    throw new ProxyError({
      kind: "protocol",
      description: "list-by-condition did not return a list",
    });
  }
  return value.map(parseTask).filter((t): t is Task => t !== null);
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new ProxyError({ kind: "protocol", description: "the answer is not JSON", cause });
  }
}

/** The normalised answer of any submit endpoint. */
export type SubmitOutcome =
  | {
      kind: "submitted";
      /** The task to follow (the first one when several were started). */
      taskId: string;
      /** Every task started: "Imagine all" starts four (ids joined by commas). */
      taskIds: string[];
      /** Code 22: accepted but waiting; `queueAhead` tasks are before it when known. */
      queued: boolean;
      queueAhead: number | null;
      description: string;
    }
  | {
      kind: "modal";
      /** The new MODAL task: send it to /submit/modal. */
      taskId: string;
      /** Text to prefill the form with ("" when the proxy gave none). */
      finalPrompt: string;
      description: string;
    }
  | {
      /** Legacy Java (≤2.6.0) code 21: that upscale already exists. */
      kind: "existed";
      taskId: string;
      status: TaskStatus;
      imageUrl: string | null;
      description: string;
    };

/**
 * Reads a submit envelope. Codes 1, 21 and 22 are accepted; everything else, and
 * gateway error bodies, become a ProxyError carrying code and description.
 */
export function parseSubmitEnvelope(value: unknown, httpStatus = 200): SubmitOutcome {
  if (!isObject(value)) {
    throw new ProxyError({
      kind: "protocol",
      httpStatus,
      description: "the submit answer is not an object",
      mayHaveSubmitted: true,
    });
  }
  const code = num(value.code);
  const description = str(value.description ?? value.message);
  const properties = isObject(value.properties) ? value.properties : {};
  const ids = str(value.result)
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
  const accepted = code === 1 || code === 21 || code === 22;
  if (!accepted || httpStatus < 200 || httpStatus > 299) {
    throw new ProxyError({
      kind: code === null ? "http" : "rejected",
      code: code ?? undefined,
      description: description || undefined,
      httpStatus,
      properties,
      mayHaveSubmitted: mayFollowSubmit(httpStatus, code),
    });
  }
  const [taskId] = ids;
  if (taskId === undefined) {
    throw new ProxyError({
      kind: "protocol",
      code,
      description: description || "accepted without a task id",
      httpStatus,
      mayHaveSubmitted: true,
    });
  }
  if (code === 21) {
    // Legacy Java "existed" carries the existing task's status; the MODAL answer does not.
    if (typeof properties.status === "string" && properties.status !== "") {
      return {
        kind: "existed",
        taskId,
        status: parseStatus(properties.status),
        imageUrl: optStr(properties.imageUrl),
        description,
      };
    }
    return { kind: "modal", taskId, finalPrompt: str(properties.finalPrompt), description };
  }
  return {
    kind: "submitted",
    taskId,
    taskIds: ids,
    queued: code === 22,
    queueAhead: code === 22 ? (num(properties.numberOfQueues) ?? queueFromText(description)) : null,
    description,
  };
}

/** "排队中，前面还有2个任务" -> 2, when numberOfQueues is missing. */
function queueFromText(description: string): number | null {
  const m = description.match(/(\d+)/);
  return m?.[1] === undefined ? null : Number(m[1]);
}

/** Reads an image-seed answer: code 1 with the seed in `result`. */
export function parseSeedEnvelope(value: unknown, httpStatus = 200): string {
  if (isObject(value)) {
    const code = num(value.code);
    const seed = str(value.result).trim();
    if (code === 1 && seed !== "" && httpStatus >= 200 && httpStatus < 300) {
      return seed;
    }
    throw new ProxyError({
      kind: code === null ? "http" : "rejected",
      code: code ?? undefined,
      description: str(value.description) || undefined,
      httpStatus,
    });
  }
  throw new ProxyError({
    kind: "protocol",
    httpStatus,
    description: "the seed answer is not an object",
  });
}
