import { ComponentType, TextInputStyle } from "discord.js";
import { PNG } from "pngjs";
import { describe, expect, it } from "vitest";
import {
  buildForm,
  drawRegionMask,
  FIELD,
  type FormKind,
  normaliseMask,
  REGIONS,
  withZoom,
  zoomProblem,
} from "../../src/discord/modals.js";
import { validateCallback } from "../fakes/schema.js";
import { fixture } from "../support/fixtures.js";

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

type Json = Record<string, unknown>;
const labels = (form: ReturnType<typeof buildForm>) =>
  form.components as unknown as { type: number; label: string; component: Json }[];

describe("buildForm", () => {
  const kinds: FormKind[] = ["vary-region", "custom-zoom", "pick", "remix"];

  it.each(kinds)("%s: a modal Discord accepts", (kind) => {
    const form = buildForm("mf:1754300175512904:4", kind, "Vary (Region)", "a fox --v 7");
    expect(form.custom_id).toBe("mf:1754300175512904:4");
    expect(validateCallback({ type: 9, data: form })).toEqual([]);
  });

  it.each(kinds)("%s: titles are cut to 45 characters", (kind) => {
    const form = buildForm("id", kind, "T".repeat(120), "x");
    expect(form.title).toBe("T".repeat(45));
  });

  it.each(kinds)("%s: a long prefill is cut to 4000 characters", (kind) => {
    const form = buildForm("id", kind, "Title", "p".repeat(6000));
    const prompt = labels(form)[0]?.component;
    expect(prompt?.custom_id).toBe(FIELD.prompt);
    expect(String(prompt?.value).length).toBeLessThanOrEqual(4000);
    expect(String(prompt?.value).length).toBeGreaterThan(3900);
    expect(validateCallback({ type: 9, data: form })).toEqual([]);
  });

  it("vary-region: prompt, region select and optional mask upload, each in a Label", () => {
    const form = buildForm("id", "vary-region", "Vary (Region)", "a red fox");
    const parts = labels(form);
    expect(parts.map((p) => p.type)).toEqual([18, 18, 18]);
    expect(parts.map((p) => p.component.type)).toEqual([
      ComponentType.TextInput,
      ComponentType.StringSelect,
      ComponentType.FileUpload,
    ]);
    const [prompt, region, mask] = parts.map((p) => p.component);
    expect(prompt).toMatchObject({
      custom_id: FIELD.prompt,
      style: TextInputStyle.Paragraph,
      required: true,
      value: "a red fox",
    });
    expect(region?.custom_id).toBe(FIELD.region);
    expect(region?.required).toBe(false);
    const options = region?.options as { value: string; label: string }[];
    expect(options.map((o) => o.value)).toEqual(Object.keys(REGIONS));
    expect(options.length).toBeLessThanOrEqual(25);
    expect(region?.max_values).toBe(options.length);
    expect(mask).toMatchObject({ custom_id: FIELD.mask, required: false });
    for (const p of parts) {
      expect(p.label.length).toBeGreaterThan(0);
      expect(p.label.length).toBeLessThanOrEqual(45);
    }
  });

  it("custom-zoom: the prompt is prefilled with a zoom", () => {
    const form = buildForm("id", "custom-zoom", "Custom Zoom", "a fox --ar 1:1 --fast");
    const prompt = labels(form)[0]?.component;
    expect(labels(form)).toHaveLength(1);
    expect(prompt?.value).toBe("a fox --ar 1:1 --zoom 2");
    expect(zoomProblem(String(prompt?.value))).toBeNull();
  });

  it("custom-zoom: a long prompt keeps its added zoom", () => {
    const form = buildForm("id", "custom-zoom", "Custom Zoom", "p".repeat(3995));
    expect(zoomProblem(String(labels(form)[0]?.component.value))).toBeNull();
  });

  it.each(["pick", "remix"] as const)("%s: one prompt input with the prefill", (kind) => {
    const form = buildForm("id", kind, "Imagine 2", "a fox in the snow");
    expect(labels(form)).toHaveLength(1);
    expect(labels(form)[0]?.component).toMatchObject({
      type: ComponentType.TextInput,
      custom_id: FIELD.prompt,
      value: "a fox in the snow",
      required: true,
    });
  });

  it("an empty prefill sends no value", () => {
    const form = buildForm("id", "remix", "Remix", "");
    expect(labels(form)[0]?.component).not.toHaveProperty("value");
    expect(validateCallback({ type: 9, data: form })).toEqual([]);
  });
});

describe("withZoom", () => {
  it("adds --zoom 2 once", () => {
    expect(withZoom("a red fox --ar 1:1")).toBe("a red fox --ar 1:1 --zoom 2");
    expect(withZoom(withZoom("a red fox"))).toBe("a red fox --zoom 2");
    expect(withZoom("")).toBe("--zoom 2");
  });

  it("keeps an existing zoom", () => {
    expect(withZoom("a red fox --zoom 1.5 --v 7")).toBe("a red fox --zoom 1.5 --v 7");
  });

  it("drops --fast, --relax and --turbo", () => {
    const out = withZoom("a fox --fast --v 7 --relax --turbo");
    expect(out).not.toMatch(/--(fast|relax|turbo)/);
    expect(out).toBe("a fox --v 7 --zoom 2");
  });

  it("leaves look-alike parameters alone", () => {
    expect(withZoom("a fox --fastest")).toBe("a fox --fastest --zoom 2");
  });
});

