/**
 * A fake Discord for end-to-end tests: REST (`/api/v10`), a WebSocket gateway and a CDN on
 * loopback. Point a real discord.js Client at it, drive members, and assert on what they see.
 *
 *   const fake = await startFakeDiscord();
 *   const client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: fake.apiUrl } });
 *   await client.login(fake.botToken);
 *   const cmd = await fake.runCommand("imagine", { prompt: "a red fox" });
 *   expect((await cmd.firstResponse()).type).toBe(5);
 *   await fake.waitFor(() => cmd.original()?.attachments.length);
 *   expect(fake.violations).toEqual([]);
 */
import { createServer, type Server } from "node:http";
import type { APIInteraction, APIUser } from "discord.js";
import { type FailOptions, Faults, type RateLimitOptions } from "./faults.js";
import { FakeGateway, INTENTS } from "./gateway.js";
import { shardOf } from "./ids.js";
import {
  type CommandOptions,
  type ModalAnswers,
  type OptionValue,
  pressButton,
  runCommand,
  selectOption,
  submitModal,
} from "./member.js";
import { type GalleryItem, galleryOf, isComponentsV2 } from "./messages.js";
import {
  allowBotPermissions,
  closeDms,
  deleteChannel,
  deleteMessage,
  denyBotPermissions,
} from "./moderation.js";
import { channelPayload, type PermissionName } from "./permissions.js";
import { createRestHandler } from "./rest.js";
import { warmUpSchemas } from "./schema.js";
import {
  type CallbackRecord,
  type FakeDiscordOptions,
  type FakeGuild,
  type FakeMessage,
  type FakeRole,
  FakeState,
  type InteractionRecord,
  type MemberInit,
  type RecordedRequest,
  type RegisteredCommand,
  type RoleInit,
  type Violation,
} from "./state.js";

export type { FailOptions, RateLimitOptions, RequestMatch } from "./faults.js";
export type { CommandOptions, MemberFile, ModalAnswers, OptionValue } from "./member.js";
export type { GalleryItem } from "./messages.js";
export type { PermissionName } from "./permissions.js";
export type {
  CallbackRecord,
  FakeChannel,
  FakeDiscordOptions,
  FakeGuild,
  FakeMessage,
  FakeRole,
  MemberInit,
  MessageWrite,
  RecordedFile,
  RecordedRequest,
  RegisteredCommand,
  RoleInit,
  StoredAttachment,
  Violation,
} from "./state.js";
export { ADMINISTRATOR, ALL_PERMISSIONS, MANAGE_GUILD } from "./state.js";

/** Options of `waitFor`. */
export interface WaitOptions {
  /** give up after this many ms (default 15000) */
  timeoutMs?: number;
  /** also re-check on this interval, for time-based predicates (default 25) */
  intervalMs?: number;
  /** what is awaited, for the timeout message */
  what?: string;
}

/** A button as a member sees it. */
export interface FakeButton {
  customId: string | undefined;
  label: string | undefined;
  style: number;
  disabled: boolean;
  url: string | undefined;
  emoji: { name?: string; id?: string; animated?: boolean } | undefined;
}

/** One interaction a member caused, and what the bot did with it. */
export class FakeInteraction {
  constructor(
    private readonly fake: FakeDiscord,
    /** the fake's record (attempts, modal, message ids) */
    readonly record: InteractionRecord,
  ) {}

  /** interaction id */
  get id(): string {
    return this.record.id;
  }

  /** interaction token (for `fake.expireToken`) */
  get token(): string {
    return this.record.token;
  }

  /** interaction type: 2 command, 3 component, 5 modal submit */
  get type(): number {
    return this.record.type;
  }

  /** the member who caused it */
  get user(): APIUser {
    return this.fake.state.user(this.record.userId);
  }

  /** the INTERACTION_CREATE payload that was dispatched */
  get payload(): APIInteraction {
    return this.record.payload;
  }

  /** every callback attempt, accepted or refused */
  get attempts(): CallbackRecord[] {
    return this.record.attempts;
  }

  /** the modal the bot showed (callback type 9 data), if any */
  get modal(): Record<string, unknown> | undefined {
    return this.record.modal;
  }

