// Shows jobs: downloads a finished job's media (re-hosting it before the proxy's links
// expire), renders the message and hands it to the publisher.
import type { Job } from "../jobs/job.js";
import type { Logger } from "../log.js";
import { downloadMedia } from "../mj/media.js";
import type { Publisher } from "./publisher.js";
import { type MessageFile, type ResultMedia, renderJob } from "./render.js";

/** Discord refuses a request larger than this, whatever the per-file limit. */
const REQUEST_LIMIT = 25 * 1024 * 1024;
const MAX_FILES = 10;

export class Presenter {
  constructor(
    private readonly publisher: Publisher,
    private readonly log: Pick<Logger, "warn">,
  ) {}

  /** Shows the job's current state; resolves once a final state is on Discord. */
  async show(job: Job): Promise<void> {
    const final = job.phase === "done" || job.phase === "failed";
    const media = job.phase === "done" ? await this.media(job) : undefined;
    await this.publisher.show(job.id, job.message, renderJob(job, media), final);
  }

  /** Uploads what fits in the channel's limit; links the rest. */
  private async media(job: Job): Promise<ResultMedia> {
    const media: ResultMedia = { files: [], links: [] };
    if (!job.result) return media;
    let budget = REQUEST_LIMIT;
    for (const [n, url] of mediaUrls(job.result).entries()) {
      if (media.files.length >= MAX_FILES) {
        media.links.push(url);
        continue;
      }
      const limit = Math.min(job.message.attachmentSizeLimit, budget);
      const download = await downloadMedia(url, { maxBytes: limit });
      if (download.ok) {
        budget -= download.bytes.length;
        media.files.push({ name: fileName(job, n, download.type ?? "png"), data: download.bytes });
      } else {
        this.log.warn(
          { jobId: job.id, reason: download.reason, detail: download.detail },
          "result not uploaded",
        );
        media.links.push(url);
      }
    }
    return media;
  }
}

/** What a result shows: a video grid and its videos, an edit's four pictures, or its picture. */
function mediaUrls(result: NonNullable<Job["result"]>): string[] {
  const urls: string[] = [];
  if (result.action === "VIDEO" || result.videoUrls.length > 0) {
    if (result.imageUrl) urls.push(result.imageUrl);
    urls.push(...result.videoUrls.map((v) => v.url));
  } else if (result.imageUrls.length > 0) {
    urls.push(...result.imageUrls.map((i) => i.url));
  } else if (result.imageUrl) {
    urls.push(result.imageUrl);
  }
  return [...new Set(urls)];
}

function fileName(job: Job, n: number, extension: string): MessageFile["name"] {
  const slug = job.prompt
    .toLowerCase()
    .replace(/https?:\/\/\S+/g, "")
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "")
    .slice(0, 40);
  return `mjcord_${slug || job.kind}_${job.taskId}${n > 0 ? `_${n}` : ""}.${extension === "jpeg" ? "jpg" : extension}`;
}
