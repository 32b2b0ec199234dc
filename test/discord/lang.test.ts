import { describe, expect, it } from "vitest";
import { en } from "../../src/discord/lang/en.js";
import { failureWords, noteWords } from "../../src/discord/lang/failures.js";
import { langOf, textsFor } from "../../src/discord/lang/index.js";
import { proxyText, proxyWords } from "../../src/discord/lang/proxy.js";
import { zhCN } from "../../src/discord/lang/zh-CN.js";
import { JOB_CODES, proxyFailure, timedOut } from "../../src/jobs/job.js";
import { ProxyError } from "../../src/mj/errors.js";

describe("the member's language", () => {
  it("zh-CN, zh-TW and zh-HK read Simplified Chinese; every other locale, or none, English", () => {
    for (const locale of ["zh-CN", "zh-TW", "zh-HK"]) expect(textsFor(locale)).toBe(zhCN);
    for (const locale of ["en-US", "en-GB", "ja", "de", "", null, undefined]) {
      expect(langOf(locale)).toBe("en");
      expect(textsFor(locale)).toBe(en);
    }
  });
});

describe("the proxy's own texts", () => {
  it("a Chinese text: as it is for Chinese readers, known ones in English for others", () => {
    expect(proxyText("zh-CN", "执行超时 5 分钟")).toBe("执行超时 5 分钟");
    expect(proxyText("en", "执行超时 5 分钟")).toBe(
      "Midjourney took too long and the job timed out after 5 minutes.",
    );
  });

  it("an unknown Chinese text: a sentence and the original in a code span for English readers", () => {
    expect(proxyText("en", "未知的`错误`")).toBe("The Midjourney proxy said: `未知的'错误'`");
    expect(proxyText("zh-CN", "未知的错误")).toBe("未知的错误");
  });

  it("an English text: as it is for English readers, quoted for Chinese ones", () => {
    expect(proxyText("en", "Prompt too long")).toBe("Prompt too long");
    expect(proxyText("zh-CN", "Prompt too long")).toBe("Midjourney 代理返回：`Prompt too long`");
    expect(proxyText("en", "  ")).toBe("");
  });

  it("a refusal is worded from its reason code and numbers", () => {
    const key = new ProxyError({ kind: "http", httpStatus: 401 });
    expect(key.reason).toBe("key-refused");
    expect(proxyWords("en-US", key)).toBe(en.proxy.keyRefused);
    expect(proxyWords("zh-CN", key)).toBe(zhCN.proxy.keyRefused);
    const lost = new ProxyError({ kind: "http", httpStatus: 502, mayHaveSubmitted: true });
    expect(lost.reason).toBe("may-run");
    expect(proxyWords("zh-CN", lost)).toBe(
      `${zhCN.proxy.problemHttp(502)} ${zhCN.proxy.mayStillRun}`,
    );
  });
});

describe("a job's failure and note", () => {
  const job = (over: Partial<Parameters<typeof failureWords>[0]>) => ({
    failure: null,
    result: null,
    ...over,
  });

  it("codes of the jobs layer, in the language of the member who started the job", () => {
    expect(failureWords(job({ failure: JOB_CODES.storeDown, locale: "zh-CN" }))).toBe(
      zhCN.failure.storeDown,
    );
    expect(failureWords(job({ failure: JOB_CODES.storeDown }))).toBe(en.failure.storeDown);
    expect(noteWords({ note: JOB_CODES.mayBeRunning, locale: "zh-HK" })).toBe(
      zhCN.failure.mayBeRunning,
    );
  });

  it("a proxy's refusal kept with the job: its reason and the proxy's words", () => {
    const error = new ProxyError({ kind: "rejected", code: 4, description: "参数错误" });
    const failure = proxyFailure(error);
    expect(failureWords(job({ failure, locale: "zh-CN" }))).toBe("参数错误");
    expect(failureWords(job({ failure, locale: "en-US" }))).toBe(
      "The request to the proxy was incomplete.",
    );
    const banned = proxyFailure(
      new ProxyError({ kind: "rejected", code: 24, properties: { bannedWord: "nude" } }),
    );
    expect(failureWords(job({ failure: banned, locale: "zh-CN" }))).toBe(
      zhCN.proxy.bannedWord("nude"),
    );
  });

  it("the tracker's codes are worded in the member's language", () => {
    for (const key of ["unknownToProxy", "neverFound", "cannotSearch"] as const) {
      expect(failureWords(job({ failure: JOB_CODES[key], locale: "zh-CN" }))).toBe(
        zhCN.failure[key],
      );
      expect(failureWords(job({ failure: JOB_CODES[key] }))).toBe(en.failure[key]);
    }
    expect(failureWords(job({ failure: timedOut(30), locale: "zh-CN" }))).toBe(
      zhCN.failure.timedOut(30),
    );
    expect(failureWords(job({ failure: timedOut(1) }))).toBe(en.failure.timedOut(1));
    expect(failureWords(job({ failure: JOB_CODES.couldNotMake, locale: "zh-CN" }))).toBe(
      zhCN.failure.couldNotMake,
    );
  });

  it("English sentences stored before codes are translated; others shown as they are", () => {
    expect(failureWords(job({ failure: en.failure.neverFound, locale: "zh-CN" }))).toBe(
      zhCN.failure.neverFound,
    );
    expect(failureWords(job({ failure: en.failure.timedOut(30), locale: "zh-CN" }))).toBe(
      zhCN.failure.timedOut(30),
    );
    expect(failureWords(job({ failure: "Something else.", locale: "zh-CN" }))).toBe(
      "Something else.",
    );
    expect(failureWords(job({ locale: "zh-CN" }))).toBe(zhCN.job.failed);
  });
});
