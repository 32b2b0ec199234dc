/**
 * Everything the fake Discord knows: settings, the guild, members, messages, uploaded files,
 * interactions, recorded requests and violations. Shared by the gateway, REST and CDN code.
 */
import { EventEmitter } from "node:events";
import {
  type APIGuildMember,
  type APIInteraction,
  type APIRole,
  type APIUser,
  type GuildMemberFlags,
  PermissionsBitField,
  type RoleFlags,
  type UserFlags,
} from "discord.js";
import { interactionToken, shardOf, snowflake, snowflakeOnShard } from "./ids.js";
import type { UploadedFile } from "./rules.js";

/** Options of `startFakeDiscord()`. */
export interface FakeDiscordOptions {
  /** how long an interaction token works on webhook routes (default 15 min) */
  tokenLifetimeMs?: number;
  /** how long after dispatch the first callback may arrive (default 3000) */
  callbackDeadlineMs?: number;
  /** per-file upload limit, also sent as the interactions' attachment_size_limit (default 10 MiB) */
  attachmentSizeLimit?: number;
  /** HELLO heartbeat interval (default 41250) */
  heartbeatIntervalMs?: number;
  /** the bot's permissions in the channel (bitfield string), sent as app_permissions */
  appPermissions?: string;
  /** the bot token the fake accepts (default a fixed fake token) */
  botToken?: string;
  /** the shard count GET /gateway/bot recommends (default 1) */
  recommendedShards?: number;
  /**
   * most guilds one gateway connection may hold (Discord: 2,500); an IDENTIFY whose shard
   * would hold more is closed with 4011 Sharding required (default 2500)
   */
  maxGuildsPerShard?: number;
}

/** Settings after defaults. */
export type Settings = Required<FakeDiscordOptions>;

/** A file part received in a multipart body. */
export type RecordedFile = UploadedFile;

/** One REST request as the fake received it. */
export interface RecordedRequest {
  method: string;
  /** path below /api/v10, decoded (`%40original` -> `@original`) */
  path: string;
  query: Record<string, string>;
  /** the Authorization header ("Bot …") or undefined */
  auth: string | undefined;
  /** the JSON body, or the parsed payload_json of a multipart body */
  json: unknown;
  files: RecordedFile[];
  /** the status the fake answered with (0 while in flight) */
  status: number;
  /** Discord error code of the answer, if any */
  code?: number;
  at: number;
}

/** One broken Discord rule (the request also got Discord's error answer). */
export interface Violation {
  rule: string;
  message: string;
  method: string;
  path: string;
  status: number;
  code: number;
  at: number;
  interactionId?: string;
}

/** An attachment the fake stores and serves from its CDN route. */
export interface StoredAttachment {
  id: string;
  filename: string;
  contentType: string;
  size: number;
  bytes: Uint8Array;
  url: string;
  proxyUrl: string;
  width?: number;
  height?: number;
  description?: string;
  title?: string;
  /** a member's upload (command option / modal file), not a message attachment */
  ephemeral?: boolean;
}

/** One write (create or edit) of a message, for assertions on e.g. allowed_mentions. */
export interface MessageWrite {
  at: number;
  /** "defer" is the empty "thinking" placeholder of a deferred reply (callback type 5) */
  kind: "create" | "edit" | "defer";
  /** "callback", "webhook" or "channel" */
  via: "callback" | "webhook" | "channel";
  /** `allowed_mentions` as sent in this write (undefined if absent) */
  allowedMentions: unknown;
  body: Record<string, unknown>;
  /** how many files this write uploaded (multipart parts; 0 for a JSON body) */
  files: number;
}

