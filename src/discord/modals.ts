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

type Box = [x0: number, y0: number, x1: number, y1: number];

const inBox = ([x0, y0, x1, y1]: Box, x: number, y: number) =>
  x >= x0 && x < x1 && y >= y0 && y < y1;

/** Regions a member can pick for Vary (Region): which fractions of the image to repaint. */
export const REGIONS: Record<string, { label: string; covers: (x: number, y: number) => boolean }> =
  {
    left: { label: "Left half", covers: (x, y) => inBox([0, 0, 0.5, 1], x, y) },
    right: { label: "Right half", covers: (x, y) => inBox([0.5, 0, 1, 1], x, y) },
    top: { label: "Top half", covers: (x, y) => inBox([0, 0, 1, 0.5], x, y) },
    bottom: { label: "Bottom half", covers: (x, y) => inBox([0, 0.5, 1, 1], x, y) },
    centre: { label: "Centre", covers: (x, y) => inBox([0.25, 0.25, 0.75, 0.75], x, y) },
    "top-left": { label: "Top-left quarter", covers: (x, y) => inBox([0, 0, 0.5, 0.5], x, y) },
    "top-right": { label: "Top-right quarter", covers: (x, y) => inBox([0.5, 0, 1, 0.5], x, y) },
    "bottom-left": {
      label: "Bottom-left quarter",
      covers: (x, y) => inBox([0, 0.5, 0.5, 1], x, y),
    },
    "bottom-right": {
      label: "Bottom-right quarter",
      covers: (x, y) => inBox([0.5, 0.5, 1, 1], x, y),
    },
    background: {
      label: "Outer border (keep the centre)",
      covers: (x, y) => !inBox([0.2, 0.2, 0.8, 0.8], x, y),
    },
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
  if (/--zoom\s+\S+/.test(clean)) return clean;
  const zoom = " --zoom 2";
  return `${clean.slice(0, PROMPT_LIMIT - zoom.length)}${zoom}`.trim();
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
  const chosen = regions
    .filter((name) => Object.hasOwn(REGIONS, name))
    .map((name) => REGIONS[name]);
  const png = new PNG({ width, height, colorType: 0 });
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      // Sample the pixel's centre so that halves split evenly on odd sizes.
      const white = chosen.some((r) => r?.covers((x + 0.5) / width, (y + 0.5) / height));
      const i = (y * width + x) * 4;
      png.data.fill(white ? 255 : 0, i, i + 3);
      png.data[i + 3] = 255;
    }
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

/** Painted on a transparent canvas: at least a tenth of the pixels are see-through. */
function hasTransparency(png: PNG): boolean {
  let clear = 0;
  for (let i = 3; i < png.data.length; i += 4) if ((png.data[i] ?? 255) < 128) clear++;
  return clear * 10 >= png.width * png.height;
}

function toDataUri(png: PNG): string {
  return `data:image/png;base64,${PNG.sync.write(png, { colorType: 0 }).toString("base64")}`;
}
