import { describe, expect, it } from "vitest";
import { proxyWords } from "../../src/discord/lang/proxy.js";
import { ProxyError } from "../../src/mj/errors.js";
import {
  parseSeedEnvelope,
  parseSubmitEnvelope,
  parseTask,
  parseTaskList,
  parseTaskText,
  taskRank,
} from "../../src/mj/task.js";
import { fixtureNames as allFixtureNames, fixture } from "../support/fixtures.js";

/** What an English reader is told about a proxy error. */
const words = (error: Parameters<typeof proxyWords>[1]) => proxyWords("en-US", error);

const fixtureNames = allFixtureNames();

function rejection(fn: () => unknown): ProxyError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ProxyError);
    return error as ProxyError;
  }
  throw new Error("expected a ProxyError");
}

describe("every fixture parses", () => {
  it("covers the whole fixture folder", () => {
    expect(fixtureNames.length).toBeGreaterThanOrEqual(40);
  });

  for (const name of fixtureNames.filter(
    (n) => n.startsWith("task-") || n.startsWith("notify-hook-"),
  )) {
    it(`${name} is a task with its id, status and buttons`, () => {
      const raw = fixture(name) as { id: string; status: string; buttons: unknown[] };
      const task = parseTask(raw);
      expect(task?.id).toBe(raw.id);
      expect(task?.status).toBe(raw.status);
      expect(task?.buttons).toHaveLength(raw.buttons.length);
    });
  }

  for (const name of fixtureNames.filter((n) => n.startsWith("submit-code-"))) {
    it(`${name} is an accepted submit or a typed error`, () => {
      const raw = fixture(name) as { code: number; description: string; result: string | null };
      const status = name.includes("http404") ? 404 : 200;
      if ([1, 21, 22].includes(raw.code)) {
        const outcome = parseSubmitEnvelope(raw, status);
        expect(outcome.taskId).toBe(raw.result);
      } else {
        const error = rejection(() => parseSubmitEnvelope(raw, status));
        expect(error.kind).toBe("rejected");
        expect(error.code).toBe(raw.code);
        expect(error.description).toBe(raw.description);
        expect(words(error)).not.toMatch(/[\u4e00-\u9fff]/); // plain English for members
      }
    });
  }

  for (const name of fixtureNames.filter((n) => n.startsWith("image-seed-"))) {
    it(`${name} is a seed or a typed error`, () => {
      const raw = fixture(name) as { code: number; result: string | null };
      if (raw.code === 1) expect(parseSeedEnvelope(raw)).toBe(raw.result);
      else
        expect(words(rejection(() => parseSeedEnvelope(raw)))).toBe(
          "This proxy cannot look up seeds.",
        );
    });
  }

  it("request fixtures are the shapes the client sends (ids and customIds are strings)", () => {
    for (const name of fixtureNames.filter((n) => n.startsWith("request-"))) {
      const raw = fixture(name) as Record<string, unknown>;
      for (const key of ["taskId", "customId", "prompt"]) {
        if (key in raw) expect(typeof raw[key], `${name} ${key}`).toBe("string");
      }
    }
  });
});

