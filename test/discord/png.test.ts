import { PNG } from "pngjs";
import { describe, expect, it } from "vitest";
import { GreyImage, pngHeader, readPngRows } from "../../src/discord/png.js";
import { blackPng, encodePng, ihdr, PNG_FORMATS, pngChunk, pngOf } from "../support/png.js";

/** Every pixel of a PNG as RGBA, put together from the rows `readPngRows` hands out. */
async function decode(bytes: Buffer): Promise<{ width: number; height: number; data: Buffer }> {
  const header = pngHeader(bytes);
  if (!header) throw new Error("not a PNG");
  const data = Buffer.alloc(header.width * header.height * 4);
  const seen = new Set<number>();
  await readPngRows(bytes, (y, x0, dx, rgba) => {
    for (let i = 0; i * 4 < rgba.length; i++) {
      const at = y * header.width + x0 + i * dx;
      expect(seen.has(at)).toBe(false); // every pixel once
      seen.add(at);
      data.set(rgba.subarray(i * 4, i * 4 + 4), at * 4);
    }
  });
  expect(seen.size).toBe(header.width * header.height);
  return { width: header.width, height: header.height, data };
}

describe("pngHeader", () => {
  it("reads what the IHDR chunk says, and nothing more", () => {
    const bytes = encodePng({ width: 13, height: 11, colourType: 3, bitDepth: 4 }, () => [0]);
    expect(pngHeader(bytes)).toEqual({
      width: 13,
      height: 11,
      bitDepth: 4,
      colourType: 3,
      interlaced: false,
    });
    expect(pngHeader(bytes.subarray(0, 33))).toMatchObject({ width: 13, height: 11 });
  });

  it("reads the size of a bomb without touching its pixels", () => {
    expect(pngHeader(blackPng(16_000, 16_000))).toMatchObject({ width: 16_000, height: 16_000 });
  });

  it.each([
    ["nothing", Buffer.alloc(0)],
    ["text", Buffer.from("hello, this is not a PNG file at all")],
    ["a cut header", encodePng({ width: 2, height: 2 }, () => [0, 0, 0, 0]).subarray(0, 30)],
    ["a first chunk that is not IHDR", pngOf(pngChunk("tEXt", Buffer.alloc(13)))],
  ])("is null for %s", (_name, bytes) => {
    expect(pngHeader(bytes)).toBeNull();
  });
});

describe("readPngRows", () => {
  it.each(PNG_FORMATS)("reads %s as pngjs does, with every filter", async (_n, spec, sample) => {
    const bytes = encodePng({ ...spec, filter: "cycle" }, sample);
    const ours = await decode(bytes);
    const theirs = PNG.sync.read(bytes);
    expect(ours.data.equals(theirs.data)).toBe(true);
  });

  it.each(PNG_FORMATS)("reads %s as pngjs does when interlaced", async (_n, spec, sample) => {
    const bytes = encodePng({ ...spec, interlace: true, filter: "cycle" }, sample);
    const ours = await decode(bytes);
    expect(ours.data.equals(PNG.sync.read(bytes).data)).toBe(true);
  });

  it("reads image data split over several IDAT chunks", async () => {
    const bytes = encodePng({ width: 40, height: 30, colourType: 2 }, (x, y) => [x, y, x ^ y]);
    const at = bytes.indexOf("IDAT") - 4;
    const length = bytes.readUInt32BE(at);
    const data = bytes.subarray(at + 8, at + 8 + length);
    const third = Math.floor(length / 3);
    const split = Buffer.concat([
      bytes.subarray(0, at),
      pngChunk("IDAT", data.subarray(0, third)),
      pngChunk("tEXt", Buffer.from("Comment\0between the chunks")),
      pngChunk("IDAT", data.subarray(third, 2 * third)),
      pngChunk("IDAT", data.subarray(2 * third)),
      pngChunk("IEND"),
    ]);
    expect((await decode(split)).data.equals(PNG.sync.read(bytes).data)).toBe(true);
  });

  it("rejects a stream that ends before the last row", async () => {
    const whole = encodePng({ width: 4, height: 8, colourType: 0 }, () => [255]);
    const short = encodePng({ width: 4, height: 4, colourType: 0 }, () => [255]);
    const mixed = Buffer.concat([whole.subarray(0, 33), short.subarray(33)]);
    await expect(readPngRows(mixed, () => undefined)).rejects.toThrow();
  });

  it("rejects an unknown filter type", async () => {
    const bytes = encodePng({ width: 4, height: 2, colourType: 0, filter: 7 }, () => [1]);
    await expect(readPngRows(bytes, () => undefined)).rejects.toThrow(/filter/);
  });

  it("rejects an unknown colour type", async () => {
    await expect(
      readPngRows(pngOf(ihdr(2, 2, 8, 5), pngChunk("IDAT")), () => undefined),
    ).rejects.toThrow();
  });
});

describe("GreyImage", () => {
  it("writes an 8-bit grayscale PNG of its rows", async () => {
    const image = new GreyImage(5, 3);
    image.row(1).fill(255, 1, 4);
    image.row(2)[4] = 128;
    const png = PNG.sync.read(await image.png());
    expect([png.width, png.height]).toEqual([5, 3]);
    const grey = [...Array(15).keys()].map((i) => png.data[i * 4]);
    expect(grey).toEqual([0, 0, 0, 0, 0, 0, 255, 255, 255, 0, 0, 0, 0, 0, 128]);
    const bytes = await image.png();
    expect([bytes[24], bytes[25]]).toEqual([8, 0]); // bit depth, colour type
  });

  it("reads back what it wrote", async () => {
    const image = new GreyImage(300, 200);
    for (let y = 0; y < 200; y++) image.row(y).fill(y % 3 ? 255 : 0, y, 300);
    const back = await decode(await image.png());
    expect(back.data.equals(PNG.sync.read(await image.png()).data)).toBe(true);
    expect(back.data[(10 * 300 + 9) * 4]).toBe(0);
    expect(back.data[(10 * 300 + 10) * 4]).toBe(255);
  });
});
