// Results with several pictures or videos render as Components V2: the words in a Text
// Display, the media in a Media Gallery naming the uploaded files, the buttons as before.
// Each view is checked against Discord's OpenAPI document and the fake's Discord rules.
import { ComponentType, MessageFlags } from "discord.js";
import { describe, expect, it } from "vitest";
import { viewRows, viewText } from "../../src/discord/gallery.js";
import { payload } from "../../src/discord/publisher.js";
import { type MessageFile, type MessageView, renderJob } from "../../src/discord/render.js";
import { type Job, resultOf } from "../../src/jobs/job.js";
import { messageProblems, type UploadedFile } from "../fakes/rules.js";
import { validateBody } from "../fakes/schema.js";
import { fixtureTask } from "../support/fixtures.js";
import { testJob } from "../support/jobs.js";

const USER = "1302244873065467906";

function doneJob(fixture: string, overrides: Partial<Job> = {}): Job {
  const task = fixtureTask(fixture);
  return testJob({
    userId: USER,
    taskId: task.id,
    phase: "done",
    rank: 4,
    progress: 100,
    result: resultOf(task),
    request: null,
    ...overrides,
  });
}

const file = (name: string): MessageFile => ({ name, data: Buffer.from([0x89, 0x50, 0x4e, 0x47]) });
const pictures = (n: number) => Array.from({ length: n }, (_, i) => file(`mjcord_edit_${i}.png`));

const uploads = (view: MessageView): UploadedFile[] =>
  view.files.map((f, n) => ({
    field: `files[${n}]`,
    filename: f.name,
    contentType: "image/png",
    size: f.data.length,
    bytes: new Uint8Array(f.data),
  }));

/** Every problem Discord would have with the view as the final edit of a plain progress message. */
function discordProblems(view: MessageView): string[] {
  const body = payload(view);
  return [
    ...validateBody("IncomingWebhookUpdateRequestPartial", body).map(
      (i) => `${i.path}: ${i.message}`,
    ),
    ...validateBody("MessageEditRequestPartial", body).map((i) => `${i.path}: ${i.message}`),
    ...validateBody("MessageCreateRequest", body).map((i) => `${i.path}: ${i.message}`),
    ...messageProblems(body, {
      create: false,
      files: uploads(view),
      sizeLimit: 10 * 1024 * 1024,
      existingFlags: 0,
      existingContent: "🎨 ▰▰▰▰▰▱▱▱▱▱ 50%",
      existingEmbeds: 1,
    }).map((p) => p.rule),
  ];
}

const buttonLabels = (view: MessageView) =>
  viewRows(view).flatMap((r) => r.components.map((b) => b.label));

