import { describe, expect, it } from "vitest";
import { dimensionProblem } from "../../src/discord/inputs.js";

describe("dimensionProblem", () => {
  /** A PNG signature and IHDR chunk claiming a size; no pixel data at all. */
  const pngHeader = (width: number, height: number) => {
    const b = Buffer.alloc(33);
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(b, 0);
    b.writeUInt32BE(13, 8);
    b.write("IHDR", 12, "ascii");
    b.writeUInt32BE(width, 16);
    b.writeUInt32BE(height, 20);
    b[24] = 8;
    b[25] = 6;
    return b;
  };

  it("accepts pictures of ordinary sizes", () => {
    expect(dimensionProblem(pngHeader(1024, 1024), "image")).toBeNull();
    expect(dimensionProblem(pngHeader(8000, 6000), "image")).toBeNull();
  });

  it("refuses a header claiming 100000×100000 px, saying the size and the limit", () => {
    expect(dimensionProblem(pngHeader(100_000, 100_000), "image")).toMatch(
      /`image` is 100000×100000 px; the limit is 16384 px a side and 100 megapixels/,
    );
    expect(dimensionProblem(pngHeader(16_385, 10), "image")).toMatch(/16385×10 px/);
    expect(dimensionProblem(pngHeader(12_000, 12_000), "image")).toMatch(/12000×12000 px/);
  });

  it("refuses a picture whose size cannot be read, or is zero", () => {
    expect(dimensionProblem(pngHeader(0, 100), "image")).toMatch(/`image`/);
    expect(dimensionProblem(pngHeader(1, 1).subarray(0, 20), "image")).toMatch(/`image`/);
  });
});