  /** Resolves with the first accepted callback (type 4/5/6/7/8/9 and body). */
  async firstResponse(opts: { timeoutMs?: number } = {}): Promise<CallbackRecord> {
    const rec = this.record;
    return this.fake.waitFor(() => rec.acked, {
      timeoutMs: opts.timeoutMs ?? 5000,
      what: `the first callback to interaction ${rec.id} (attempts: ${JSON.stringify(rec.attempts.map((a) => ({ type: a.type, status: a.status, code: a.code })))})`,
    });
  }

  /** The current state of @original (the reply, or the component's message after 6/7). */
  original(): FakeMessage | undefined {
    const id = this.record.originalMessageId;
    return id ? this.fake.message(id) : undefined;
  }

  /** Follow-up messages, oldest first. */
  followUps(): FakeMessage[] {
    return this.record.followUpIds
      .map((id) => this.fake.message(id))
      .filter((m): m is FakeMessage => !!m);
  }

  /** From now on the webhook routes answer 401 / 50027 for this token. */
  expireToken(): void {
    this.fake.expireToken(this.record.token);
  }
}

/** A running fake Discord. */
export class FakeDiscord {
  /** the gateway, for reconnect/drop tests */
  readonly gateway: FakeGateway;
  private readonly faults = new Faults();

  constructor(
    /** the shared state (advanced use) */
    readonly state: FakeState,
    private readonly server: Server,
  ) {
    this.gateway = new FakeGateway(state, server);
    server.on(
      "request",
      createRestHandler(state, this.faults, () => this.gateway.url),
    );
  }

  /** "http://127.0.0.1:PORT/api", for discord.js `rest.api` / DISCORD_API_URL */
  get apiUrl(): string {
    return `${this.state.baseUrl}/api`;
  }

  /** "http://127.0.0.1:PORT", the base of the CDN URLs */
  get baseUrl(): string {
    return this.state.baseUrl;
  }

  /** the token `client.login()` must use */
  get botToken(): string {
    return this.state.settings.botToken;
  }

  /** the application id (= the bot user's id) */
  get applicationId(): string {
    return this.state.applicationId;
  }

  /** the bot user */
  get botUser(): APIUser {
    return this.state.botUser;
  }

  /** the first guild (`addGuild` adds more) */
  get guildId(): string {
    return this.state.guildId;
  }

  /**
   * The bot joins another guild (before its client logs in: a later GUILD_CREATE is not
   * sent): the same members, only @everyone's permissions, one text channel `general`
   * (`channelId`; use it as `runCommand(…, { channel })`). `shard: [id, count]` gives it an
   * id on that shard.
   */
  addGuild(name: string, options: { shard?: [number, number] } = {}): FakeGuild {
    return this.state.addGuild(name, options);
  }

  /** Discord's shard of a guild: (guild_id >> 22) % count (no guild: 0). */
  shardOf(guildId: string | undefined, count: number): number {
    return shardOf(guildId, count);
  }

  /** its first text channel ("general"; `addChannel` adds more) */
  get channelId(): string {
    return this.state.channelId;
  }

  /** members by short name: alice, bob, carol (plain members) and those `addMember` added */
  get users(): Record<string, APIUser> {
    return this.state.users;
  }

  /** the guild's owner (member "owner"; every permission, as on Discord) */
  get owner(): APIUser {
    return this.state.owner;
  }

  /** the @everyone role's id (= the guild id) */
  get everyoneRoleId(): string {
    return this.state.guildId;
  }

  /** the bot's managed role's id */
  get botRoleId(): string {
    return this.state.applicationId;
  }

  /** The guild's roles, lowest first (@everyone, the bot's role, then `addRole`'s). */
  roles(): FakeRole[] {
    return [...this.state.roles.values()].sort((a, b) => a.position - b.position);
  }

  /**
   * An admin creates a role; returns its id. GUILD_ROLE_CREATE is dispatched (a client logging
   * in later gets it in GUILD_CREATE). `permissions` is a bitfield (default none), e.g.
   * `MANAGE_GUILD` (1 << 5) or `ADMINISTRATOR` (1 << 3).
   */
  addRole(init: RoleInit): string {
    const role = this.state.addRole(init);
    this.gateway.dispatch("GUILD_ROLE_CREATE", {
      guild_id: this.state.guildId,
      role: this.state.rolePayload(role),
    });
    return role.id;
  }

