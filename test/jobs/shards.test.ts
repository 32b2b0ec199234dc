import { describe, expect, it } from "vitest";
import { coversAll, describeShards, jobsOnShards, shardOf } from "../../src/jobs/shards.js";
import { testJob } from "../support/jobs.js";

function inGuild(guildId: string | null) {
  const job = testJob();
  return { ...job, message: { ...job.message, guildId } };
}

describe("shardOf (Discord's rule: (guild_id >> 22) % shard_count)", () => {
  it("is the snowflake's timestamp part modulo the shard count, exact past 2^53", () => {
    // Discord's snowflake example: 175928847299117063 >> 22 = 41944705796 (ms since 2015).
    expect(shardOf("175928847299117063", 2)).toBe(41944705796 % 2);
    expect(shardOf("175928847299117063", 3)).toBe(41944705796 % 3);
    expect(shardOf("175928847299117063", 16)).toBe(41944705796 % 16);
    expect(shardOf("18446744073709551615", 1000)).toBe(Number((2n ** 64n - 1n) >> 22n) % 1000);
    expect(shardOf(((12345n << 22n) | 0x3fffffn).toString(), 7)).toBe(12345 % 7);
  });

  it("puts DMs (no guild), one shard, and an id that is not one on shard 0", () => {
    expect(shardOf(null, 4)).toBe(0);
    expect(shardOf(undefined, 4)).toBe(0);
    expect(shardOf("", 4)).toBe(0);
    expect(shardOf("197038439483310086", 1)).toBe(0);
    expect(shardOf("not-a-guild", 4)).toBe(0);
  });
});

describe("jobsOnShards", () => {
  const onShard = (shard: number, count: number) =>
    inGuild(((BigInt(5_000_000 + shard) * BigInt(count)) << 22n).toString());

  it("takes the jobs of guilds on this process's shards, and DMs on shard 0's process", () => {
    const mine = jobsOnShards({ count: 4, ids: [1, 3] });
    const at = (shard: number) =>
      inGuild(((BigInt(1_000_000 * 4) + BigInt(shard)) << 22n).toString());
    expect([0, 1, 2, 3].map((s) => mine(at(s)))).toEqual([false, true, false, true]);
    expect(mine(inGuild(null))).toBe(false);
    expect(jobsOnShards({ count: 4, ids: [0] })(inGuild(null))).toBe(true);
  });

  it("takes every job when no shards are named, or when they are all named", () => {
    for (const shards of [undefined, { count: 1, ids: [0] }, { count: 3, ids: [2, 0, 1] }]) {
      const mine = jobsOnShards(shards);
      expect([onShard(0, 3), onShard(1, 3), inGuild(null)].every(mine)).toBe(true);
    }
  });

  it("describes the set for the start-up line", () => {
    expect(coversAll({ count: 2, ids: [0, 1] })).toBe(true);
    expect(coversAll({ count: 2, ids: [1] })).toBe(false);
    expect(describeShards(undefined)).toBe("every shard Discord recommends");
    expect(describeShards({ count: 2, ids: [0, 1] })).toBe("every shard of 2");
    expect(describeShards({ count: 8, ids: [4, 5, 6, 7] })).toBe("shards 4,5,6,7 of 8");
  });
});
