// A job's failure and note in the words of the member who started it. The jobs layer keeps
// codes (src/jobs/launch.ts JOB_CODES, `#proxy {…}` for a proxy's refusal); a task that ended
// in FAILURE keeps the proxy's own reason; older jobs, and the tracker's closings, keep
// English sentences, which are recognised and translated (any other is shown as it is).
import type { Job } from "../../jobs/job.js";
import { JOB_CODES, PROXY_FAILURE } from "../../jobs/launch.js";
import { en, type Texts } from "./en.js";
import { langOf, textsFor } from "./index.js";
import { type ProxyProblem, proxyText, proxyWords } from "./proxy.js";

type FixedKey = "storeDown" | "mayBeRunning" | "formSkipped";
const CODES: Record<string, FixedKey> = {
  [JOB_CODES.storeDown]: "storeDown",
  [JOB_CODES.mayBeRunning]: "mayBeRunning",
  [JOB_CODES.formSkipped]: "formSkipped",
};

/** English sentences stored as words (by the tracker, or before codes), by their key. */
const SENTENCES = [
  "storeDown",
  "mayBeRunning",
  "formSkipped",
  "unknownToProxy",
  "neverFound",
  "cannotSearch",
  "couldNotMake",
] as const;
const TIMED_OUT = /^No result after (\d+) minutes?\. Midjourney may still finish it/;

/** A stored code or sentence in the reader's words; null: not one the bot knows. */
function known(t: Texts, stored: string): string | null {
  const fixed = CODES[stored];
  if (fixed) return t.failure[fixed];
  for (const key of SENTENCES) if (stored === en.failure[key]) return t.failure[key];
  const minutes = TIMED_OUT.exec(stored)?.[1];
  if (minutes !== undefined) return t.failure.timedOut(Number(minutes));
  return null;
}

/** A proxy's refusal a job keeps (`#proxy {…}`), or null. */
function storedProblem(stored: string): ProxyProblem | null {
  if (!stored.startsWith(PROXY_FAILURE)) return null;
  try {
    return JSON.parse(stored.slice(PROXY_FAILURE.length)) as ProxyProblem;
  } catch {
    return null;
  }
}

/** Why the job failed, in its member's language. */
export function failureWords(job: Pick<Job, "failure" | "result" | "locale">): string {
  const t = textsFor(job.locale);
  const { result, failure } = job;
  if (result?.status === "FAILURE") {
    return proxyText(langOf(job.locale), result.failReason) || t.failure.couldNotMake;
  }
  if (!failure) return t.job.failed;
  const problem = storedProblem(failure);
  if (problem) return proxyWords(job.locale, problem);
  return known(t, failure) ?? failure;
}

/** The note a job carries, in its member's language. */
export function noteWords(job: Pick<Job, "note" | "locale">): string | null {
  if (!job.note) return null;
  return known(textsFor(job.locale), job.note) ?? job.note;
}
