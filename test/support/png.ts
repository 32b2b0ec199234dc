// PNG files made by hand for the mask tests: every colour type and bit depth, every filter,
// Adam7 interlacing, and "bombs" (a few hundred kB that decode to gigabytes), built without
// compressing the whole image so that the tests stay fast and light.
import { constants, crc32, deflateRawSync, deflateSync } from "node:zlib";

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** One PNG chunk: length, type, data, CRC. */
export function pngChunk(type: string, data: Uint8Array = Buffer.alloc(0)): Buffer {
  const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
  const out = Buffer.alloc(body.length + 8);
  out.writeUInt32BE(data.length, 0);
  body.copy(out, 4);
  out.writeUInt32BE(crc32(body) >>> 0, body.length + 4);
  return out;
}

export function ihdr(
  width: number,
  height: number,
  bitDepth = 8,
  colourType = 0,
  interlace = 0,
): Buffer {
  const data = Buffer.alloc(13);
  data.writeUInt32BE(width, 0);
  data.writeUInt32BE(height, 4);
  data[8] = bitDepth;
  data[9] = colourType;
  data[12] = interlace;
  return pngChunk("IHDR", data);
}

/** A PNG made of these chunks (after the signature and IHDR). */
export function pngOf(header: Buffer, ...chunks: Buffer[]): Buffer {
  return Buffer.concat([SIGNATURE, header, ...chunks, pngChunk("IEND")]);
}

/** A PNG whose header claims a size (8-bit RGBA) and that holds no pixels at all. */
export function pngClaiming(width: number, height: number): Buffer {
  return pngOf(ihdr(width, height, 8, 6));
}

/**
 * An all-black 8-bit grayscale PNG of any size. The zlib stream repeats one independently
 * compressed segment (a full flush), so a 16000×16000 image takes milliseconds to build and
 * about 250 kB, yet decodes to 256 MB of pixels (1 GB as RGBA).
 */
export function blackPng(width: number, height: number): Buffer {
  const rowBytes = width + 1;
  const rowsPerSegment = Math.max(1, Math.floor(1_000_000 / rowBytes));
  const segment = (rows: number) =>
    deflateRawSync(Buffer.alloc(rowBytes * rows), { finishFlush: constants.Z_FULL_FLUSH });
  const full = segment(rowsPerSegment);
  const parts: Buffer[] = [Buffer.from([0x78, 0xda])];
  let rows = 0;
  for (; rows + rowsPerSegment <= height; rows += rowsPerSegment) parts.push(full);
  if (rows < height) parts.push(segment(height - rows));
  parts.push(deflateRawSync(Buffer.alloc(0))); // the final, empty block
  // Adler-32 of zeros: a stays 1, b counts the bytes.
  const adler = Buffer.alloc(4);
  adler.writeUInt32BE((((rowBytes * height) % 65521) * 65536 + 1) >>> 0);
  parts.push(adler);
  return pngOf(ihdr(width, height), pngChunk("IDAT", Buffer.concat(parts)));
}

const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

/** Adam7: where each pass starts and how far apart its pixels are. */
const ADAM7 = [
  [0, 0, 8, 8],
  [4, 0, 8, 8],
  [0, 4, 4, 8],
  [2, 0, 4, 4],
  [0, 2, 2, 4],
  [1, 0, 2, 2],
  [0, 1, 1, 2],
] as const;

export interface PngSpec {
  width: number;
  height: number;
  /** 1, 2, 4, 8 or 16 (default 8) */
  bitDepth?: number;
  /** 0 grey, 2 RGB, 3 palette, 4 grey + alpha, 6 RGBA (default 6) */
  colourType?: number;
  interlace?: boolean;
  /** for colour type 3: [r, g, b] entries */
  palette?: [number, number, number][];
  /** the tRNS chunk's data, as is */
  transparency?: Buffer;
  /** the filter of every row, or "cycle" for 0, 1, 2, 3, 4, 0, … */
  filter?: number | "cycle";
}

