import { describe, expect, it } from "vitest";
import { MediaCache } from "../../src/discord/media-cache.js";
import type { ResultMedia } from "../../src/discord/render.js";

const media = (bytes: number): ResultMedia => ({
  files: [{ name: "a.png", data: Buffer.alloc(bytes) }],
  links: [],
});

describe("the media kept for finals not yet delivered", () => {
  it("gives a job's media back only for the same links", () => {
    const cache = new MediaCache(100);
    const kept = media(10);
    cache.set("job", "links-1", kept);
    expect(cache.get("job", "links-1")).toBe(kept);
    expect(cache.get("job", "links-2")).toBeUndefined();
    cache.delete("job");
    expect(cache.get("job", "links-1")).toBeUndefined();
  });

  it("stays within its bytes: the oldest entries go first, and one too large is not kept", () => {
    const cache = new MediaCache(100);
    cache.set("a", "k", media(40));
    cache.set("b", "k", media(40));
    cache.set("c", "k", media(40));
    expect(cache.get("a", "k")).toBeUndefined();
    expect(cache.get("b", "k")).toBeDefined();
    expect(cache.get("c", "k")).toBeDefined();
    cache.set("d", "k", media(101));
    expect(cache.get("d", "k")).toBeUndefined();
    expect(cache.size).toBe(2);
  });
});
