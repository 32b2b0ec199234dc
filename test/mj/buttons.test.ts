// § numbers in the test names refer to docs/proxy-behaviour.md.
import { describe, expect, it } from "vitest";
import {
  type ButtonKind,
  classifyButton,
  type ProxyButton,
  stripKeycap,
} from "../../src/mj/buttons.js";
import { fixture, fixtureNames } from "../support/fixtures.js";

const H = "8b1d4e77-2c3a-4f90-b5e6-91a0c3d4e5f6";
const JOB_ID = "1754300355718604";

const cls = (customId: string, label: string | null = "", emoji: string | null = "") =>
  classifyButton({ customId, label, emoji, style: 2 });

describe("imagine grid (§8.2)", () => {
  it.each([1, 2, 3, 4])("U%i is an upscale with its index, no input", (n) => {
    const b = cls(`MJ::JOB::upsample::${n}::${H}`, `U${n}`);
    expect(b).toMatchObject({ kind: "upscale", index: n, needsInput: "never", label: `U${n}` });
    expect(b.hidden).toBe(false);
    expect(b.emoji).toBeUndefined();
  });

  it.each([1, 2, 3, 4])("V%i is a variation with its index, input only with remix", (n) => {
    const b = cls(`MJ::JOB::variation::${n}::${H}`, `V${n}`);
    expect(b).toMatchObject({ kind: "variation", index: n, needsInput: "remix", label: `V${n}` });
  });

  it("labels U/V from the table when the proxy gives no label", () => {
    expect(cls(`MJ::JOB::upsample::3::${H}`, "").label).toBe("U3");
    expect(cls(`MJ::JOB::variation::2::${H}`, null).label).toBe("V2");
  });

  it("reroll keeps its 🔄 glyph and gets a readable label", () => {
    const b = cls(`MJ::JOB::reroll::0::${H}::SOLO`, "", "🔄");
    expect(b).toMatchObject({ kind: "reroll", needsInput: "remix", label: "Reroll", emoji: "🔄" });
    expect(b.index).toBeUndefined();
  });
});

