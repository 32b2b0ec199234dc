// Proxy buttons -> Discord action rows, and the custom_id codec.
// A Discord custom_id holds at most 100 characters and upstream customIds reach ~80, so a
// button is named by its task and its position in the task's button list: `mj:<taskId>:<n>`.
// The job store (or, failing that, the proxy) gives the task's buttons back.
import {
  type APIActionRowComponent,
  type APIButtonComponentWithCustomId,
  ButtonStyle,
  ComponentType,
} from "discord.js";
import { type ButtonInfo, classifyButton } from "../mj/buttons.js";
import type { TaskButton } from "../mj/task.js";

export type Row = APIActionRowComponent<APIButtonComponentWithCustomId>;

export type ComponentKey =
  /** A proxy button: the task that owns it and its index in the task's buttons. */
  | { type: "proxy"; taskId: string; index: number }
  /** Modal: the form shown before a proxy button is pressed (Vary (Region), zoom, picks, remix). */
  | { type: "form"; taskId: string; index: number }
  /** Modal: the form for a task the proxy already holds in status MODAL. */
  | { type: "modal-task"; jobId: string }
  /** The bot's own buttons. */
  | { type: "retry"; jobId: string }
  | { type: "open-form"; jobId: string };

const PREFIX = {
  proxy: "mj",
  form: "mf",
  "modal-task": "mm",
  retry: "rt",
  "open-form": "of",
} as const;

export function encodeKey(key: ComponentKey): string {
  switch (key.type) {
    case "proxy":
    case "form":
      return `${PREFIX[key.type]}:${key.taskId}:${key.index}`;
    default:
      return `${PREFIX[key.type]}:${key.jobId}`;
  }
}

export function decodeKey(customId: string): ComponentKey | null {
  const [prefix, id, index, ...rest] = customId.split(":");
  if (!id || !/^[\w-]{1,40}$/.test(id) || rest.length > 0) return null;
  if (prefix === PREFIX.proxy || prefix === PREFIX.form) {
    if (!index || !/^\d{1,2}$/.test(index)) return null;
    const n = Number(index);
    return { type: prefix === PREFIX.proxy ? "proxy" : "form", taskId: id, index: n };
  }
  if (index !== undefined) return null;
  if (prefix === PREFIX["modal-task"]) return { type: "modal-task", jobId: id };
  if (prefix === PREFIX.retry) return { type: "retry", jobId: id };
  if (prefix === PREFIX["open-form"]) return { type: "open-form", jobId: id };
  return null;
}

export interface ShownButton {
  info: ButtonInfo;
  /** Position in the task's button list (hidden ones included). */
  index: number;
}

/** The task's buttons a member may press, in the proxy's order. */
export function shownButtons(buttons: readonly TaskButton[]): ShownButton[] {
  return buttons
    .map((button, index) => ({ info: classifyButton(button), index }))
    .filter(({ info }) => !info.hidden);
}

const MAX_ROWS = 5;
const PER_ROW = 5;

export function button(
  customId: string,
  label: string,
  emoji?: string,
  style:
    | ButtonStyle.Primary
    | ButtonStyle.Secondary
    | ButtonStyle.Success
    | ButtonStyle.Danger = ButtonStyle.Secondary,
): APIButtonComponentWithCustomId {
  return {
    type: ComponentType.Button,
    custom_id: customId,
    label,
    style,
    ...(emoji ? { emoji: { name: emoji } } : {}),
  };
}

/** Packs buttons into at most 5 rows of 5; buttons beyond 25 are left out. */
export function rows(buttons: readonly APIButtonComponentWithCustomId[]): Row[] {
  const out: Row[] = [];
  for (let i = 0; i < buttons.length && out.length < MAX_ROWS; i += PER_ROW) {
    out.push({ type: ComponentType.ActionRow, components: buttons.slice(i, i + PER_ROW) });
  }
  return out;
}

/**
 * A finished task's buttons as Discord rows. Whether a press opens a form first depends
 * on the button and on the presser's remix preference, so it is decided at press time.
 */
export function resultRows(taskId: string, buttons: readonly TaskButton[]): Row[] {
  return rows(
    shownButtons(buttons).map(({ info, index }) =>
      button(encodeKey({ type: "proxy", taskId, index }), info.label, info.emoji),
    ),
  );
}
