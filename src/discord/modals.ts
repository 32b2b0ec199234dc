// The forms (Discord modals) that come before a proxy call: remix prompt, Custom Zoom,
// Vary (Region) with its mask, describe and shorten picks; and the mask drawing.
import {
  type APIModalInteractionResponseCallbackData,
  ComponentType,
  TextInputStyle,
} from "discord.js";
import { PNG } from "pngjs";
import type { ButtonInfo } from "../mj/buttons.js";

export const FIELD = { prompt: "prompt", region: "region", mask: "mask" } as const;

const PROMPT_LIMIT = 4000;
const TITLE_LIMIT = 45;

/** Regions a member can pick for Vary (Region): fractions of the image [x0, y0, x1, y1]. */
export const REGIONS: Record<string, { label: string; box: [number, number, number, number] }> = {
  left: { label: "Left half", box: [0, 0, 0.5, 1] },
  right: { label: "Right half", box: [0.5, 0, 1, 1] },
  top: { label: "Top half", box: [0, 0, 1, 0.5] },
  bottom: { label: "Bottom half", box: [0, 0.5, 1, 1] },
  centre: { label: "Centre", box: [0.25, 0.25, 0.75, 0.75] },
  "top-left": { label: "Top-left quarter", box: [0, 0, 0.5, 0.5] },
  "top-right": { label: "Top-right quarter", box: [0.5, 0, 1, 0.5] },
  "bottom-left": { label: "Bottom-left quarter", box: [0, 0.5, 0.5, 1] },
  "bottom-right": { label: "Bottom-right quarter", box: [0.5, 0.5, 1, 1] },
  background: { label: "Outer border (keep the centre)", box: [0, 0, 1, 1] },
};

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
): APIModalInteractionResponseCallbackData {
  const components: APIModalInteractionResponseCallbackData["components"] = [];
  switch (kind) {
    case "custom-zoom":
      components.push(
        promptInput(
          withZoom(prefill),
          "Prompt",
          "Keep --zoom with a value above 1 and up to 2 (e.g. --zoom 1.5).",
        ),
      );
      break;
    case "vary-region":
      components.push(
        promptInput(prefill, "Prompt", "What should appear in the chosen region?"),
        {
          type: ComponentType.Label,
          label: "Region to repaint",
          description: "Pick one or more, or upload a mask below.",
          component: {
            type: ComponentType.StringSelect,
            custom_id: FIELD.region,
            required: false,
            min_values: 0,
            max_values: Object.keys(REGIONS).length,
            options: Object.entries(REGIONS).map(([value, r]) => ({ value, label: r.label })),
          },
        },
        {
          type: ComponentType.Label,
          label: "Mask (optional)",
          description: "A PNG: white = repaint, black = keep. Overrides the regions.",
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
      components.push(
        promptInput(
          prefill,
          "Prompt",
          kind === "pick" ? "Edit it before it is imagined." : "Change the prompt if you like.",
        ),
      );
  }
  return { custom_id: customId, title: title.slice(0, TITLE_LIMIT), components };
}

/** The prompt with ` --zoom 2` added unless it already names a zoom. */
export function withZoom(prompt: string): string {
  const clean = prompt.replace(/\s--(fast|relax|turbo)\b/g, "").trim();
  return /--zoom\s+\S+/.test(clean) ? clean : `${clean} --zoom 2`.trim();
}

/** Checks a Custom Zoom prompt: null when fine, else what is wrong in plain words. */
export function zoomProblem(prompt: string): string | null {
  const matches = [...prompt.matchAll(/--zoom\s+(\S+)/g)];
  if (matches.length === 0)
    return "Custom Zoom needs `--zoom` followed by a value above 1 and up to 2, e.g. `--zoom 1.5`.";
  if (matches.length > 1) return "Use `--zoom` only once.";
  const z = Number(matches[0]?.[1]);
  if (!Number.isFinite(z) || z <= 1 || z > 2) {
    return `The zoom must be above 1 and at most 2 (you wrote \`--zoom ${matches[0]?.[1]}\`).`;
  }
  return null;
}

/**
 * Draws a Vary (Region) mask at the image's pixel size: black background, white where
 * Midjourney should repaint. Returns the PNG as a data URI.
 */
export function drawRegionMask(width: number, height: number, regions: readonly string[]): string {
  const png = new PNG({ width, height, colorType: 0 });
  const paint = (x0: number, y0: number, x1: number, y1: number, on: boolean) => {
    for (let y = Math.floor(y0 * height); y < Math.ceil(y1 * height); y++) {
      for (let x = Math.floor(x0 * width); x < Math.ceil(x1 * width); x++) {
        const i = (y * width + x) * 4;
        const v = on ? 255 : 0;
        png.data[i] = v;
        png.data[i + 1] = v;
        png.data[i + 2] = v;
        png.data[i + 3] = 255;
      }
    }
  };
  paint(0, 0, 1, 1, false);
  for (const name of regions) {
    const region = REGIONS[name];
    if (!region) continue;
    paint(...region.box, true);
    if (name === "background") paint(0.2, 0.2, 0.8, 0.8, false);
  }
  return toDataUri(png);
}

/**
 * Turns a member's mask image (PNG) into a clean black-and-white mask at the image's size:
 * bright pixels (or opaque ones on a transparent mask) become white. Null if unreadable.
 */
export function normaliseMask(bytes: Buffer, width: number, height: number): string | null {
  let source: PNG;
  try {
    source = PNG.sync.read(bytes);
  } catch {
    return null;
  }
  const out = new PNG({ width, height });
  const transparentMask = hasTransparency(source);
  for (let y = 0; y < height; y++) {
    const sy = Math.min(source.height - 1, Math.floor((y * source.height) / height));
    for (let x = 0; x < width; x++) {
      const sx = Math.min(source.width - 1, Math.floor((x * source.width) / width));
      const s = (sy * source.width + sx) * 4;
      const [r = 0, g = 0, b = 0, a = 0] = source.data.subarray(s, s + 4);
      const white = transparentMask
        ? a > 127
        : (0.299 * r + 0.587 * g + 0.114 * b) * (a / 255) > 127;
      const o = (y * width + x) * 4;
      out.data.fill(white ? 255 : 0, o, o + 3);
      out.data[o + 3] = 255;
    }
  }
  return toDataUri(out);
}

function hasTransparency(png: PNG): boolean {
  for (let i = 3; i < png.data.length; i += 4) if ((png.data[i] ?? 255) < 255) return true;
  return false;
}

function toDataUri(png: PNG): string {
  return `data:image/png;base64,${PNG.sync.write(png, { colorType: 0 }).toString("base64")}`;
}
