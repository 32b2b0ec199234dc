import { ComponentType, TextInputStyle } from "discord.js";
import { describe, expect, it } from "vitest";
import { REGIONS } from "../../src/discord/mask.js";
import {
  buildForm,
  FIELD,
  type FormKind,
  withZoom,
  zoomProblem,
} from "../../src/discord/modals.js";
import { validateCallback } from "../fakes/schema.js";

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
    expect(withZoom("a fox --zoomed 3")).toBe("a fox --zoomed 3 --zoom 2");
  });

  it.each([
    ["a fox --zoom", "a fox --zoom 2"],
    ["a fox --zoom --ar 1:1", "a fox --ar 1:1 --zoom 2"],
    ["a fox --zoom 3 --ar 1:1", "a fox --ar 1:1 --zoom 2"],
    ["a fox --zoom 0x2", "a fox --zoom 2"],
    ["a fox --zoom 1.5 --zoom 1.8", "a fox --zoom 2"],
  ])("replaces a zoom the form would refuse: %j", (prompt, prefill) => {
    expect(withZoom(prompt)).toBe(prefill);
    expect(zoomProblem(withZoom(prompt))).toBeNull();
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
    ["a fox --zoom", /--zoom/],
    ["a fox --zoom --ar 1:1", /--zoom/],
  ])("refuses %j with a message", (prompt, words) => {
    const problem = zoomProblem(prompt);
    expect(problem).toEqual(expect.any(String));
    expect(problem).toMatch(words);
  });

  it.each([
    "0x2", // hex: Number() reads 2
    "0X1F",
    "0b10",
    "0o2",
    "2e0", // exponents
    "1.5e0",
    "15e-1",
    "+1.5",
    "2.",
    ".2e1",
    "1.5.2",
    "2abc",
    "1,5",
    "Infinity",
    "١.٥", // Arabic-Indic digits
  ])("accepts only a plain decimal: refuses --zoom %s", (value) => {
    const problem = zoomProblem(`a fox --zoom ${value} --ar 1:1`);
    expect(problem).toMatch(/plain number above 1 and at most 2/);
    expect(problem).toContain(`\`--zoom ${value}\``);
  });

  it.each(["1.5", "2", "2.0", "1.25", "01.5"])("accepts --zoom %s", (value) => {
    expect(zoomProblem(`a fox --zoom ${value}`)).toBeNull();
  });

  it("echoes a long or odd value briefly and without breaking out of its code span", () => {
    const problem = zoomProblem(`a fox --zoom ${"9`".repeat(2000)}`) ?? "";
    expect(problem.length).toBeLessThan(200);
    expect(problem.match(/`/g)?.length).toBe(4); // two code spans: the example and the echo
  });
});
