/**
 * Pure image generation: PNG grids, single images, previews, masks, and fake MP4 bytes.
 * Nothing here does I/O; callers cache the results.
 */
import { PNG } from "pngjs";
import { hash32, rng } from "./ids.js";

export type Rgb = readonly [number, number, number];

/** A black/white mask: 1 = repaint (white), 0 = keep. */
export interface Mask {
  width: number;
  height: number;
  data: Uint8Array;
}

/** What one image cell looks like: a vertical gradient, a "sun" disc, an optional repaint. */
export interface Cell {
  base: Rgb;
  accent: Rgb;
  /** Disc centre and radius as fractions of the cell. */
  sun: readonly [number, number, number];
  repaint?: { mask: Mask; colour: Rgb };
}

export interface RenderSpec {
  width: number;
  height: number;
  /** 4 cells for a 2x2 grid, 1 for a single image. */
  cells: readonly Cell[];
  /** Pixelation block size for previews (1 = sharp). */
  block?: number;
  /** 0..1 fade towards grey for previews. */
  fade?: number;
}

const clamp = (v: number) => (v < 0 ? 0 : v > 255 ? 255 : Math.round(v));

function hsl(h: number, s: number, l: number): Rgb {
  const a = s * Math.min(l, 1 - l);
  const f = (n: number) => {
    const k = (n + h / 30) % 12;
    return clamp(255 * (l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1))));
  };
  return [f(0), f(8), f(4)];
}

/** A cell derived from a key: different keys look different. */
export function cellFor(key: string): Cell {
  const r = rng(hash32(key));
  const hue = r() * 360;
  return {
    base: hsl(hue, 0.45 + r() * 0.35, 0.42 + r() * 0.18),
    accent: hsl((hue + 150 + r() * 60) % 360, 0.7, 0.7),
    sun: [0.25 + r() * 0.5, 0.2 + r() * 0.4, 0.12 + r() * 0.14],
  };
}

/** Four cells for a grid, from a key (e.g. the prompt). */
export function gridCells(key: string): Cell[] {
  return [1, 2, 3, 4].map((i) => cellFor(`${key}#${i}`));
}

/** A cell close to `cell`; `amount` 0..1 says how far (subtle ~0.15, strong ~0.5). */
export function perturb(cell: Cell, key: string, amount: number): Cell {
  const r = rng(hash32(key));
  const shift = (c: Rgb): Rgb => [
    clamp(c[0] + (r() - 0.5) * 2 * 120 * amount),
    clamp(c[1] + (r() - 0.5) * 2 * 120 * amount),
    clamp(c[2] + (r() - 0.5) * 2 * 120 * amount),
  ];
  const move = (v: number, lo: number, hi: number) =>
    Math.min(hi, Math.max(lo, v + (r() - 0.5) * amount));
  return {
    base: shift(cell.base),
    accent: shift(cell.accent),
    sun: [move(cell.sun[0], 0.15, 0.85), move(cell.sun[1], 0.15, 0.7), cell.sun[2]],
    ...(cell.repaint ? { repaint: cell.repaint } : {}),
  };
}

/** Four variations of one cell. */
export function variations(cell: Cell, key: string, amount: number): Cell[] {
  return [1, 2, 3, 4].map((i) => perturb(cell, `${key}#${i}`, amount));
}

function cellPixel(cell: Cell, u: number, v: number, aspect: number, out: number[]): void {
  const [cx, cy, radius] = cell.sun;
  const dx = (u - cx) * aspect;
  const dy = v - cy;
  let c: Rgb;
  if (cell.repaint && maskAt(cell.repaint.mask, u, v)) {
    c = cell.repaint.colour;
  } else if (dx * dx + dy * dy < radius * radius) {
    c = cell.accent;
  } else {
    // Sky-to-ground gradient with a horizon at 70 %.
    const shade = v < 0.7 ? 1.15 - v * 0.3 : 0.6 - (v - 0.7) * 0.4;
    c = [cell.base[0] * shade, cell.base[1] * shade, cell.base[2] * shade];
  }
  out[0] = c[0];
  out[1] = c[1];
  out[2] = c[2];
}

function maskAt(mask: Mask, u: number, v: number): boolean {
  const x = Math.min(mask.width - 1, Math.floor(u * mask.width));
  const y = Math.min(mask.height - 1, Math.floor(v * mask.height));
  return mask.data[y * mask.width + x] === 1;
}

