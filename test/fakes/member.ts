/**
 * What a member can do in the Discord client: run a slash command, press a button, pick from a
 * select, submit a modal. Each builds the interaction Discord would send, refusing (by throwing)
 * what the real client would not let a member do, and dispatches it over the gateway.
 */
import type {
  APIApplicationCommandInteractionDataBasicOption,
  APIAttachment,
  APIInteraction,
  APIModalSubmissionComponent,
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
import { botPermissions } from "./permissions.js";
import type { FakeMessage, FakeState, InteractionRecord, RegisteredCommand } from "./state.js";

type Json = Record<string, unknown>;

/** A file a member uploads (command attachment option or modal File Upload). */
export interface MemberFile {
  filename: string;
  bytes: Uint8Array;
  contentType?: string;
}

/** A command option value: string, number, boolean, or a file for ATTACHMENT options. */
export type OptionValue = string | number | boolean | MemberFile;

/** Options of `runCommand`. */
export interface CommandOptions {
  /** the member (short name such as "alice", or a user id); default "alice" */
  user?: string;
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

/** Where and by whom an interaction happens: the fake's one channel, a member by name. */
export function context(state: FakeState, userKey: string): InteractionContext {
  const channel = state.channels.get(state.channelId);
  return {
    id: snowflake(),
    token: interactionToken(),
    applicationId: state.applicationId,
    guildId: state.guildId,
    channelId: state.channelId,
    channelName: channel?.name ?? "general",
    user: state.user(userKey),
    memberPermissions: state.memberPermissions,
    appPermissions: channel
      ? botPermissions(state, channel).toString()
      : state.settings.appPermissions,
    attachmentSizeLimit: state.settings.attachmentSizeLimit,
  };
}

/** Records an interaction and sends it to the logged-in client (INTERACTION_CREATE). */
export async function dispatch(
  state: FakeState,
  gateway: FakeGateway,
  ctx: InteractionContext,
  payload: APIInteraction,
  extra: Partial<InteractionRecord> = {},
): Promise<InteractionRecord> {
  await gateway.waitForClient();
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

function upload(state: FakeState, file: MemberFile): APIAttachment {
  return toApiAttachment(storeAttachment(state, state.channelId, file, { ephemeral: true }));
}

function findCommand(state: FakeState, name: string): RegisteredCommand | undefined | null {
  const lists = [state.guildCommands.get(state.guildId), state.globalCommands].filter(
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
  const cmd = findCommand(state, name);
  if (cmd === null) {
    const known = [state.guildCommands.get(state.guildId), state.globalCommands]
      .flat()
      .filter(Boolean);
    throw new Error(
      `fake discord: /${name} is not registered (registered: ${known.map((c) => `/${c?.name}`).join(", ")})`,
    );
  }
  const defs = (cmd?.options ?? []) as Json[];
  const options: APIApplicationCommandInteractionDataBasicOption[] = [];
  const attachments: APIAttachment[] = [];
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
      const att = upload(state, value);
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
  const ctx = context(state, opts.user ?? "alice");
  const payload = chatInputInteraction(ctx, { id: commandId, name, options, attachments });
  return dispatch(state, gateway, ctx, payload, { commandName: name });
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
  const ctx = context(state, userKey);
  const msg = visibleMessage(state, messageId, ctx.user.id);
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
  const ctx = context(state, userKey);
  const msg = visibleMessage(state, messageId, ctx.user.id);
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
  const ctx = context(state, answers.user ?? opener.userId);
  const used = new Set<string>();
  const attachments: APIAttachment[] = [];
  const up = (f: MemberFile) => upload(state, f);
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
