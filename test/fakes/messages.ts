/**
 * The message store: applies create/edit bodies (with multipart files) to messages, stores
 * uploads for the CDN route, and renders messages as Discord API JSON.
 */
import type { APIAttachment, APIMessage } from "discord.js";
import { randomHex, snowflake } from "./ids.js";
import type { UploadedFile } from "./rules.js";
import type { FakeMessage, FakeState, MessageWrite, StoredAttachment } from "./state.js";

type Json = Record<string, unknown>;

const FLAG_EPHEMERAL = 64;
const FLAG_LOADING = 128;
export const FLAG_COMPONENTS_V2 = 1 << 15;

/** Whether a message is a Components V2 one: its words and media are in its components. */
export function isComponentsV2(msg: Pick<FakeMessage, "flags">): boolean {
  return (msg.flags & FLAG_COMPONENTS_V2) !== 0;
}

/** The Text Displays of a component tree, in order (what a V2 message reads). */
export function textDisplays(components: readonly Json[]): string[] {
  const out: string[] = [];
  const visit = (c: Json) => {
    if (c.type === 10 && typeof c.content === "string") out.push(c.content);
    for (const key of ["components", "accessory", "component"]) {
      const v = c[key];
      if (Array.isArray(v)) for (const child of v) visit(child as Json);
      else if (v && typeof v === "object") visit(v as Json);
    }
  };
  for (const c of components) visit(c);
  return out;
}

/** One item of a Media Gallery: the URL the bot gave, and the attachment it names, if any. */
export interface GalleryItem {
  url: string;
  description?: string;
  attachment?: StoredAttachment;
}

/** The items of a message's Media Galleries, in order, `attachment://` resolved. */
export function galleryOf(msg: FakeMessage): GalleryItem[] {
  const out: GalleryItem[] = [];
  const visit = (c: Json) => {
    if (c.type === 12) {
      for (const item of Array.isArray(c.items) ? (c.items as Json[]) : []) {
        const url = String((item.media as Json | undefined)?.url ?? "");
        const attachment = attachmentNamed(msg, url);
        out.push({
          url,
          ...(typeof item.description === "string" ? { description: item.description } : {}),
          ...(attachment ? { attachment } : {}),
        });
      }
    }
    if (Array.isArray(c.components)) for (const child of c.components) visit(child as Json);
  };
  for (const c of msg.components) visit(c);
  return out;
}

function attachmentNamed(msg: FakeMessage, url: string): StoredAttachment | undefined {
  if (!url.startsWith("attachment://")) return undefined;
  const name = url.slice("attachment://".length);
  return msg.attachments.find(
    (a) => a.filename === name || a.filename === name.replace(/[^\w.-]+/g, "_"),
  );
}

/**
 * A V2 message's components as Discord answers them: every `attachment://` media item
 * resolved to the attachment's CDN URL, with its type, size and id.
 */
function resolvedComponents(msg: FakeMessage): Json[] {
  const media = (m: unknown): Json | undefined => {
    if (!m || typeof m !== "object") return undefined;
    const url = String((m as Json).url ?? "");
    const a = attachmentNamed(msg, url);
    if (!a) return { url, proxy_url: url, width: null, height: null, content_type: null };
    return {
      url: a.url,
      proxy_url: a.proxyUrl,
      width: a.width ?? null,
      height: a.height ?? null,
      content_type: a.contentType,
      attachment_id: a.id,
    };
  };
  const visit = (c: Json): Json => {
    const copy: Json = { ...c };
    if (Array.isArray(c.components)) copy.components = (c.components as Json[]).map(visit);
    if (c.accessory && typeof c.accessory === "object") copy.accessory = visit(c.accessory as Json);
    if (c.type === 12 && Array.isArray(c.items)) {
      copy.items = (c.items as Json[]).map((item) => ({
        description: null,
        spoiler: false,
        ...item,
        media: media(item.media),
      }));
    }
    if (c.type === 11) copy.media = media(c.media);
    if (c.type === 13) copy.file = media(c.file);
    return copy;
  };
  return msg.components.map(visit);
}

