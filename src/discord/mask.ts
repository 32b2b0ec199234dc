// Vary (Region) masks at the picture's pixel size: black = keep, white = repaint. Drawn
// from the regions a member picks, or fitted from the member's own PNG. An upload is judged
// by what it says about itself (Discord's description, then its header) before any pixel
// is read, and read row by row, so that no file can stall the bot or fill its memory.
import { en, type Texts } from "./lang/en.js";
import { GreyImage, PngError, pngHeader, readPngRows } from "./png.js";

/** The largest mask (and picture) a side may have: Midjourney's largest upscale. */
export const MASK_MAX_SIDE = 4096;

type Box = readonly [x0: number, y0: number, x1: number, y1: number];

/**
 * Regions a member can pick for Vary (Region): the fractions of the picture to repaint, as
 * boxes from (x0, y0) up to, not including, (x1, y1). A pixel is in a box when its centre is.
 */
export const REGIONS: Readonly<Record<string, { label: string; boxes: readonly Box[] }>> = {
  left: { label: "Left half", boxes: [[0, 0, 0.5, 1]] },
  right: { label: "Right half", boxes: [[0.5, 0, 1, 1]] },
  top: { label: "Top half", boxes: [[0, 0, 1, 0.5]] },
  bottom: { label: "Bottom half", boxes: [[0, 0.5, 1, 1]] },
  centre: { label: "Centre", boxes: [[0.25, 0.25, 0.75, 0.75]] },
  "top-left": { label: "Top-left quarter", boxes: [[0, 0, 0.5, 0.5]] },
  "top-right": { label: "Top-right quarter", boxes: [[0.5, 0, 1, 0.5]] },
  "bottom-left": { label: "Bottom-left quarter", boxes: [[0, 0.5, 0.5, 1]] },
  "bottom-right": { label: "Bottom-right quarter", boxes: [[0.5, 0.5, 1, 1]] },
  background: {
    label: "Outer border (keep the centre)",
    boxes: [
      [0, 0, 1, 0.2],
      [0, 0.8, 1, 1],
      [0, 0, 0.2, 1],
      [0.8, 0, 1, 1],
    ],
  },
};

/** The values that are not one of REGIONS (only a forged form sends any). */
export function unknownRegions(values: readonly string[]): string[] {
  return values.filter((value) => !Object.hasOwn(REGIONS, value));
}

export type FittedMask = { ok: true; dataUri: string } | { ok: false; message: string };

const MB = 1024 * 1024;
const megabytes = (bytes: number) => String(Number((bytes / MB).toFixed(1)));

function sideProblem(width: number, height: number, t: Texts): string | null {
  return width > MASK_MAX_SIDE || height > MASK_MAX_SIDE
    ? t.forms.maskSides(width, height, MASK_MAX_SIDE)
    : null;
}

/** Checks an upload from what Discord says about it, before it is downloaded. */
export function uploadProblem(
  file: { size: number; width?: number | null; height?: number | null },
  maxBytes: number,
  t: Texts = en,
): string | null {
  if (file.size > maxBytes) return t.forms.maskMegabytes(megabytes(file.size), megabytes(maxBytes));
  return file.width && file.height ? sideProblem(file.width, file.height, t) : null;
}

/** Whether a mask can be drawn for a picture of this size; null when it can. */
export function pictureProblem(width: number, height: number, t: Texts = en): string | null {
  const whole = (n: number) => Number.isInteger(n) && n >= 1 && n <= MASK_MAX_SIDE;
  if (whole(width) && whole(height)) return null;
  return t.forms.pictureTooLarge(width, height, MASK_MAX_SIDE);
}

const dataUri = (png: Buffer) => `data:image/png;base64,${png.toString("base64")}`;

/** The first of `n` pixels whose centre is at or after `edge` (a fraction of `n`). */
function firstFrom(edge: number, n: number): number {
  let i = Math.min(n, Math.max(0, Math.ceil(edge * n - 0.5)));
  while (i > 0 && (i - 0.5) / n >= edge) i--;
  while (i < n && (i + 0.5) / n < edge) i++;
  return i;
}

/** Draws the chosen regions in white on black, at the picture's size; as a PNG data URI. */
export async function drawRegionMask(
  width: number,
  height: number,
  regions: readonly string[],
): Promise<string> {
  const image = new GreyImage(width, height);
  const boxes = [...new Set(regions)].flatMap((name) =>
    Object.hasOwn(REGIONS, name) ? (REGIONS[name]?.boxes ?? []) : [],
  );
  for (const [x0, y0, x1, y1] of boxes) {
    const [xs, xe] = [firstFrom(x0, width), firstFrom(x1, width)];
    for (let y = firstFrom(y0, height), ye = firstFrom(y1, height); y < ye; y++) {
      image.row(y).fill(255, xs, xe);
    }
  }
  return dataUri(await image.png());
}

