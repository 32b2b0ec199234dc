import { PNG } from "pngjs";
import { describe, expect, it } from "vitest";
import {
  drawRegionMask,
  fitMask,
  MASK_MAX_SIDE,
  pictureProblem,
  REGIONS,
  unknownRegions,
  uploadProblem,
} from "../../src/discord/mask.js";
import { fixture } from "../support/fixtures.js";
import { blackPng, encodePng, ihdr, PNG_FORMATS, pngChunk, pngOf } from "../support/png.js";

const varyRegionRequest = fixture("request-modal-vary-region.json") as { maskBase64: string };

const DATA_URI = "data:image/png;base64,";

function pngBytes(dataUri: string): Buffer {
  expect(dataUri.startsWith(DATA_URI)).toBe(true);
  return Buffer.from(dataUri.slice(DATA_URI.length), "base64");
}

/** Bit depth and colour type from the IHDR chunk. */
function header(bytes: Buffer): { width: number; height: number; depth: number; colour: number } {
  expect(bytes.toString("ascii", 12, 16)).toBe("IHDR");
  return {
    width: bytes.readUInt32BE(16),
    height: bytes.readUInt32BE(20),
    depth: bytes[24] ?? -1,
    colour: bytes[25] ?? -1,
  };
}

/** The mask as a grid of booleans (true = white), checking it is pure black and white. */
function readMask(dataUri: string): { width: number; height: number; white: boolean[][] } {
  const png = PNG.sync.read(pngBytes(dataUri));
  const white: boolean[][] = [];
  const grey: string[] = [];
  for (let y = 0; y < png.height; y++) {
    const row: boolean[] = [];
    for (let x = 0; x < png.width; x++) {
      const i = (y * png.width + x) * 4;
      const [r, g, b, a] = png.data.subarray(i, i + 4);
      const pure = a === 255 && r === g && g === b && (r === 0 || r === 255);
      if (!pure) grey.push(`${x},${y}: ${r},${g},${b},${a}`);
      row.push(r === 255);
    }
    white.push(row);
  }
  expect(grey.slice(0, 10)).toEqual([]);
  return { width: png.width, height: png.height, white };
}

function expectMask(
  dataUri: string,
  width: number,
  height: number,
  isWhite: (x: number, y: number) => boolean,
): void {
  const mask = readMask(dataUri);
  expect({ width: mask.width, height: mask.height }).toEqual({ width, height });
  const wrong: string[] = [];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (mask.white[y]?.[x] !== isWhite(x, y)) wrong.push(`${x},${y}`);
    }
  }
  expect(wrong.slice(0, 10)).toEqual([]);
}

function makePng(
  width: number,
  height: number,
  pixel: (x: number, y: number) => [number, number, number, number],
): Buffer {
  const png = new PNG({ width, height });
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      png.data.set(pixel(x, y), (y * width + x) * 4);
    }
  }
  return PNG.sync.write(png);
}

/** A fitted mask's data URI (failing the test if it was refused). */
async function fitted(bytes: Buffer, width: number, height: number): Promise<string> {
  const mask = await fitMask(bytes, width, height);
  if (!mask.ok) throw new Error(`refused: ${mask.message}`);
  return mask.dataUri;
}

/**
 * The mask rule, on pixels decoded by pngjs: on a transparent canvas (a tenth or more of the
 * pixels see-through) opaque means repaint, else bright means repaint; nearest-pixel scaling.
 */
function expectedMask(bytes: Buffer, width: number, height: number) {
  const source = PNG.sync.read(bytes);
  let clear = 0;
  for (let i = 3; i < source.data.length; i += 4) if ((source.data[i] ?? 255) < 128) clear++;
  const transparent = clear * 10 >= source.width * source.height;
  return (x: number, y: number) => {
    const sy = Math.min(source.height - 1, Math.floor((y * source.height) / height));
    const sx = Math.min(source.width - 1, Math.floor((x * source.width) / width));
    const [r = 0, g = 0, b = 0, a = 0] = source.data.subarray(
      (sy * source.width + sx) * 4,
      (sy * source.width + sx) * 4 + 4,
    );
    return transparent ? a > 127 : (0.299 * r + 0.587 * g + 0.114 * b) * (a / 255) > 127;
  };
}