/** A message the bot created, in its latest state (a live object). */
export interface FakeMessage {
  id: string;
  channelId: string;
  type: number;
  /**
   * What a member reads as the message's text: its content, or for a Components V2 message
   * (flag IS_COMPONENTS_V2, which has no content) its Text Displays, joined by newlines.
   */
  content: string;
  components: Record<string, unknown>[];
  embeds: Record<string, unknown>[];
  attachments: StoredAttachment[];
  flags: number;
  /** the last `allowed_mentions` sent for this message (undefined if never sent) */
  allowedMentions: unknown;
  createdAt: Date;
  editedAt: Date | null;
  /** how it was created: an interaction callback, an interaction webhook, or a channel route */
  via: "callback" | "webhook" | "channel";
  /** the interaction whose token created it */
  interactionId?: string;
  ephemeral: boolean;
  /** a deferred reply still "thinking" (flag LOADING) */
  loading: boolean;
  deleted: boolean;
  /** who deleted it: the bot (through a route) or a moderator (`fake.deleteMessage`) */
  deletedBy?: "bot" | "moderator";
  /** a moderator-deleted message already answered 10008 once (a repeat is a violation) */
  goneAnswered?: boolean;
  /** ephemeral messages: the only member who sees it */
  visibleTo?: string;
  writes: MessageWrite[];
}

/** One interaction callback attempt (accepted or refused). */
export interface CallbackRecord {
  type: number;
  body: Record<string, unknown>;
  files: RecordedFile[];
  at: number;
  /** milliseconds between the dispatch and this callback */
  latencyMs: number;
  status: number;
  code?: number;
  accepted: boolean;
}

/** What the fake remembers about one dispatched interaction. */
export interface InteractionRecord {
  id: string;
  token: string;
  type: number;
  payload: APIInteraction;
  userId: string;
  channelId: string;
  commandName?: string;
  dispatchedAt: number;
  expiredByHand: boolean;
  answered50027: boolean;
  deadlineMissed: boolean;
  attempts: CallbackRecord[];
  acked?: CallbackRecord;
  originalMessageId?: string;
  /** the message carrying the component (buttons, selects, modal submits opened from one) */
  sourceMessageId?: string;
  /** the modal shown by a type 9 callback */
  modal?: Record<string, unknown>;
  /** for a modal submit, the interaction that showed the modal */
  openedBy?: string;
  followUpIds: string[];
  /** choices of an autocomplete answer (type 8) */
  choices?: unknown[];
}

/** A channel of the fake guild (or a DM). */
export interface FakeChannel {
  id: string;
  type: number;
  name: string;
  guildId?: string;
  recipientId?: string;
  /** permissions denied to the bot by a member overwrite on this channel (`fake.denyBotPermissions`) */
  botDeny?: bigint;
}

/**
 * A guild besides the first one (`fake.addGuild`): the same members, only @everyone's
 * permissions (its id is the guild's id), one text channel `general`.
 */
export interface FakeGuild {
  id: string;
  name: string;
  channelId: string;
}

/** A role of the fake guild (@everyone's id is the guild id; the bot's managed role is the application id). */
export interface FakeRole {
  id: string;
  name: string;
  /** the role's permissions (the bot's role reads `settings.appPermissions` instead) */
  permissions: bigint;
  position: number;
  /** managed by an integration (the bot's own role) */
  managed: boolean;
}

/** How to make a role: `fake.addRole({ name, permissions })`. */
export interface RoleInit {
  name: string;
  /** permission bitfield (bigint, number or decimal string); default none */
  permissions?: bigint | number | string;
}

/** How to make a member: `fake.addMember(name, { roles, permissions })`. */
export interface MemberInit {
  /** role ids the member has (besides @everyone) */
  roles?: string[];
  /**
   * Permissions the member should have on top of @everyone. Discord has no per-member
   * permissions, so the fake creates a role named after the member with them.
   */
  permissions?: bigint | number | string;
  /** the language the member's Discord client is set to (sent as the interactions' `locale`) */
  locale?: string;
}

/** Administrator (1 << 3): implies every permission. */
export const ADMINISTRATOR = 1n << 3n;
/** Manage Server (1 << 5). */
export const MANAGE_GUILD = 1n << 5n;
/** Every permission Discord defines (what Administrator and the guild owner have). */
export const ALL_PERMISSIONS: bigint = PermissionsBitField.All;

const JOINED_AT = new Date(Date.UTC(2024, 0, 1)).toISOString();

/** A registered application command, as echoed by the bulk overwrite. */
export type RegisteredCommand = Record<string, unknown> & { id: string; name: string };

