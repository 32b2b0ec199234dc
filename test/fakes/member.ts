/**
 * What a member can do in the Discord client: run a slash command, press a button, pick from a
 * select, submit a modal. Each builds the interaction Discord would send, refusing (by throwing)
 * what the real client would not let a member do, and dispatches it over the gateway.
 */
import type {
  APIApplicationCommandInteractionDataBasicOption,
  APIAttachment,
  APIInteraction,
  APIInteractionDataResolved,
  APIInteractionDataResolvedChannel,
  APIInteractionDataResolvedGuildMember,
  APIModalSubmissionComponent,
  APIUser,
  Locale,
  ModalSubmitComponent,
} from "discord.js";
import type { FakeGateway } from "./gateway.js";
import { interactionToken, snowflake } from "./ids.js";
import { storeAttachment, toApiAttachment, toApiMessage } from "./messages.js";
import {
  buttonInteraction,
  chatInputInteraction,
  type InteractionContext,
  modalSubmitInteraction,
  stringSelectInteraction,
} from "./payloads.js";
import { botPermissions, channelPayload } from "./permissions.js";
import type {
  FakeChannel,
  FakeMessage,
  FakeRole,
  FakeState,
  InteractionRecord,
  RegisteredCommand,
} from "./state.js";

type Json = Record<string, unknown>;

/** A file a member uploads (command attachment option or modal File Upload). */
export interface MemberFile {
  filename: string;
  bytes: Uint8Array;
  contentType?: string;
}

/**
 * A command option value: string, number, boolean, or a file for ATTACHMENT options. USER,
 * ROLE, MENTIONABLE and CHANNEL options take a name ("bob", "admins", "art") or an id.
 */
export type OptionValue = string | number | boolean | MemberFile;

/** Options of `runCommand`. */
export interface CommandOptions {
  /** the member (short name such as "alice", or a user id); default "alice" */
  user?: string;
  /** the guild text channel it is used in (id); default the fake's first channel */
  channel?: string;
  /** files for ATTACHMENT options, by option name */
  attachments?: Record<string, MemberFile>;
}

/** Options of `submitModal`. */
export interface ModalAnswers {
  /** text input values (and select values) by custom_id */
  fields?: Record<string, string | string[] | boolean | null>;
  /** File Upload files by custom_id */
  files?: Record<string, MemberFile | MemberFile[]>;
  /** the member; default the one who opened the modal */
  user?: string;
}

const commandIds = new Map<string, string>();

function isFile(v: unknown): v is MemberFile {
  return typeof v === "object" && v !== null && "bytes" in v && "filename" in v;
}

/** The guild text channel an interaction happens in (refusing unknown or deleted ones). */
function guildChannel(state: FakeState, channelId: string): FakeChannel {
  const ch = state.channels.get(channelId);
  if (ch?.type !== 0 || !state.hasGuild(ch.guildId)) {
    const why = state.deletedChannels.has(channelId) ? " (a moderator deleted it)" : "";
    throw new Error(`fake discord: no guild text channel ${channelId}${why}`);
  }
  return ch;
}

/** Where and by whom an interaction happens: a guild text channel, a member by name or id. */
export function context(
  state: FakeState,
  userKey: string,
  channelId: string = state.channelId,
): InteractionContext {
  const channel = guildChannel(state, channelId);
  const user = state.user(userKey);
  const guildId = channel.guildId ?? state.guildId;
  return {
    id: snowflake(),
    token: interactionToken(),
    applicationId: state.applicationId,
    guildId,
    channelId: channel.id,
    channel: channelPayload(state, channel) as unknown as InteractionContext["channel"],
    user,
    memberRoles: state.rolesIn(user.id, guildId),
    memberPermissions: state.permissionsIn(user.id, guildId).toString(),
    appPermissions: botPermissions(state, channel).toString(),
    attachmentSizeLimit: state.settings.attachmentSizeLimit,
    ...(state.locales.has(user.id) && { locale: state.locales.get(user.id) as Locale }),
  };
}

/** A member as `resolved.members` carries it: no user, deaf or mute; permissions in the channel. */
function resolvedMember(state: FakeState, user: APIUser): APIInteractionDataResolvedGuildMember {
  const { user: _user, deaf: _deaf, mute: _mute, ...member } = state.memberPayload(user);
  return { ...member, permissions: state.permissionsOf(user.id).toString() };
}

