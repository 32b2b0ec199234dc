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
