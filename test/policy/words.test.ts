import { describe, expect, it } from "vitest";
import { WordMatcher } from "../../src/policy/words.js";

describe("banned words", () => {
  const words = new WordMatcher(["Gore", "blood bath", "暴力", "c++", "ＮＳＦＷ", "  "]);

  it("matches whole Latin words, case-insensitively, naming the word as written", () => {
    expect(words.find("a GORE scene")).toBe("Gore");
    expect(words.find("gore.")).toBe("Gore");
    expect(words.find("gorgeous gorey Gorey")).toBeNull();
    expect(words.find("angore")).toBeNull();
    expect(words.find("a cat")).toBeNull();
  });

  it("matches phrases across any whitespace", () => {
    expect(words.find("a Blood \n  Bath at dawn")).toBe("blood bath");
    expect(words.find("a bloodbath")).toBeNull();
  });

  it("matches CJK phrases as substrings", () => {
    expect(words.find("一个暴力的场景")).toBe("暴力");
    expect(words.find("暴 力")).toBe("暴力");
    expect(words.find("暴风")).toBeNull();
  });

  it("words with symbols, full-width forms, letters with accents", () => {
    expect(words.find("learn c++ now")).toBe("c++");
    expect(words.find("nsfw art")).toBe("ＮＳＦＷ");
    expect(new WordMatcher(["café"]).find("CAFÉ society")).toBe("café");
    expect(new WordMatcher(["café"]).find("cafés")).toBeNull();
  });

  it("an empty list matches nothing", () => {
    expect(new WordMatcher([]).find("anything")).toBeNull();
  });
});
