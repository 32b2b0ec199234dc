import { describe, expect, it } from "vitest";
import { plainWords } from "../../src/mj/messages.js";

describe("plainWords", () => {
  it.each([
    ["可能包含敏感词", /word filter/],
    ["执行超时 5 分钟", /timed out after 5 minutes/],
    ["任务提交超时", /waited in the queue too long/],
    ["超时，未找到消息", /did not answer in time/],
    ["上游任务超时（超过1小时）", /within an hour/],
    ["取消任务", /cancelled/],
    ["视频功能未启用", /Video is not enabled/],
    ["未开启 REMIX，无法使用视频扩展功能", /Remix switched on/],
    ["当前账号不支持编辑/重绘任务", /cannot edit/],
    ["用户今日绘图次数已达上限", /Today's image limit/],
    ["unknown_action:MJ::Job::PicReader::1", /does not support this button/],
    ["quota_not_enough", /run out of credit/],
    ["排队中，前面还有2个任务", /排队中/],
  ])("%s", (text, expected) => {
    expect(plainWords(text)).toMatch(expected);
  });

  it("shows Midjourney's own English reasons as they are", () => {
    const reason =
      "[Banned prompt detected] Sorry! Our AI moderator thinks this prompt is probably against our community standards.";
    expect(plainWords(reason)).toBe(reason);
  });

  it("is empty for nothing", () => {
    expect(plainWords(null)).toBe("");
    expect(plainWords("  ")).toBe("");
  });
});