const DEFAULT_PERMISSIONS = (
  (1n << 6n) | // ADD_REACTIONS
  (1n << 10n) | // VIEW_CHANNEL
  (1n << 11n) | // SEND_MESSAGES
  (1n << 14n) | // EMBED_LINKS
  (1n << 15n) | // ATTACH_FILES
  (1n << 16n) | // READ_MESSAGE_HISTORY
  (1n << 18n) | // USE_EXTERNAL_EMOJIS
  (1n << 31n) | // USE_APPLICATION_COMMANDS
  (1n << 38n)
) // SEND_MESSAGES_IN_THREADS
  .toString();

function makeUser(name: string, bot = false): APIUser {
  return {
    id: snowflake(),
    username: name,
    discriminator: "0",
    global_name: bot ? null : name[0]?.toUpperCase() + name.slice(1),
    avatar: null,
    public_flags: 0 as UserFlags,
    flags: 0 as UserFlags,
    primary_guild: null,
    ...(bot ? { bot: true } : {}),
  };
}

/** The shared state of one fake Discord. */
export class FakeState {
  readonly settings: Settings;
  readonly events = new EventEmitter();
  baseUrl = "";
  readonly applicationId: string;
  readonly botUser: APIUser;
  readonly guildId = snowflake();
  readonly guildName = "mjcord test guild";
  readonly channelId = snowflake();
  readonly channels = new Map<string, FakeChannel>();
  /** channels a moderator deleted (`fake.deleteChannel`): their routes answer 10003 */
  readonly deletedChannels = new Map<string, FakeChannel>();
  /** members who do not take DMs from the server's members (`fake.closeDms`) */
  readonly closedDms = new Set<string>();
  /** members by short name (alice, bob, carol, and those `addMember` adds) */
  readonly users: Record<string, APIUser>;
  /** the guild's owner (a member named "owner": every permission, as on Discord) */
  readonly owner: APIUser;
  /** the guild's roles by id: @everyone (id = guild id), the bot's role, `addRole`'s */
  readonly roles = new Map<string, FakeRole>();
  /** each member's client language (`addMember`'s `locale`), by user id; default en-US */
  readonly locales = new Map<string, string>();
  /** each member's role ids (without @everyone), by user id */
  readonly memberRoles = new Map<string, string[]>();
  readonly messages = new Map<string, FakeMessage>();
  readonly uploads = new Map<string, StoredAttachment>();
  readonly interactions = new Map<string, InteractionRecord>();
  readonly byToken = new Map<string, InteractionRecord>();
  readonly requests: RecordedRequest[] = [];
  readonly violations: Violation[] = [];
  readonly downloads: { path: string; attachmentId: string; at: number }[] = [];
  globalCommands: RegisteredCommand[] | undefined;
  readonly guildCommands = new Map<string, RegisteredCommand[]>();
  /** guilds besides the first (`addGuild`), by id */
  readonly otherGuilds = new Map<string, FakeGuild>();

  constructor(options: FakeDiscordOptions = {}) {
    this.settings = {
      tokenLifetimeMs: options.tokenLifetimeMs ?? 15 * 60_000,
      callbackDeadlineMs: options.callbackDeadlineMs ?? 3000,
      attachmentSizeLimit: options.attachmentSizeLimit ?? 10 * 1024 * 1024,
      heartbeatIntervalMs: options.heartbeatIntervalMs ?? 41_250,
      appPermissions: options.appPermissions ?? DEFAULT_PERMISSIONS,
      botToken:
        options.botToken ??
        `${Buffer.from("fake-bot").toString("base64")}.fake.${interactionToken().slice(0, 27)}`,
      recommendedShards: options.recommendedShards ?? 1,
      maxGuildsPerShard: options.maxGuildsPerShard ?? 2500,
    };
    this.botUser = makeUser("mjcord", true);
    this.applicationId = this.botUser.id;
    this.users = { alice: makeUser("alice"), bob: makeUser("bob"), carol: makeUser("carol") };
    this.owner = makeUser("owner");
    this.roles.set(this.guildId, {
      id: this.guildId,
      name: "@everyone",
      permissions: BigInt(DEFAULT_PERMISSIONS),
      position: 0,
      managed: false,
    });
    this.roles.set(this.applicationId, {
      id: this.applicationId,
      name: "mjcord",
      permissions: 0n,
      position: 1,
      managed: true,
    });
    this.memberRoles.set(this.botUser.id, [this.applicationId]);
    this.channels.set(this.channelId, {
      id: this.channelId,
      type: 0,
      name: "general",
      guildId: this.guildId,
    });
  }