describe("drawRegionMask", () => {
  it("draws 'left' on 64×32: white exactly where x < 32", async () => {
    expectMask(await drawRegionMask(64, 32, ["left"]), 64, 32, (x) => x < 32);
  });

  it.each([
    ["right", (x: number, _y: number) => x >= 32],
    ["top", (_x: number, y: number) => y < 16],
    ["bottom", (_x: number, y: number) => y >= 16],
    ["centre", (x: number, y: number) => x >= 16 && x < 48 && y >= 8 && y < 24],
    ["top-left", (x: number, y: number) => x < 32 && y < 16],
    ["top-right", (x: number, y: number) => x >= 32 && y < 16],
    ["bottom-left", (x: number, y: number) => x < 32 && y >= 16],
    ["bottom-right", (x: number, y: number) => x >= 32 && y >= 16],
  ])("draws %s on 64×32", async (region, isWhite) => {
    expectMask(await drawRegionMask(64, 32, [region]), 64, 32, isWhite);
  });

  it("'background' repaints the border and keeps the centre", async () => {
    const border = (x: number, y: number) => x < 20 || x >= 80 || y < 10 || y >= 40;
    expectMask(await drawRegionMask(100, 50, ["background"]), 100, 50, border);
  });

  it("splits halves evenly on odd sizes, sampling each pixel's centre", async () => {
    // 7 wide: centres at 0.5/7 … 6.5/7; those below one half are x = 0, 1, 2.
    expectMask(await drawRegionMask(7, 3, ["left"]), 7, 3, (x) => x < 3);
    expectMask(await drawRegionMask(7, 3, ["right"]), 7, 3, (x) => x >= 3);
  });

  it("combines several regions", async () => {
    expectMask(await drawRegionMask(64, 32, ["left", "top"]), 64, 32, (x, y) => x < 32 || y < 16);
    expectMask(
      await drawRegionMask(64, 32, ["top-left", "bottom-right"]),
      64,
      32,
      (x, y) => (x < 32 && y < 16) || (x >= 32 && y >= 16),
    );
  });

  it("combines 'background' with another region as a union", async () => {
    const mask = readMask(await drawRegionMask(100, 100, ["left", "background"]));
    expect(mask.white[50]?.[30]).toBe(true); // inside the left half and the kept centre
    expect(mask.white[50]?.[70]).toBe(false);
  });

  it("is all black without regions, at the image's size", async () => {
    expectMask(await drawRegionMask(7, 3, []), 7, 3, () => false);
  });

  it("writes an 8-bit grayscale PNG, like the proxy's own mask", async () => {
    const fixture = header(pngBytes(varyRegionRequest.maskBase64));
    const ours = header(pngBytes(await drawRegionMask(2048, 1024, ["centre"])));
    expect(ours).toMatchObject({ width: 2048, height: 1024 });
    expect({ depth: ours.depth, colour: ours.colour }).toEqual({
      depth: fixture.depth,
      colour: fixture.colour,
    });
    expect(ours).toMatchObject({ depth: 8, colour: 0 });
  });

  it("draws the largest picture it accepts", async () => {
    const png = PNG.sync.read(pngBytes(await drawRegionMask(4096, 4096, ["bottom-right"])));
    expect([png.width, png.height]).toEqual([4096, 4096]);
    expect(png.data[(4095 * 4096 + 4095) * 4]).toBe(255);
    expect(png.data[(2047 * 4096 + 4095) * 4]).toBe(0);
  });
});

describe("regions", () => {
  it("offers at most 25 choices with labels Discord accepts", () => {
    const entries = Object.entries(REGIONS);
    expect(entries.length).toBeGreaterThan(0);
    expect(entries.length).toBeLessThanOrEqual(25);
    for (const [value, region] of entries) {
      expect(value.length).toBeLessThanOrEqual(100);
      expect(region.label.length).toBeGreaterThan(0);
      expect(region.label.length).toBeLessThanOrEqual(100);
    }
  });

  it("names the values that are not one of them", () => {
    expect(unknownRegions(["left", "centre"])).toEqual([]);
    expect(unknownRegions(["nowhere", "left", "LEFT", ""])).toEqual(["nowhere", "LEFT", ""]);
  });

  it.each(["constructor", "toString", "__proto__", "hasOwnProperty"])(
    "does not take %j for a region",
    (name) => {
      expect(unknownRegions([name])).toEqual([name]);
    },
  );
});

