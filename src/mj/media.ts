// Downloading result media from the proxy's (expiring) links, and telling file types
// from their bytes rather than their names.
import { fetch } from "undici";

export type MediaType = "png" | "jpeg" | "webp" | "gif" | "mp4";

const MIME: Record<MediaType, string> = {
  png: "image/png",
  jpeg: "image/jpeg",
  webp: "image/webp",
  gif: "image/gif",
  mp4: "video/mp4",
};

/** The type of a file from its first bytes, or null when it is none of the known ones. */
export function sniffMediaType(bytes: Uint8Array): MediaType | null {
  const ascii = (start: number, end: number) => String.fromCharCode(...bytes.subarray(start, end));
  if (bytes.length >= 8 && bytes[0] === 0x89 && ascii(1, 4) === "PNG") return "png";
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff)
    return "jpeg";
  if (bytes.length >= 12 && ascii(0, 4) === "RIFF" && ascii(8, 12) === "WEBP") return "webp";
  if (bytes.length >= 6 && (ascii(0, 6) === "GIF87a" || ascii(0, 6) === "GIF89a")) return "gif";
  if (bytes.length >= 12 && ascii(4, 8) === "ftyp") return "mp4";
  return null;
}

export function mimeOf(type: MediaType): string {
  return MIME[type];
}

export type Download =
  | { ok: true; bytes: Buffer; type: MediaType | null; contentType: string }
  | { ok: false; reason: "too-large" | "failed"; detail: string };

export interface DownloadOptions {
  maxBytes: number;
  timeoutMs?: number;
}

/**
 * GETs a media link, following redirects and keeping its signed query unchanged.
 * Stops reading as soon as the file is larger than `maxBytes`.
 */
export async function downloadMedia(url: string, options: DownloadOptions): Promise<Download> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(options.timeoutMs ?? 60_000) });
    if (!res.ok || res.body === null) {
      await res.body?.cancel();
      return { ok: false, reason: "failed", detail: `HTTP ${res.status}` };
    }
    const declared = Number(res.headers.get("content-length"));
    if (Number.isFinite(declared) && declared > options.maxBytes) {
      await res.body.cancel();
      return { ok: false, reason: "too-large", detail: `${declared} bytes` };
    }
    const chunks: Uint8Array[] = [];
    let size = 0;
    for await (const chunk of res.body) {
      size += chunk.length;
      if (size > options.maxBytes) {
        return { ok: false, reason: "too-large", detail: `more than ${options.maxBytes} bytes` };
      }
      chunks.push(chunk);
    }
    const bytes = Buffer.concat(chunks);
    const type = sniffMediaType(bytes);
    const contentType = type
      ? MIME[type]
      : (res.headers.get("content-type") ?? "application/octet-stream");
    return { ok: true, bytes, type, contentType };
  } catch (error) {
    return {
      ok: false,
      reason: "failed",
      detail: error instanceof Error ? error.message : String(error),
    };
  }
}

/** Pixel size of a PNG, GIF, WebP or JPEG from its header; null when unreadable. */
export function imageSize(bytes: Buffer): { width: number; height: number } | null {
  const type = sniffMediaType(bytes);
  try {
    if (type === "png") return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
    if (type === "gif") return { width: bytes.readUInt16LE(6), height: bytes.readUInt16LE(8) };
    if (type === "webp") return webpSize(bytes);
    if (type === "jpeg") return jpegSize(bytes);
  } catch {
    return null;
  }
  return null;
}

function webpSize(bytes: Buffer): { width: number; height: number } | null {
  const chunk = bytes.toString("ascii", 12, 16);
  if (chunk === "VP8X")
    return { width: 1 + bytes.readUIntLE(24, 3), height: 1 + bytes.readUIntLE(27, 3) };
  if (chunk === "VP8 ")
    return { width: bytes.readUInt16LE(26) & 0x3fff, height: bytes.readUInt16LE(28) & 0x3fff };
  if (chunk === "VP8L") {
    const bits = bytes.readUInt32LE(21);
    return { width: (bits & 0x3fff) + 1, height: ((bits >> 14) & 0x3fff) + 1 };
  }
  return null;
}

function jpegSize(bytes: Buffer): { width: number; height: number } | null {
  let offset = 2;
  while (offset + 9 < bytes.length) {
    if (bytes[offset] !== 0xff) return null;
    const marker = bytes[offset + 1] ?? 0;
    const length = bytes.readUInt16BE(offset + 2);
    // SOF0..SOF15 carry the size, except DHT (C4), JPG (C8) and DAC (CC).
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return { height: bytes.readUInt16BE(offset + 5), width: bytes.readUInt16BE(offset + 7) };
    }
    offset += 2 + length;
  }
  return null;
}

export interface ImageSizeOptions {
  /** Give up when this many bytes came without a readable header (default 256 kB). */
  maxBytes?: number;
  timeoutMs?: number;
}

/**
 * The pixel size of a linked image from its first bytes only: asks for a range, and stops
 * reading as soon as the header is in (a server that ignores the range is cut off there).
 * Null when the link fails or shows no known header within `maxBytes`.
 */
export async function fetchImageSize(
  url: string,
  options: ImageSizeOptions = {},
): Promise<{ width: number; height: number } | null> {
  const maxBytes = options.maxBytes ?? 256 * 1024;
  try {
    const res = await fetch(url, {
      headers: { range: `bytes=0-${maxBytes - 1}` },
      signal: AbortSignal.timeout(options.timeoutMs ?? 20_000),
    });
    if (!res.ok || res.body === null) {
      await res.body?.cancel();
      return null;
    }
    let bytes = Buffer.alloc(0);
    // Leaving the loop early cancels the body, which closes the connection.
    for await (const chunk of res.body) {
      bytes = Buffer.concat([bytes, chunk]);
      const size = imageSize(bytes);
      if (size) return size;
      if (bytes.length >= maxBytes) return null;
    }
    return null;
  } catch {
    return null;
  }
}