/** A role by id or name. */
function findRole(state: FakeState, key: string): FakeRole | undefined {
  return state.roles.get(key) ?? [...state.roles.values()].find((r) => r.name === key);
}

/** A member by short name or id, or undefined. */
function findMember(state: FakeState, key: string): APIUser | undefined {
  try {
    return state.user(key);
  } catch {
    return undefined;
  }
}

/**
 * Resolves a USER (6), CHANNEL (7), ROLE (8) or MENTIONABLE (9) option value to the id Discord
 * sends, and fills `resolved` as Discord does (users with members; roles; channels).
 */
function resolveEntity(
  state: FakeState,
  key: string,
  type: number,
  value: OptionValue,
  def: Json | undefined,
  resolved: APIInteractionDataResolved,
): string {
  if (typeof value !== "string")
    throw new Error(`fake discord: option "${key}" (type ${type}) takes a name or an id`);
  const user = type === 6 || type === 9 ? findMember(state, value) : undefined;
  if (user) {
    resolved.users = { ...resolved.users, [user.id]: user };
    resolved.members = { ...resolved.members, [user.id]: resolvedMember(state, user) };
    return user.id;
  }
  const role = type === 8 || type === 9 ? findRole(state, value) : undefined;
  if (role) {
    resolved.roles = { ...resolved.roles, [role.id]: state.rolePayload(role) };
    return role.id;
  }
  if (type === 7) {
    const ch = state.channels.get(value) ?? state.guildChannels().find((c) => c.name === value);
    if (ch && ch.guildId === state.guildId) {
      const allowed = def?.channel_types as number[] | undefined;
      if (allowed && allowed.length > 0 && !allowed.includes(ch.type)) {
        throw new Error(
          `fake discord: channel "${ch.name}" (type ${ch.type}) is not allowed for option "${key}"`,
        );
      }
      resolved.channels = {
        ...resolved.channels,
        [ch.id]: {
          id: ch.id,
          name: ch.name,
          type: ch.type,
          permissions: botPermissions(state, ch).toString(),
        } as APIInteractionDataResolvedChannel,
      };
      return ch.id;
    }
  }
  const what = { 6: "member", 7: "channel", 8: "role", 9: "member or role" }[type] ?? "entity";
  throw new Error(`fake discord: option "${key}": no ${what} "${value}"`);
}

/** Records an interaction and sends it to the logged-in client (INTERACTION_CREATE). */
export async function dispatch(
  state: FakeState,
  gateway: FakeGateway,
  ctx: InteractionContext,
  payload: APIInteraction,
  extra: Partial<InteractionRecord> = {},
): Promise<InteractionRecord> {
  // The client whose shard holds the guild (after a restart, once it is back).
  await gateway.waitForClient(undefined, ctx.guildId);
  const rec: InteractionRecord = {
    id: ctx.id,
    token: ctx.token,
    type: payload.type,
    payload,
    userId: ctx.user.id,
    channelId: ctx.channelId,
    dispatchedAt: Date.now(),
    expiredByHand: false,
    answered50027: false,
    deadlineMissed: false,
    attempts: [],
    followUpIds: [],
    ...extra,
  };
  state.interactions.set(rec.id, rec);
  state.byToken.set(rec.token, rec);
  if (gateway.dispatch("INTERACTION_CREATE", payload) === 0) {
    throw new Error("fake discord: no logged-in client to receive the interaction");
  }
  state.changed();
  return rec;
}

function upload(state: FakeState, file: MemberFile, channelId: string): APIAttachment {
  return toApiAttachment(storeAttachment(state, channelId, file, { ephemeral: true }));
}

function findCommand(
  state: FakeState,
  name: string,
  guildId: string,
): RegisteredCommand | undefined | null {
  const lists = [state.guildCommands.get(guildId), state.globalCommands].filter(
    (l): l is RegisteredCommand[] => l !== undefined,
  );
  if (lists.length === 0) return undefined; // nothing registered: accept any command
  for (const list of lists) {
    const found = list.find((c) => c.name === name && (c.type ?? 1) === 1);
    if (found) return found;
  }
  return null;
}