describe("fitMask", () => {
  it("scales a coloured mask to the image's size and makes it black and white", async () => {
    // 4×2: bright yellow on the left half, dark blue on the right.
    const source = makePng(4, 2, (x) => (x < 2 ? [250, 240, 20, 255] : [10, 20, 120, 255]));
    expectMask(await fitted(source, 40, 10), 40, 10, (x) => x < 20);
  });

  it("treats opaque strokes on a transparent mask as the area to repaint", async () => {
    // 4×4 transparent with an opaque black top-left quarter.
    const source = makePng(4, 4, (x, y) => (x < 2 && y < 2 ? [0, 0, 0, 255] : [255, 255, 255, 0]));
    expectMask(await fitted(source, 8, 6), 8, 6, (x, y) => x < 4 && y < 3);
  });

  it("shrinks a larger mask", async () => {
    const source = makePng(64, 64, (_x, y) => (y >= 32 ? [255, 255, 255, 255] : [0, 0, 0, 255]));
    expectMask(await fitted(source, 8, 8), 8, 8, (_x, y) => y >= 4);
  });

  it("writes the same 8-bit grayscale PNG as drawn masks", async () => {
    const source = makePng(2, 2, () => [255, 255, 255, 255]);
    expect(header(pngBytes(await fitted(source, 3, 5)))).toEqual({
      width: 3,
      height: 5,
      depth: 8,
      colour: 0,
    });
  });

  it.each(PNG_FORMATS)("reads %s like pngjs, with every filter", async (_name, spec, sample) => {
    const bytes = encodePng({ ...spec, filter: "cycle" }, sample);
    for (const [w, h] of [
      [26, 22],
      [7, 5],
      [13, 11],
    ] as const) {
      expectMask(await fitted(bytes, w, h), w, h, expectedMask(bytes, w, h));
    }
  });

  it.each(PNG_FORMATS)(
    "reads %s like pngjs when interlaced (Adam7)",
    async (_name, spec, sample) => {
      const bytes = encodePng({ ...spec, interlace: true, filter: "cycle" }, sample);
      expectMask(await fitted(bytes, 26, 22), 26, 22, expectedMask(bytes, 26, 22));
    },
  );

  it.each([
    [1, 1],
    [2, 3],
    [5, 1],
    [9, 9],
  ])("reads a tiny interlaced %i×%i image (passes left empty)", async (w, h) => {
    const spec = { width: w, height: h, colourType: 0, interlace: true, filter: "cycle" as const };
    const bytes = encodePng(spec, (x, y) => [(x + y) % 2 ? 255 : 0]);
    expectMask(await fitted(bytes, 10, 10), 10, 10, expectedMask(bytes, 10, 10));
  });

  it("refuses a bomb from its header: 250 kB that would decode to 16000×16000 px", async () => {
    const mask = await fitMask(blackPng(16_000, 16_000), 1024, 1024);
    expect(mask).toEqual({
      ok: false,
      message: "The mask is 16000×16000 pixels; the largest it can be is 4096×4096.",
    });
  });

  it.each([
    [MASK_MAX_SIDE + 1, 1],
    [1, MASK_MAX_SIDE + 1],
    [100_000, 100_000],
    [2 ** 31 - 1, 2 ** 31 - 1],
  ])("refuses a mask of %i×%i from its header", async (w, h) => {
    // Only the header: nothing else is read.
    const mask = await fitMask(pngOf(ihdr(w, h, 8, 6), pngChunk("IDAT")), 64, 64);
    expect(mask.ok).toBe(false);
    expect(mask.ok ? "" : mask.message).toContain(`${w}×${h} pixels`);
  });

  it("takes the largest mask it allows", async () => {
    const bytes = blackPng(MASK_MAX_SIDE, MASK_MAX_SIDE);
    expectMask(await fitted(bytes, 64, 64), 64, 64, () => false);
  });

  it.each([
    ["empty", Buffer.alloc(0), /must be a PNG/],
    ["text", Buffer.from("not a png at all"), /must be a PNG/],
    [
      "jpeg header",
      Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46]),
      /must be a PNG/,
    ],
    ["truncated png", makePng(4, 4, () => [0, 0, 0, 255]).subarray(0, 40), /could not be read/],
    [
      "zlib garbage",
      pngOf(ihdr(4, 4), pngChunk("IDAT", Buffer.from("definitely not zlib"))),
      /could not be read/,
    ],
    ["no pixel data", pngOf(ihdr(4, 4)), /could not be read/],
    [
      "a palette image without a palette",
      pngOf(ihdr(4, 4, 8, 3), pngChunk("IDAT", Buffer.alloc(0))),
      /could not be read/,
    ],
    ["bit depth 16 on a palette", pngOf(ihdr(4, 4, 16, 3)), /could not be read/],
    ["zero width", pngOf(ihdr(0, 4)), /could not be read/],
  ])("refuses %s with a plain message", async (_name, bytes, words) => {
    const mask = await fitMask(bytes, 8, 8);
    expect(mask.ok).toBe(false);
    expect(mask.ok ? "" : mask.message).toMatch(words);
  });

  it("refuses rows that stop short of the declared height", async () => {
    const whole = encodePng({ width: 4, height: 8, colourType: 0 }, () => [255]);
    const short = encodePng({ width: 4, height: 4, colourType: 0 }, () => [255]);
    // The header of the 4×8 image with the pixel data of the 4×4 one.
    const mixed = Buffer.concat([whole.subarray(0, 33), short.subarray(33)]);
    const mask = await fitMask(mixed, 8, 8);
    expect(mask).toMatchObject({ ok: false, message: expect.stringMatching(/could not be read/) });
  });

  it("refuses a palette index the palette does not have", async () => {
    const bytes = encodePng({ width: 4, height: 4, colourType: 3, palette: [[0, 0, 0]] }, (x) => [
      x === 3 ? 9 : 0,
    ]);
    const mask = await fitMask(bytes, 8, 8);
    expect(mask).toMatchObject({ ok: false, message: expect.stringMatching(/could not be read/) });
  });

  it("refuses a damaged chunk (its checksum does not match)", async () => {
    const bytes = Buffer.from(makePng(4, 4, () => [255, 255, 255, 255]));
    const at = bytes.indexOf("IDAT") + 6;
    bytes.writeUInt8((bytes[at] ?? 0) ^ 0xff, at);
    const mask = await fitMask(bytes, 8, 8);
    expect(mask).toMatchObject({ ok: false, message: expect.stringMatching(/could not be read/) });
  });
});