describe("a result with several pictures: a Components V2 gallery", () => {
  it("/edit's four pictures: the words, a gallery of the four files, the buttons", () => {
    const job = doneJob("task-edits-success.json", { kind: "edit", prompt: "a starry sky" });
    const files = pictures(4);
    const view = renderJob(job, { files, links: [] });
    expect(view.flags).toBe(MessageFlags.IsComponentsV2);
    expect(view.content).toBe("");
    expect(view.embeds).toEqual([]);
    expect(view.files).toEqual(files);
    const [text, gallery, ...rows] = view.components;
    expect(text?.type).toBe(ComponentType.TextDisplay);
    expect(viewText(view)).toContain("**a starry sky**");
    expect(viewText(view)).toContain(`<@${USER}>`);
    expect(gallery).toEqual({
      type: ComponentType.MediaGallery,
      items: files.map((f, n) => ({
        media: { url: `attachment://${f.name}` },
        description: `Picture ${n + 1} of 4`,
      })),
    });
    expect(rows.map((r) => r.type)).toEqual([ComponentType.ActionRow, ComponentType.ActionRow]);
    expect(buttonLabels(view)).toEqual(["U1", "U2", "U3", "U4", "Reroll", "Seed"]);
    expect(view.allowed_mentions).toEqual({ parse: [], users: [USER] });
    expect(discordProblems(view)).toEqual([]);
  });

  it("a video grid: the grid's picture, then the four videos", () => {
    const job = doneJob("task-video-success.json", { kind: "video" });
    const files = [file("grid.png"), ...[1, 2, 3, 4].map((n) => file(`video_${n}.mp4`))];
    const view = renderJob(job, { files, links: [] });
    expect(view.flags).toBe(MessageFlags.IsComponentsV2);
    const gallery = view.components.find((c) => c.type === ComponentType.MediaGallery);
    expect(gallery?.items.map((i) => [i.media.url, i.description])).toEqual([
      ["attachment://grid.png", "Picture 1 of 5"],
      ["attachment://video_1.mp4", "Video 2 of 5"],
      ["attachment://video_2.mp4", "Video 3 of 5"],
      ["attachment://video_3.mp4", "Video 4 of 5"],
      ["attachment://video_4.mp4", "Video 5 of 5"],
    ]);
    expect(discordProblems(view)).toEqual([]);
  });

  it("media too large to upload: linked in the words as before, and shown in the gallery", () => {
    const links = [1, 2, 3, 4].map((n) => `https://cdn.example.com/v/${n}.mp4?ex=6891d081&hm=ab`);
    const view = renderJob(doneJob("task-video-success.json"), {
      files: [file("grid.png")],
      links,
    });
    expect(view.flags).toBe(MessageFlags.IsComponentsV2);
    const lines = viewText(view).split("\n");
    for (const link of links) expect(lines).toContain(link);
    const gallery = view.components.find((c) => c.type === ComponentType.MediaGallery);
    expect(gallery?.items.map((i) => i.media.url)).toEqual(["attachment://grid.png", ...links]);
    expect(discordProblems(view)).toEqual([]);
  });

  it("a zh-CN member's gallery reads Chinese", () => {
    const job = doneJob("task-edits-success.json", { locale: "zh-CN", mode: "relax" });
    const view = renderJob(job, { files: pictures(4), links: [] });
    expect(viewText(view)).toContain("(慢速)");
    const gallery = view.components.find((c) => c.type === ComponentType.MediaGallery);
    expect(gallery?.items[1]?.description).toBe("第 2 张图片，共 4 项");
    expect(buttonLabels(view)).toContain("种子");
  });

  it("never more than 10 gallery items, and never more than 40 components", () => {
    const links = [1, 2, 3].map((n) => `https://cdn.example.com/${n}.png`);
    const view = renderJob(doneJob("task-edits-success.json"), { files: pictures(10), links });
    const gallery = view.components.find((c) => c.type === ComponentType.MediaGallery);
    expect(gallery?.items).toHaveLength(10);
    expect(discordProblems(view)).toEqual([]);
  });

  it("the choice depends on the result alone: links only still make a gallery", () => {
    // A result shown again after its downloads failed must not drop the flag it had.
    const links = [1, 2, 3, 4].map((n) => `https://cdn.example.com/${n}.png`);
    const view = renderJob(doneJob("task-edits-success.json"), { files: [], links });
    expect(view.flags).toBe(MessageFlags.IsComponentsV2);
    expect(view.files).toEqual([]);
    expect(discordProblems(view)).toEqual([]);
  });
});

describe("a result with one picture stays a plain message", () => {
  it("an upscale: content, the file, the buttons; no flag, no gallery", () => {
    const job = doneJob("task-upscale-success-v7.json", { prompt: "a red fox" });
    const view = renderJob(job, { files: [file("u1.png")], links: [] });
    expect(view.flags).toBeUndefined();
    expect(view.content).toContain("**a red fox**");
    expect(view.components.every((c) => c.type === ComponentType.ActionRow)).toBe(true);
    expect(view.files).toHaveLength(1);
  });

  it("progress and failures are plain, whatever the job", () => {
    const running = testJob({ phase: "running", progress: 40, previewUrl: "https://x/p.webp" });
    expect(renderJob(running).flags).toBeUndefined();
    expect(renderJob(running).embeds).toHaveLength(1);
    const failed = testJob({ phase: "failed", failure: "Banned." });
    expect(renderJob(failed, { files: pictures(4), links: [] }).flags).toBeUndefined();
  });
});