/**
 * Encodes an image whose samples (at the PNG's bit depth: grey, RGB, index, grey+alpha or
 * RGBA) are `sample(x, y)`.
 */
export function encodePng(spec: PngSpec, sample: (x: number, y: number) => number[]): Buffer {
  const depth = spec.bitDepth ?? 8;
  const type = spec.colourType ?? 6;
  const channels = CHANNELS[type] ?? 4;
  const bitsPerPixel = channels * depth;
  const bpp = Math.max(1, bitsPerPixel / 8);
  const passes = spec.interlace ? ADAM7 : ([[0, 0, 1, 1]] as const);
  const rows: Buffer[] = [];
  let rowIndex = 0;
  for (const [x0, y0, dx, dy] of passes) {
    const pw = spec.width > x0 ? Math.ceil((spec.width - x0) / dx) : 0;
    const ph = spec.height > y0 ? Math.ceil((spec.height - y0) / dy) : 0;
    if (pw === 0 || ph === 0) continue;
    const lineBytes = Math.ceil((pw * bitsPerPixel) / 8);
    let prev = Buffer.alloc(lineBytes);
    for (let py = 0; py < ph; py++) {
      const line = Buffer.alloc(lineBytes);
      for (let px = 0; px < pw; px++) {
        const values = sample(x0 + px * dx, y0 + py * dy);
        for (let c = 0; c < channels; c++) {
          const v = values[c] ?? 0;
          const bit = (px * channels + c) * depth;
          if (depth === 16) line.writeUInt16BE(v, bit / 8);
          else if (depth === 8) line[bit / 8] = v;
          else line[bit >> 3] = (line[bit >> 3] ?? 0) | (v << (8 - depth - (bit & 7)));
        }
      }
      const filter = spec.filter === "cycle" ? rowIndex % 5 : (spec.filter ?? 0);
      rows.push(Buffer.from([filter]), filtered(filter, line, prev, bpp));
      prev = line;
      rowIndex++;
    }
  }
  const chunks: Buffer[] = [];
  if (spec.palette) chunks.push(pngChunk("PLTE", Buffer.from(spec.palette.flat())));
  if (spec.transparency) chunks.push(pngChunk("tRNS", spec.transparency));
  chunks.push(pngChunk("IDAT", deflateSync(Buffer.concat(rows))));
  return pngOf(ihdr(spec.width, spec.height, depth, type, spec.interlace ? 1 : 0), ...chunks);
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

function filtered(filter: number, line: Buffer, prev: Buffer, bpp: number): Buffer {
  const out = Buffer.alloc(line.length);
  for (let i = 0; i < line.length; i++) {
    const a = i >= bpp ? (line[i - bpp] ?? 0) : 0;
    const b = prev[i] ?? 0;
    const c = i >= bpp ? (prev[i - bpp] ?? 0) : 0;
    const predictor = [0, a, b, (a + b) >> 1, paeth(a, b, c)][filter] ?? 0;
    out[i] = ((line[i] ?? 0) - predictor) & 0xff;
  }
  return out;
}

/** Pseudo-random but repeatable samples. */
const noise = (x: number, y: number, c: number) => ((x * 73 + y * 151 + c * 37) ^ (x * y)) & 0xff;

/** One image in each colour type and bit depth (13×11: rows that end mid-byte, odd passes). */
export const PNG_FORMATS: [string, PngSpec, (x: number, y: number) => number[]][] = [
  ["grey 8-bit", { width: 13, height: 11, colourType: 0 }, (x, y) => [noise(x, y, 0)]],
  ["grey 1-bit", { width: 13, height: 11, colourType: 0, bitDepth: 1 }, (x, y) => [(x + y) & 1]],
  ["grey 2-bit", { width: 13, height: 11, colourType: 0, bitDepth: 2 }, (x, y) => [(x + y) & 3]],
  ["grey 4-bit", { width: 13, height: 11, colourType: 0, bitDepth: 4 }, (x) => [x & 15]],
  [
    "grey 16-bit",
    { width: 13, height: 11, colourType: 0, bitDepth: 16 },
    (x, y) => [noise(x, y, 0) * 256 + x],
  ],
  [
    "grey with a transparent value",
    { width: 13, height: 11, colourType: 0, transparency: Buffer.from([0, 200]) },
    (x, y) => [x < 6 && y < 6 ? 200 : 30],
  ],
  [
    "grey 4-bit with a transparent value",
    { width: 13, height: 11, colourType: 0, bitDepth: 4, transparency: Buffer.from([0, 3]) },
    (x, y) => [(x + y) % 5 === 0 ? 3 : 15],
  ],
  [
    "RGB 8-bit",
    { width: 13, height: 11, colourType: 2 },
    (x, y) => [noise(x, y, 0), noise(x, y, 1), noise(x, y, 2)],
  ],
  [
    "RGB 16-bit",
    { width: 13, height: 11, colourType: 2, bitDepth: 16 },
    (x, y) => [noise(x, y, 0) * 256, noise(x, y, 1) * 257, 65535 - noise(x, y, 2)],
  ],
  [
    "RGB with a transparent colour",
    { width: 13, height: 11, colourType: 2, transparency: Buffer.from([0, 1, 0, 2, 0, 3]) },
    (x) => (x < 9 ? [1, 2, 3] : [250, 250, 250]),
  ],
  [
    "RGB 16-bit with a transparent colour",
    {
      width: 13,
      height: 11,
      colourType: 2,
      bitDepth: 16,
      transparency: Buffer.from([1, 2, 3, 4, 5, 6]),
    },
    (x, y) => (x + y < 10 ? [0x0102, 0x0304, 0x0506] : [0x0102, 0x0304, 0x0507]),
  ],
  [
    "palette 8-bit with alpha",
    {
      width: 13,
      height: 11,
      colourType: 3,
      palette: [
        [0, 0, 0],
        [255, 255, 255],
        [250, 10, 10],
        [10, 10, 250],
      ],
      transparency: Buffer.from([0, 255, 255]),
    },
    (x, y) => [(x + 2 * y) % 4],
  ],
  [
    "palette 4-bit",
    {
      width: 13,
      height: 11,
      colourType: 3,
      bitDepth: 4,
      palette: Array.from({ length: 16 }, (_, i) => [i * 17, 255 - i * 17, (i * 40) & 255]) as [
        number,
        number,
        number,
      ][],
    },
    (x, y) => [(x + y) % 16],
  ],
  [
    "palette 2-bit",
    {
      width: 13,
      height: 11,
      colourType: 3,
      bitDepth: 2,
      palette: [
        [0, 0, 0],
        [255, 255, 255],
        [128, 128, 128],
        [200, 200, 0],
      ],
    },
    (x, y) => [(x * y) % 4],
  ],
  [
    "palette 1-bit",
    {
      width: 13,
      height: 11,
      colourType: 3,
      bitDepth: 1,
      palette: [
        [0, 0, 0],
        [255, 255, 255],
      ],
    },
    (x) => [x > 6 ? 1 : 0],
  ],
  [
    "grey + alpha 8-bit",
    { width: 13, height: 11, colourType: 4 },
    (x, y) => [noise(x, y, 0), x < 5 ? 0 : 255],
  ],
  [
    "grey + alpha 16-bit",
    { width: 13, height: 11, colourType: 4, bitDepth: 16 },
    (x, y) => [noise(x, y, 0) * 257, y < 4 ? 100 : 65535],
  ],
  [
    "RGBA 8-bit",
    { width: 13, height: 11, colourType: 6 },
    (x, y) => [noise(x, y, 0), noise(x, y, 1), noise(x, y, 2), noise(x, y, 3)],
  ],
  [
    "RGBA 16-bit",
    { width: 13, height: 11, colourType: 6, bitDepth: 16 },
    (x, y) => [noise(x, y, 0) * 257, noise(x, y, 1) * 256, noise(x, y, 2) * 255, x < 3 ? 0 : 65535],
  ],
];
