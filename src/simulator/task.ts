/**
 * The simulator's task model, and its wire views (trueai/plus, new-api gateway).
 * § numbers refer to docs/proxy-behaviour.md.
 */
import { INSTANCE_ID } from "./envelope.js";
import { jobHash, newTaskId, snowflake } from "./ids.js";
import type { Cell } from "./images.js";
import type { ImageInput } from "./inputs.js";
import type { Aspect } from "./prompt.js";
import type { Analysis } from "./texts.js";
import type { RunFlags } from "./triggers.js";
import type { Dialect, TaskWire } from "./types.js";

/** What a task produces at SUCCESS. */
export type ResultKind =
  | "grid"
  | "upscale"
  | "upscale_hd"
  | "describe"
  | "shorten"
  | "details"
  | "video"
  | "video_upscale"
  | "edit"
  | "swap";

/** How the task moves: percentages, straight to SUCCESS, or face swap's "0%" until "100%". */
export type RunStyle = "progress" | "direct" | "faceswap";

/** What a MODAL task waits for. */
export type ModalKind = "inpaint" | "custom_zoom" | "pic_reader" | "prompt_analyzer" | "remix";

export interface SimTask {
  wire: TaskWire;
  kind: ResultKind;
  style: RunStyle;
  /** The Midjourney job UUID: properties.messageHash and the {hash} in the buttons. */
  hash: string;
  /** What the result looks like: 4 cells for a grid, 1 for a single image. */
  cells: Cell[];
  aspect: Aspect;
  /** Long side of the result in pixels. */
  size: number;
  /** properties.finalPrompt once Midjourney has echoed it. */
  finalPrompt: string;
  /** Answer of image-seed. */
  seedValue: string;
  queuedSteps: number;
  flags: RunFlags;
  /** Fails right after SUBMITTED with this reason (bad --zoom, bad mask). */
  presetFailure?: string;
  hook?: string;
  /** Highest notify order sent (§9 deduplication). */
  lastNotify: number;
  /** An upscale of an EDIT grid gets no buttons. */
  bareUpscale?: boolean;
  /** Upscale index (1-4) for UPSCALE and video selection. */
  index?: number;
  /** Describe: its image and prompts (without keycaps). */
  describe?: { imageUrl: string; prompts: string[]; input?: ImageInput };
  shorten?: Analysis;
  /** Video: how many videos the grid holds. */
  videoCount?: number;
  /** Video selection: the grid's hash (its buttons and files use it). */
  sourceHash?: string;
  modal?: { kind: ModalKind; parentId: string; customId: string };
}

export interface NewTask {
  action: string;
  prompt: string | null;
  promptEn?: string | null;
  description: string | null;
  state?: unknown;
  hook?: string;
  botType?: string;
  mode: string | null;
  parentId?: string | null;
  kind: ResultKind;
  style: RunStyle;
  cells: Cell[];
  aspect: Aspect;
  size: number;
  finalPrompt: string;
  flags: RunFlags;
  seedValue?: string;
  /** Extra properties after discordChannelId (custom_id, action_index …). */
  properties?: Record<string, unknown>;
  /** Face swap tasks carry only notifyHook and nonce. */
  bareProperties?: boolean;
}

export function createTask(spec: NewTask): SimTask {
  const id = newTaskId();
  const botType = spec.botType ?? "MID_JOURNEY";
  const properties: Record<string, unknown> = spec.bareProperties
    ? { notifyHook: spec.hook ?? "", nonce: snowflake() }
    : {
        notifyHook: spec.hook ?? "",
        nonce: snowflake(),
        botType,
        discordInstanceId: INSTANCE_ID,
        discordChannelId: INSTANCE_ID,
        ...spec.properties,
      };
  const hash = jobHash();
  const wire: TaskWire = {
    id,
    action: spec.action,
    status: "NOT_START",
    botType,
    prompt: spec.prompt,
    promptEn: spec.promptEn === undefined ? spec.prompt : spec.promptEn,
    description: spec.description,
    state: typeof spec.state === "string" ? spec.state : "",
    submitTime: Date.now(),
    startTime: null,
    finishTime: null,
    progress: null,
    imageUrl: null,
    imageUrls: null,
    videoUrls: null,
    failReason: null,
    buttons: [],
    properties,
    imageWidth: null,
    imageHeight: null,
    parentId: spec.parentId ?? null,
    mode: spec.mode,
    seed: null,
    videoUrl: null,
    contentType: null,
  };
  return {
    wire,
    kind: spec.kind,
    style: spec.style,
    hash,
    cells: spec.cells,
    aspect: spec.aspect,
    size: spec.size,
    finalPrompt: spec.finalPrompt,
    seedValue: spec.seedValue ?? String(Number.parseInt(hash.slice(0, 8), 16)),
    queuedSteps: 0,
    flags: spec.flags,
    ...(spec.hook ? { hook: spec.hook } : {}),
    lastNotify: 0,
  };
}

