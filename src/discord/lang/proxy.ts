// What the proxy said, in the member's words. Proxies answer in Chinese or English depending
// on the server and version (docs/proxy-behaviour.md §0): a Chinese reader sees a Chinese text
// as it is; an English reader sees the known ones (src/mj/messages.ts) in plain English, and
// any other in a code span after a sentence that says whose words they are.
import type { ProxyErrorKind, ProxyReason } from "../../mj/errors.js";
import { plainWords } from "../../mj/messages.js";
import type { Lang, Texts } from "./index.js";
import { langOf, textsFor } from "./index.js";

/** What a ProxyError carries (also as a job keeps it, see lang/failures.ts). */
export interface ProxyProblem {
  kind: ProxyErrorKind;
  reason: ProxyReason;
  code?: number | undefined;
  httpStatus?: number | undefined;
  description?: string | undefined;
  /** Code 24: the word Midjourney's filter flagged (as a job keeps it)… */
  bannedWord?: string | undefined;
  /** …or as the error carries it. */
  properties?: Record<string, unknown>;
}

function bannedWordOf(problem: ProxyProblem): string {
  const word = problem.bannedWord ?? problem.properties?.bannedWord;
  return typeof word === "string" ? word : "";
}

const CJK = /[\u3400-\u9fff\uf900-\ufaff]/;

/** A proxy's text quoted in a code span: its own backticks would end it. */
const quoted = (text: string) => text.replace(/`/g, "'").slice(0, 400);

/** A proxy's own text (description, failReason) as `lang` reads it; "" for none. */
export function proxyText(lang: Lang, text: string | null | undefined): string {
  const raw = (text ?? "").trim();
  if (raw === "") return "";
  const t = textsFor(lang);
  if (lang === "zh-CN") {
    // Chinese stays as the proxy wrote it; a gateway's English keyword is quoted.
    return CJK.test(raw) ? raw : t.proxy.untranslated(quoted(raw));
  }
  const plain = plainWords(raw);
  if (plain !== raw || !CJK.test(raw)) return plain;
  return t.proxy.untranslated(quoted(raw));
}

/** A proxy error in the reader's words. */
export function proxyWords(locale: string | null | undefined, problem: ProxyProblem): string {
  const lang = langOf(locale);
  const t: Texts = textsFor(lang);
  const said = proxyText(lang, problem.description);
  const { code, httpStatus } = problem;
  switch (problem.reason) {
    case "may-run": {
      const what =
        problem.kind === "rejected"
          ? said || t.proxy.problemCode(code)
          : problem.kind === "http"
            ? t.proxy.problemHttp(httpStatus)
            : t.proxy.noAnswer;
      return `${what} ${t.proxy.mayStillRun}`;
    }
    case "banned-word":
      return t.proxy.bannedWord(bannedWordOf(problem));
    case "banned-prompt":
      return t.proxy.bannedPrompt;
    case "queue-full":
      return t.proxy.queueFull;
    case "busy":
      return t.proxy.busy;
    case "refused":
      return said || t.proxy.refusedCode(code);
    case "key-refused":
      return t.proxy.keyRefused;
    case "no-route":
      return t.proxy.noRoute;
    case "http":
      return said || t.proxy.httpTryAgain(httpStatus);
    case "unreachable":
      return t.proxy.unreachable;
    case "unexpected":
      return t.proxy.unexpected;
  }
}
