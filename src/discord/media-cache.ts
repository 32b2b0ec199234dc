// A finished job's downloaded media, kept until its final message is delivered or given up,
// so that a final offered again (after Discord failed it for a while) is not downloaded
// again. Bounded: past `maxBytes` the oldest entries go (and would be downloaded again).
import type { ResultMedia } from "./render.js";

interface Entry {
  key: string;
  media: ResultMedia;
  bytes: number;
}

export class MediaCache {
  private readonly entries = new Map<string, Entry>();
  private total = 0;

  constructor(private readonly maxBytes = 128 * 1024 * 1024) {}

  /** The media kept for this job, if it was made from the same links (`key`). */
  get(jobId: string, key: string): ResultMedia | undefined {
    const entry = this.entries.get(jobId);
    return entry?.key === key ? entry.media : undefined;
  }

  set(jobId: string, key: string, media: ResultMedia): void {
    this.delete(jobId);
    const bytes = media.files.reduce((n, f) => n + f.data.length, 0);
    if (bytes > this.maxBytes) return;
    this.entries.set(jobId, { key, media, bytes });
    this.total += bytes;
    for (const [id, entry] of this.entries) {
      if (this.total <= this.maxBytes) break;
      this.entries.delete(id);
      this.total -= entry.bytes;
    }
  }

  delete(jobId: string): void {
    const entry = this.entries.get(jobId);
    if (!entry) return;
    this.entries.delete(jobId);
    this.total -= entry.bytes;
  }

  get size(): number {
    return this.entries.size;
  }
}