  /** An admin changes a role's permissions (GUILD_ROLE_UPDATE). */
  setRolePermissions(roleId: string, permissions: bigint | number | string): void {
    const role = this.state.role(roleId);
    if (role.managed) throw new Error(`fake discord: role ${role.name} is managed`);
    role.permissions = BigInt(permissions);
    this.state.changed();
    this.gateway.dispatch("GUILD_ROLE_UPDATE", {
      guild_id: this.state.guildId,
      role: this.state.rolePayload(role),
    });
  }

  /**
   * A member joins under a short name (usable as `{ user: name }` everywhere); returns the user.
   * `roles` are role ids; `permissions` gives them a role of their own with those permissions
   * (Discord has no per-member permissions). GUILD_MEMBER_ADD reaches clients with the
   * GUILD_MEMBERS intent only, as on Discord.
   */
  addMember(name: string, init: MemberInit = {}): APIUser {
    const before = new Set(this.state.roles.keys());
    const user = this.state.addMember(name, init);
    for (const role of this.state.roles.values()) {
      if (before.has(role.id)) continue;
      this.gateway.dispatch("GUILD_ROLE_CREATE", {
        guild_id: this.state.guildId,
        role: this.state.rolePayload(role),
      });
    }
    this.gateway.dispatch(
      "GUILD_MEMBER_ADD",
      { ...this.state.memberPayload(user), guild_id: this.state.guildId },
      INTENTS.GUILD_MEMBERS,
    );
    return user;
  }

  /**
   * An admin sets a member's roles (ids, without @everyone). GUILD_MEMBER_UPDATE reaches
   * clients with the GUILD_MEMBERS intent only; the next interactions carry the new roles.
   */
  setRoles(user: string, roleIds: readonly string[]): void {
    const u = this.state.setRoles(user, roleIds);
    const { deaf: _deaf, mute: _mute, ...member } = this.state.memberPayload(u);
    this.gateway.dispatch(
      "GUILD_MEMBER_UPDATE",
      { ...member, guild_id: this.state.guildId },
      INTENTS.GUILD_MEMBERS,
    );
  }

  /** A member's role ids (without @everyone). */
  rolesOf(user: string): string[] {
    return [...this.state.rolesOf(this.state.user(user).id)];
  }

  /** A member's computed permissions (@everyone + roles; Administrator or owner: all). */
  permissionsOf(user: string): bigint {
    return this.state.permissionsOf(this.state.user(user).id);
  }

  /**
   * An admin creates a text channel; returns its id. CHANNEL_CREATE is dispatched (a client
   * logging in later gets it in GUILD_CREATE). Use it as `runCommand(…, { channel: id })`.
   */
  addChannel(name: string): string {
    const ch = this.state.addChannel(name);
    this.gateway.dispatch("CHANNEL_CREATE", channelPayload(this.state, ch));
    return ch.id;
  }

  /** every REST request received, in order (live array) */
  get requests(): RecordedRequest[] {
    return this.state.requests;
  }

  /** every Discord rule or schema violation found (live array; tests expect it empty) */
  get violations(): Violation[] {
    return this.state.violations;
  }

  /** every CDN download (member uploads and message attachments) */
  get downloads(): { path: string; attachmentId: string; at: number }[] {
    return this.state.downloads;
  }

  /** A member runs `/name` with options; attachment options take `{filename, bytes, contentType}`. */
  async runCommand(
    name: string,
    options: Record<string, OptionValue> = {},
    opts: CommandOptions = {},
  ): Promise<FakeInteraction> {
    return new FakeInteraction(
      this,
      await runCommand(this.state, this.gateway, name, options, opts),
    );
  }

  /** A member presses the button `customId` on message `messageId`. */
  async pressButton(
    messageId: string,
    customId: string,
    opts: { user?: string } = {},
  ): Promise<FakeInteraction> {
    return new FakeInteraction(
      this,
      await pressButton(this.state, this.gateway, messageId, customId, opts.user),
    );
  }