/** Width and height of a PNG or GIF, read from its header. */
export function imageSize(bytes: Uint8Array): { width: number; height: number } | undefined {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (
    b.length >= 24 &&
    b.readUInt32BE(0) === 0x89504e47 &&
    b.toString("ascii", 12, 16) === "IHDR"
  ) {
    return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
  }
  if (b.length >= 10 && b.toString("ascii", 0, 3) === "GIF") {
    return { width: b.readUInt16LE(6), height: b.readUInt16LE(8) };
  }
  return undefined;
}

/** The content type of a file: the part's own type, else sniffed from magic bytes or the name. */
export function contentTypeOf(bytes: Uint8Array, declared: string, filename: string): string {
  if (declared && declared !== "application/octet-stream")
    return declared.split(";")[0] ?? declared;
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (b.length >= 4 && b.readUInt32BE(0) === 0x89504e47) return "image/png";
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return "image/jpeg";
  if (b.length >= 3 && b.toString("ascii", 0, 3) === "GIF") return "image/gif";
  if (b.length >= 12 && b.toString("ascii", 8, 12) === "WEBP") return "image/webp";
  const ext = filename.toLowerCase().split(".").pop();
  const byExt: Record<string, string> = {
    png: "image/png",
    jpg: "image/jpeg",
    jpeg: "image/jpeg",
    gif: "image/gif",
    webp: "image/webp",
    mp4: "video/mp4",
    txt: "text/plain; charset=utf-8",
    json: "application/json",
  };
  return (ext && byExt[ext]) || declared || "application/octet-stream";
}

/** Stores bytes as an attachment served by the fake CDN (signed-looking URL). */
export function storeAttachment(
  state: FakeState,
  channelId: string,
  file: { filename: string; bytes: Uint8Array; contentType?: string },
  extra: { description?: string; title?: string; ephemeral?: boolean } = {},
): StoredAttachment {
  const id = snowflake();
  const safeName = file.filename.replace(/[^\w.-]+/g, "_") || "file";
  const now = Math.floor(Date.now() / 1000);
  const query = `ex=${(now + 86_400).toString(16)}&is=${now.toString(16)}&hm=${randomHex(32)}&`;
  const path = `attachments/${channelId}/${id}/${safeName}?${query}`;
  const size = imageSize(file.bytes);
  const att: StoredAttachment = {
    id,
    filename: safeName,
    contentType: contentTypeOf(file.bytes, file.contentType ?? "", safeName),
    size: file.bytes.byteLength,
    bytes: file.bytes,
    url: `${state.baseUrl}/cdn/${path}`,
    proxyUrl: `${state.baseUrl}/media/${path}`,
    ...(size ?? {}),
    ...(extra.description !== undefined ? { description: extra.description } : {}),
    ...(extra.title !== undefined ? { title: extra.title } : {}),
    ...(extra.ephemeral ? { ephemeral: true } : {}),
  };
  state.uploads.set(id, att);
  return att;
}

/** An attachment as Discord's API shows it. */
export function toApiAttachment(a: StoredAttachment): APIAttachment {
  return {
    id: a.id,
    filename: a.filename,
    size: a.size,
    url: a.url,
    proxy_url: a.proxyUrl,
    content_type: a.contentType,
    ...(a.width !== undefined ? { width: a.width, height: a.height ?? null } : {}),
    ...(a.description !== undefined ? { description: a.description } : {}),
    ...(a.title !== undefined ? { title: a.title } : {}),
    ...(a.ephemeral ? { ephemeral: true } : {}),
  };
}

/** Gives every component a numeric `id`, as Discord does in its answers. */
function numberComponents(components: Json[]): Json[] {
  let next = 1;
  const visit = (c: Json): Json => {
    const copy: Json = { ...c };
    if (typeof copy.id !== "number") copy.id = next;
    next = Math.max(next, copy.id as number) + 1;
    if (Array.isArray(copy.components)) copy.components = (copy.components as Json[]).map(visit);
    if (copy.component && typeof copy.component === "object")
      copy.component = visit(copy.component as Json);
    if (copy.accessory && typeof copy.accessory === "object")
      copy.accessory = visit(copy.accessory as Json);
    return copy;
  };
  return components.map(visit);
}

