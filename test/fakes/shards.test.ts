// The fake Discord's shards, as Discord runs them: IDENTIFY's `shard: [id, count]` picks the
// guilds a connection holds ((guild_id >> 22) % count), GET /gateway/bot recommends a
// count, a guild's dispatches reach only the connection holding it, and an invalid shard or
// too many guilds on one connection are refused (4010, 4011).
import { Client, Events, GatewayIntentBits, type Interaction } from "discord.js";
import { afterEach, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { type FakeDiscord, type FakeDiscordOptions, startFakeDiscord } from "./index.js";

let fake: FakeDiscord | undefined;
const clients: Client[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) await client.destroy();
  await fake?.close();
  fake = undefined;
});

async function start(options: FakeDiscordOptions = {}): Promise<FakeDiscord> {
  fake = await startFakeDiscord(options);
  return fake;
}

/** A logged-in client running `shards` (default: what discord.js does without options). */
async function login(
  f: FakeDiscord,
  shards?: { shards: number[] | "auto"; shardCount?: number },
): Promise<{ client: Client; seen: string[] }> {
  const client = new Client({
    intents: [GatewayIntentBits.Guilds],
    rest: { api: f.apiUrl },
    waitGuildTimeout: 0,
    ...shards,
  });
  clients.push(client);
  const seen: string[] = [];
  client.on(Events.InteractionCreate, (i: Interaction) => {
    seen.push(i.guildId ?? "dm");
    if (i.isRepliable()) void i.reply({ content: "ok" });
  });
  const ready = new Promise((resolve) => client.once(Events.ClientReady, resolve));
  await client.login(f.botToken);
  await ready;
  return { client, seen };
}

/** A raw gateway connection that sends IDENTIFY with `shard`; resolves with the close code. */
function identify(f: FakeDiscord, shard: unknown): Promise<{ code: number; ready: boolean }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${f.gateway.url}?v=10&encoding=json`);
    let ready = false;
    ws.on("message", (raw) => {
      const frame = JSON.parse(String(raw)) as { op: number; t?: string };
      if (frame.op === 10) {
        ws.send(
          JSON.stringify({
            op: 2,
            d: { token: f.botToken, intents: 1, properties: {}, shard },
          }),
        );
      } else if (frame.t === "READY") {
        ready = true;
        ws.close(1000);
      }
    });
    ws.on("close", (code) => resolve({ code, ready }));
    ws.on("error", reject);
  });
}

describe("fake Discord shards", () => {
  it("gives each shard only its guilds, and a guild's interactions only to its shard", async () => {
    const f = await start();
    const zero = f.addGuild("zero", { shard: [0, 2] });
    const one = f.addGuild("one", { shard: [1, 2] });
    expect([f.shardOf(zero.id, 2), f.shardOf(one.id, 2)]).toEqual([0, 1]);
    const a = await login(f, { shards: [0], shardCount: 2 });
    const b = await login(f, { shards: [1], shardCount: 2 });
    const first = f.shardOf(f.guildId, 2);
    expect([...a.client.guilds.cache.keys()].sort()).toEqual(
      [zero.id, ...(first === 0 ? [f.guildId] : [])].sort(),
    );
    expect([...b.client.guilds.cache.keys()].sort()).toEqual(
      [one.id, ...(first === 1 ? [f.guildId] : [])].sort(),
    );
    expect(f.gateway.readyShards.sort()).toEqual([
      [0, 2],
      [1, 2],
    ]);

    const inZero = await f.runCommand("ping", {}, { channel: zero.channelId });
    const inOne = await f.runCommand("ping", {}, { channel: one.channelId });
    await inZero.firstResponse();
    await inOne.firstResponse();
    expect(a.seen).toEqual([zero.id]);
    expect(b.seen).toEqual([one.id]);
    expect(inOne.payload.guild_id).toBe(one.id);
    // The guild's channel is in the cache of the client that holds it, and only there.
    expect(b.client.channels.cache.has(one.channelId)).toBe(true);
    expect(a.client.channels.cache.has(one.channelId)).toBe(false);
    expect(f.violations).toEqual([]);
  });

  it("recommends its shard count on GET /gateway/bot; shards: auto runs them all", async () => {
    const f = await start({ recommendedShards: 2 });
    const zero = f.addGuild("zero", { shard: [0, 2] });
    const one = f.addGuild("one", { shard: [1, 2] });
    const answer = (await (
      await fetch(`${f.apiUrl}/v10/gateway/bot`, {
        headers: { authorization: `Bot ${f.botToken}` },
      })
    ).json()) as { shards: number };
    expect(answer.shards).toBe(2);
    const all = await login(f, { shards: "auto" });
    expect(all.client.ws.shards.size).toBe(2);
    expect(f.gateway.readyShards.sort()).toEqual([
      [0, 2],
      [1, 2],
    ]);
    expect(all.client.guilds.cache.has(zero.id) && all.client.guilds.cache.has(one.id)).toBe(true);
    await (await f.runCommand("ping", {}, { channel: one.channelId })).firstResponse();
    await (await f.runCommand("ping", {}, { channel: zero.channelId })).firstResponse();
    expect(all.seen.sort()).toEqual([zero.id, one.id].sort());
  });

  it("holds every guild on one connection without a shard (as [0, 1])", async () => {
    const f = await start();
    const other = f.addGuild("other");
    expect(await identify(f, undefined)).toEqual({ code: 1000, ready: true });
    const { client } = await login(f);
    expect(client.guilds.cache.has(other.id) && client.guilds.cache.has(f.guildId)).toBe(true);
  });

  it.each([
    ["an id past the count", [2, 2]],
    ["a negative id", [-1, 2]],
    ["no shards at all", [0, 0]],
    ["not a pair", [0]],
    ["not numbers", ["0", "2"]],
  ])("closes an IDENTIFY with an invalid shard (%s) with 4010", async (_, shard) => {
    const f = await start();
    expect(await identify(f, shard)).toEqual({ code: 4010, ready: false });
  });

  it("closes an IDENTIFY whose shard would hold too many guilds with 4011 (Sharding required)", async () => {
    const f = await start({ maxGuildsPerShard: 1 });
    const other = f.addGuild("other", { shard: [(f.shardOf(f.guildId, 2) + 1) % 2, 2] });
    expect(await identify(f, [0, 1])).toEqual({ code: 4011, ready: false });
    // Two shards hold one guild each: accepted.
    expect(await identify(f, [f.shardOf(other.id, 2), 2])).toEqual({ code: 1000, ready: true });
    expect(await identify(f, [f.shardOf(f.guildId, 2), 2])).toEqual({ code: 1000, ready: true });

    // A real client is told that the gateway closed for good (what the bot turns into its exit).
    const client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: f.apiUrl } });
    clients.push(client);
    const closed = new Promise<number>((resolve) =>
      client.once(Events.ShardDisconnect, (event) => resolve(event.code)),
    );
    void client.login(f.botToken).catch(() => undefined);
    expect(await closed).toBe(4011);
  });
});