describe("upscaled image (§8.3)", () => {
  it.each([
    ["upsample_v7_2x_subtle", "Upscale (Subtle)"],
    ["upsample_v7_2x_creative", "Upscale (Creative)"],
    ["upsample_v6_2x_subtle", "Upscale (Subtle)"],
    ["upsample_v6_2x_creative", "Upscale (Creative)"],
    ["upsample_v6r1_2x_subtle", "Upscale (Subtle)"],
    ["upsample_v6r1_2x_creative", "Upscale (Creative)"],
    ["upsample_v5_2x", "Upscale (2x)"],
    ["upsample_v5_4x", "Upscale (4x)"],
    ["upsample_v8_2x_subtle", "Upscale (Subtle)"],
    ["upsample_v9_3x", "Upscale (3x)"],
  ])("%s is upscale_hd labelled %s, custom emoji dropped", (action, label) => {
    const b = cls(`MJ::JOB::${action}::1::${H}::SOLO`, "", "upscale_1");
    expect(b).toMatchObject({ kind: "upscale_hd", needsInput: "never", label });
    expect(b.emoji).toBeUndefined();
    expect(b.index).toBeUndefined();
  });

  it("prefers the proxy's label for upscale_hd (e.g. Redo Upscale)", () => {
    const b = cls(`MJ::JOB::upsample_v7_2x_subtle::1::${H}::SOLO`, "Redo Upscale (Subtle)");
    expect(b.label).toBe("Redo Upscale (Subtle)");
  });

  it.each([
    ["low_variation", "vary_subtle", "Vary (Subtle)"],
    ["high_variation", "vary_strong", "Vary (Strong)"],
  ])("%s is %s with remix input", (action, kind, label) => {
    const b = cls(`MJ::JOB::${action}::1::${H}::SOLO`, "", "🪄");
    expect(b).toMatchObject({ kind, needsInput: "remix", label, emoji: "🪄" });
  });

  it("Vary (Region) always needs input", () => {
    const b = cls(`MJ::Inpaint::1::${H}::SOLO`, "", "🖌️");
    expect(b).toMatchObject({ kind: "inpaint", needsInput: "always", label: "Vary (Region)" });
    expect(b.emoji).toBe("🖌️");
  });

  it.each([
    ["50", "zoom_out", "Zoom Out 2x"],
    ["75", "zoom_out", "Zoom Out 1.5x"],
    ["100", "make_square", "Make Square"],
  ])("Outpaint::%s is %s (%s), no input", (pct, kind, label) => {
    const b = cls(`MJ::Outpaint::${pct}::1::${H}::SOLO`, "", "🔍");
    expect(b).toMatchObject({ kind, needsInput: "never", label, emoji: "🔍" });
  });

  it.each([[`MJ::CustomZoom::${H}`], [`MJ::CustomZoom::1::${JOB_ID}`]])(
    "%s is a custom zoom that always needs input",
    (customId) => {
      const b = cls(customId, "");
      expect(b).toMatchObject({ customId, kind: "custom_zoom", needsInput: "always" });
      expect(b.label).toBe("Custom Zoom");
    },
  );

  it.each([
    ["left", "⬅️", "Pan Left"],
    ["right", "➡️", "Pan Right"],
    ["up", "⬆️", "Pan Up"],
    ["down", "⬇️", "Pan Down"],
  ])("pan_%s has its direction, glyph and label", (direction, emoji, label) => {
    const b = cls(`MJ::JOB::pan_${direction}::1::${H}::SOLO`, "", emoji);
    expect(b).toMatchObject({ kind: "pan", direction, emoji, label, needsInput: "remix" });
  });

  it.each([
    ["high", "Animate (High motion)"],
    ["low", "Animate (Low motion)"],
  ])("animate_%s has its motion", (motion, label) => {
    const b = cls(`MJ::JOB::animate_${motion}::1::${H}::SOLO`, "", "🎞️");
    expect(b).toMatchObject({ kind: "animate", motion, label, emoji: "🎞️", needsInput: "remix" });
  });

  it("bookmark is hidden and accepted nowhere but still labelled", () => {
    const b = cls(`MJ::BOOKMARK::${H}`, "", "❤️");
    expect(b).toMatchObject({ kind: "bookmark", hidden: true, needsInput: "never" });
    expect(b.accepted).toEqual({ plus: false, trueai: false, gateway: false });
    expect(b.label.length).toBeGreaterThan(0);
  });
});

describe("YouChuan / official synthetic shapes (§8.6)", () => {
  it.each<[string, ButtonKind]>([
    [`MJ::JOB::upsample_v7_2x_subtle::1::${JOB_ID}::SOLO`, "upscale_hd"],
    [`MJ::JOB::low_variation::1::${JOB_ID}::SOLO`, "vary_subtle"],
    [`MJ::JOB::high_variation::1::${JOB_ID}::SOLO`, "vary_strong"],
    [`MJ::Inpaint::1::${JOB_ID}::SOLO`, "inpaint"],
    [`MJ::Outpaint::50::1::${JOB_ID}::SOLO`, "zoom_out"],
    [`MJ::Outpaint::75::1::${JOB_ID}::SOLO`, "zoom_out"],
    [`MJ::CustomZoom::1::${JOB_ID}`, "custom_zoom"],
    [`MJ::JOB::pan_up::1::${JOB_ID}::SOLO`, "pan"],
    [`MJ::JOB::animate_low::1::${JOB_ID}::SOLO`, "animate"],
    [`MJ::JOB::reroll::0::${JOB_ID}::SOLO`, "reroll"],
  ])("%s is %s", (customId, kind) => {
    expect(cls(customId).kind).toBe(kind);
  });
});

