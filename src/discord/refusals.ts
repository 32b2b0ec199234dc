// Discord's answers that no retry will change: the message is gone, the channel refuses the
// bot, the channel is gone. What the refusal was, the log line that names it, and the words
// that tell the member.
import { DiscordAPIError } from "discord.js";
import type { Job } from "../jobs/job.js";
import { failureWords } from "./lang/failures.js";
import { type Texts, textsFor } from "./lang/index.js";
import { showPrompt } from "./render.js";

export const UNKNOWN_CHANNEL = 10003;
export const UNKNOWN_MESSAGE = 10008;
export const MISSING_ACCESS = 50001;
export const MISSING_PERMISSIONS = 50013;

/** A request Discord refused for good, and what it would have needed. */
export interface Refusal {
  /** Discord's error code (0 when it gave none) and the HTTP status. */
  code: number;
  status: number;
  /** The channel the job is shown in. */
  channelId: string;
  /** The permissions the refused request needed, by the names Discord's settings show. */
  needs: string[];
}

/**
 * Whether Discord refused the request in a way asking again soon will not change: a 4xx
 * other than 429 (waited out) and 401 (a refused bot token, which ends the app).
 */
export function refusedForGood(error: unknown): error is DiscordAPIError {
  return (
    error instanceof DiscordAPIError &&
    error.status >= 400 &&
    error.status < 500 &&
    error.status !== 401 &&
    error.status !== 429
  );
}

/**
 * Whether a few more tries may help: a permission an admin may give back, a channel
 * Discord may answer for again. A body Discord refused (400, 413) fails the same way again.
 */
export function mayChange(refusal: Refusal): boolean {
  return refusal.status === 403 || refusal.code === UNKNOWN_CHANNEL;
}

export function isUnknownMessage(error: unknown): boolean {
  return error instanceof DiscordAPIError && Number(error.code) === UNKNOWN_MESSAGE;
}

/** The refusal an error stands for, with the permissions its request needed. */
export function refusalOf(error: DiscordAPIError, channelId: string): Refusal {
  const code = Number(error.code) || 0;
  const creates = error.method.toUpperCase() === "POST";
  const files = (error.requestBody.files?.length ?? 0) > 0;
  let needs: string[] = [];
  if (code === MISSING_ACCESS) needs = ["View Channel"];
  else if (code === MISSING_PERMISSIONS) {
    needs = [...(creates || !files ? ["Send Messages"] : []), ...(files ? ["Attach Files"] : [])];
  }
  return { code, status: error.status, channelId, needs };
}

/** What went wrong, for the log: "cannot post in channel 123: the bot lacks View Channel (Discord 50001)". */
export function describeRefusal(refusal: Refusal): string {
  return `cannot post in channel ${refusal.channelId}: ${reason(refusal, "the bot")}`;
}

function reason(refusal: Refusal, who: string): string {
  switch (refusal.code) {
    case MISSING_ACCESS:
    case MISSING_PERMISSIONS:
      return `${who} lacks ${refusal.needs.join(" / ")} (Discord ${refusal.code})`;
    case UNKNOWN_CHANNEL:
      return "the channel no longer exists (Discord 10003)";
    case UNKNOWN_MESSAGE:
      return "the message was deleted (Discord 10008)";
    default:
      return `Discord refused the message (HTTP ${refusal.status}, Discord ${refusal.code})`;
  }
}

/** Why, in the member's words. */
function why(refusal: Refusal, t: Texts): string {
  switch (refusal.code) {
    case MISSING_ACCESS:
    case MISSING_PERMISSIONS:
      return t.notShown.lacks(refusal.needs);
    case UNKNOWN_CHANNEL:
      return t.notShown.channelGone;
    default:
      return t.notShown.refused(refusal.code || refusal.status);
  }
}

/** The private word for a member whose finished job could not be shown (in the job's language). */
export function notShownWords(job: Job, refusal: Refusal): string {
  const t = textsFor(job.locale);
  const prompt = showPrompt(job.prompt, 200, t.job.noPrompt);
  const where = `<#${refusal.channelId}>`;
  if (job.phase === "done") return t.notShown.result(prompt, where, why(refusal, t));
  return t.notShown.failed(prompt, failureWords(job), where, why(refusal, t));
}
