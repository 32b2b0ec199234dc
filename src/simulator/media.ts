/**
 * The simulator's "CDN": media registered under /sim/… paths, rendered lazily and cached.
 * Uploads (base64 inputs) are kept here too, so the prompts can carry real URLs.
 */

import { shortHash } from "./ids.js";
import { fakeMp4, type RenderSpec, renderPng } from "./images.js";

type MediaSpec =
  | { kind: "png"; spec: RenderSpec }
  | { kind: "bytes"; bytes: Buffer; contentType: string }
  | { kind: "mp4"; key: string };

export interface MediaBody {
  bytes: Buffer;
  contentType: string;
}

const CACHE_BYTES = 96 * 1024 * 1024;
const MAX_UPLOADS = 500;

const EXTENSIONS: Record<string, string> = {
  "image/png": "png",
  "image/jpeg": "jpg",
  "image/jpg": "jpg",
  "image/webp": "webp",
  "image/gif": "gif",
  "video/mp4": "mp4",
};

export class MediaStore {
  private readonly specs = new Map<string, MediaSpec>();
  private readonly cache = new Map<string, MediaBody>();
  private cacheBytes = 0;
  private readonly uploads: string[] = [];

  constructor(private readonly base: () => string) {}

  /** Absolute URL for a /sim/… path. */
  url(path: string): string {
    return `${this.base()}${path}`;
  }

  /** Registers a PNG to be rendered on first GET; returns its absolute URL. */
  png(path: string, spec: RenderSpec): string {
    this.specs.set(path, { kind: "png", spec });
    return this.url(path);
  }

  mp4(path: string, key: string): string {
    this.specs.set(path, { kind: "mp4", key });
    return this.url(path);
  }

  /** Stores uploaded bytes; the same bytes get the same URL. */
  upload(bytes: Buffer, contentType: string): string {
    const ext = EXTENSIONS[contentType] ?? "bin";
    const path = `/sim/uploads/${shortHash(bytes)}.${ext}`;
    if (!this.specs.has(path)) {
      this.specs.set(path, { kind: "bytes", bytes, contentType });
      this.uploads.push(path);
      if (this.uploads.length > MAX_UPLOADS) this.specs.delete(this.uploads.shift() as string);
    }
    return this.url(path);
  }

  /** The bytes at a path (query ignored), or undefined. */
  get(path: string): MediaBody | undefined {
    const cached = this.cache.get(path);
    if (cached) {
      // Refresh LRU position.
      this.cache.delete(path);
      this.cache.set(path, cached);
      return cached;
    }
    const spec = this.specs.get(path);
    if (!spec) return undefined;
    let body: MediaBody;
    switch (spec.kind) {
      case "bytes":
        return { bytes: spec.bytes, contentType: spec.contentType };
      case "mp4":
        body = { bytes: fakeMp4(spec.key), contentType: "video/mp4" };
        break;
      case "png":
        body = { bytes: renderPng(spec.spec), contentType: "image/png" };
        break;
    }
    this.remember(path, body);
    return body;
  }

  private remember(path: string, body: MediaBody): void {
    this.cache.set(path, body);
    this.cacheBytes += body.bytes.length;
    for (const [key, old] of this.cache) {
      if (this.cacheBytes <= CACHE_BYTES) break;
      this.cache.delete(key);
      this.cacheBytes -= old.bytes.length;
    }
  }
}