  /** A member picks `values` in the string select `customId` on message `messageId`. */
  async selectOption(
    messageId: string,
    customId: string,
    values: string[],
    opts: { user?: string } = {},
  ): Promise<FakeInteraction> {
    return new FakeInteraction(
      this,
      await selectOption(this.state, this.gateway, messageId, customId, values, opts.user),
    );
  }

  /** A member submits the modal `opener` showed (Label form; File Upload files become attachments). */
  async submitModal(opener: FakeInteraction, answers: ModalAnswers = {}): Promise<FakeInteraction> {
    return new FakeInteraction(
      this,
      await submitModal(this.state, this.gateway, opener.record, answers),
    );
  }

  /** The latest state of a message the bot created (including deleted ones, flagged). */
  message(id: string): FakeMessage | undefined {
    return this.state.messages.get(id);
  }

  /** The buttons of a message, in order: `{customId, label, style, disabled, url, emoji}`. */
  buttons(messageId: string): FakeButton[] {
    const out: FakeButton[] = [];
    const visit = (c: Record<string, unknown>) => {
      if (c.type === 2) {
        out.push({
          customId: c.custom_id as string | undefined,
          label: c.label as string | undefined,
          style: c.style as number,
          disabled: c.disabled === true,
          url: c.url as string | undefined,
          emoji: c.emoji as FakeButton["emoji"],
        });
      }
      for (const key of ["components", "accessory"]) {
        const v = c[key];
        if (Array.isArray(v)) for (const child of v) visit(child as Record<string, unknown>);
        else if (v && typeof v === "object") visit(v as Record<string, unknown>);
      }
    };
    for (const c of this.message(messageId)?.components ?? []) visit(c);
    return out;
  }

  /** Whether a message is a Components V2 one (flag IS_COMPONENTS_V2): text and media in components. */
  isComponentsV2(messageId: string): boolean {
    const msg = this.message(messageId);
    return msg !== undefined && isComponentsV2(msg);
  }

  /**
   * What a message's Media Galleries show, in order: each item's URL as the bot sent it, its
   * alt text, and the attachment an `attachment://` URL names. A plain message has none.
   * (A V2 message's words are its `content`: the fake keeps its Text Displays there.)
   */
  gallery(messageId: string): GalleryItem[] {
    const msg = this.message(messageId);
    return msg ? galleryOf(msg) : [];
  }