describe("parseTask", () => {
  it("knows a new-api gateway's task by its shape (maskBase64, no imageUrls); trueai's is not one", () => {
    const trueai = fixture("task-imagine-success.json") as Record<string, unknown>;
    expect(parseTask(trueai)?.viaGateway).toBeUndefined();
    const { imageUrls: _dropped, ...rest } = trueai;
    const gateway = { ...rest, customId: "", maskBase64: "", videoUrl: "" };
    expect(parseTask(gateway)?.viaGateway).toBe(true);
    // A proxy that keeps imageUrls beside maskBase64 is not taken for a gateway.
    expect(parseTask({ ...trueai, maskBase64: "" })?.viaGateway).toBeUndefined();
  });

  it("reads the imagine grid at SUCCESS", () => {
    const task = parseTask(fixture("task-imagine-success.json"));
    expect(task).toMatchObject({
      id: "1754300112345678",
      action: "IMAGINE",
      status: "SUCCESS",
      progress: 100,
      finalPrompt: "a red fox in a snowy forest, golden hour --ar 1:1 --v 7.0",
      failReason: "",
      imageUrls: [],
      videoUrls: [],
    });
    expect(task?.imageUrl).toMatch(/^https:\/\/cdn\.discordapp\.com\/.+\?ex=.+&hm=/);
    expect(task?.buttons.map((b) => b.label || b.emoji)).toEqual([
      "U1",
      "U2",
      "U3",
      "U4",
      "🔄",
      "V1",
      "V2",
      "V3",
      "V4",
    ]);
  });

  it("reads progress strings, a null progress and the preview url", () => {
    expect(parseTask(fixture("task-imagine-in-progress.json"))).toMatchObject({
      status: "IN_PROGRESS",
      progress: 46,
    });
    expect(parseTask(fixture("task-imagine-not-start.json"))).toMatchObject({
      progress: null,
      startTime: null,
      imageUrl: null,
    });
    expect(parseTask(fixture("task-imagine-submitted.json"))).toMatchObject({ progress: 0 });
  });

  it("reads video and edits media lists", () => {
    const video = parseTask(fixture("task-video-success.json"));
    expect(video?.videoUrls.length).toBeGreaterThan(0);
    expect(video?.videoUrls[0]?.url).toMatch(/\.mp4$/);
    const edits = parseTask(fixture("task-edits-success.json"));
    expect(edits?.imageUrls).toHaveLength(4);
    expect(edits?.imageUrls[0]?.thumbnail).toMatch(/\.webp$/);
  });

  it("reads a MODAL task with its parent", () => {
    expect(parseTask(fixture("task-modal-vary-region.json"))).toMatchObject({
      status: "MODAL",
      parentId: "1754300175512904",
      buttons: [],
    });
  });

  it("keeps a failure's reason", () => {
    expect(parseTask(fixture("task-failure-timeout.json"))).toMatchObject({
      status: "FAILURE",
      failReason: "执行超时 5 分钟",
    });
  });

  it("tolerates nulls, unknown fields, numbers as strings and a gateway's empty status", () => {
    const task = parseTask({
      id: 1754300112345678,
      status: "",
      progress: "0%",
      submitTime: 0,
      startTime: "1754300113802",
      buttons: [
        null,
        { customId: "MJ::JOB::upsample::1::x", emoji: null, label: null },
        { label: "Web", style: 5 },
      ],
      properties: null,
      imageUrls: null,
      somethingNew: { nested: true },
    });
    expect(task).toMatchObject({
      id: "1754300112345678",
      status: "UNKNOWN",
      progress: 0,
      submitTime: null,
      startTime: 1754300113802,
      properties: {},
      imageUrls: [],
    });
    expect(task?.buttons).toEqual([
      { customId: "MJ::JOB::upsample::1::x", emoji: "", label: "", style: 2, type: 2 },
    ]);
  });

  it("means 'not found' for an empty body, null, or an object without id", () => {
    expect(parseTaskText("")).toBeNull();
    expect(parseTaskText("  \n")).toBeNull();
    expect(parseTaskText("null")).toBeNull();
    expect(parseTask({ code: 4, description: "task_no_found" })).toBeNull();
    expect(parseTask([])).toBeNull();
  });
});

describe("parseTaskList", () => {
  it("maps the unordered list by id and leaves unknown ids out", () => {
    const tasks = parseTaskList(fixture("list-by-condition-response.json"));
    const requested = (fixture("request-list-by-condition.json") as { ids: string[] }).ids;
    const found = new Set(tasks.map((t) => t.id));
    expect(found.size).toBe(tasks.length);
    expect(requested.filter((id) => found.has(id)).length).toBe(tasks.length);
    expect(found.has("1754300999999999")).toBe(false);
  });

  it("refuses an answer that is not a list", () => {
    expect(rejection(() => parseTaskList({ code: 4 })).kind).toBe("protocol");
  });
});