function normalizeEmbeds(embeds: Json[]): Json[] {
  return embeds.map((e) => ({ type: "rich", ...e }));
}

/** Resolves the attachment list of a write: kept existing ones plus new `files[n]` uploads. */
function resolveAttachments(
  state: FakeState,
  channelId: string,
  body: Json,
  files: UploadedFile[],
  existing: StoredAttachment[],
): StoredAttachment[] {
  const byField = new Map(files.map((f) => [f.field, f]));
  const fresh = (f: UploadedFile, meta: Json = {}) =>
    storeAttachment(
      state,
      channelId,
      {
        filename: typeof meta.filename === "string" ? meta.filename : f.filename,
        bytes: f.bytes,
        contentType: f.contentType,
      },
      {
        ...(typeof meta.description === "string" ? { description: meta.description } : {}),
        ...(typeof meta.title === "string" ? { title: meta.title } : {}),
      },
    );
  if (!Array.isArray(body.attachments)) {
    // no list: keep what there is and append the uploads
    return [...existing, ...files.map((f) => fresh(f))];
  }
  const out: StoredAttachment[] = [];
  for (const meta of body.attachments as Json[]) {
    const id = String(meta.id);
    const kept = existing.find((a) => a.id === id);
    if (kept) {
      out.push({
        ...kept,
        ...(typeof meta.description === "string" ? { description: meta.description } : {}),
      });
      continue;
    }
    const file = byField.get(`files[${id}]`);
    if (file) out.push(fresh(file, meta));
  }
  return out;
}

function write(
  kind: MessageWrite["kind"],
  via: MessageWrite["via"],
  body: Json,
  files: readonly UploadedFile[],
): MessageWrite {
  return {
    at: Date.now(),
    kind,
    via,
    allowedMentions: body.allowed_mentions,
    body,
    files: files.length,
  };
}

/** What a new message needs besides its body. */
export interface CreateInit {
  channelId: string;
  body: Json;
  files: UploadedFile[];
  via: FakeMessage["via"];
  type?: number;
  interactionId?: string;
  /** ephemeral messages: the member who sees it */
  visibleTo?: string;
  /** extra flags set by Discord (LOADING for deferred replies) */
  extraFlags?: number;
}

/** Creates a message from a (validated) body. */
export function createMessage(state: FakeState, init: CreateInit): FakeMessage {
  const { body } = init;
  const flags = ((typeof body.flags === "number" ? body.flags : 0) | (init.extraFlags ?? 0)) >>> 0;
  const ephemeral = (flags & FLAG_EPHEMERAL) !== 0;
  const msg: FakeMessage = {
    id: snowflake(),
    channelId: init.channelId,
    type: init.type ?? 0,
    content: typeof body.content === "string" ? body.content : "",
    components: numberComponents(Array.isArray(body.components) ? (body.components as Json[]) : []),
    embeds: normalizeEmbeds(Array.isArray(body.embeds) ? (body.embeds as Json[]) : []),
    attachments: resolveAttachments(state, init.channelId, body, init.files, []),
    flags,
    allowedMentions: body.allowed_mentions,
    createdAt: new Date(),
    editedAt: null,
    via: init.via,
    ...(init.interactionId ? { interactionId: init.interactionId } : {}),
    ephemeral,
    loading: (flags & FLAG_LOADING) !== 0,
    deleted: false,
    ...(ephemeral && init.visibleTo ? { visibleTo: init.visibleTo } : {}),
    writes: [write("create", init.via, body, init.files)],
  };
  readsV2(msg);
  state.messages.set(msg.id, msg);
  state.changed();
  return msg;
}