describe("uploadProblem (what Discord says, before any download)", () => {
  const MB = 1024 * 1024;
  it("passes a mask Discord describes as small enough", () => {
    expect(uploadProblem({ size: 200_000, width: 1024, height: 1024 }, 10 * MB)).toBeNull();
    expect(uploadProblem({ size: 200_000, width: null, height: null }, 10 * MB)).toBeNull();
  });

  it("refuses a file over the size limit", () => {
    expect(uploadProblem({ size: 12.5 * MB, width: 10, height: 10 }, 10 * MB)).toBe(
      "The mask is 12.5 MB; the limit is 10 MB.",
    );
  });

  it("refuses an image Discord measured as too large", () => {
    expect(uploadProblem({ size: 250_000, width: 16_000, height: 16_000 }, 10 * MB)).toBe(
      "The mask is 16000×16000 pixels; the largest it can be is 4096×4096.",
    );
  });
});

describe("pictureProblem", () => {
  it("passes the pictures Midjourney makes", () => {
    expect(pictureProblem(1024, 1024)).toBeNull();
    expect(pictureProblem(4096, 4096)).toBeNull();
    expect(pictureProblem(896, 1344)).toBeNull();
  });

  it.each([
    [4097, 1024],
    [100_000, 100_000],
    [0, 1024],
    [1.5, 1024],
  ])("refuses to draw a mask for a picture of %s×%s", (w, h) => {
    expect(pictureProblem(w, h)).toMatch(/Vary \(Region\)/);
  });
});
