import { describe, expect, it } from "vitest";
import { restoreImages, setImagesAside } from "../../src/jobs/images.js";
import type { SubmitRequest } from "../../src/jobs/submit.js";

const PNG = `data:image/png;base64,${"iVBORw0KGgo".repeat(2000)}`;
const JPG = `data:image/jpeg;base64,${"/9j/4AAQ".repeat(2000)}`;

describe("member images set aside from a job's request", () => {
  it.each<[string, SubmitRequest]>([
    [
      "imagine",
      { type: "imagine", prompt: "a fox", base64Array: [PNG, "https://x.example/a.png"] },
    ],
    ["blend", { type: "blend", base64Array: [PNG, JPG, PNG, JPG, PNG], dimensions: "SQUARE" }],
    ["describe", { type: "describe", base64: JPG }],
    [
      "video",
      { type: "video", prompt: "run", image: PNG, motion: "low", videoType: "vid_1.1_i2v_480" },
    ],
    ["swapface", { type: "swapface", sourceBase64: PNG, targetBase64: JPG }],
    ["edits", { type: "edits", prompt: "yellow", image: JPG }],
    [
      "form",
      {
        type: "form",
        taskId: "1",
        customId: "MJ::Inpaint::1::a::SOLO",
        prompt: "p",
        maskBase64: PNG,
      },
    ],
  ])(
    "%s: the record keeps short references only, and they give the pictures back",
    (_, request) => {
      const { request: kept, images } = setImagesAside(request, "job1");
      const size = JSON.stringify(kept).length;
      expect(size).toBeLessThan(400);
      expect(JSON.stringify(kept)).not.toContain("base64,");
      expect(images.length).toBeGreaterThan(0);
      expect(restoreImages(kept, images)).toEqual(request);
    },
  );

  it("a request without pictures is left as it is", () => {
    const request: SubmitRequest = {
      type: "imagine",
      prompt: "data: plain words",
      base64Array: [],
    };
    expect(setImagesAside(request, "job1")).toEqual({ request, images: [] });
    expect(restoreImages(request, [])).toEqual(request);
  });

  it("references whose pictures are gone give nothing back", () => {
    const { request: kept } = setImagesAside({ type: "describe", base64: PNG }, "job1");
    expect(restoreImages(kept, undefined)).toBeNull();
    expect(restoreImages(kept, [])).toBeNull();
  });
});
