// Member images out of job records. A job's request keeps what Retry needs, but its data URIs
// (uploads of up to MAX_IMAGE_MB each) would be rewritten with every progress write, so the
// record holds short references and the pictures are stashed once, with an expiry (the
// store's sweep deletes them, and a job that succeeds drops them at once).
import type { SubmitRequest } from "./submit.js";

const DATA_URI = /^data:[^,;]*(;[^,;]*)*;base64,/;
const REF = /^mjcord-image:([^:]+):(\d+)$/;

/** The stash key of a job's pictures. */
export function imagesKey(jobId: string): string {
  return `images:${jobId}`;
}

/** How long a job's pictures are kept for Retry: its deadline, then an hour to press it. */
export function imagesTtlMs(deadlineMs: number): number {
  return deadlineMs + 60 * 60_000;
}

/** The request with each data URI replaced by a reference, and the pictures in order. */
export function setImagesAside(
  request: SubmitRequest,
  jobId: string,
): { request: SubmitRequest; images: string[] } {
  const images: string[] = [];
  const kept = mapStrings(request, (value) => {
    if (!DATA_URI.test(value)) return value;
    images.push(value);
    return `mjcord-image:${jobId}:${images.length - 1}`;
  });
  return { request: images.length === 0 ? request : kept, images };
}

/** The job whose stash a request's references point to; null when it has none. */
export function imagesOwner(request: SubmitRequest): string | null {
  let owner: string | null = null;
  mapStrings(request, (value) => {
    owner ??= REF.exec(value)?.[1] ?? null;
    return value;
  });
  return owner;
}

/** The request with its references replaced by the pictures; null when any is missing. */
export function restoreImages(
  request: SubmitRequest,
  images: readonly string[] | undefined,
): SubmitRequest | null {
  let missing = false;
  const restored = mapStrings(request, (value) => {
    const ref = REF.exec(value);
    if (!ref) return value;
    const image = images?.[Number(ref[2])];
    if (image === undefined) missing = true;
    return image ?? value;
  });
  return missing ? null : restored;
}

/** The request with `change` applied to every string field and every string in an array. */
function mapStrings(request: SubmitRequest, change: (value: string) => string): SubmitRequest {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(request)) {
    if (key === "type") out[key] = value;
    else if (typeof value === "string") out[key] = change(value);
    else if (Array.isArray(value))
      out[key] = value.map((v: unknown) => (typeof v === "string" ? change(v) : v));
    else out[key] = value;
  }
  return out as SubmitRequest;
}
