// The forms (Discord modals) that come before a proxy call: remix prompt, Custom Zoom,
// Vary (Region) with its mask, describe and shorten picks; and the Custom Zoom check.
import {
  type APIModalInteractionResponseCallbackData,
  ComponentType,
  TextInputStyle,
} from "discord.js";
import type { ButtonInfo } from "../mj/buttons.js";
import { en, type Texts } from "./lang/en.js";
import { MASK_MAX_SIDE, REGIONS } from "./mask.js";

export const FIELD = { prompt: "prompt", region: "region", mask: "mask" } as const;

const PROMPT_LIMIT = 4000;
const TITLE_LIMIT = 45;

export type FormKind = "vary-region" | "custom-zoom" | "pick" | "remix";

export function formKindOf(info: ButtonInfo): FormKind {
  if (info.kind === "inpaint") return "vary-region";
  if (info.kind === "custom_zoom") return "custom-zoom";
  if (info.kind === "describe_pick" || info.kind === "shorten_pick") return "pick";
  return "remix";
}

function promptInput(value: string, label: string, description: string) {
  return {
    type: ComponentType.Label as const,
    label,
    description,
    component: {
      type: ComponentType.TextInput as const,
      custom_id: FIELD.prompt,
      style: TextInputStyle.Paragraph,
      min_length: 1,
      max_length: PROMPT_LIMIT,
      required: true,
      ...(value ? { value: value.slice(0, PROMPT_LIMIT) } : {}),
    },
  };
}

/** The modal for a form. `prefill` is the prompt to start from. */
export function buildForm(
  customId: string,
  kind: FormKind,
  title: string,
  prefill: string,
  t: Texts = en,
): APIModalInteractionResponseCallbackData {
  const w = t.forms;
  const components: APIModalInteractionResponseCallbackData["components"] = [];
  switch (kind) {
    case "custom-zoom":
      components.push(promptInput(withZoom(prefill), w.prompt, w.zoomHint));
      break;
    case "vary-region":
      components.push(
        promptInput(prefill, w.prompt, w.regionHint),
        {
          type: ComponentType.Label,
          label: w.regionLabel,
          description: w.regionPick,
          component: {
            type: ComponentType.StringSelect,
            custom_id: FIELD.region,
            required: false,
            min_values: 0,
            max_values: Object.keys(REGIONS).length,
            options: Object.entries(REGIONS).map(([value, r]) => ({
              value,
              label: w.regions[value] ?? r.label,
            })),
          },
        },
        {
          type: ComponentType.Label,
          label: w.maskLabel,
          description: w.maskHint(MASK_MAX_SIDE),
          component: {
            type: ComponentType.FileUpload,
            custom_id: FIELD.mask,
            required: false,
            min_values: 0,
            max_values: 1,
          },
        },
      );
      break;
    default:
      components.push(promptInput(prefill, w.prompt, kind === "pick" ? w.pickHint : w.remixHint));
  }
  return { custom_id: customId, title: title.slice(0, TITLE_LIMIT), components };
}

/** `--zoom` and the value after it, unless what follows is another parameter. */
const ZOOM = /(^|\s)--zoom(?=\s|$)(?:\s+(?!--)(\S+))?/gi;

/** A zoom as Midjourney reads it: a plain decimal number (no hex, no exponent, no sign). */
const PLAIN_DECIMAL = /^\d+(?:\.\d+)?$/;

/** The prompt with ` --zoom 2` in place of a zoom the form would refuse (or none). */
export function withZoom(prompt: string): string {
  const clean = prompt.replace(/\s--(fast|relax|turbo)\b/g, "").trim();
  if (zoomProblem(clean) === null) return clean;
  const zoom = " --zoom 2";
  const rest = clean.replace(ZOOM, "").trim();
  return `${rest.slice(0, PROMPT_LIMIT - zoom.length)}${zoom}`.trim();
}

/** A member's text quoted in a message: short, and unable to end its code span. */
function quoted(text: string): string {
  const plain = text.replace(/[`\p{Cc}\p{Cf}]/gu, "");
  return plain.length > 20 ? `${plain.slice(0, 20)}…` : plain;
}

/** Checks a Custom Zoom prompt: null when fine, else what is wrong in plain words. */
export function zoomProblem(prompt: string, t: Texts = en): string | null {
  const matches = [...prompt.matchAll(ZOOM)];
  const value = matches[0]?.[2];
  if (matches.length > 1) return t.forms.zoomOnce;
  if (value === undefined) return t.forms.zoomMissing;
  const z = Number(value);
  if (!PLAIN_DECIMAL.test(value) || !(z > 1 && z <= 2)) {
    return t.forms.zoomValue(quoted(value));
  }
  return null;
}
