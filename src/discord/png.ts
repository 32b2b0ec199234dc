// PNG for masks, without ever holding a member's image whole: the header alone says how
// large a file claims to be; pixel data is inflated in zlib's thread pool and handed out a
// row at a time, so a large file costs many short turns of the event loop, never a long
// one. Grey images (the masks we send) are compressed in the thread pool too.
import { promisify } from "node:util";
import { crc32, createInflate, deflate } from "node:zlib";

const deflateAsync = promisify(deflate);

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** What a PNG's IHDR chunk says it is. */
export interface PngHeader {
  width: number;
  height: number;
  bitDepth: number;
  /** 0 grey, 2 RGB, 3 palette, 4 grey + alpha, 6 RGBA */
  colourType: number;
  interlaced: boolean;
}

/** A file that is not a PNG we can read; the message is for logs, not for members. */
export class PngError extends Error {}

/**
 * Pixels of one image row, as RGBA: from column `x0`, every `dx` columns (1 unless the
 * file is interlaced, when each pass hands out every 2nd, 4th or 8th pixel of a row).
 * The array is reused for the next row.
 */
export type RowSink = (y: number, x0: number, dx: number, rgba: Uint8Array) => void;

/** The header of a PNG, from its first 33 bytes; null when it is not a PNG. */
export function pngHeader(bytes: Uint8Array): PngHeader | null {
  if (bytes.length < 33 || !SIGNATURE.equals(bytes.subarray(0, 8))) return null;
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, 33);
  if (b.readUInt32BE(8) !== 13 || b.toString("latin1", 12, 16) !== "IHDR") return null;
  return {
    width: b.readUInt32BE(16),
    height: b.readUInt32BE(20),
    bitDepth: b[24] ?? 0,
    colourType: b[25] ?? 0,
    interlaced: b[28] === 1,
  };
}

const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };
const DEPTHS: Record<number, readonly number[]> = {
  0: [1, 2, 4, 8, 16],
  2: [8, 16],
  3: [1, 2, 4, 8],
  4: [8, 16],
  6: [8, 16],
};

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

interface Parsed {
  header: PngHeader;
  /** RGBA per palette index (colour type 3) */
  palette: Uint8Array | null;
  paletteSize: number;
  /** the one transparent grey or RGB sample value (colour types 0 and 2) */
  transparent: number[] | null;
  data: Buffer[];
}

function parse(bytes: Uint8Array): Parsed {
  const header = pngHeader(bytes);
  if (!header) throw new PngError("not a PNG");
  const ihdr = Buffer.from(bytes.buffer, bytes.byteOffset + 16, 13);
  const { width, height, bitDepth, colourType } = header;
  if (width < 1 || height < 1 || width > 2 ** 31 - 1 || height > 2 ** 31 - 1)
    throw new PngError(`a ${width}×${height} image`);
  if (!DEPTHS[colourType]?.includes(bitDepth))
    throw new PngError(`colour type ${colourType} at bit depth ${bitDepth}`);
  if (ihdr[10] !== 0 || ihdr[11] !== 0 || (ihdr[12] ?? 0) > 1)
    throw new PngError("unknown compression, filter or interlace method");

  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const parsed: Parsed = { header, palette: null, paletteSize: 0, transparent: null, data: [] };
  let alpha: Buffer | null = null;
  for (let at = 8; at + 12 <= buf.length; ) {
    const length = buf.readUInt32BE(at);
    const end = at + 12 + length;
    if (length > 2 ** 31 - 1 || end > buf.length) throw new PngError("a chunk is cut short");
    const type = buf.toString("latin1", at + 4, at + 8);
    if (crc32(buf.subarray(at + 4, at + 8 + length)) >>> 0 !== buf.readUInt32BE(end - 4))
      throw new PngError(`the ${type} chunk is damaged`);
    const data = buf.subarray(at + 8, at + 8 + length);
    at = end;
    if (type === "IEND") break;
    if (type === "IDAT") parsed.data.push(data);
    else if (type === "PLTE") {
      if (data.length % 3 !== 0 || data.length > 768) throw new PngError("a bad palette");
      parsed.paletteSize = data.length / 3;
      parsed.palette = new Uint8Array(256 * 4);
      for (let i = 0; i < parsed.paletteSize; i++) {
        parsed.palette.set(data.subarray(i * 3, i * 3 + 3), i * 4);
        parsed.palette[i * 4 + 3] = 255;
      }
    } else if (type === "tRNS") alpha = data;
    else if (type !== "IHDR" && /^[A-Z]/.test(type))
      throw new PngError(`an unknown critical chunk ${type}`);
  }
  if (parsed.data.length === 0) throw new PngError("no image data");
  if (colourType === 3) {
    if (!parsed.palette) throw new PngError("a palette image without a palette");
    alpha?.forEach((a, i) => {
      if (i < 256 && parsed.palette) parsed.palette[i * 4 + 3] = a;
    });
  } else if (alpha && (colourType === 0 || colourType === 2)) {
    const samples = colourType === 0 ? 1 : 3;
    if (alpha.length < samples * 2) throw new PngError("a bad transparency chunk");
    parsed.transparent = Array.from({ length: samples }, (_, i) => alpha.readUInt16BE(i * 2));
  }
  return parsed;
}