  /** Every guild id: the first guild's, then those `addGuild` added. */
  guildIds(): string[] {
    return [this.guildId, ...this.otherGuilds.keys()];
  }

  /** Whether the bot is in this guild. */
  hasGuild(id: string | undefined): boolean {
    return id === this.guildId || (id !== undefined && this.otherGuilds.has(id));
  }

  /** The guilds on shard `id` of `count` (Discord's rule: (guild_id >> 22) % count). */
  guildsOnShard(id: number, count: number): string[] {
    return this.guildIds().filter((g) => shardOf(g, count) === id);
  }

  /**
   * Adds a guild the bot is in, with the same members, a text channel `general` and only
   * @everyone's permissions; `shard: [id, count]` picks an id on that shard.
   */
  addGuild(name: string, options: { shard?: [number, number] } = {}): FakeGuild {
    const id = options.shard ? snowflakeOnShard(...options.shard) : snowflake();
    const guild: FakeGuild = { id, name, channelId: snowflake() };
    this.otherGuilds.set(id, guild);
    this.channels.set(guild.channelId, {
      id: guild.channelId,
      type: 0,
      name: "general",
      guildId: id,
    });
    this.changed();
    return guild;
  }

  /** The name of a guild. */
  guildNameOf(id: string): string {
    return id === this.guildId ? this.guildName : (this.otherGuilds.get(id)?.name ?? "");
  }

  /** A member's role ids in a guild (without @everyone): other guilds give no roles. */
  rolesIn(userId: string, guildId: string): string[] {
    return guildId === this.guildId ? this.rolesOf(userId) : [];
  }

  /** A member's permissions in a guild: in other guilds @everyone's (the owner's: all). */
  permissionsIn(userId: string, guildId: string): bigint {
    if (guildId === this.guildId || userId === this.owner.id) return this.permissionsOf(userId);
    return BigInt(DEFAULT_PERMISSIONS);
  }

  /** The roles of a guild as Discord's API shows them (another guild: only @everyone). */
  rolePayloadsOf(guildId: string): APIRole[] {
    if (guildId === this.guildId) return this.rolePayloads();
    return [
      this.rolePayload({
        id: guildId,
        name: "@everyone",
        permissions: BigInt(DEFAULT_PERMISSIONS),
        position: 0,
        managed: false,
      }),
    ];
  }

  /** Permissions of members (the default @everyone set). */
  get memberPermissions(): string {
    return DEFAULT_PERMISSIONS;
  }

  /** Resolves a member by short name or id ("owner" is the guild's owner). */
  user(nameOrId: string): APIUser {
    const byName = this.users[nameOrId];
    if (byName) return byName;
    if (nameOrId === "owner" || nameOrId === this.owner.id) return this.owner;
    const byId = Object.values(this.users).find((u) => u.id === nameOrId);
    if (!byId) throw new Error(`fake discord: no member "${nameOrId}"`);
    return byId;
  }

  /** Every member of the guild but the bot: alice, bob, carol, added ones, and the owner. */
  members(): APIUser[] {
    return [...Object.values(this.users), this.owner];
  }

  /** A role of the guild by id. */
  role(id: string): FakeRole {
    const role = this.roles.get(id);
    if (!role) throw new Error(`fake discord: no role ${id}`);
    return role;
  }

  /** Adds a role (just below the bot's managed role in the list, above the rest). */
  addRole(init: RoleInit): FakeRole {
    if (!init.name) throw new Error("fake discord: a role needs a name");
    const role: FakeRole = {
      id: snowflake(),
      name: init.name,
      permissions: BigInt(init.permissions ?? 0),
      position: this.roles.size,
      managed: false,
    };
    this.roles.set(role.id, role);
    this.changed();
    return role;
  }

