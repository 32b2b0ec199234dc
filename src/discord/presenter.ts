// Shows jobs: downloads a finished job's media (re-hosting it before the proxy's links
// expire), renders the message and hands it to the publisher. The media is downloaded once
// per final state and kept until that state is delivered or given up. A final state Discord
// refuses for good is given up: the member is told privately, one warning names the channel
// and what the bot lacks, and show() resolves so the job is not offered again.
// Results of different jobs are delivered side by side (download, then upload), a bounded
// number at once, so that a burst of finished jobs neither waits in single file nor holds
// every picture in memory at the same time.
import pLimit, { type LimitFunction } from "p-limit";
import type { Job } from "../jobs/job.js";
import type { Logger } from "../log.js";
import { downloadMedia } from "../mj/media.js";
import { ALL_OFFERS, type Offers } from "./components.js";
import { MediaCache } from "./media-cache.js";
import type { Publisher } from "./publisher.js";
import { describeRefusal, notShownWords, type Refusal } from "./refusals.js";
import { type MessageFile, type ResultMedia, renderJob } from "./render.js";

/** Discord refuses a request larger than this, whatever the per-file limit. */
const REQUEST_LIMIT = 25 * 1024 * 1024;
const MAX_FILES = 10;
/** Results delivered at once by default: each holds its media until it is uploaded. */
export const DELIVERIES_AT_ONCE = 16;

export class Presenter {
  private readonly downloaded = new MediaCache();
  private readonly deliveries: LimitFunction;

  constructor(
    private readonly publisher: Publisher,
    private readonly log: Pick<Logger, "warn">,
    /** What messages may offer now (what the proxy was learned to lack is left out). */
    private readonly offers: () => Offers = () => ALL_OFFERS,
    deliveriesAtOnce = DELIVERIES_AT_ONCE,
  ) {
    this.deliveries = pLimit(deliveriesAtOnce);
  }

  /**
   * Shows the job's current state; resolves once a final state is on Discord, or was given
   * up because Discord refuses it for good (the member was told privately).
   */
  async show(job: Job): Promise<void> {
    const final = job.phase === "done" || job.phase === "failed";
    const refusal =
      job.phase === "done"
        ? await this.deliveries(async () => this.publish(job, await this.mediaOnce(job), true))
        : await this.publish(job, undefined, final);
    if (!final) return;
    this.downloaded.delete(job.id);
    if (refusal) await this.giveUp(job, refusal);
  }

  private publish(job: Job, media: ResultMedia | undefined, final: boolean) {
    return this.publisher.show(job.id, job.message, renderJob(job, media, this.offers()), final);
  }

  /** A final state Discord will not take: tell the member, and say so once in the log. */
  private async giveUp(job: Job, refusal: Refusal): Promise<void> {
    const told = await this.publisher.tellPrivately(
      job.message,
      job.userId,
      notShownWords(job, refusal),
      refusal,
    );
    const member =
      told.via === null
        ? `the member could not be told (${told.why})`
        : `the member was told by ${told.via === "dm" ? "DM" : "an ephemeral follow-up"}`;
    this.log.warn(
      {
        jobId: job.id,
        channelId: refusal.channelId,
        code: refusal.code,
        status: refusal.status,
        missing: refusal.needs,
        toldBy: told.via,
      },
      `${describeRefusal(refusal)}; job ${job.id} (${job.phase === "done" ? "result" : "failure"}) not shown, ${member}`,
    );
  }

  /** The job's media, downloaded on the first try of its final state only. */
  private async mediaOnce(job: Job): Promise<ResultMedia> {
    const key = JSON.stringify([job.taskId, job.message.attachmentSizeLimit, job.result]);
    const kept = this.downloaded.get(job.id, key);
    if (kept) return kept;
    const media = await this.media(job);
    this.downloaded.set(job.id, key, media);
    return media;
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
