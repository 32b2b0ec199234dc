/** Image inputs as the proxies accept them: data URI, bare base64 (PNG) or an http(s) URL. */
import { pngSize } from "./images.js";
import type { Aspect } from "./prompt.js";

export type ImageInput =
  | { kind: "bytes"; bytes: Buffer; contentType: string }
  | { kind: "url"; url: string };

const BASE64_RE = /^[A-Za-z0-9+/]+={0,2}$/;
const DATA_URI_RE = /^data:([\w.+-]+\/[\w.+-]+)?(?:;[\w-]+=[\w.-]+)*;base64,(.*)$/s;

function sniff(bytes: Buffer): string {
  if (bytes[0] === 0x89 && bytes[1] === 0x50) return "image/png";
  if (bytes[0] === 0xff && bytes[1] === 0xd8) return "image/jpeg";
  if (bytes.subarray(0, 3).toString("latin1") === "GIF") return "image/gif";
  if (bytes.subarray(8, 12).toString("latin1") === "WEBP") return "image/webp";
  return "image/png";
}

export function decodeBase64(data: string): Buffer | undefined {
  const clean = data.replace(/\s+/g, "");
  if (clean.length === 0 || clean.length % 4 === 1 || !BASE64_RE.test(clean)) return undefined;
  const bytes = Buffer.from(clean, "base64");
  return bytes.length > 0 ? bytes : undefined;
}

/**
 * Parses one image input. `undefined` when absent or empty, `"invalid"` when it is neither a
 * URL nor decodable base64 (the proxies answer code 4 `base64格式错误`).
 */
export function parseImage(value: unknown): ImageInput | "invalid" | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") return "invalid";
  const v = value.trim();
  if (v === "") return undefined;
  if (/^https?:\/\/\S+$/i.test(v)) return { kind: "url", url: v };
  const m = DATA_URI_RE.exec(v);
  if (m) {
    const bytes = decodeBase64(m[2] ?? "");
    if (!bytes) return "invalid";
    const mime = (m[1] ?? "").toLowerCase();
    return { kind: "bytes", bytes, contentType: mime.startsWith("image/") ? mime : sniff(bytes) };
  }
  if (v.startsWith("data:")) return "invalid";
  const bytes = decodeBase64(v);
  return bytes ? { kind: "bytes", bytes, contentType: sniff(bytes) } : "invalid";
}

/** A stable identity for an input (bytes or URL), for deterministic derivations. */
export function inputKey(input: ImageInput): string | Buffer {
  return input.kind === "url" ? input.url : input.bytes;
}

/** Nearest common aspect of an uploaded PNG, else 1:1. */
export function aspectOfInput(input: ImageInput | undefined): Aspect {
  const size = input?.kind === "bytes" ? pngSize(input.bytes) : undefined;
  if (!size || size.width === 0 || size.height === 0) return [1, 1];
  const ratios: Aspect[] = [
    [1, 1],
    [4, 3],
    [3, 4],
    [3, 2],
    [2, 3],
    [16, 9],
    [9, 16],
    [2, 1],
    [1, 2],
  ];
  const target = Math.log(size.width / size.height);
  let best: Aspect = [1, 1];
  for (const r of ratios) {
    if (Math.abs(Math.log(r[0] / r[1]) - target) < Math.abs(Math.log(best[0] / best[1]) - target))
      best = r;
  }
  return best;
}