/** What an edit of `msg` is checked against (rules.ts `MessageCheck`): what the message has now. */
export function existingOf(msg: FakeMessage | undefined) {
  return {
    existingAttachmentIds: msg?.attachments.map((a) => a.id) ?? [],
    existingAttachments: msg?.attachments.map((a) => ({ id: a.id, filename: a.filename })) ?? [],
    existingFlags: msg?.flags ?? 0,
    existingContent: msg && !isComponentsV2(msg) ? msg.content : "",
    existingEmbeds: msg?.embeds.length ?? 0,
  };
}

/** A V2 message reads its Text Displays: they are what `content` holds for tests. */
function readsV2(msg: FakeMessage): void {
  if (isComponentsV2(msg)) msg.content = textDisplays(msg.components).join("\n");
}

/** Applies an edit body: only the fields present change; `attachments` is the list to keep. */
export function editMessage(
  state: FakeState,
  msg: FakeMessage,
  body: Json,
  files: UploadedFile[],
  via: FakeMessage["via"],
): FakeMessage {
  if (body.content !== undefined)
    msg.content = typeof body.content === "string" ? body.content : "";
  if (body.components !== undefined) {
    msg.components = numberComponents(
      Array.isArray(body.components) ? (body.components as Json[]) : [],
    );
  }
  if (body.embeds !== undefined) {
    msg.embeds = normalizeEmbeds(Array.isArray(body.embeds) ? (body.embeds as Json[]) : []);
  }
  if (body.attachments !== undefined || files.length > 0) {
    msg.attachments = resolveAttachments(state, msg.channelId, body, files, msg.attachments);
  }
  if (typeof body.flags === "number") {
    // only SUPPRESS_EMBEDS (4) may be toggled; IS_COMPONENTS_V2 sticks once set
    msg.flags = ((msg.flags & ~4) | (body.flags & 4) | (body.flags & (1 << 15))) >>> 0;
  }
  if (body.allowed_mentions !== undefined) msg.allowedMentions = body.allowed_mentions;
  readsV2(msg);
  msg.flags &= ~FLAG_LOADING;
  msg.loading = false;
  msg.editedAt = new Date();
  msg.writes.push(write("edit", via, body, files));
  state.changed();
  return msg;
}

/** A message as Discord's API returns it (enough for discord.js to build a Message). */
export function toApiMessage(state: FakeState, msg: FakeMessage): APIMessage {
  const interaction = msg.interactionId ? state.interactions.get(msg.interactionId) : undefined;
  const fromInteraction = msg.via !== "channel";
  const api: APIMessage = {
    id: msg.id,
    channel_id: msg.channelId,
    author: state.botUser,
    // A V2 message has no content of its own (its words are in its components).
    content: isComponentsV2(msg) ? "" : msg.content,
    timestamp: msg.createdAt.toISOString(),
    edited_timestamp: msg.editedAt ? msg.editedAt.toISOString() : null,
    tts: false,
    mention_everyone: false,
    mentions: [],
    mention_roles: [],
    attachments: msg.attachments.map(toApiAttachment),
    embeds: msg.embeds as unknown as APIMessage["embeds"],
    pinned: false,
    type: msg.type,
    flags: msg.flags,
    components: (isComponentsV2(msg)
      ? resolvedComponents(msg)
      : msg.components) as unknown as APIMessage["components"],
  };
  if (fromInteraction) {
    api.webhook_id = state.applicationId;
    api.application_id = state.applicationId;
  }
  if (interaction) {
    const user = state.user(interaction.userId);
    const meta: Json = {
      id: interaction.id,
      type: interaction.type,
      user,
      authorizing_integration_owners: {
        "0": (interaction.payload as { guild_id?: string }).guild_id ?? state.guildId,
      },
    };
    if (interaction.originalMessageId && interaction.originalMessageId !== msg.id) {
      meta.original_response_message_id = interaction.originalMessageId;
    }
    if (interaction.sourceMessageId) meta.interacted_message_id = interaction.sourceMessageId;
    api.interaction_metadata = meta as unknown as APIMessage["interaction_metadata"];
  }
  return api;
}