  /** Adds a member under a short name; `permissions` becomes a role of their own. */
  addMember(name: string, init: MemberInit = {}): APIUser {
    if (this.users[name] || name === "owner" || name === this.botUser.username)
      throw new Error(`fake discord: there is already a member "${name}"`);
    const user = makeUser(name);
    const roles = [...(init.roles ?? [])];
    for (const id of roles) this.role(id);
    if (init.permissions !== undefined) {
      roles.push(this.addRole({ name, permissions: init.permissions }).id);
    }
    this.users[name] = user;
    this.memberRoles.set(user.id, roles);
    if (init.locale) this.locales.set(user.id, init.locale);
    this.changed();
    return user;
  }

  /** Replaces a member's roles (ids, without @everyone). */
  setRoles(user: string, roleIds: readonly string[]): APIUser {
    const u = this.user(user);
    for (const id of roleIds) {
      const role = this.role(id);
      if (role.id === this.guildId) throw new Error("fake discord: @everyone is not assignable");
      if (role.managed) throw new Error(`fake discord: role ${role.name} is managed`);
    }
    this.memberRoles.set(u.id, [...new Set(roleIds)]);
    this.changed();
    return u;
  }

  /** Adds a text channel to the guild (after the others). */
  addChannel(name: string): FakeChannel {
    if (!/^[a-z0-9_-]{1,100}$/.test(name))
      throw new Error(`fake discord: "${name}" is not a text channel name (lower case, no spaces)`);
    const ch: FakeChannel = { id: snowflake(), type: 0, name, guildId: this.guildId };
    this.channels.set(ch.id, ch);
    this.changed();
    return ch;
  }

  /** The guild channels in order (their index is their position); default the first guild's. */
  guildChannels(guildId: string = this.guildId): FakeChannel[] {
    return [...this.channels.values()].filter((c) => c.guildId === guildId);
  }

  /** A member's role ids (without @everyone). */
  rolesOf(userId: string): string[] {
    return this.memberRoles.get(userId) ?? [];
  }

  /** A role's permissions (the bot's role: `settings.appPermissions`). */
  rolePermissions(role: FakeRole): bigint {
    return role.id === this.applicationId ? BigInt(this.settings.appPermissions) : role.permissions;
  }

  /**
   * A member's guild permissions as Discord computes them: @everyone's, or'ed with their
   * roles'; Administrator (or owning the guild) means every permission.
   */
  permissionsOf(userId: string): bigint {
    if (userId === this.owner.id) return ALL_PERMISSIONS;
    let bits = this.rolePermissions(this.role(this.guildId));
    for (const id of this.rolesOf(userId)) {
      const role = this.roles.get(id);
      if (role) bits |= this.rolePermissions(role);
    }
    return (bits & ADMINISTRATOR) !== 0n ? ALL_PERMISSIONS : bits;
  }

  /** A role as Discord's API shows it. */
  rolePayload(role: FakeRole): APIRole {
    return {
      id: role.id,
      name: role.name,
      permissions: this.rolePermissions(role).toString(),
      position: role.position,
      color: 0,
      colors: { primary_color: 0, secondary_color: null, tertiary_color: null },
      hoist: false,
      managed: role.managed,
      mentionable: false,
      icon: null,
      unicode_emoji: null,
      flags: 0 as RoleFlags,
      ...(role.managed ? { tags: { bot_id: this.applicationId } } : {}),
    };
  }

  /** The guild's roles as Discord's API shows them, by position. */
  rolePayloads(): APIRole[] {
    return [...this.roles.values()]
      .sort((a, b) => a.position - b.position)
      .map((r) => this.rolePayload(r));
  }

  /** A guild member object (GUILD_CREATE, GUILD_MEMBER_UPDATE, GET /guilds/…/members/…). */
  memberPayload(user: APIUser): APIGuildMember {
    return {
      user,
      roles: this.rolesOf(user.id),
      joined_at: JOINED_AT,
      deaf: false,
      mute: false,
      flags: 0 as GuildMemberFlags,
      nick: null,
      avatar: null,
      banner: null,
      premium_since: null,
      pending: false,
      communication_disabled_until: null,
    };
  }

  /** Signals a state change to waiters. */
  changed(): void {
    this.events.emit("change");
  }

  /** Records a broken rule. */
  violate(v: Omit<Violation, "at">): void {
    this.violations.push({ ...v, at: Date.now() });
    this.changed();
  }
}
