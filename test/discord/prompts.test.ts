import { describe, expect, it } from "vitest";
import { checkPrompt, cleanText, PROMPT_MAX_LENGTH } from "../../src/discord/prompts.js";

const ok = (prompt: string) => ({ ok: true, prompt });

describe("checkPrompt", () => {
  it("takes a plain prompt as it is, trimmed", () => {
    expect(checkPrompt("  a red fox --ar 16:9 ")).toEqual(ok("a red fox --ar 16:9"));
  });

  it("strips ANSI escapes and control characters before the prompt is sent or shown", () => {
    expect(checkPrompt("\u001b[1;31ma red\u001b[0m fox\u0000\u0007\u007f")).toEqual(
      ok("a red fox"),
    );
    // OSC (terminal title, hyperlinks), 8-bit CSI, and C1 controls.
    expect(
      checkPrompt("\u001b]8;;https://evil.example\u0007fox\u001b]8;;\u0007 \u009b31mowl\u0085"),
    ).toEqual(ok("fox owl"));
    // Direction overrides that would make the echo read differently from what was sent.
    expect(checkPrompt("a \u202eflow\u202c fox \u2066x\u2069")).toEqual(ok("a flow fox x"));
    // Line breaks and tabs become spaces: a prompt is one line.
    expect(checkPrompt("a red\nfox\r\n\tin snow")).toEqual(ok("a red fox in snow"));
  });

  it("keeps what makes emoji and scripts whole (ZWJ, variation selectors, tags)", () => {
    const family =
      "👨\u200d👩\u200d👧 family, ❤️, 🏴\u{e0067}\u{e0062}\u{e0065}\u{e006e}\u{e0067}\u{e007f}";
    expect(checkPrompt(family)).toEqual(ok(family));
    expect(checkPrompt("می\u200cخواهم")).toEqual(ok("می\u200cخواهم"));
  });

  it.each([
    ["zero-width characters", "\u200b\u200c\u200d\u2060\ufeff"],
    ["Hangul fillers", "\u3164\u3164 \u115f\u1160\uffa0"],
    ["a braille blank", "\u2800\u2800"],
    ["control characters and escapes", "\u001b[0m\u0007\u0000\u009b2J"],
    ["direction marks", "\u202e\u200e\u200f\u2066"],
    ["combining marks with no letter", "\u0301\u034f\u0489"],
    ["variation selectors and tags", "\ufe0f\u{e0067}\u{e007f}"],
  ])("refuses a prompt of only %s, saying why", (_what, prompt) => {
    const checked = checkPrompt(prompt);
    expect(checked.ok).toBe(false);
    if (!checked.ok) expect(checked.message).toMatch(/no visible text/);
  });

  it("refuses an empty prompt as empty", () => {
    for (const prompt of ["", "   ", "\n\t"]) {
      const checked = checkPrompt(prompt);
      expect(checked).toEqual({ ok: false, message: expect.stringMatching(/cannot be empty/) });
    }
  });

  it(`refuses a prompt longer than ${PROMPT_MAX_LENGTH} characters, naming both lengths`, () => {
    expect(checkPrompt("a".repeat(PROMPT_MAX_LENGTH))).toEqual(ok("a".repeat(PROMPT_MAX_LENGTH)));
    const checked = checkPrompt("a".repeat(100_000));
    expect(checked.ok).toBe(false);
    if (!checked.ok) {
      expect(checked.message).toMatch(/100,?000 characters/);
      expect(checked.message).toContain(String(PROMPT_MAX_LENGTH));
    }
  });
});

describe("cleanText", () => {
  it("is what the echo uses too: controls gone, visible text untouched", () => {
    expect(cleanText("\u001b[31mred\u001b[0m\u0000 fox")).toBe("red fox");
    expect(cleanText("ünïcødé 漢字 🦊")).toBe("ünïcødé 漢字 🦊");
  });
});
