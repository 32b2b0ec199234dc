// Banned words: case-insensitive; Latin words and phrases on word boundaries, CJK phrases
// (no spaces between words there) as substrings. A match names the word as the policy wrote it.

/** Han, kana, Hangul: scripts written without spaces between words. */
const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Folds case and compatibility forms (full-width letters, ligatures) before comparing. */
const fold = (s: string) => s.normalize("NFKC").toLocaleLowerCase("und");

interface Compiled {
  word: string;
  test: (folded: string) => boolean;
}

export class WordMatcher {
  private readonly words: Compiled[];

  constructor(words: readonly string[]) {
    this.words = words
      .map((word) => word.trim())
      .filter((word) => word !== "")
      .map((word) => {
        const folded = fold(word).replace(/\s+/g, " ");
        if (CJK.test(folded)) {
          const squeezed = folded.replace(/\s+/g, "");
          return { word, test: (text: string) => text.replace(/\s+/g, "").includes(squeezed) };
        }
        const body = folded.split(" ").map(escapeRegExp).join("\\s+");
        const re = new RegExp(`(?<![\\p{L}\\p{N}\\p{M}_])${body}(?![\\p{L}\\p{N}\\p{M}_])`, "u");
        return { word, test: (text: string) => re.test(text) };
      });
  }

  /** The first banned word found in `text` (as the policy wrote it), or null. */
  find(text: string): string | null {
    if (this.words.length === 0) return null;
    const folded = fold(text);
    return this.words.find((w) => w.test(folded))?.word ?? null;
  }
}