  /** The channel's messages (default the guild channel), oldest first, without deleted ones. */
  channelMessages(channelId: string = this.state.channelId): FakeMessage[] {
    return [...this.state.messages.values()]
      .filter((m) => m.channelId === channelId && !m.deleted)
      .sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1));
  }

  /**
   * Resolves with the predicate's first truthy value, re-checking on every change and interval.
   * A predicate that throws counts as "not yet"; its last error is reported on timeout.
   */
  waitFor<T>(
    predicate: () => T | undefined | null | false | 0 | "",
    opts: WaitOptions = {},
  ): Promise<T> {
    const timeoutMs = opts.timeoutMs ?? 15_000;
    const events = this.state.events;
    return new Promise<T>((resolve, reject) => {
      let lastError: unknown;
      const check = (): boolean => {
        try {
          const value = predicate();
          if (value) {
            done();
            resolve(value as T);
            return true;
          }
        } catch (err) {
          lastError = err;
        }
        return false;
      };
      const interval = setInterval(check, opts.intervalMs ?? 25);
      const timer = setTimeout(() => {
        done();
        const what = opts.what ?? "condition";
        const detail = lastError instanceof Error ? `: ${lastError.message}` : "";
        reject(
          new Error(`fake discord: timed out after ${timeoutMs} ms waiting for ${what}${detail}`),
        );
      }, timeoutMs);
      const done = () => {
        clearInterval(interval);
        clearTimeout(timer);
        events.off("change", check);
      };
      events.on("change", check);
      check();
    });
  }

  /** The next matching requests answer 429 with Retry-After, X-RateLimit-* and `{message, retry_after, global}`. */
  rateLimitNext(opts: RateLimitOptions): void {
    this.faults.rateLimit(opts);
  }

  /** The next matching requests answer a 5xx (default 500). */
  failNext(opts: FailOptions): void {
    this.faults.fail(opts);
  }

  /** From now on webhook routes with this interaction token answer 401 {code: 50027}. */
  expireToken(token: string): void {
    const rec = this.state.byToken.get(token);
    if (!rec) throw new Error("fake discord: unknown interaction token");
    rec.expiredByHand = true;
  }

  /**
   * A moderator deletes a message (say, the job's reply). The bot is not told (it has no
   * GUILD_MESSAGES intent); its first edit learns it from Discord's 10008, which is not a
   * violation — asking again about the same message is.
   */
  deleteMessage(id: string): FakeMessage {
    return deleteMessage(this.state, id);
  }

  /**
   * An admin denies the bot permissions in a channel (a member overwrite; CHANNEL_UPDATE is
   * dispatched). Channel routes then answer 403: 50001 without VIEW_CHANNEL, 50013 for a new
   * message without SEND_MESSAGES or for uploads without ATTACH_FILES. Interaction webhooks
   * are not affected. See permissions.ts.
   */
  denyBotPermissions(names: readonly PermissionName[], channelId = this.state.channelId): void {
    this.gateway.dispatch("CHANNEL_UPDATE", denyBotPermissions(this.state, channelId, names));
  }

  /** Lifts the bot's denials in a channel (all of them, or these). */
  allowBotPermissions(names?: readonly PermissionName[], channelId = this.state.channelId): void {
    this.gateway.dispatch("CHANNEL_UPDATE", allowBotPermissions(this.state, channelId, names));
  }

  /**
   * A moderator deletes a channel (CHANNEL_DELETE is dispatched): its channel routes and the
   * webhook routes of interactions used there answer 404 / 10003.
   */
  deleteChannel(channelId = this.state.channelId): void {
    this.gateway.dispatch("CHANNEL_DELETE", deleteChannel(this.state, channelId));
  }

  /** The member does not take DMs from server members: the bot's DMs answer 403 / 50007. */
  closeDms(user: string): void {
    closeDms(this.state, user);
  }

  /** The bot's DMs to a member, oldest first. */
  dms(user: string): FakeMessage[] {
    const id = this.state.user(user).id;
    const dm = [...this.state.channels.values()].find((c) => c.type === 1 && c.recipientId === id);
    return dm ? this.channelMessages(dm.id) : [];
  }

  /**
   * The bot token is reset in the Developer Portal: the old one stops working on REST
   * (401) and the gateway closes its sessions with 4004, as Discord does.
   */
  revokeBotToken(): void {
    this.state.settings.botToken = `${this.state.settings.botToken.split(".")[0]}.revoked.${Date.now()}`;
    this.gateway.dropConnections(4004);
  }

  /** Commands of the last bulk overwrite: "guild" (default when any) or "global". */
  registeredCommands(scope?: "guild" | "global"): RegisteredCommand[] {
    const guild = this.state.guildCommands.get(this.state.guildId);
    if (scope === "global") return this.state.globalCommands ?? [];
    if (scope === "guild") return guild ?? [];
    return guild ?? this.state.globalCommands ?? [];
  }

  /** Resolves once a client has logged in to the gateway (with `guildId`: on its shard). */
  waitForClient(timeoutMs?: number, guildId?: string): Promise<void> {
    return this.gateway.waitForClient(timeoutMs, guildId);
  }

  /** Sends a raw gateway dispatch to every logged-in client whose shard holds its guild. */
  dispatch(event: string, data: unknown): number {
    return this.gateway.dispatch(event, data);
  }

  /** Stops the gateway and the HTTP server. */
  async close(): Promise<void> {
    await this.gateway.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** Starts a fake Discord on 127.0.0.1 (random port). */
export async function startFakeDiscord(options: FakeDiscordOptions = {}): Promise<FakeDiscord> {
  warmUpSchemas();
  const state = new FakeState(options);
  const server = createServer();
  const fake = new FakeDiscord(state, server);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const address = server.address();
  if (!address || typeof address === "string") throw new Error("fake discord: no port");
  state.baseUrl = `http://127.0.0.1:${address.port}`;
  return fake;
}