function inferType(value: OptionValue): number {
  if (isFile(value)) return 11;
  if (typeof value === "boolean") return 5;
  if (typeof value === "number") return Number.isInteger(value) ? 4 : 10;
  return 3;
}

/** Builds and dispatches a CHAT_INPUT interaction for `/name`. */
export async function runCommand(
  state: FakeState,
  gateway: FakeGateway,
  name: string,
  values: Record<string, OptionValue>,
  opts: CommandOptions = {},
): Promise<InteractionRecord> {
  const all: Record<string, OptionValue> = { ...values, ...(opts.attachments ?? {}) };
  const guildId = guildChannel(state, opts.channel ?? state.channelId).guildId ?? state.guildId;
  const cmd = findCommand(state, name, guildId);
  if (cmd === null) {
    const known = [state.guildCommands.get(guildId), state.globalCommands].flat().filter(Boolean);
    throw new Error(
      `fake discord: /${name} is not registered (registered: ${known.map((c) => `/${c?.name}`).join(", ")})`,
    );
  }
  const defs = (cmd?.options ?? []) as Json[];
  const options: APIApplicationCommandInteractionDataBasicOption[] = [];
  const attachments: APIAttachment[] = [];
  const resolved: APIInteractionDataResolved = {};
  const channelId = guildChannel(state, opts.channel ?? state.channelId).id;
  if (cmd) {
    for (const key of Object.keys(all)) {
      if (!defs.some((d) => d.name === key)) {
        throw new Error(
          `fake discord: /${name} has no option "${key}" (options: ${defs.map((d) => d.name).join(", ")})`,
        );
      }
    }
    for (const def of defs) {
      if (def.type === 1 || def.type === 2)
        throw new Error("fake discord: subcommands are not supported");
      if (def.required === true && all[def.name as string] === undefined) {
        throw new Error(`fake discord: /${name} needs option "${String(def.name)}"`);
      }
    }
  }
  const ordered = cmd
    ? defs.map((d) => d.name as string).filter((n) => all[n] !== undefined)
    : Object.keys(all);
  for (const key of ordered) {
    const value = all[key] as OptionValue;
    const def = defs.find((d) => d.name === key);
    const type = (def?.type as number | undefined) ?? inferType(value);
    if (type === 11) {
      if (!isFile(value)) throw new Error(`fake discord: option "${key}" needs a file`);
      const att = upload(state, value, channelId);
      attachments.push(att);
      options.push({
        type,
        name: key,
        value: att.id,
      } as APIApplicationCommandInteractionDataBasicOption);
      continue;
    }
    if (isFile(value))
      throw new Error(`fake discord: option "${key}" (type ${type}) is not an attachment`);
    if (type >= 6 && type <= 9) {
      const id = resolveEntity(state, key, type, value, def, resolved);
      options.push({
        type,
        name: key,
        value: id,
      } as APIApplicationCommandInteractionDataBasicOption);
      continue;
    }
    const choices = def?.choices as Json[] | undefined;
    if (choices && choices.length > 0 && !choices.some((c) => c.value === value)) {
      throw new Error(`fake discord: "${String(value)}" is not a choice of option "${key}"`);
    }
    options.push({ type, name: key, value } as APIApplicationCommandInteractionDataBasicOption);
  }
  let commandId = cmd?.id ?? commandIds.get(name);
  if (!commandId) {
    commandId = snowflake();
    commandIds.set(name, commandId);
  }
  const ctx = context(state, opts.user ?? "alice", channelId);
  const payload = chatInputInteraction(ctx, {
    id: commandId,
    name,
    options,
    attachments,
    ...(Object.keys(resolved).length > 0 ? { resolved } : {}),
  });
  return dispatch(state, gateway, ctx, payload, { commandName: name });
}

/** The guild channel a message is in (a DM message: the fake's first channel, as before). */
function messageChannel(state: FakeState, msg: FakeMessage): string {
  return state.channels.get(msg.channelId)?.type === 0 ? msg.channelId : state.channelId;
}