/** Renders a grid (4 cells, 2x2 with a thin gutter) or a single image to PNG bytes. */
export function renderPng(spec: RenderSpec): Buffer {
  const { width, height, cells } = spec;
  const block = Math.max(1, Math.floor(spec.block ?? 1));
  const fade = Math.min(1, Math.max(0, spec.fade ?? 0));
  const png = new PNG({ width, height });
  const grid = cells.length >= 4;
  const halfW = width / 2;
  const halfH = height / 2;
  const gutter = grid && width >= 32 ? Math.max(1, Math.round(width / 256)) : 0;
  // Keeps the disc round whatever the aspect ratio.
  const aspect = width / height;
  const px = [0, 0, 0];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      // Pixelate by sampling at the block's corner.
      const sx = x - (x % block);
      const sy = y - (y % block);
      let cell: Cell;
      let u: number;
      let v: number;
      if (grid) {
        const col = sx < halfW ? 0 : 1;
        const row = sy < halfH ? 0 : 1;
        cell = cells[row * 2 + col] as Cell;
        u = (sx - col * halfW) / halfW;
        v = (sy - row * halfH) / halfH;
      } else {
        cell = cells[0] as Cell;
        u = sx / width;
        v = sy / height;
      }
      const i = (y * width + x) * 4;
      if (
        gutter > 0 &&
        (Math.abs(x + 0.5 - halfW) < gutter || Math.abs(y + 0.5 - halfH) < gutter)
      ) {
        png.data[i] = 24;
        png.data[i + 1] = 24;
        png.data[i + 2] = 28;
      } else {
        cellPixel(cell, u, v, aspect, px);
        png.data[i] = clamp((px[0] as number) * (1 - fade) + 128 * fade);
        png.data[i + 1] = clamp((px[1] as number) * (1 - fade) + 128 * fade);
        png.data[i + 2] = clamp((px[2] as number) * (1 - fade) + 128 * fade);
      }
      png.data[i + 3] = 255;
    }
  }
  return PNG.sync.write(png, { colorType: 2, deflateLevel: 3 });
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export function isPng(bytes: Uint8Array): boolean {
  return bytes.length > 24 && Buffer.from(bytes.subarray(0, 8)).equals(PNG_SIGNATURE);
}

/** Width and height from a PNG header, without decoding. */
export function pngSize(bytes: Uint8Array): { width: number; height: number } | undefined {
  if (!isPng(bytes)) return undefined;
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
}

/** Decodes a mask PNG: white (bright) = repaint. Throws when it is not a decodable PNG. */
export function decodeMask(bytes: Uint8Array): Mask {
  if (!isPng(bytes)) throw new Error("not a PNG");
  const png = PNG.sync.read(Buffer.from(bytes));
  const data = new Uint8Array(png.width * png.height);
  for (let i = 0; i < data.length; i++) {
    const o = i * 4;
    const lum =
      (png.data[o] as number) * 0.299 +
      (png.data[o + 1] as number) * 0.587 +
      (png.data[o + 2] as number) * 0.114;
    const alpha = png.data[o + 3] as number;
    data[i] = lum * (alpha / 255) >= 128 ? 1 : 0;
  }
  return { width: png.width, height: png.height, data };
}

/** Average colour of a PNG (small enough to decode), else undefined. */
export function averageColour(bytes: Uint8Array): Rgb | undefined {
  if (!isPng(bytes) || bytes.length > 8 * 1024 * 1024) return undefined;
  try {
    const png = PNG.sync.read(Buffer.from(bytes));
    const step = Math.max(1, Math.floor((png.width * png.height) / 4096));
    let r = 0;
    let g = 0;
    let b = 0;
    let n = 0;
    for (let p = 0; p < png.width * png.height; p += step) {
      r += png.data[p * 4] as number;
      g += png.data[p * 4 + 1] as number;
      b += png.data[p * 4 + 2] as number;
      n++;
    }
    return n === 0 ? undefined : [r / n, g / n, b / n];
  } catch {
    return undefined;
  }
}

const COLOUR_NAMES: [string, Rgb][] = [
  ["red", [200, 40, 40]],
  ["orange", [230, 140, 40]],
  ["golden", [220, 190, 60]],
  ["green", [60, 160, 70]],
  ["teal", [40, 150, 150]],
  ["blue", [50, 90, 200]],
  ["purple", [130, 60, 170]],
  ["pink", [230, 120, 170]],
  ["brown", [120, 80, 50]],
  ["black", [20, 20, 20]],
  ["grey", [128, 128, 128]],
  ["white", [240, 240, 240]],
];

/** The nearest colour name. */
export function colourName(c: Rgb): string {
  let best = "grey";
  let bestDist = Number.POSITIVE_INFINITY;
  for (const [name, ref] of COLOUR_NAMES) {
    const d = (c[0] - ref[0]) ** 2 + (c[1] - ref[1]) ** 2 + (c[2] - ref[2]) ** 2;
    if (d < bestDist) {
      bestDist = d;
      best = name;
    }
  }
  return best;
}

/**
 * Bytes that start like an MP4 (an ISO-BMFF `ftyp` box, then `mdat`). Not playable:
 * enough for a client that downloads and re-uploads the file.
 */
export function fakeMp4(key: string, size = 4096): Buffer {
  const ftyp = Buffer.alloc(32);
  ftyp.writeUInt32BE(32, 0);
  ftyp.write("ftypisom", 4, "latin1");
  ftyp.writeUInt32BE(0x200, 12);
  ftyp.write("isomiso2avc1mp41", 16, "latin1");
  const payload = Math.max(16, size - 32);
  const mdat = Buffer.alloc(payload);
  mdat.writeUInt32BE(payload, 0);
  mdat.write("mdat", 4, "latin1");
  const r = rng(hash32(key));
  for (let i = 8; i < payload; i++) mdat[i] = Math.floor(r() * 256);
  return Buffer.concat([ftyp, mdat]);
}
