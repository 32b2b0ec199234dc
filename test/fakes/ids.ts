import { randomBytes } from "node:crypto";

const DISCORD_EPOCH = 1420070400000n;
let lastMs = 0n;
let sequence = 0n;

/** A fresh, strictly increasing Discord snowflake (18–19 digits, like real ids). */
export function snowflake(): string {
  const now = BigInt(Date.now());
  if (now > lastMs) {
    lastMs = now;
    sequence = 0n;
  } else {
    sequence += 1n;
    if (sequence > 0xfffn) {
      lastMs += 1n;
      sequence = 0n;
    }
  }
  return (((lastMs - DISCORD_EPOCH) << 22n) | (1n << 17n) | sequence).toString();
}

/** An opaque interaction token shaped like Discord's (long, URL-safe). */
export function interactionToken(): string {
  return `aW50ZXJhY3Rpb246${randomBytes(60).toString("base64url")}`;
}

/** A hex string of `bytes` random bytes (CDN signatures, session ids). */
export function randomHex(bytes: number): string {
  return randomBytes(bytes).toString("hex");
}