describe("video (§8.6)", () => {
  it.each([1, 2, 3, 4])("video_virtual_upscale::%i selects that video", (n) => {
    const b = cls(`MJ::JOB::video_virtual_upscale::${n}::${H}`, "");
    expect(b).toMatchObject({
      kind: "video_select",
      index: n,
      label: `U${n}`,
      needsInput: "never",
    });
  });

  it.each([
    ["high", 4, "Extend (High motion)"],
    ["low", 1, "Extend (Low motion)"],
  ])("animate_%s_extend::%i has motion and index", (motion, n, label) => {
    const b = cls(`MJ::JOB::animate_${motion}_extend::${n}::${H}`, "", "🎞️");
    expect(b).toMatchObject({ kind: "video_extend", motion, index: n, label, needsInput: "remix" });
  });

  it("legacy manual video always needs input and keeps its motion", () => {
    const b = cls(`MJ::JOB::video::low::${JOB_ID}::vid_1.1_i2v_480::manual`, "Manual Low Motion");
    expect(b).toMatchObject({ kind: "video_manual", motion: "low", needsInput: "always" });
    expect(b.label).toBe("Manual Low Motion");
    expect(b.accepted.trueai).toBe(false);
    expect(b.accepted.gateway).toBe(false);
  });

  it("legacy auto video is an animate", () => {
    const b = cls(`MJ::JOB::video::high::${JOB_ID}::vid_1.1_i2v_480::auto`, "");
    expect(b).toMatchObject({ kind: "animate", motion: "high", label: "Animate (High motion)" });
  });
});

describe("describe and shorten (§8.4, §8.5)", () => {
  it.each([1, 2, 3, 4])("PicReader::%i is a describe pick that always needs input", (n) => {
    const b = cls(`MJ::Job::PicReader::${n}`, "", `${n}\ufe0f\u20e3`);
    expect(b).toMatchObject({
      kind: "describe_pick",
      index: n,
      needsInput: "always",
      label: `Imagine ${n}`,
      emoji: `${n}\ufe0f\u20e3`,
    });
  });

  it("PicReader::all and Picread::Retry run without input", () => {
    expect(cls("MJ::Job::PicReader::all", "Imagine all", "🎉")).toMatchObject({
      kind: "describe_all",
      needsInput: "never",
      label: "Imagine all",
      emoji: "🎉",
    });
    expect(cls("MJ::Picread::Retry", "", "🔄")).toMatchObject({
      kind: "describe_retry",
      needsInput: "never",
      label: "Retry",
      emoji: "🔄",
    });
  });

  it.each([1, 2, 3, 4, 5])("PromptAnalyzer::%i is a shorten pick", (n) => {
    const b = cls(`MJ::Job::PromptAnalyzer::${n}`, "", `${n}\ufe0f\u20e3`);
    expect(b).toMatchObject({ kind: "shorten_pick", index: n, needsInput: "always" });
    expect(b.label).toBe(`Use ${n}`);
  });

  it("recognises Show Details by a PromptAnalyzer-like shape or by its label", () => {
    expect(cls("MJ::Job::PromptAnalyzer::details").kind).toBe("shorten_details");
    expect(cls("MJ::Job::PromptAnalyzer::details").label).toBe("Show Details");
    const byLabel = cls("MJ::Job::ShowDetails::abc", "Show Details");
    expect(byLabel).toMatchObject({ kind: "shorten_details", needsInput: "never" });
    expect(byLabel.accepted.trueai).toBe(false);
  });

  it("a label of Show Details does not override a known kind", () => {
    expect(cls(`MJ::JOB::upsample::1::${H}`, "Show Details").kind).toBe("upscale");
  });
});

describe("robust matching", () => {
  it.each<[string, ButtonKind]>([
    [`MJ::Job::upsample::2::${H}`, "upscale"],
    [`mj::job::variation::2::${H}`, "variation"],
    [`MJ::JOB::PicReader::3`, "describe_pick"],
    [`MJ::job::PROMPTANALYZER::2`, "shorten_pick"],
    [`MJ::JOB::Upsample_V7_2x_Subtle::1::${H}::SOLO`, "upscale_hd"],
    [`MJ::PICREAD::retry`, "describe_retry"],
    [`MJ::Bookmark::${H}`, "bookmark"],
  ])("%s is %s regardless of case", (customId, kind) => {
    const b = cls(customId);
    expect(b.kind).toBe(kind);
    expect(b.customId).toBe(customId);
  });

  it("keeps the customId verbatim, whitespace and all", () => {
    const id = ` MJ::JOB::upsample::1::${H} `;
    expect(cls(id).customId).toBe(id);
  });

  it("does not give a U index when the slot is not a number", () => {
    const b = cls(`MJ::JOB::upsample::x::${H}`);
    expect(b.kind).toBe("upscale");
    expect(b.index).toBeUndefined();
    expect(b.label).toBe("Upscale");
  });
});