describe("parseSubmitEnvelope", () => {
  it("code 1: the task id", () => {
    expect(parseSubmitEnvelope(fixture("submit-code-1-submitted.json"))).toEqual({
      kind: "submitted",
      taskId: "1754300112345678",
      taskIds: ["1754300112345678"],
      queued: false,
      queueAhead: null,
      description: "提交成功",
    });
  });

  it("code 22: queued, with the number of tasks ahead", () => {
    expect(parseSubmitEnvelope(fixture("submit-code-22-in-queue.json"))).toMatchObject({
      kind: "submitted",
      queued: true,
      queueAhead: 2,
    });
    expect(
      parseSubmitEnvelope({ code: 22, description: "排队中，前面还有5个任务", result: "9" }),
    ).toMatchObject({
      queueAhead: 5,
    });
  });

  it("code 21: the MODAL task id and the prompt to prefill", () => {
    expect(
      parseSubmitEnvelope(fixture("submit-code-21-modal-remix-variation-trueai.json")),
    ).toEqual({
      kind: "modal",
      taskId: "1754300301418822",
      finalPrompt: "a red fox in a snowy forest, golden hour --ar 1:1 --v 7.0",
      description: "Waiting for window confirm",
    });
    expect(parseSubmitEnvelope(fixture("submit-code-21-modal-trueai.json"))).toMatchObject({
      kind: "modal",
      finalPrompt: "",
    });
    expect(parseSubmitEnvelope(fixture("submit-code-21-modal-plus.json"))).toMatchObject({
      kind: "modal",
      taskId: "1754300260771049",
    });
  });

  it("legacy code 21 'existed' is recognised by its properties.status", () => {
    expect(
      parseSubmitEnvelope({
        code: 21,
        description: "任务已存在",
        result: "1320098173412546",
        properties: { status: "SUCCESS", imageUrl: "https://cdn/x.png" },
      }),
    ).toEqual({
      kind: "existed",
      taskId: "1320098173412546",
      status: "SUCCESS",
      imageUrl: "https://cdn/x.png",
      description: "任务已存在",
    });
  });

  it("Imagine all: four ids joined by commas", () => {
    expect(parseSubmitEnvelope({ code: 1, result: "1,2,3,4", description: "" })).toMatchObject({
      taskId: "1",
      taskIds: ["1", "2", "3", "4"],
    });
  });

  it("a numeric result is read as a string id", () => {
    expect(parseSubmitEnvelope({ code: 1, result: 1320098173412546 }).taskId).toBe(
      "1320098173412546",
    );
  });

  it("code 24 names the banned word in plain words", () => {
    const error = rejection(() =>
      parseSubmitEnvelope(fixture("submit-code-24-banned-prompt.json")),
    );
    expect(error.code).toBe(24);
    expect(words(error)).toContain('"nude"');
  });

  it("maps known Chinese descriptions to plain words and keeps unknown ones", () => {
    expect(
      words(rejection(() => parseSubmitEnvelope(fixture("submit-code-23-queue-full-java.json")))),
    ).toMatch(/queue is full/);
    expect(
      words(rejection(() => parseSubmitEnvelope(fixture("submit-code-9-queue-full-trueai.json")))),
    ).toMatch(/queue is full/);
    expect(
      words(rejection(() => parseSubmitEnvelope(fixture("submit-code-3-no-account.json")))),
    ).toMatch(/No Midjourney account/);
    expect(
      words(rejection(() => parseSubmitEnvelope(fixture("submit-code-4-validation.json")))),
    ).toMatch(/does not support this button/);
    expect(
      words(
        rejection(() => parseSubmitEnvelope({ code: 4, description: "Prompt too long, sorry" })),
      ),
    ).toBe("Prompt too long, sorry");
  });

  it("a gateway error body (no result, no properties) becomes a typed error", () => {
    const error = rejection(() =>
      parseSubmitEnvelope(
        { description: "当前分组上游负载已饱和", type: "upstream_error", code: 30 },
        429,
      ),
    );
    expect(error).toMatchObject({ kind: "rejected", code: 30, httpStatus: 429 });
    expect(words(error)).toBe("The Midjourney proxy is busy. Try again in a minute.");
  });

  it("an accepted code on a non-2xx answer, or a body without code, is an error", () => {
    expect(rejection(() => parseSubmitEnvelope({ code: 1, result: "1" }, 500)).httpStatus).toBe(
      500,
    );
    expect(rejection(() => parseSubmitEnvelope({ message: "Bad gateway" }, 502))).toMatchObject({
      kind: "http",
    });
  });

  it("an accepted code without a task id may have submitted", () => {
    const error = rejection(() => parseSubmitEnvelope({ code: 1, result: null }));
    expect(error).toMatchObject({ kind: "protocol", mayHaveSubmitted: true });
  });
});

describe("taskRank", () => {
  it("orders states so that an older answer never wins", () => {
    const order = [
      { status: "NOT_START", progress: null },
      { status: "SUBMITTED", progress: 0 },
      { status: "IN_PROGRESS", progress: 15 },
      { status: "IN_PROGRESS", progress: 93 },
      { status: "SUCCESS", progress: 100 },
    ] as const;
    const ranks = order.map((t) => taskRank(t));
    expect([...ranks].sort((a, b) => a - b)).toEqual(ranks);
    expect(new Set(ranks).size).toBe(ranks.length);
    expect(taskRank({ status: "FAILURE", progress: null })).toBe(
      taskRank({ status: "SUCCESS", progress: 100 }),
    );
  });
});
