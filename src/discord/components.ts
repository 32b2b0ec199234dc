// Proxy buttons -> Discord action rows, and the custom_id codec.
// A Discord custom_id holds at most 100 characters and upstream customIds reach ~80, so a
// button is named by its task, its position in the task's button list and the member it
// belongs to: `mj:<taskId>:<n>:<ownerId>`. The job store (or, failing that, the proxy) gives
// the task's buttons back; the owner is in the custom_id itself, so that a lost store never
// lets anyone spend on someone else's result. Keys from before owners were written in them
// (`mj:<taskId>:<n>`) are still read; their owner comes from the store, or is unknown.
import {
  type APIActionRowComponent,
  type APIButtonComponentWithCustomId,
  ButtonStyle,
  ComponentType,
} from "discord.js";
import { type ButtonInfo, classifyButton } from "../mj/buttons.js";
import type { TaskButton } from "../mj/task.js";

export type Row = APIActionRowComponent<APIButtonComponentWithCustomId>;

/** The /settings panel's choices: nothing else is a setting. */
export const SETTING_VALUES = { mode: ["fast", "relax", "turbo"], remix: ["on", "off"] } as const;
export type SettingName = keyof typeof SETTING_VALUES;

export type ComponentKey =
  /**
   * A proxy button: the task that owns it, its index in the task's buttons, and the member
   * whose result it is (absent only in keys made before owners were written into them).
   */
  | { type: "proxy"; taskId: string; index: number; ownerId?: string }
  /** Modal: the form shown before a proxy button is pressed (Vary (Region), zoom, picks, remix). */
  | { type: "form"; taskId: string; index: number; ownerId?: string }
  /** Modal: the form for a task the proxy already holds in status MODAL. */
  | { type: "modal-task"; jobId: string }
  /** The bot's own buttons. */
  | { type: "seed"; taskId: string }
  | { type: "retry"; jobId: string }
  | { type: "open-form"; jobId: string }
  /** ❌ Cancel on a job that waits, runs or waits for its form. */
  | { type: "cancel"; jobId: string }
  /** Confirms a costly submit (video) kept aside until the member agrees. */
  | { type: "confirm"; pendingId: string }
  /** A /settings panel choice. */
  | { type: "setting"; name: SettingName; value: string };

const PREFIX = {
  proxy: "mj",
  form: "mf",
  "modal-task": "mm",
  seed: "sd",
  retry: "rt",
  "open-form": "of",
  cancel: "cx",
  confirm: "cf",
  setting: "st",
} as const;

/** A Discord user id: a snowflake, at most 20 digits. */
const SNOWFLAKE = /^\d{1,20}$/;

export function encodeKey(key: ComponentKey): string {
  switch (key.type) {
    case "proxy":
    case "form":
      return `${PREFIX[key.type]}:${key.taskId}:${key.index}${key.ownerId ? `:${key.ownerId}` : ""}`;
    case "seed":
      return `${PREFIX.seed}:${key.taskId}`;
    case "confirm":
      return `${PREFIX.confirm}:${key.pendingId}`;
    case "setting":
      return `${PREFIX.setting}:${key.name}:${key.value}`;
    default:
      return `${PREFIX[key.type]}:${key.jobId}`;
  }
}

function isSetting(name: string | undefined, value: string | undefined): name is SettingName {
  const values: readonly string[] | undefined =
    name === "mode" || name === "remix" ? SETTING_VALUES[name] : undefined;
  return values !== undefined && value !== undefined && values.includes(value);
}

export function decodeKey(customId: string): ComponentKey | null {
  const [prefix, id, index, ...rest] = customId.split(":");
  if (prefix === PREFIX.setting) {
    return isSetting(id, index) && index && rest.length === 0
      ? { type: "setting", name: id, value: index }
      : null;
  }
  if (!id || !/^[\w-]{1,40}$/.test(id)) return null;
  if (prefix === PREFIX.proxy || prefix === PREFIX.form) {
    if (!index || !/^\d{1,2}$/.test(index)) return null;
    const [ownerId, ...more] = rest;
    if (more.length > 0 || (ownerId !== undefined && !SNOWFLAKE.test(ownerId))) return null;
    const type = prefix === PREFIX.proxy ? "proxy" : "form";
    return { type, taskId: id, index: Number(index), ...(ownerId ? { ownerId } : {}) };
  }
  if (index !== undefined || rest.length > 0) return null;
  if (prefix === PREFIX.seed) return { type: "seed", taskId: id };
  if (prefix === PREFIX["modal-task"]) return { type: "modal-task", jobId: id };
  if (prefix === PREFIX.retry) return { type: "retry", jobId: id };
  if (prefix === PREFIX["open-form"]) return { type: "open-form", jobId: id };
  if (prefix === PREFIX.cancel) return { type: "cancel", jobId: id };
  if (prefix === PREFIX.confirm) return { type: "confirm", pendingId: id };
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

/** Results that are pictures, and so have a seed worth asking for. */
const SEEDED = new Set([
  "IMAGINE",
  "BLEND",
  "VARIATION",
  "REROLL",
  "ZOOM",
  "PAN",
  "UPSCALE",
  "UPSCALE_HD",
  "EDIT",
  "VIDEO",
]);

/**
 * A finished task's buttons as Discord rows, each naming its owner, plus 🌱 Seed on pictures.
 * Hidden buttons (❤️) are left out, and so can never be pressed. Whether a press
 * opens a form first depends on the button and on the presser's remix preference, so it
 * is decided at press time.
 */
export function resultRows(
  taskId: string,
  ownerId: string,
  buttons: readonly TaskButton[],
  action = "",
  offers: Offers = ALL_OFFERS,
  viaGateway = false,
  seedLabel = "Seed",
): Row[] {
  const shown = shownButtons(buttons)
    .filter(({ info }) => offers.button(info) && !(viaGateway && gatewayRefuses(info)))
    .map(({ info, index }) =>
      button(encodeKey({ type: "proxy", taskId, index, ownerId }), info.label, info.emoji),
    );
  if (offers.seed && SEEDED.has(action)) {
    shown.push(button(encodeKey({ type: "seed", taskId }), seedLabel, "🌱"));
  }
  return rows(shown);
}

/** Picks a proxy refuses are imagined by the bot itself (see src/jobs/submit.ts). */
const IMAGINED_IF_REFUSED = new Set<ButtonInfo["kind"]>(["describe_pick", "shorten_pick"]);

/** A button a new-api gateway answers with `unknown_action` (the catalogue's `accepted`). */
function gatewayRefuses(info: ButtonInfo): boolean {
  return !info.accepted.gateway && !IMAGINED_IF_REFUSED.has(info.kind);
}

/** What the bot may offer on a job's message, given what the proxy can do. */
export interface Offers {
  /** ❌ Cancel while the job waits or runs: the proxy has a cancel route. */
  cancel: boolean;
  /** 🌱 Seed on pictures: the proxy has image-seed. */
  seed: boolean;
  /** Whether a result's proxy button is shown: its feature is there and the proxy takes it. */
  button: (info: ButtonInfo) => boolean;
}

/** Everything: a proxy nothing is known to be missing from. */
export const ALL_OFFERS: Offers = { cancel: true, seed: true, button: () => true };
