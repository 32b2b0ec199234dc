/** Deterministic texts: describe prompts (from the image) and shorten analyses (from the prompt). */
import { KEYCAPS } from "./buttons.js";
import { hash32, rng } from "./ids.js";
import { averageColour, cellFor, colourName } from "./images.js";
import { aspectOfInput, type ImageInput, inputKey } from "./inputs.js";
import { promptBody } from "./prompt.js";

const SUBJECTS = [
  "a lone lighthouse on a rocky shore",
  "a cozy reading nook by a rainy window",
  "a vintage bicycle leaning against a brick wall",
  "a quiet mountain lake at dawn",
  "a bustling street market at dusk",
  "a paper boat drifting on a puddle",
  "an old tram crossing a foggy bridge",
  "a field of sunflowers under a wide sky",
  "a sleepy cat curled on a windowsill",
  "a glass greenhouse full of ferns",
  "a snowy cabin in a pine forest",
  "a koi pond with floating lanterns",
];

const STYLES = [
  "in the style of watercolor illustration",
  "cinematic lighting, shallow depth of field",
  "soft pastel palette, dreamy atmosphere",
  "35mm film photography, natural grain",
  "minimalist flat design",
  "highly detailed digital painting",
  "storybook illustration, gentle shading",
  "isometric 3d render, clean background",
];

const MOODS = ["serene", "nostalgic", "whimsical", "moody", "vibrant", "tranquil", "mysterious"];

function pick<T>(list: readonly T[], r: () => number): T {
  return list[Math.floor(r() * list.length)] as T;
}

/**
 * Four describe prompts for an image, without keycaps. `seed` comes from the image bytes
 * (or link); `colour` is its dominant colour name; `aspect` like "1:1".
 */
export function describePrompts(seed: number, colour: string, aspect: string): string[] {
  const r = rng(seed);
  const out: string[] = [];
  const subjects = [...SUBJECTS];
  for (let i = 0; i < 4; i++) {
    const subject = subjects.splice(Math.floor(r() * subjects.length), 1)[0] as string;
    out.push(`${subject}, ${pick(MOODS, r)} ${colour} tones, ${pick(STYLES, r)} --ar ${aspect}`);
  }
  return out;
}

/** `1️⃣ …\n\n2️⃣ …`, Discord's form. */
export function withKeycaps(prompts: readonly string[]): string {
  return prompts.map((p, i) => `${KEYCAPS[i]} ${p}`).join("\n\n");
}

/** Strips a leading keycap (`1️⃣ `) from a prompt. */
export function stripKeycap(prompt: string): string {
  return prompt.replace(/^\s*[1-5]\uFE0F?\u20E3\s*/u, "");
}

const FILLER = new Set([
  "trending",
  "artstation",
  "8k",
  "4k",
  "hd",
  "uhd",
  "octane",
  "unreal",
  "ultra",
  "hyper",
  "hyperrealistic",
  "highly",
  "detailed",
  "masterpiece",
  "best",
  "quality",
  "award",
  "winning",
  "intricate",
  "sharp",
  "focus",
  "photorealistic",
]);

const STOP = new Set([
  "a",
  "an",
  "the",
  "of",
  "in",
  "on",
  "at",
  "by",
  "and",
  "with",
  "above",
  "under",
  "for",
  "to",
  "from",
  "very",
]);

export interface Analysis {
  /** The markdown Midjourney answers with (`## Important tokens` … `## Shortened prompts`). */
  text: string;
  /** The five shortened prompts, without keycaps. */
  prompts: string[];
}

const bare = (w: string) => w.toLowerCase().replace(/[^a-z0-9]/g, "");
const tidy = (s: string) =>
  s
    .replace(/\s+/g, " ")
    .replace(/\s+,/g, ",")
    .replace(/(,\s*)+/g, ", ")
    .replace(/^[,\s]+|[,\s]+$/g, "")
    .trim();

/** A shorten analysis of a prompt: filler struck through, key tokens in bold, five shortenings. */
export function analyse(prompt: string): Analysis {
  const body = promptBody(prompt) || prompt.trim();
  const words = body.split(/\s+/).filter(Boolean);
  const candidates = words
    .map((w, i) => ({ w: bare(w), i }))
    .filter(({ w }) => w.length >= 3 && !FILLER.has(w) && !STOP.has(w));
  const important = new Set(
    [...candidates]
      .sort((a, b) => b.w.length - a.w.length || a.i - b.i)
      .slice(0, Math.max(1, Math.min(5, Math.ceil(candidates.length / 2))))
      .map(({ i }) => i),
  );
  const marked = words
    .map((w, i) => {
      const core = bare(w);
      if (FILLER.has(core)) return w.replace(/[^,.;:!?]+/, (m) => `~~${m}~~`);
      if (important.has(i)) return w.replace(/[^,.;:!?]+/, (m) => `**${m}**`);
      return w;
    })
    .join(" ");

  const phrases = body
    .split(",")
    .map((p) => {
      const kept = p.split(/\s+/).filter((w) => w && !FILLER.has(bare(w)));
      // No dangling "on", "by", "and" where filler was cut out.
      while (kept.length > 0 && STOP.has(bare(kept[kept.length - 1] ?? ""))) kept.pop();
      return tidy(kept.join(" "));
    })
    .filter(Boolean);
  const keyWords = [...important]
    .sort((a, b) => a - b)
    .map((i) => words[i]?.replace(/[,.;:!?]/g, ""));
  const keep = (n: number) => tidy(phrases.slice(0, Math.max(1, n)).join(", "));
  const prompts = [
    keep(phrases.length),
    keep(Math.ceil(phrases.length * 0.75)),
    keep(Math.ceil(phrases.length / 2)),
    tidy(keyWords.join(", ")),
    tidy(keyWords.slice(0, 2).join(", ")),
  ].map((p) => p || body);

  const text = `## Important tokens\n${marked}\n## Shortened prompts\n${withKeycaps(prompts)}`;
  return { text, prompts };
}

/** The "Show Details" text: a weight per token. */
export function details(prompt: string): string {
  const body = promptBody(prompt) || prompt.trim();
  const tokens = body
    .split(/[\s,]+/)
    .map(bare)
    .filter((w) => w.length > 0 && !STOP.has(w));
  const r = rng(tokens.length * 7919 + body.length);
  const lines = tokens.map((t) => {
    const weight = FILLER.has(t) ? r() * 0.05 : 0.2 + r() * 0.8;
    return `${t}: ${weight.toFixed(2)}`;
  });
  return `## Token weights\n${lines.join("\n")}`;
}

/** The four prompts a describe gives for an image (and a retry salt). */
export function describeFor(input: ImageInput, salt = 0): string[] {
  const key = inputKey(input);
  const colour =
    (input.kind === "bytes" ? averageColour(input.bytes) : undefined) ??
    cellFor(typeof key === "string" ? key : key.toString("base64")).base;
  const [w, h] = aspectOfInput(input);
  return describePrompts(hash32(key, String(salt)), colourName(colour), `${w}:${h}`);
}