/**
 * Fits a member's PNG to the picture: scaled to its size (nearest pixel) and made black and
 * white. Painted on a transparent canvas (a tenth or more of the pixels see-through), opaque
 * means repaint; otherwise bright means repaint.
 */
export async function fitMask(
  bytes: Buffer,
  width: number,
  height: number,
  t: Texts = en,
): Promise<FittedMask> {
  const header = pngHeader(bytes);
  if (!header) return { ok: false, message: t.forms.maskNotPng };
  const tooLarge = sideProblem(header.width, header.height, t);
  if (tooLarge) return { ok: false, message: tooLarge };
  const fit = new Fit(header.width, header.height, width, height);
  try {
    await readPngRows(bytes, fit.take);
  } catch (error) {
    if (error instanceof PngError) return { ok: false, message: t.forms.maskUnreadable };
    throw error;
  }
  return { ok: true, dataUri: dataUri(await fit.result().png()) };
}

/**
 * Samples source rows into the mask as they are read. Which rule applies (opaque, or
 * bright) is known only at the end, so both masks are drawn.
 */
class Fit {
  private readonly bright: GreyImage;
  private readonly opaque: GreyImage;
  /** Per pass (its x0 and dx): pairs of a target column and the index of its pixel in the pass's rows. */
  private readonly columns = new Map<string, Int32Array>();
  /** Target x -> source x, and for each source row, the first target row and how many. */
  private readonly sourceX: Int32Array;
  private readonly firstRow: Int32Array;
  private readonly rowCount: Int32Array;
  private clear = 0;

  constructor(
    private readonly sourceWidth: number,
    private readonly sourceHeight: number,
    width: number,
    height: number,
  ) {
    this.bright = new GreyImage(width, height);
    this.opaque = new GreyImage(width, height);
    this.sourceX = Int32Array.from({ length: width }, (_, x) =>
      Math.min(sourceWidth - 1, Math.floor((x * sourceWidth) / width)),
    );
    this.firstRow = new Int32Array(sourceHeight).fill(-1);
    this.rowCount = new Int32Array(sourceHeight);
    for (let y = 0; y < height; y++) {
      const sy = Math.min(sourceHeight - 1, Math.floor((y * sourceHeight) / height));
      if (this.firstRow[sy] === -1) this.firstRow[sy] = y;
      this.rowCount[sy] = (this.rowCount[sy] ?? 0) + 1;
    }
  }

  /** Pairs (target x, index in the row) for a pass's pixels. */
  private columnsOf(x0: number, dx: number): Int32Array {
    const key = `${x0}/${dx}`;
    let pairs = this.columns.get(key);
    if (!pairs) {
      const list: number[] = [];
      this.sourceX.forEach((sx, x) => {
        if (sx >= x0 && (sx - x0) % dx === 0) list.push(x, (sx - x0) / dx);
      });
      pairs = Int32Array.from(list);
      this.columns.set(key, pairs);
    }
    return pairs;
  }

  readonly take = (y: number, x0: number, dx: number, rgba: Uint8Array): void => {
    for (let i = 3; i < rgba.length; i += 4) if ((rgba[i] ?? 255) < 128) this.clear++;
    const first = this.firstRow[y] ?? -1;
    if (first < 0) return;
    const bright = this.bright.row(first);
    const opaque = this.opaque.row(first);
    const pairs = this.columnsOf(x0, dx);
    for (let p = 0; p < pairs.length; p += 2) {
      const x = pairs[p] ?? 0;
      const s = (pairs[p + 1] ?? 0) * 4;
      const a = rgba[s + 3] ?? 0;
      const luma = 0.299 * (rgba[s] ?? 0) + 0.587 * (rgba[s + 1] ?? 0) + 0.114 * (rgba[s + 2] ?? 0);
      bright[x] = luma * (a / 255) > 127 ? 255 : 0;
      opaque[x] = a > 127 ? 255 : 0;
    }
  };

  /** The mask by the rule that applies, with rows that sample the same source row copied. */
  result(): GreyImage {
    const transparent = this.clear * 10 >= this.sourceWidth * this.sourceHeight;
    const mask = transparent ? this.opaque : this.bright;
    for (let sy = 0; sy < this.sourceHeight; sy++) {
      const first = this.firstRow[sy] ?? -1;
      for (let k = 1; k < (this.rowCount[sy] ?? 0); k++) mask.copyRow(first, first + k);
    }
    return mask;
  }
}
