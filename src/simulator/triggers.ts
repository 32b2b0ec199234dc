/**
 * Trigger words: put one in any prompt (imagine, shorten, video, edits, modal prompts) to make
 * the simulator misbehave on purpose. Keep this table and docs/simulator.md in step.
 *
 * | word               | when   | effect                                                               |
 * |--------------------|--------|----------------------------------------------------------------------|
 * | sim:banned         | submit | code 24 `可能包含敏感词`, properties.promptEn + bannedWord (java/plus) |
 * | sim:queue-full     | submit | code 23 `队列已满，请稍后尝试` (java/plus)                             |
 * | sim:busy           | submit | code 9 `提交失败，队列已满，请稍后重试` (trueai's queue full)           |
 * | sim:invalid        | submit | code 4 `提交失败，参数错误`                                             |
 * | sim:no-account     | submit | code 3 `无可用的账号实例`                                               |
 * | sim:http500        | submit | HTTP 500, plain-text body                                            |
 * | sim:gateway-error  | submit | HTTP 400 `{"description":…,"type":"upstream_error","code":5}`         |
 * | sim:overloaded     | submit | HTTP 429 `{"description":…,"type":"upstream_error","code":30}`        |
 * | sim:queued         | submit | code 22 `排队中，前面还有2个任务`, numberOfQueues 2; NOT_START 3 steps  |
 * | sim:fail           | run    | FAILURE `[Banned prompt detected] Sorry! …` right after SUBMITTED    |
 * | sim:moderated      | run    | FAILURE `可能包含敏感词` when dequeued (no startTime)                  |
 * | sim:timeout        | run    | FAILURE `执行超时 5 分钟` after reaching 46%                           |
 * | sim:slow           | run    | every step takes 10x stepMs                                          |
 * | sim:stuck          | run    | stops at 62% (IN_PROGRESS) forever                                    |
 *
 * Submit-time words act on the request's own prompt. Run-time words act on the task's prompt,
 * so tasks made by pressing a button inherit them from their parent (e.g. sim:slow).
 */
import { envelope, gatewayError, instanceProps, type Reply, text } from "./envelope.js";

export interface TriggerRow {
  word: string;
  when: "submit" | "run";
  effect: string;
}

export const TRIGGERS: readonly TriggerRow[] = [
  { word: "sim:banned", when: "submit", effect: "code 24 可能包含敏感词 (promptEn, bannedWord)" },
  { word: "sim:queue-full", when: "submit", effect: "code 23 队列已满，请稍后尝试 (java)" },
  { word: "sim:busy", when: "submit", effect: "code 9 提交失败，队列已满，请稍后重试 (trueai)" },
  { word: "sim:invalid", when: "submit", effect: "code 4 提交失败，参数错误" },
  { word: "sim:no-account", when: "submit", effect: "code 3 无可用的账号实例" },
  { word: "sim:http500", when: "submit", effect: "HTTP 500" },
  { word: "sim:gateway-error", when: "submit", effect: "HTTP 400 upstream_error code 5" },
  { word: "sim:overloaded", when: "submit", effect: "HTTP 429 upstream_error code 30" },
  {
    word: "sim:queued",
    when: "submit",
    effect: "code 22 排队中，前面还有2个任务; NOT_START 3 steps",
  },
  { word: "sim:fail", when: "run", effect: "FAILURE [Banned prompt detected] Sorry! …" },
  { word: "sim:moderated", when: "run", effect: "FAILURE 可能包含敏感词 at dequeue" },
  { word: "sim:timeout", when: "run", effect: "FAILURE 执行超时 5 分钟 after 46%" },
  { word: "sim:slow", when: "run", effect: "each step takes 10x stepMs" },
  { word: "sim:stuck", when: "run", effect: "stops at 62% forever" },
];

/** Tasks a `sim:queued` submit waits behind. */
export const QUEUED_AHEAD = 2;

export const BANNED_PROMPT_REASON =
  "[Banned prompt detected] Sorry! Our AI moderator thinks this prompt is probably against our community standards.\n\nPlease review our current community standards:\n\n**ALLOWED**\n- Any image up to PG-13 rating involving fiction, fantasy, mythology.\n\n**NOT ALLOWED**\n- Hate speech, explicit or real-world violence.\n- Nudity or unconsented overtly sexualized public figures.";

function has(prompt: string, word: string): boolean {
  return prompt.toLowerCase().includes(word);
}

/** The answer a submit-time trigger forces, if the prompt carries one. */
export function submitTrigger(prompt: string): Reply | undefined {
  if (has(prompt, "sim:http500")) return text(500, "Internal Server Error");
  if (has(prompt, "sim:gateway-error")) {
    return gatewayError(
      400,
      5,
      "do_request_failed: upstream returned an error (sim:gateway-error)",
    );
  }
  if (has(prompt, "sim:overloaded"))
    return gatewayError(429, 30, "当前分组负载已饱和，请稍后再试 ");
  if (has(prompt, "sim:banned")) {
    return envelope(24, "可能包含敏感词", null, { promptEn: prompt, bannedWord: "sim:banned" });
  }
  if (has(prompt, "sim:queue-full")) {
    return envelope(23, "队列已满，请稍后尝试", null, {
      discordInstanceId: instanceProps().discordInstanceId,
    });
  }
  if (has(prompt, "sim:busy"))
    return envelope(9, "提交失败，队列已满，请稍后重试", null, instanceProps());
  if (has(prompt, "sim:invalid")) return envelope(4, "提交失败，参数错误");
  if (has(prompt, "sim:no-account")) return envelope(3, "无可用的账号实例");
  return undefined;
}

export interface RunFlags {
  queued: boolean;
  slow: boolean;
  fail: boolean;
  moderated: boolean;
  timeout: boolean;
  stuck: boolean;
}

export function runFlags(prompt: string | null | undefined): RunFlags {
  const p = prompt ?? "";
  return {
    queued: has(p, "sim:queued"),
    slow: has(p, "sim:slow"),
    fail: has(p, "sim:fail"),
    moderated: has(p, "sim:moderated"),
    timeout: has(p, "sim:timeout"),
    stuck: has(p, "sim:stuck"),
  };
}
