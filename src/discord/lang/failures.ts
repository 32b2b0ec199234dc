// A job's failure and note in the words of the member who started it. The jobs layer keeps
// codes (src/jobs/job.ts JOB_CODES, `#timed-out N` for a job closed at its deadline, `#proxy
// {…}` for a proxy's refusal); a task that ended failed keeps the proxy's own reason with its
// result. Jobs stored before codes keep English sentences: those are recognised and
// translated (any other is shown as it is).
import { JOB_CODES, type Job, PROXY_FAILURE, TIMED_OUT_FAILURE } from "../../jobs/job.js";
import { en, type Texts } from "./en.js";
import { langOf, textsFor } from "./index.js";
import { type ProxyProblem, proxyText, proxyWords } from "./proxy.js";

type FixedKey = Exclude<keyof typeof JOB_CODES, "couldNotMake">;
const CODES: Record<string, FixedKey> = {
  [JOB_CODES.storeDown]: "storeDown",
  [JOB_CODES.mayBeRunning]: "mayBeRunning",
  [JOB_CODES.formSkipped]: "formSkipped",
  [JOB_CODES.unknownToProxy]: "unknownToProxy",
  [JOB_CODES.neverFound]: "neverFound",
  [JOB_CODES.cannotSearch]: "cannotSearch",
};

/**
 * Only for jobs stored before codes: the English sentences the bot then stored as words, by
 * their key, and the old timeout sentence. New jobs store codes.
 */
const SENTENCES = [
  "storeDown",
  "mayBeRunning",
  "formSkipped",
  "unknownToProxy",
  "neverFound",
  "cannotSearch",
  "couldNotMake",
] as const;
const OLD_TIMED_OUT = /^No result after (\d+) minutes?\. Midjourney may still finish it/;

/** A stored code or sentence in the reader's words; null: not one the bot knows. */
function known(t: Texts, stored: string): string | null {
  const fixed = CODES[stored];
  if (fixed) return t.failure[fixed];
  if (stored.startsWith(TIMED_OUT_FAILURE)) {
    const minutes = Number(stored.slice(TIMED_OUT_FAILURE.length));
    if (Number.isFinite(minutes)) return t.failure.timedOut(minutes);
  }
  for (const key of SENTENCES) if (stored === en.failure[key]) return t.failure[key];
  const minutes = OLD_TIMED_OUT.exec(stored)?.[1];
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
  // The task ended failed: the proxy's own reason, if it gave one.
  if (result?.status === "FAILURE" || failure === JOB_CODES.couldNotMake) {
    return proxyText(langOf(job.locale), result?.failReason) || t.failure.couldNotMake;
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