/** Turns unfiltered rows of samples into RGBA, as pngjs does. */
function rgbaWriter(png: Parsed): (line: Uint8Array, count: number, out: Uint8Array) => void {
  const { bitDepth: depth, colourType: type } = png.header;
  const channels = CHANNELS[type] ?? 1;
  const max = 2 ** depth - 1;
  const scale = (v: number) => (depth === 8 ? v : Math.floor((v * 255) / max + 0.5));
  const sample =
    depth === 8
      ? (line: Uint8Array, n: number) => line[n] ?? 0
      : depth === 16
        ? (line: Uint8Array, n: number) => ((line[2 * n] ?? 0) << 8) | (line[2 * n + 1] ?? 0)
        : (line: Uint8Array, n: number) => {
            const bit = n * depth;
            return ((line[bit >> 3] ?? 0) >> (8 - depth - (bit & 7))) & max;
          };
  const { palette, paletteSize, transparent } = png;
  // The usual masks (8-bit RGBA, RGB or grey, no transparent colour) take a short cut.
  if (depth === 8 && type === 6) return (line, count, out) => out.set(line.subarray(0, count * 4));
  if (depth === 8 && (type === 2 || type === 0) && !transparent) {
    return (line, count, out) => {
      for (let x = 0, i = 0, o = 0; x < count; x++, o += 4) {
        const r = line[i++] ?? 0;
        out[o] = r;
        out[o + 1] = type === 2 ? (line[i++] ?? 0) : r;
        out[o + 2] = type === 2 ? (line[i++] ?? 0) : r;
        out[o + 3] = 255;
      }
    };
  }
  return (line, count, out) => {
    for (let x = 0, o = 0; x < count; x++, o += 4) {
      const n = x * channels;
      if (type === 3) {
        const index = sample(line, n);
        if (index >= paletteSize || !palette) throw new PngError(`palette index ${index}`);
        out.set(palette.subarray(index * 4, index * 4 + 4), o);
        continue;
      }
      const v0 = sample(line, n);
      const grey = type === 0 || type === 4;
      const v1 = grey ? v0 : sample(line, n + 1);
      const v2 = grey ? v0 : sample(line, n + 2);
      if (
        transparent &&
        v0 === transparent[0] &&
        (grey || (v1 === transparent[1] && v2 === transparent[2]))
      ) {
        out.fill(0, o, o + 4);
        continue;
      }
      out[o] = scale(v0);
      out[o + 1] = scale(v1);
      out[o + 2] = scale(v2);
      out[o + 3] =
        type === 4 ? scale(sample(line, n + 1)) : type === 6 ? scale(sample(line, n + 3)) : 255;
    }
  };
}

function unfilter(filter: number, line: Uint8Array, prev: Uint8Array, bpp: number): void {
  const n = line.length;
  switch (filter) {
    case 0:
      return;
    case 1:
      for (let i = bpp; i < n; i++) line[i] = (line[i] ?? 0) + (line[i - bpp] ?? 0);
      return;
    case 2:
      for (let i = 0; i < n; i++) line[i] = (line[i] ?? 0) + (prev[i] ?? 0);
      return;
    case 3:
      for (let i = 0; i < n; i++) {
        const left = i >= bpp ? (line[i - bpp] ?? 0) : 0;
        line[i] = (line[i] ?? 0) + ((left + (prev[i] ?? 0)) >> 1);
      }
      return;
    case 4:
      for (let i = 0; i < n; i++) {
        const a = i >= bpp ? (line[i - bpp] ?? 0) : 0;
        const b = prev[i] ?? 0;
        const c = i >= bpp ? (prev[i - bpp] ?? 0) : 0;
        const p = a + b - c;
        const pa = Math.abs(p - a);
        const pb = Math.abs(p - b);
        const pc = Math.abs(p - c);
        line[i] = (line[i] ?? 0) + (pa <= pb && pa <= pc ? a : pb <= pc ? b : c);
      }
      return;
    default:
      throw new PngError(`unknown filter type ${filter}`);
  }
}

interface Pass {
  x0: number;
  y0: number;
  dx: number;
  dy: number;
  width: number;
  height: number;
}

function passesOf({ width, height, interlaced }: PngHeader): Pass[] {
  const starts = interlaced ? ADAM7 : ([[0, 0, 1, 1]] as const);
  return starts
    .map(([x0, y0, dx, dy]) => ({
      x0,
      y0,
      dx,
      dy,
      width: width > x0 ? Math.ceil((width - x0) / dx) : 0,
      height: height > y0 ? Math.ceil((height - y0) / dy) : 0,
    }))
    .filter((p) => p.width > 0 && p.height > 0);
}