describe("unknown buttons pass through generically", () => {
  it("uses the proxy label", () => {
    const b = cls(`MJ::JOB::sparkle_magic::1::${H}::SOLO`, "Sparkle Magic");
    expect(b).toMatchObject({ kind: "unknown", needsInput: "never", hidden: false });
    expect(b.label).toBe("Sparkle Magic");
    expect(b.accepted).toEqual({ plus: true, trueai: false, gateway: false });
  });

  it("with only a glyph: keeps it and uses a generic label", () => {
    const b = cls("something-new", "", "✨");
    expect(b).toMatchObject({ kind: "unknown", emoji: "✨", label: "Action", hidden: false });
  });

  it("with only a glyph on an MJ customId: names it after its action", () => {
    const b = cls(`MJ::JOB::sparkle::1::${H}::SOLO`, "", "✨");
    expect(b).toMatchObject({ kind: "unknown", emoji: "✨", label: "Sparkle" });
  });

  it("with only a custom emoji name: turns the name into text", () => {
    const b = cls("something-new", "", "magic_wand");
    expect(b.emoji).toBeUndefined();
    expect(b.label).toBe("Magic wand");
  });

  it("with nothing at all: still has a label", () => {
    for (const button of [
      { customId: "x" },
      { customId: "x", label: null, emoji: null },
      { customId: `MJ::${H}`, label: "  ", emoji: "" },
    ] as ProxyButton[]) {
      const b = classifyButton(button);
      expect(b.kind).toBe("unknown");
      expect(b.label).toBe("Action");
      expect(b.emoji).toBeUndefined();
      expect(b.hidden).toBe(false);
    }
  });
});

describe("emoji and label rules", () => {
  it.each(["🔄", "🪄", "🖌️", "🔍", "⬅️", "➡️", "⬆️", "⬇️", "🎞️", "1️⃣", "5️⃣", "🎉", "❤️", "↔️"])(
    "keeps the glyph %s",
    (glyph) => {
      expect(cls("MJ::Unknown::1", "Label", glyph).emoji).toBe(glyph);
    },
  );

  it.each([
    "upscale_1",
    "upscale",
    "abc",
    "1",
    "<:upscale_1:1234567890>",
    "🔄🔄",
    "🔄 Reroll",
    null,
    "",
    "   ",
  ])("drops %j as an emoji", (value) => {
    expect(cls(`MJ::JOB::upsample_v7_2x_subtle::1::${H}::SOLO`, "", value).emoji).toBeUndefined();
  });

  it("tolerates a missing emoji and label", () => {
    const b = classifyButton({ customId: `MJ::JOB::pan_left::1::${H}::SOLO` });
    expect(b.label).toBe("Pan Left");
    expect(b.emoji).toBeUndefined();
  });

  it("falls back from a blank label to the table", () => {
    expect(cls(`MJ::Inpaint::1::${H}::SOLO`, "   ").label).toBe("Vary (Region)");
  });

  it("cuts labels to 80 characters and collapses whitespace", () => {
    const long = cls(`MJ::JOB::upsample::1::${H}`, "x".repeat(200));
    expect([...long.label]).toHaveLength(80);
    expect(long.label.endsWith("…")).toBe(true);
    expect(cls(`MJ::JOB::upsample::1::${H}`, " Upscale \n  (Subtle) ").label).toBe(
      "Upscale (Subtle)",
    );
  });
});

