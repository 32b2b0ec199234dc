// Which Discord shard a guild is on, and whether a job belongs to this process's shards.
// Discord's rule: shard_id = (guild_id >> 22) % shard_count; DMs (no guild) are on shard 0.
// A process that runs shards `ids` of `count` follows only the jobs of guilds on them, so
// that no job is polled or published by two processes; whatever a process does not follow
// waits in the shared store for the process that runs its shard.
import type { Job } from "./job.js";

/** The shards this process runs: `ids` of `count` in all. */
export interface ShardSet {
  count: number;
  ids: readonly number[];
}

/** The shard of a guild (Discord's formula); a DM (no guild) is on shard 0. */
export function shardOf(guildId: string | null | undefined, count: number): number {
  if (!guildId || count <= 1 || !/^\d{1,20}$/.test(guildId)) return 0;
  return Number((BigInt(guildId) >> 22n) % BigInt(count));
}

/**
 * Whether a job is this process's to follow: its guild is on one of `shards`. Without a
 * shard set (one process runs every shard) every job is.
 */
export function jobsOnShards(shards: ShardSet | undefined): (job: Job) => boolean {
  if (shards === undefined || coversAll(shards)) return () => true;
  const mine = new Set(shards.ids);
  return (job) => mine.has(shardOf(job.message.guildId, shards.count));
}

/** Whether the set names every shard there is. */
export function coversAll(shards: ShardSet): boolean {
  const ids = new Set(shards.ids);
  for (let id = 0; id < shards.count; id += 1) if (!ids.has(id)) return false;
  return true;
}

/** `0,1` of 4, for logs. */
export function describeShards(shards: ShardSet | undefined): string {
  if (shards === undefined) return "every shard Discord recommends";
  return `${coversAll(shards) ? "every shard" : `shards ${shards.ids.join(",")}`} of ${shards.count}`;
}