/** Cuts the inflated stream into rows, unfilters them and hands them out. */
class Scanlines {
  private readonly passes: Pass[];
  private readonly bitsPerPixel: number;
  private readonly bpp: number;
  private readonly write: ReturnType<typeof rgbaWriter>;
  private pass = 0;
  private row = 0;
  private line: Uint8Array = new Uint8Array(0);
  private prev: Uint8Array = new Uint8Array(0);
  private rgba: Uint8Array = new Uint8Array(0);
  private filled = 0;
  done = false;

  constructor(
    png: Parsed,
    private readonly sink: RowSink,
  ) {
    const { bitDepth, colourType } = png.header;
    this.bitsPerPixel = (CHANNELS[colourType] ?? 1) * bitDepth;
    this.bpp = Math.max(1, this.bitsPerPixel >> 3);
    this.write = rgbaWriter(png);
    this.passes = passesOf(png.header);
    this.startPass();
  }

  private startPass(): void {
    const pass = this.passes[this.pass];
    if (!pass) {
      this.done = true;
      return;
    }
    const bytes = Math.ceil((pass.width * this.bitsPerPixel) / 8);
    this.line = new Uint8Array(bytes + 1);
    this.prev = new Uint8Array(bytes + 1);
    this.rgba = new Uint8Array(pass.width * 4);
    this.row = 0;
    this.filled = 0;
  }

  /** Takes inflated bytes; true once every row has been handed out. */
  take(chunk: Uint8Array): boolean {
    let at = 0;
    while (!this.done && at < chunk.length) {
      const n = Math.min(this.line.length - this.filled, chunk.length - at);
      this.line.set(chunk.subarray(at, at + n), this.filled);
      this.filled += n;
      at += n;
      if (this.filled === this.line.length) this.emit();
    }
    return this.done;
  }

  private emit(): void {
    const pass = this.passes[this.pass] as Pass;
    const samples = this.line.subarray(1);
    unfilter(this.line[0] ?? 0, samples, this.prev.subarray(1), this.bpp);
    this.write(samples, pass.width, this.rgba);
    this.sink(pass.y0 + this.row * pass.dy, pass.x0, pass.dx, this.rgba);
    [this.prev, this.line] = [this.line, this.prev];
    this.filled = 0;
    this.row++;
    if (this.row === pass.height) {
      this.pass++;
      this.startPass();
    }
  }
}

/**
 * Reads a PNG's pixels row by row (see `RowSink`). Rejects with a PngError when the file
 * is not a PNG it can read (damaged, cut short, unknown format).
 */
export function readPngRows(bytes: Uint8Array, sink: RowSink): Promise<void> {
  let rows: Scanlines;
  let data: Buffer[];
  try {
    const png = parse(bytes);
    rows = new Scanlines(png, sink);
    data = png.data;
  } catch (error) {
    return Promise.reject(error);
  }
  return new Promise<void>((resolve, reject) => {
    // Large output chunks: fewer trips to the thread pool, each turn still well under 1 ms.
    const inflate = createInflate({ chunkSize: 64 * 1024 });
    let settled = false;
    const finish = (error?: unknown) => {
      if (settled) return;
      settled = true;
      inflate.destroy();
      if (error) reject(error);
      else resolve();
    };
    inflate.on("data", (chunk: Buffer) => {
      if (settled) return;
      try {
        if (rows.take(chunk)) finish();
      } catch (error) {
        finish(error);
      }
    });
    inflate.on("error", (error) => finish(new PngError(`the image data is damaged: ${error}`)));
    inflate.on("end", () =>
      finish(rows.done ? undefined : new PngError("the image data stops short")),
    );
    for (const part of data) inflate.write(part);
    inflate.end();
  });
}

function chunk(type: string, data: Uint8Array): Buffer {
  const out = Buffer.alloc(data.length + 12);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, "latin1");
  out.set(data, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)) >>> 0, 8 + data.length);
  return out;
}

/** An 8-bit grey image, kept as PNG scanlines so that writing it copies nothing. */
export class GreyImage {
  /** height rows of a filter byte (0, none) and `width` grey values */
  readonly scanlines: Buffer;

  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    this.scanlines = Buffer.alloc(height * (width + 1));
  }

  /** The grey values of row `y`, to write into. */
  row(y: number): Buffer {
    const start = y * (this.width + 1) + 1;
    return this.scanlines.subarray(start, start + this.width);
  }

  /** Copies row `from` over row `to`. */
  copyRow(from: number, to: number): void {
    const stride = this.width + 1;
    this.scanlines.copyWithin(to * stride, from * stride, (from + 1) * stride);
  }

  /** The image as an 8-bit greyscale PNG. */
  async png(): Promise<Buffer> {
    const ihdr = Buffer.alloc(13);
    ihdr.writeUInt32BE(this.width, 0);
    ihdr.writeUInt32BE(this.height, 4);
    ihdr[8] = 8; // bit depth; colour type 0 (grey), default methods, no interlace
    const data = await deflateAsync(this.scanlines);
    return Buffer.concat([
      SIGNATURE,
      chunk("IHDR", ihdr),
      chunk("IDAT", data),
      chunk("IEND", new Uint8Array(0)),
    ]);
  }
}
