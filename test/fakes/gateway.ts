/**
 * The fake gateway: a WebSocket endpoint speaking just enough of Discord's protocol for
 * discord.js (HELLO, IDENTIFY -> READY + GUILD_CREATE, heartbeat ACK, RESUME, dispatches with
 * increasing `s`). Plain JSON text frames, no compression.
 *
 * Shards as on Discord: IDENTIFY's `shard: [id, count]` (default [0, 1]) picks the guilds a
 * connection holds, (guild_id >> 22) % count === id; READY and GUILD_CREATE name only those,
 * and a guild's dispatches (INTERACTION_CREATE, GUILD_*, CHANNEL_*) reach only the
 * connections whose shard holds it; dispatches of no guild (DMs) go to shard 0. An invalid
 * shard is closed with 4010, a shard that would hold more than `maxGuildsPerShard` guilds
 * with 4011 (Sharding required).
 */
import type { Server } from "node:http";
import { type WebSocket, WebSocketServer } from "ws";
import { randomHex, shardOf } from "./ids.js";
import { channelPayload } from "./permissions.js";
import type { FakeState } from "./state.js";

interface Session {
  id: string;
  seq: number;
  ws: WebSocket | undefined;
  /** READY and GUILD_CREATE sent on the current socket */
  ready: boolean;
  /** the intents of IDENTIFY */
  intents: number;
  /** IDENTIFY's `shard`: [id, count] */
  shard: [number, number];
}

/** Gateway intents the fake looks at (Discord's bit values). */
export const INTENTS = {
  GUILDS: 1 << 0,
  GUILD_MEMBERS: 1 << 1,
  GUILD_PRESENCES: 1 << 8,
} as const;

type Json = Record<string, unknown>;

/** The gateway's URL path (discord.js appends `?v=10&encoding=json`). */
export const GATEWAY_PATH = "/gateway";

/** A Discord gateway on the fake's HTTP server. */
export class FakeGateway {
  private readonly wss: WebSocketServer;
  private readonly sessions = new Map<string, Session>();
  /** every opcode-tagged frame the clients sent, for tests of the protocol itself */
  readonly received: Json[] = [];

  constructor(
    private readonly state: FakeState,
    server: Server,
  ) {
    this.wss = new WebSocketServer({ server, path: GATEWAY_PATH });
    this.wss.on("connection", (ws) => this.accept(ws));
  }

  /** ws://127.0.0.1:PORT/gateway */
  get url(): string {
    return `${this.state.baseUrl.replace(/^http/, "ws")}${GATEWAY_PATH}`;
  }

  /** Number of sessions ready to receive dispatches. */
  get readySessions(): number {
    return [...this.sessions.values()].filter((s) => s.ready && s.ws).length;
  }

  /** The [id, count] of every ready session, e.g. [[0, 2], [1, 2]]. */
  get readyShards(): Array<[number, number]> {
    return [...this.sessions.values()].filter((s) => s.ready && s.ws).map((s) => s.shard);
  }

  /** Whether a ready session holds this guild (no guild: shard 0). */
  private holds(session: Session, guildId: string | undefined): boolean {
    const [id, count] = session.shard;
    return shardOf(guildId, count) === id;
  }

  /** Ready sessions that receive this guild's dispatches. */
  private readyFor(guildId: string | undefined): Session[] {
    return [...this.sessions.values()].filter(
      (s) => s.ready && s.ws !== undefined && this.holds(s, guildId),
    );
  }

  private accept(ws: WebSocket): void {
    let session: Session | undefined;
    send(ws, { op: 10, d: { heartbeat_interval: this.state.settings.heartbeatIntervalMs } });
    ws.on("message", (raw, isBinary) => {
      if (isBinary) return;
      let frame: Json;
      try {
        frame = JSON.parse(raw.toString()) as Json;
      } catch {
        ws.close(4002, "Decode error");
        return;
      }
      this.received.push(frame);
      const d = (frame.d ?? {}) as Json;
      switch (frame.op) {
        case 1:
          send(ws, { op: 11 });
          break;
        case 2: {
          if (d.token !== this.state.settings.botToken) {
            ws.close(4004, "Authentication failed.");
            return;
          }
          const shard = d.shard === undefined ? [0, 1] : d.shard;
          if (!validShard(shard)) {
            ws.close(4010, "Invalid shard.");
            return;
          }
          if (this.state.guildsOnShard(...shard).length > this.state.settings.maxGuildsPerShard) {
            ws.close(4011, "Sharding required.");
            return;
          }
          session = {
            id: randomHex(16),
            seq: 0,
            ws,
            ready: false,
            intents: Number(d.intents ?? 0),
            shard,
          };
          this.sessions.set(session.id, session);
          this.identify(session);
          break;
        }
        case 6: {
          const known = this.sessions.get(String(d.session_id));
          if (!known || d.token !== this.state.settings.botToken) {
            send(ws, { op: 9, d: false });
            return;
          }
          session = known;
          session.ws = ws;
          session.ready = true;
          this.dispatchTo(session, "RESUMED", {});
          this.state.changed();
          break;
        }
        default:
          // presence updates, member requests, voice: ignored
          break;
      }
    });
    ws.on("close", () => {
      if (session && session.ws === ws) {
        session.ws = undefined;
        session.ready = false;
      }
    });
    ws.on("error", () => {});
  }

