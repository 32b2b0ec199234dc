/**
 * What every endpoint handler shares: context, request fields, queueing.
 * § numbers refer to docs/proxy-behaviour.md.
 */
import { envelope, invalid, type Reply, submitted } from "./envelope.js";
import { shortHash } from "./ids.js";
import type { ImageInput } from "./inputs.js";
import type { MediaStore } from "./media.js";
import { type Speed, speedFlag } from "./prompt.js";
import type { TaskStore } from "./store.js";
import type { SimTask } from "./task.js";
import { QUEUED_AHEAD } from "./triggers.js";
import type { SimConfig } from "./types.js";

export interface Ctx {
  config: SimConfig;
  store: TaskStore;
  media: MediaStore;
}

export interface Call {
  body: Record<string, unknown>;
  /** Speed mode from the path prefix (/fast, /mj-relax …), if any. */
  pathMode: Speed | null;
}

/** A task waits this many extra steps in NOT_START after a code 22. */
export const QUEUED_STEPS = 3;

export function str(value: unknown): string {
  return typeof value === "string" ? value : "";
}

/** notifyHook and state as the proxy takes them; an error reply when they are too long. */
export function hookAndState(
  ctx: Ctx,
  body: Record<string, unknown>,
): { hook: string | undefined; state: string } | Reply {
  const hook = str(body.notifyHook).trim();
  const state = str(body.state);
  if (hook.length > 2000) return invalid("NotifyHook参数过长，最大2000字符");
  if (state.length > 255) return invalid("State参数过长，最大255字符");
  // new-api strips notifyHook unless the admin enabled it (§9).
  return { hook: hook && ctx.config.dialect !== "gateway" ? hook : undefined, state };
}

export function isReply(value: unknown): value is Reply {
  return typeof value === "object" && value !== null && "status" in value;
}

/** Speed-mode priority (§2): path prefix, then accountFilter.modes / modes, then the prompt. */
export function modeOf(call: Call, prompt: string | null): string {
  if (call.pathMode) return call.pathMode;
  const filter = call.body.accountFilter;
  const modes =
    (typeof filter === "object" && filter !== null
      ? (filter as Record<string, unknown>).modes
      : undefined) ?? call.body.modes;
  if (Array.isArray(modes)) {
    const known = modes
      .map((m) => (typeof m === "string" ? m.trim().toUpperCase() : ""))
      .find((m): m is Speed => m === "FAST" || m === "RELAX" || m === "TURBO");
    if (known) return known;
  }
  return speedFlag(prompt ?? "") ?? "FAST";
}

export function botTypeOf(body: Record<string, unknown>): string {
  return body.botType === "NIJI_JOURNEY" ? "NIJI_JOURNEY" : "MID_JOURNEY";
}

/** Where an input lives for Midjourney: its URL, or an upload on the simulator's CDN. */
export function hostInput(input: ImageInput, media: MediaStore): string {
  return input.kind === "url" ? input.url : media.upload(input.bytes, input.contentType);
}

/** How Midjourney echoes an image link in the final prompt. */
export function shortLink(url: string): string {
  return `<https://s.mj.run/${shortHash(url).slice(0, 11)}>`;
}

/** Stores and starts a task; answers code 1, or 22 when the prompt asked to be queued. */
export function enqueue(ctx: Ctx, task: SimTask, queued: boolean): Reply {
  task.queuedSteps = queued ? QUEUED_STEPS : 0;
  ctx.store.add(task);
  ctx.store.start(task);
  return submitted(task.wire.id, queued ? QUEUED_AHEAD : 0);
}

export function videoDisabled(): Reply {
  return envelope(9, "视频功能未启用");
}
