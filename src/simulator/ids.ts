/** Identifiers and deterministic hashing. */
import { createHash, randomInt, randomUUID } from "node:crypto";

let lastTaskId = 0;

/** 16-digit task id: 13 millisecond digits + 3 digits, strictly increasing, so unique. */
export function newTaskId(now = Date.now()): string {
  let candidate = now * 1000 + randomInt(1000);
  if (candidate <= lastTaskId) candidate = lastTaskId + 1;
  lastTaskId = candidate;
  return String(candidate);
}

const DISCORD_EPOCH = 1420070400000n;
let snowflakeSeq = 0n;

/** A Discord-style snowflake (message ids, nonces). */
export function snowflake(now = Date.now()): string {
  snowflakeSeq = (snowflakeSeq + 1n) & 0xfffn;
  return String(((BigInt(now) - DISCORD_EPOCH) << 22n) | (1n << 17n) | snowflakeSeq);
}

/** A Midjourney job UUID (the {hash} in customIds). */
export function jobHash(): string {
  return randomUUID();
}

export function sha256(...parts: (string | Uint8Array)[]): Buffer {
  const h = createHash("sha256");
  for (const p of parts) {
    h.update(p);
    h.update("\u0000");
  }
  return h.digest();
}

/** A stable unsigned 32-bit number for a key. */
export function hash32(...parts: (string | Uint8Array)[]): number {
  return sha256(...parts).readUInt32BE(0);
}

/** Short hex digest for file names. */
export function shortHash(...parts: (string | Uint8Array)[]): string {
  return sha256(...parts)
    .toString("hex")
    .slice(0, 16);
}

/** A small deterministic pseudo-random generator (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
