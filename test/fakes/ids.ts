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

/** Discord's shard of a guild: (guild_id >> 22) % shard_count; no guild (DMs): shard 0. */
export function shardOf(guildId: string | undefined, count: number): number {
  if (!guildId || count <= 1) return 0;
  return Number((BigInt(guildId) >> 22n) % BigInt(count));
}

/** A fresh snowflake of a guild on shard `shard` of `count` (its timestamp moved back a little). */
export function snowflakeOnShard(shard: number, count: number): string {
  if (
    !Number.isInteger(count) ||
    count < 1 ||
    !Number.isInteger(shard) ||
    shard < 0 ||
    shard >= count
  )
    throw new Error(`fake discord: there is no shard ${shard} of ${count}`);
  const id = BigInt(snowflake());
  const ms = id >> 22n;
  const back = (ms - BigInt(shard) + BigInt(count)) % BigInt(count);
  return (((ms - back) << 22n) | (id & 0x3fffffn)).toString();
}