function visibleMessage(state: FakeState, messageId: string, userId: string): FakeMessage {
  const msg = state.messages.get(messageId);
  if (!msg || msg.deleted) throw new Error(`fake discord: no message ${messageId}`);
  if (msg.ephemeral && msg.visibleTo !== userId) {
    throw new Error(`fake discord: message ${messageId} is ephemeral; only its member sees it`);
  }
  return msg;
}

function findComponent(msg: FakeMessage, customId: string): Json {
  const found: Json[] = [];
  const ids: string[] = [];
  const visit = (c: Json) => {
    if (typeof c.custom_id === "string") {
      ids.push(c.custom_id);
      if (c.custom_id === customId) found.push(c);
    }
    if (Array.isArray(c.components)) for (const child of c.components as Json[]) visit(child);
    if (c.accessory && typeof c.accessory === "object") visit(c.accessory as Json);
  };
  for (const c of msg.components) visit(c);
  const hit = found[0];
  if (!hit) {
    throw new Error(
      `fake discord: message ${msg.id} has no component "${customId}" (has: ${ids.join(", ") || "none"})`,
    );
  }
  if (hit.disabled === true) throw new Error(`fake discord: "${customId}" is disabled`);
  return hit;
}

/** Builds and dispatches a button press on a message the bot posted. */
export async function pressButton(
  state: FakeState,
  gateway: FakeGateway,
  messageId: string,
  customId: string,
  userKey = "alice",
): Promise<InteractionRecord> {
  const msg = visibleMessage(state, messageId, state.user(userKey).id);
  const ctx = context(state, userKey, messageChannel(state, msg));
  const button = findComponent(msg, customId);
  if (button.type !== 2) throw new Error(`fake discord: "${customId}" is not a button`);
  const payload = buttonInteraction(ctx, toApiMessage(state, msg), customId);
  return dispatch(state, gateway, ctx, payload, { sourceMessageId: msg.id });
}

/** Builds and dispatches a string select choice on a message the bot posted. */
export async function selectOption(
  state: FakeState,
  gateway: FakeGateway,
  messageId: string,
  customId: string,
  values: string[],
  userKey = "alice",
): Promise<InteractionRecord> {
  const msg = visibleMessage(state, messageId, state.user(userKey).id);
  const ctx = context(state, userKey, messageChannel(state, msg));
  const select = findComponent(msg, customId);
  if (select.type !== 3) throw new Error(`fake discord: "${customId}" is not a string select`);
  const allowed = ((select.options ?? []) as Json[]).map((o) => o.value);
  for (const v of values) {
    if (!allowed.includes(v))
      throw new Error(`fake discord: "${v}" is not an option of "${customId}"`);
  }
  const min = (select.min_values as number | undefined) ?? 1;
  const max = (select.max_values as number | undefined) ?? 1;
  if (values.length < min || values.length > max) {
    throw new Error(`fake discord: "${customId}" takes ${min} to ${max} values`);
  }
  const payload = stringSelectInteraction(ctx, toApiMessage(state, msg), customId, values);
  return dispatch(state, gateway, ctx, payload, { sourceMessageId: msg.id });
}