describe("zoomProblem", () => {
  it.each([
    "a fox --zoom 1.5",
    "a fox --zoom 2",
    "a fox --zoom 1.01 --ar 1:1",
    "a red fox in a snowy forest, golden hour --ar 1:1 --v 7.0 --zoom 1.8",
  ])("accepts %j", (prompt) => {
    expect(zoomProblem(prompt)).toBeNull();
  });

  it.each([
    ["a fox --zoom 1", /above 1/],
    ["a fox --zoom 2.5", /at most 2/],
    ["a fox --zoom 0", /above 1/],
    ["a fox --zoom abc", /abc/],
    ["a fox", /--zoom/],
    ["a fox --zoom 1.5 --zoom 2", /once/],
  ])("refuses %j with a message", (prompt, words) => {
    const problem = zoomProblem(prompt);
    expect(problem).toEqual(expect.any(String));
    expect(problem).toMatch(words);
  });
});

describe("drawRegionMask", () => {
  it("draws 'left' on 64×32: white exactly where x < 32", () => {
    expectMask(drawRegionMask(64, 32, ["left"]), 64, 32, (x) => x < 32);
  });

  it.each([
    ["right", (x: number, _y: number) => x >= 32],
    ["top", (_x: number, y: number) => y < 16],
    ["bottom", (_x: number, y: number) => y >= 16],
    ["centre", (x: number, y: number) => x >= 16 && x < 48 && y >= 8 && y < 24],
    ["top-left", (x: number, y: number) => x < 32 && y < 16],
    ["bottom-right", (x: number, y: number) => x >= 32 && y >= 16],
  ])("draws %s on 64×32", (region, isWhite) => {
    expectMask(drawRegionMask(64, 32, [region]), 64, 32, isWhite);
  });

  it("'background' repaints the border and keeps the centre", () => {
    const mask = readMask(drawRegionMask(100, 50, ["background"]));
    expect(mask.white[0]?.[0]).toBe(true);
    expect(mask.white[49]?.[99]).toBe(true);
    expect(mask.white[25]?.[50]).toBe(false);
  });

  it("combines several regions", () => {
    expectMask(drawRegionMask(64, 32, ["left", "top"]), 64, 32, (x, y) => x < 32 || y < 16);
    expectMask(
      drawRegionMask(64, 32, ["top-left", "bottom-right"]),
      64,
      32,
      (x, y) => (x < 32 && y < 16) || (x >= 32 && y >= 16),
    );
  });

  it("combines 'background' with another region as a union", () => {
    const mask = readMask(drawRegionMask(100, 100, ["left", "background"]));
    expect(mask.white[50]?.[30]).toBe(true); // inside the left half and the kept centre
  });

  it("ignores unknown region names", () => {
    expectMask(drawRegionMask(16, 8, ["nowhere"]), 16, 8, () => false);
    expectMask(drawRegionMask(16, 8, ["nowhere", "left", "LEFT", ""]), 16, 8, (x) => x < 8);
  });

  it.each(["constructor", "toString", "__proto__"])("ignores the name %j", (name) => {
    expectMask(drawRegionMask(16, 8, [name, "left"]), 16, 8, (x) => x < 8);
  });

  it("is all black without regions, at the image's size", () => {
    expectMask(drawRegionMask(7, 3, []), 7, 3, () => false);
  });

  it("writes an 8-bit grayscale PNG, like the proxy's own mask", () => {
    const fixture = header(pngBytes(varyRegionRequest.maskBase64));
    const ours = header(pngBytes(drawRegionMask(2048, 1024, ["centre"])));
    expect(ours).toMatchObject({ width: 2048, height: 1024 });
    expect({ depth: ours.depth, colour: ours.colour }).toEqual({
      depth: fixture.depth,
      colour: fixture.colour,
    });
    expect(ours).toMatchObject({ depth: 8, colour: 0 });
  });
});

describe("normaliseMask", () => {
  it("scales a coloured mask to the image's size and makes it black and white", () => {
    // 4×2: bright yellow on the left half, dark blue on the right.
    const source = makePng(4, 2, (x) => (x < 2 ? [250, 240, 20, 255] : [10, 20, 120, 255]));
    const out = normaliseMask(source, 40, 10);
    expect(out).not.toBeNull();
    expectMask(out ?? "", 40, 10, (x) => x < 20);
  });

  it("treats opaque strokes on a transparent mask as the area to repaint", () => {
    // 4×4 transparent with an opaque black top-left quarter.
    const source = makePng(4, 4, (x, y) => (x < 2 && y < 2 ? [0, 0, 0, 255] : [255, 255, 255, 0]));
    const out = normaliseMask(source, 8, 6);
    expectMask(out ?? "", 8, 6, (x, y) => x < 4 && y < 3);
  });

  it("shrinks a larger mask", () => {
    const source = makePng(64, 64, (_x, y) => (y >= 32 ? [255, 255, 255, 255] : [0, 0, 0, 255]));
    expectMask(normaliseMask(source, 8, 8) ?? "", 8, 8, (_x, y) => y >= 4);
  });

  it("writes the same 8-bit grayscale PNG as drawn masks", () => {
    const source = makePng(2, 2, () => [255, 255, 255, 255]);
    expect(header(pngBytes(normaliseMask(source, 3, 5) ?? ""))).toEqual({
      width: 3,
      height: 5,
      depth: 8,
      colour: 0,
    });
  });

  it.each([
    ["empty", Buffer.alloc(0)],
    ["text", Buffer.from("not a png at all")],
    ["jpeg header", Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46])],
    ["truncated png", makePng(4, 4, () => [0, 0, 0, 255]).subarray(0, 40)],
  ])("returns null for %s", (_name, bytes) => {
    expect(normaliseMask(bytes, 8, 8)).toBeNull();
  });
});
