import { describe, expect, it } from "vitest";
import { dimensionProblem } from "../../src/discord/inputs.js";
import { pngClaiming } from "../support/png.js";

describe("dimensionProblem", () => {
  it("accepts pictures of ordinary sizes", () => {
    expect(dimensionProblem(pngClaiming(1024, 1024), "image")).toBeNull();
    expect(dimensionProblem(pngClaiming(8000, 6000), "image")).toBeNull();
  });

  it("refuses a header claiming 100000×100000 px, saying the size and the limit", () => {
    expect(dimensionProblem(pngClaiming(100_000, 100_000), "image")).toMatch(
      /`image` is 100000×100000 px; the limit is 16384 px a side and 100 megapixels/,
    );
    expect(dimensionProblem(pngClaiming(16_385, 10), "image")).toMatch(/16385×10 px/);
    expect(dimensionProblem(pngClaiming(12_000, 12_000), "image")).toMatch(/12000×12000 px/);
  });

  it("refuses a picture whose size cannot be read, or is zero", () => {
    expect(dimensionProblem(pngClaiming(0, 100), "image")).toMatch(/`image`/);
    expect(dimensionProblem(pngClaiming(1, 1).subarray(0, 20), "image")).toMatch(/`image`/);
  });
});