function answerInput(
  input: Json,
  answers: ModalAnswers,
  used: Set<string>,
  upload1: (f: MemberFile) => APIAttachment,
  attachments: APIAttachment[],
): ModalSubmitComponent {
  const customId = String(input.custom_id);
  const id = typeof input.id === "number" ? { id: input.id } : {};
  const given = answers.fields?.[customId];
  if (given !== undefined) used.add(customId);
  switch (input.type) {
    case 4: {
      const value = given ?? input.value ?? "";
      if (typeof value !== "string")
        throw new Error(`fake discord: text input "${customId}" takes a string`);
      const required = input.required !== false;
      const min = (input.min_length as number | undefined) ?? 0;
      const max = (input.max_length as number | undefined) ?? 4000;
      if (required && value.length === 0)
        throw new Error(`fake discord: "${customId}" is required`);
      if (value.length > 0 && (value.length < min || value.length > max)) {
        throw new Error(
          `fake discord: "${customId}" takes ${min} to ${max} characters (got ${value.length})`,
        );
      }
      return { type: 4, custom_id: customId, value, ...id } as ModalSubmitComponent;
    }
    case 19: {
      const files = answers.files?.[customId];
      if (files !== undefined) used.add(customId);
      const list = files === undefined ? [] : Array.isArray(files) ? files : [files];
      const required = input.required !== false;
      const min = (input.min_values as number | undefined) ?? 1;
      const max = (input.max_values as number | undefined) ?? 1;
      if ((required || list.length > 0) && (list.length < min || list.length > max)) {
        throw new Error(
          `fake discord: file upload "${customId}" takes ${min} to ${max} files (got ${list.length})`,
        );
      }
      const values = list.map((f) => {
        const att = upload1(f);
        attachments.push(att);
        return att.id;
      });
      return { type: 19, custom_id: customId, values, ...id } as ModalSubmitComponent;
    }
    case 3: {
      const values =
        given === undefined || given === null ? [] : Array.isArray(given) ? given : [String(given)];
      const allowed = ((input.options ?? []) as Json[]).map((o) => o.value);
      for (const v of values) {
        if (!allowed.includes(v))
          throw new Error(`fake discord: "${v}" is not an option of "${customId}"`);
      }
      return { type: 3, custom_id: customId, values, ...id } as ModalSubmitComponent;
    }
    case 21:
      return {
        type: 21,
        custom_id: customId,
        value: (given as string | null) ?? null,
        ...id,
      } as ModalSubmitComponent;
    case 23:
      return {
        type: 23,
        custom_id: customId,
        value: given === true,
        ...id,
      } as ModalSubmitComponent;
    default: {
      const values =
        given === undefined || given === null ? [] : Array.isArray(given) ? given : [String(given)];
      return { type: input.type, custom_id: customId, values, ...id } as ModalSubmitComponent;
    }
  }
}

/** Builds and dispatches the submit of the modal that `opener` showed. */
export async function submitModal(
  state: FakeState,
  gateway: FakeGateway,
  opener: InteractionRecord,
  answers: ModalAnswers = {},
): Promise<InteractionRecord> {
  const modal = opener.modal;
  if (!modal) {
    throw new Error(
      `fake discord: interaction ${opener.id} did not show a modal (callbacks: ${opener.attempts.map((a) => a.type).join(", ") || "none"})`,
    );
  }
  const ctx = context(state, answers.user ?? opener.userId, opener.channelId);
  const used = new Set<string>();
  const attachments: APIAttachment[] = [];
  const up = (f: MemberFile) => upload(state, f, ctx.channelId);
  let nextId = 1;
  const numbered = (c: Json): Json => {
    const id = typeof c.id === "number" ? c.id : nextId;
    nextId = Math.max(nextId, id) + 1;
    return { ...c, id };
  };
  const components: APIModalSubmissionComponent[] = ((modal.components ?? []) as Json[]).map(
    (raw) => {
      const top = numbered(raw);
      if (top.type === 18) {
        const child = numbered(top.component as Json);
        return {
          type: 18,
          id: top.id,
          component: answerInput(child, answers, used, up, attachments),
        } as APIModalSubmissionComponent;
      }
      if (top.type === 1) {
        const inputs = ((top.components ?? []) as Json[]).map((c) =>
          answerInput(numbered(c), answers, used, up, attachments),
        );
        return { type: 1, id: top.id, components: inputs } as APIModalSubmissionComponent;
      }
      return { type: top.type, id: top.id } as APIModalSubmissionComponent;
    },
  );
  const unknown = [
    ...Object.keys(answers.fields ?? {}),
    ...Object.keys(answers.files ?? {}),
  ].filter((k) => !used.has(k));
  if (unknown.length > 0)
    throw new Error(
      `fake discord: the modal has no input ${unknown.map((k) => `"${k}"`).join(", ")}`,
    );
  const source = opener.sourceMessageId ? state.messages.get(opener.sourceMessageId) : undefined;
  const payload = modalSubmitInteraction(ctx, {
    customId: String(modal.custom_id),
    components,
    attachments,
    ...(source && !source.deleted ? { message: toApiMessage(state, source) } : {}),
  });
  return dispatch(state, gateway, ctx, payload, {
    openedBy: opener.id,
    ...(source && !source.deleted ? { sourceMessageId: source.id } : {}),
  });
}