  private identify(session: Session): void {
    const s = this.state;
    const guilds = s.guildsOnShard(...session.shard);
    this.dispatchTo(session, "READY", {
      v: 10,
      user: s.botUser,
      user_settings: {},
      guilds: guilds.map((id) => ({ id, unavailable: true })),
      session_id: session.id,
      resume_gateway_url: this.url,
      application: { id: s.applicationId, flags: 0 },
      shard: session.shard,
      private_channels: [],
      relationships: [],
      presences: [],
      geo_ordered_rtc_regions: [],
      guild_join_requests: [],
    });
    for (const id of guilds)
      this.dispatchTo(session, "GUILD_CREATE", this.guildPayload(session, id));
    session.ready = true;
    this.state.changed();
  }

  /**
   * GUILD_CREATE: the guild, its roles and channels. Without the GUILD_PRESENCES intent
   * Discord's `members` holds only the bot (and members in voice, which the fake has none of).
   */
  private guildPayload(session: Session, guildId: string): Json {
    const s = this.state;
    const first = guildId === s.guildId;
    const channels = s.guildChannels(guildId).map((c, i) => channelPayload(s, c, i));
    const members = [
      s.botUser,
      ...((session.intents & INTENTS.GUILD_PRESENCES) !== 0 ? s.members() : []),
    ].map((u) => ({ ...s.memberPayload(u), roles: s.rolesIn(u.id, guildId) }));
    return {
      id: guildId,
      name: s.guildNameOf(guildId),
      icon: null,
      splash: null,
      discovery_splash: null,
      owner_id: s.owner.id,
      afk_channel_id: null,
      afk_timeout: 300,
      verification_level: 0,
      default_message_notifications: 0,
      explicit_content_filter: 0,
      mfa_level: 0,
      nsfw_level: 0,
      premium_tier: 0,
      premium_subscription_count: 0,
      premium_progress_bar_enabled: false,
      preferred_locale: "en-US",
      system_channel_id: first ? s.channelId : (channels[0]?.id ?? null),
      system_channel_flags: 0,
      rules_channel_id: null,
      public_updates_channel_id: null,
      safety_alerts_channel_id: null,
      vanity_url_code: null,
      description: null,
      banner: null,
      features: [],
      emojis: [],
      stickers: [],
      roles: s.rolePayloadsOf(guildId),
      unavailable: false,
      joined_at: new Date(Date.UTC(2024, 0, 1)).toISOString(),
      large: false,
      member_count: s.members().length + 1,
      members,
      channels,
      threads: [],
      presences: [],
      voice_states: [],
      stage_instances: [],
      guild_scheduled_events: [],
      soundboard_sounds: [],
      application_id: null,
      max_members: 500000,
      max_video_channel_users: 25,
    };
  }

  private dispatchTo(session: Session, t: string, d: unknown): void {
    if (!session.ws) return;
    session.seq += 1;
    send(session.ws, { op: 0, t, s: session.seq, d });
  }

  /**
   * Resolves once a client is logged in (READY + GUILD_CREATE sent), or rejects after a
   * timeout; with `guildId`, a client whose shard holds that guild.
   */
  async waitForClient(timeoutMs = 5000, guildId?: string): Promise<void> {
    const ready = () =>
      guildId === undefined ? this.readySessions > 0 : this.readyFor(guildId).length > 0;
    if (ready()) return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.state.events.off("change", check);
        const which = guildId === undefined ? "" : ` on the shard of guild ${guildId}`;
        reject(
          new Error(
            `fake discord: no client logged in to the gateway${which} within ${timeoutMs} ms`,
          ),
        );
      }, timeoutMs);
      const check = () => {
        if (ready()) {
          clearTimeout(timer);
          this.state.events.off("change", check);
          resolve();
        }
      };
      this.state.events.on("change", check);
    });
  }

  /**
   * Sends a dispatch to every ready session whose shard holds its guild (`guild_id`, or the
   * guild itself for GUILD_CREATE/UPDATE/DELETE; none: shard 0), with `intent` only to those
   * that asked for it; returns how many received it.
   */
  dispatch(t: string, d: unknown, intent?: number): number {
    let n = 0;
    const guildId = guildOf(t, d);
    for (const session of this.readyFor(guildId)) {
      if (intent !== undefined && (session.intents & intent) === 0) continue;
      this.dispatchTo(session, t, d);
      n += 1;
    }
    return n;
  }

  /** Asks every client to reconnect (op 7); they come back with RESUME. */
  requestReconnect(): void {
    for (const session of this.sessions.values())
      session.ws && send(session.ws, { op: 7, d: null });
  }

  /** Drops every connection with `code` (e.g. 4000 to make clients resume, 4004 to stop them). */
  dropConnections(code = 4000): void {
    for (const ws of this.wss.clients) ws.close(code, "fake discord: dropped");
  }

  /** Closes every socket and the WebSocket server. */
  async close(): Promise<void> {
    for (const ws of this.wss.clients) ws.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }
}

/** IDENTIFY's `shard`: two whole numbers, 0 <= id < count. */
function validShard(shard: unknown): shard is [number, number] {
  if (!Array.isArray(shard) || shard.length !== 2) return false;
  const [id, count] = shard as unknown[];
  return (
    Number.isInteger(id) &&
    Number.isInteger(count) &&
    (count as number) >= 1 &&
    (id as number) >= 0 &&
    (id as number) < (count as number)
  );
}

/** The guild a dispatch is about (undefined: none, e.g. a DM's). */
function guildOf(t: string, d: unknown): string | undefined {
  if (typeof d !== "object" || d === null) return undefined;
  const data = d as Json;
  if (typeof data.guild_id === "string") return data.guild_id;
  if (/^GUILD_(CREATE|UPDATE|DELETE)$/.test(t) && typeof data.id === "string") return data.id;
  return undefined;
}

function send(ws: WebSocket, payload: Json): void {
  if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(payload));
}
