/** Midjourney prompt parameters: aspect, zoom, version, speed flags. Pure. */

export type Aspect = readonly [number, number];

const AR_RE = /--(?:ar|aspect)\s+(\d+)\s*:\s*(\d+)/i;

export function aspectOf(prompt: string): Aspect {
  const m = AR_RE.exec(prompt);
  if (!m) return [1, 1];
  const w = Number(m[1]);
  const h = Number(m[2]);
  if (!(w > 0 && h > 0)) return [1, 1];
  // Midjourney accepts extreme ratios; keep images reasonable.
  if (w / h > 4) return [4, 1];
  if (h / w > 4) return [1, 4];
  return reduce(w, h);
}

function reduce(w: number, h: number): Aspect {
  const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
  const d = gcd(w, h) || 1;
  return [w / d, h / d];
}

export function setAspect(prompt: string, [w, h]: Aspect): string {
  const ar = `--ar ${w}:${h}`;
  return AR_RE.test(prompt) ? prompt.replace(AR_RE, ar) : `${prompt} ${ar}`;
}

/** Pixel size for an aspect: the long side is `size`, both sides even and at least 8. */
export function dimensions([w, h]: Aspect, size: number): { width: number; height: number } {
  const even = (v: number) => Math.max(8, Math.round(v / 2) * 2);
  return w >= h
    ? { width: even(size), height: even((size * h) / w) }
    : { width: even((size * w) / h), height: even(size) };
}

/** The aspect after a pan: wider for left/right, taller for up/down (e.g. 1:1 -> 3:2). */
export function panAspect([w, h]: Aspect, direction: string): Aspect {
  const [nw, nh] = direction === "left" || direction === "right" ? [w * 3, h * 2] : [w * 2, h * 3];
  if (nw / nh > 4) return [4, 1];
  if (nh / nw > 4) return [1, 4];
  return reduce(nw, nh);
}

/** The value of `--zoom`, if present. */
export function zoomOf(prompt: string): number | undefined {
  const m = /--zoom\s+([0-9]*\.?[0-9]+)/i.exec(prompt);
  return m ? Number(m[1]) : undefined;
}

export type Speed = "FAST" | "RELAX" | "TURBO";

export function speedFlag(prompt: string): Speed | undefined {
  const m = /--(fast|relax|turbo)\b/i.exec(prompt);
  return m ? ((m[1] as string).toUpperCase() as Speed) : undefined;
}

export function stripSpeedFlags(prompt: string): string {
  return prompt
    .replace(/\s*--(fast|relax|turbo)\b/gi, "")
    .replace(/\s+/g, " ")
    .trim();
}

/** What Midjourney echoes back: whitespace collapsed, `--v 7` -> `--v 7.0`. */
export function finalPromptOf(prompt: string): string {
  return prompt
    .replace(/\s+/g, " ")
    .trim()
    .replace(/--(v|version)\s+(\d+)(?![.\d])/gi, "--$1 $2.0");
}

/** The model family used in upscale customIds: v7 (default), v6, v6r1. */
export function upscaleFamily(prompt: string): "v7" | "v6" | "v6r1" {
  const m = /--(?:v|version|niji)\s+(\d+(?:\.\d+)?)/i.exec(prompt);
  if (!m) return "v7";
  const v = Number(m[1]);
  if (v >= 6.1 && v < 7) return "v6r1";
  if (v >= 6 && v < 6.1) return "v6";
  return "v7";
}

/** Prompt text without `--parameters`. */
export function promptBody(prompt: string): string {
  const i = prompt.search(/(^|\s)--[a-z]/i);
  return (i < 0 ? prompt : prompt.slice(0, i)).trim();
}

/** A file-name slug like Midjourney's (`fxbot_a_red_fox_in_a_snowy`). */
export function slug(prompt: string): string {
  const words = promptBody(prompt)
    .toLowerCase()
    .replace(/https?:\/\/\S+/g, "")
    .replace(/[^a-z0-9]+/g, " ")
    .trim()
    .split(" ")
    .filter(Boolean)
    .slice(0, 6);
  return words.length > 0 ? words.join("_") : "image";
}