export function isTerminal(task: SimTask): boolean {
  const s = task.wire.status;
  return s === "SUCCESS" || s === "FAILURE" || s === "CANCEL";
}

/** The task as the configured dialect shows it. */
export function view(task: SimTask, dialect: Dialect): TaskWire | GatewayTask | LegacyTask {
  if (dialect === "gateway") return gatewayView(task.wire);
  if (dialect === "legacy") return legacyView(task.wire);
  return structuredClone(task.wire);
}

/** novicezk's Task (Jackson, nulls kept): no buttons, botType, mode, imageUrls … */
export interface LegacyTask {
  id: string;
  action: string;
  status: string;
  prompt: string | null;
  promptEn: string | null;
  description: string | null;
  state: string;
  submitTime: number;
  startTime: number | null;
  finishTime: number | null;
  imageUrl: string | null;
  progress: string | null;
  failReason: string | null;
  properties: Record<string, unknown>;
}

/** The properties java keeps; trueai's extras (custom_id, botType, discordChannelId …) are not there. */
const LEGACY_PROPERTIES = [
  "notifyHook",
  "nonce",
  "discordInstanceId",
  "finalPrompt",
  "progressMessageId",
  "messageId",
  "messageHash",
  "flags",
  "messageContent",
];

export function legacyView(w: TaskWire): LegacyTask {
  const properties: Record<string, unknown> = {};
  for (const key of LEGACY_PROPERTIES) {
    if (key in w.properties) properties[key] = structuredClone(w.properties[key]);
  }
  // java's describe puts the four prompts in prompt and promptEn alike (§12).
  const described = w.action === "DESCRIBE" && w.status === "SUCCESS";
  return {
    id: w.id,
    action: w.action,
    status: w.status,
    prompt: described ? w.promptEn : w.prompt,
    promptEn: w.promptEn,
    description: w.description,
    state: w.state,
    submitTime: w.submitTime,
    startTime: w.startTime,
    finishTime: w.finishTime,
    imageUrl: w.imageUrl,
    progress: w.progress,
    failReason: w.failReason,
    properties,
  };
}

export interface GatewayTask {
  id: string;
  action: string;
  customId: string;
  botType: string;
  prompt: string;
  promptEn: string;
  description: string;
  state: string;
  submitTime: number;
  startTime: number;
  finishTime: number;
  imageUrl: string;
  videoUrl: string;
  videoUrls: { url: string }[] | null;
  status: string;
  progress: string;
  failReason: string;
  buttons: TaskWire["buttons"];
  maskBase64: string;
  properties: { finalPrompt: string; finalZhPrompt: string };
}

/** new-api's stored copy (§6.2, §16): fixed keys, "" and 0 for unset, failures at "100%". */
export function gatewayView(w: TaskWire): GatewayTask {
  const final = w.properties.finalPrompt;
  return {
    id: w.id,
    action: w.action,
    customId: typeof w.properties.custom_id === "string" ? w.properties.custom_id : "",
    botType: w.botType,
    prompt: w.prompt ?? "",
    promptEn: w.promptEn ?? "",
    description: w.description ?? "",
    state: w.state,
    submitTime: w.submitTime,
    startTime: w.startTime ?? 0,
    finishTime: w.finishTime ?? 0,
    imageUrl: w.imageUrl ?? "",
    videoUrl: w.videoUrl ?? "",
    videoUrls: w.videoUrls ? w.videoUrls.map(({ url }) => ({ url })) : null,
    status: w.status,
    progress: w.status === "FAILURE" ? "100%" : (w.progress ?? ""),
    failReason: w.failReason ?? "",
    buttons: structuredClone(w.buttons),
    maskBase64: "",
    properties: { finalPrompt: typeof final === "string" ? final : "", finalZhPrompt: "" },
  };
}