describe("accepted on /submit/action (§8.7)", () => {
  const table: [string, boolean, boolean, boolean][] = [
    // customId, plus, trueai, gateway
    [`MJ::JOB::upsample::1::${H}`, true, true, true],
    [`MJ::JOB::upsample_v7_2x_subtle::1::${H}::SOLO`, true, true, true],
    [`MJ::JOB::upsample_v5_4x::1::${H}::SOLO`, true, true, true],
    [`MJ::JOB::variation::2::${H}`, true, true, true],
    [`MJ::JOB::low_variation::1::${H}::SOLO`, true, true, true],
    [`MJ::JOB::high_variation::1::${H}::SOLO`, true, true, true],
    [`MJ::JOB::reroll::0::${H}::SOLO`, true, true, true],
    [`MJ::JOB::pan_left::1::${H}::SOLO`, true, true, true],
    [`MJ::Outpaint::50::1::${H}::SOLO`, true, true, true],
    [`MJ::Outpaint::100::1::${H}::SOLO`, true, true, true],
    [`MJ::CustomZoom::${H}`, true, true, true],
    [`MJ::CustomZoom::1::${JOB_ID}`, true, true, true],
    [`MJ::Inpaint::1::${H}::SOLO`, true, true, true],
    [`MJ::JOB::animate_high::1::${H}::SOLO`, true, true, false],
    [`MJ::JOB::animate_low_extend::1::${H}`, true, true, false],
    [`MJ::JOB::video_virtual_upscale::1::${H}`, true, true, false],
    ["MJ::Job::PicReader::1", true, true, false],
    ["MJ::Job::PicReader::all", false, true, false],
    ["MJ::Picread::Retry", true, true, false],
    ["MJ::Job::PromptAnalyzer::1", true, false, false],
    [`MJ::BOOKMARK::${H}`, false, false, false],
    [`MJ::JOB::video::low::${JOB_ID}::vid_1.1_i2v_480::manual`, true, false, false],
    [`MJ::JOB::brand_new::1::${H}`, true, false, false],
  ];
  it.each(table)("%s: plus %s, trueai %s, gateway %s", (customId, plus, trueai, gateway) => {
    expect(cls(customId).accepted).toEqual({ plus, trueai, gateway });
  });
});

describe("stripKeycap", () => {
  it("removes a leading keycap and the space after it", () => {
    expect(stripKeycap("1️⃣ a fox in the snow --ar 1:1")).toBe("a fox in the snow --ar 1:1");
    expect(stripKeycap("  5\u20e3  ancient city")).toBe("ancient city");
    expect(stripKeycap("🔟 ten")).toBe("ten");
  });

  it("leaves other text alone", () => {
    expect(stripKeycap("a fox 1️⃣ here")).toBe("a fox 1️⃣ here");
    expect(stripKeycap("12 monkeys")).toBe("12 monkeys");
  });
});

describe("every fixture's buttons", () => {
  const collect = (value: unknown, out: ProxyButton[][]): ProxyButton[][] => {
    if (Array.isArray(value)) {
      for (const item of value) collect(item, out);
    } else if (value && typeof value === "object") {
      const buttons = (value as { buttons?: unknown }).buttons;
      if (Array.isArray(buttons)) out.push(buttons as ProxyButton[]);
      for (const item of Object.values(value)) collect(item, out);
    }
    return out;
  };
  const sets = fixtureNames()
    .flatMap((name) => collect(fixture(name), []).map((buttons) => [name, buttons] as const))
    .filter(([, buttons]) => buttons.length > 0);

  it("finds the fixture button sets", () => {
    expect(sets.length).toBeGreaterThanOrEqual(10);
  });

  it.each(sets)("%s: every button is known, labelled and verbatim", (_name, buttons) => {
    for (const button of buttons) {
      const b = classifyButton(button);
      expect(b.kind, button.customId).not.toBe("unknown");
      expect(b.customId).toBe(button.customId);
      expect(b.label.length).toBeGreaterThan(0);
      expect([...b.label].length).toBeLessThanOrEqual(80);
      if (b.emoji !== undefined) expect(b.emoji).toBe(button.emoji);
      if (button.label) expect(b.label).toBe(button.label);
    }
    // Only bookmarks (❤️) are hidden.
    const hidden = buttons.filter((b) => classifyButton(b).hidden);
    expect(hidden.map((b) => b.customId)).toEqual(
      buttons.filter((b) => b.customId.startsWith("MJ::BOOKMARK::")).map((b) => b.customId),
    );
  });
});
