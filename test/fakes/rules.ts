/**
 * Discord's rules for message and modal bodies that the OpenAPI spec does not (fully) express,
 * from Discord's documentation (summarised in docs/architecture.md). Pure functions over JSON.
 */

/** One broken rule: a stable rule name, a dotted path into the body, and Discord's answer. */
export interface Problem {
  rule: string;
  path: string;
  message: string;
  status: number;
  code: number;
}

/** A file part of a multipart body (`files[n]`). */
export interface UploadedFile {
  field: string;
  filename: string;
  contentType: string;
  size: number;
  bytes: Uint8Array;
}

type Json = Record<string, unknown>;

/** Discord's "Invalid Form Body" code. */
export const INVALID_FORM_BODY = 50035;
/** Discord's "Request entity too large" code. */
export const ENTITY_TOO_LARGE = 40005;
/** Discord's "Cannot send an empty message" code. */
export const EMPTY_MESSAGE = 50006;
/** The largest request Discord accepts when sending a message (25 MiB). */
export const MAX_REQUEST_BYTES = 25 * 1024 * 1024;

const FLAG_EPHEMERAL = 64;
const FLAG_COMPONENTS_V2 = 1 << 15;
const SELECT_TYPES = new Set([3, 5, 6, 7, 8]);

function problem(rule: string, path: string, message: string): Problem {
  return { rule, path, message, status: 400, code: INVALID_FORM_BODY };
}

function asArray(value: unknown): Json[] {
  return Array.isArray(value) ? (value as Json[]) : [];
}

function str(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

function tooLong(
  out: Problem[],
  rule: string,
  path: string,
  value: unknown,
  max: number,
  what: string,
): void {
  const s = str(value);
  if (s !== undefined && s.length > max) {
    out.push(problem(rule, path, `${what} must be ${max} or fewer in length (got ${s.length})`));
  }
}

/** Visits every component of a message or modal tree, with its dotted path. */
function walk(components: Json[], path: string, visit: (c: Json, path: string) => void): void {
  components.forEach((c, i) => {
    const here = `${path}.${i}`;
    visit(c, here);
    walk(asArray(c.components), `${here}.components`, visit);
    if (c.component && typeof c.component === "object") {
      const child = c.component as Json;
      visit(child, `${here}.component`);
      walk(asArray(child.components), `${here}.component.components`, visit);
    }
    if (c.accessory && typeof c.accessory === "object") {
      visit(c.accessory as Json, `${here}.accessory`);
    }
  });
}

function duplicateIds(components: Json[], path: string, out: Problem[]): void {
  const seen = new Map<string, string>();
  walk(components, path, (c, here) => {
    const id = str(c.custom_id);
    if (id === undefined) return;
    const first = seen.get(id);
    if (first !== undefined) {
      out.push(
        problem(
          "custom-id-duplicated",
          `${here}.custom_id`,
          `custom_id "${id}" is already used at ${first}; custom ids must be unique`,
        ),
      );
    } else {
      seen.set(id, here);
    }
  });
}

function checkButton(b: Json, path: string, out: Problem[]): void {
  const style = b.style;
  tooLong(out, "button-label-too-long", `${path}.label`, b.label, 80, "Button label");
  tooLong(out, "custom-id-too-long", `${path}.custom_id`, b.custom_id, 100, "custom_id");
  if (style === 5) {
    if (!str(b.url))
      out.push(problem("link-button-invalid", `${path}.url`, "A link button needs a url"));
    if (b.custom_id != null) {
      out.push(
        problem(
          "link-button-invalid",
          `${path}.custom_id`,
          "A link button cannot have a custom_id",
        ),
      );
    }
    tooLong(out, "link-button-invalid", `${path}.url`, b.url, 512, "Button url");
  } else if (style === 6) {
    if (b.sku_id == null)
      out.push(problem("premium-button-invalid", `${path}.sku_id`, "sku_id required"));
  } else {
    if (!str(b.custom_id)) {
      out.push(
        problem("custom-id-missing", `${path}.custom_id`, "A non-link button needs a custom_id"),
      );
    }
    if (b.url != null) {
      out.push(problem("link-button-invalid", `${path}.url`, "Only link buttons may have a url"));
    }
  }
  if (style !== 6 && !str(b.label) && b.emoji == null) {
    out.push(problem("button-without-label", path, "A button needs a label or an emoji"));
  }
}

function checkSelect(s: Json, path: string, out: Problem[]): void {
  tooLong(out, "custom-id-too-long", `${path}.custom_id`, s.custom_id, 100, "custom_id");
  tooLong(out, "select-invalid", `${path}.placeholder`, s.placeholder, 150, "placeholder");
  if (s.type === 3) {
    const options = asArray(s.options);
    if (options.length < 1 || options.length > 25) {
      out.push(problem("select-invalid", `${path}.options`, "A select needs 1 to 25 options"));
    }
    options.forEach((o, i) => {
      for (const key of ["label", "value", "description"]) {
        tooLong(out, "select-invalid", `${path}.options.${i}.${key}`, o[key], 100, key);
      }
    });
  }
  for (const key of ["min_values", "max_values"]) {
    const v = s[key];
    if (typeof v === "number" && (v < 0 || v > 25)) {
      out.push(problem("select-invalid", `${path}.${key}`, `${key} must be between 0 and 25`));
    }
  }
}

function checkLegacyComponents(components: Json[], out: Problem[]): void {
  if (components.length > 5) {
    out.push(
      problem(
        "too-many-action-rows",
        "components",
        `A message can have at most 5 action rows (got ${components.length})`,
      ),
    );
  }
  components.forEach((row, r) => {
    const path = `components.${r}`;
    if (row.type !== 1) {
      out.push(
        problem(
          "components-v2-without-flag",
          `${path}.type`,
          `Top-level component type ${String(row.type)} needs the IS_COMPONENTS_V2 flag`,
        ),
      );
    }
  });
}

function checkRow(row: Json, path: string, out: Problem[]): void {
  const items = asArray(row.components);
  const buttons = items.filter((c) => c.type === 2).length;
  const selects = items.filter((c) => SELECT_TYPES.has(c.type as number)).length;
  if (items.length === 0) {
    out.push(problem("empty-action-row", `${path}.components`, "An action row cannot be empty"));
  }
  if (buttons > 5) {
    out.push(
      problem(
        "too-many-buttons-in-row",
        `${path}.components`,
        `An action row holds at most 5 buttons (got ${buttons})`,
      ),
    );
  }
  if (selects > 0 && items.length > 1) {
    out.push(
      problem(
        "row-mixes-select",
        `${path}.components`,
        "An action row with a select menu cannot hold anything else",
      ),
    );
  }
}

function checkComponentLeaves(components: Json[], out: Problem[]): void {
  walk(components, "components", (c, path) => {
    if (c.type === 2) checkButton(c, path, out);
    else if (SELECT_TYPES.has(c.type as number)) checkSelect(c, path, out);
    else if (c.type === 1) checkRow(c, path, out);
  });
}

function countComponents(components: Json[]): number {
  let n = 0;
  walk(components, "components", () => {
    n += 1;
  });
  return n;
}

function checkEmbeds(embeds: Json[], out: Problem[]): void {
  if (embeds.length > 10) {
    out.push(problem("too-many-embeds", "embeds", `At most 10 embeds (got ${embeds.length})`));
  }
  let total = 0;
  const count = (s: unknown) => {
    total += str(s)?.length ?? 0;
  };
  embeds.forEach((e, i) => {
    const p = `embeds.${i}`;
    tooLong(out, "embed-too-long", `${p}.title`, e.title, 256, "Embed title");
    tooLong(out, "embed-too-long", `${p}.description`, e.description, 4096, "Embed description");
    const footer = (e.footer ?? {}) as Json;
    const author = (e.author ?? {}) as Json;
    tooLong(out, "embed-too-long", `${p}.footer.text`, footer.text, 2048, "Embed footer");
    tooLong(out, "embed-too-long", `${p}.author.name`, author.name, 256, "Embed author name");
    const fields = asArray(e.fields);
    if (fields.length > 25) {
      out.push(problem("embed-too-long", `${p}.fields`, "An embed has at most 25 fields"));
    }
    fields.forEach((f, j) => {
      tooLong(out, "embed-too-long", `${p}.fields.${j}.name`, f.name, 256, "Field name");
      tooLong(out, "embed-too-long", `${p}.fields.${j}.value`, f.value, 1024, "Field value");
      count(f.name);
      count(f.value);
    });
    count(e.title);
    count(e.description);
    count(footer.text);
    count(author.name);
  });
  if (total > 6000) {
    out.push(
      problem("embed-too-long", "embeds", `All embeds together exceed 6000 characters (${total})`),
    );
  }
}

/** What a message write needs to know besides its body. */
export interface MessageCheck {
  /** true for a new message (empty messages are refused), false for an edit */
  create: boolean;
  /** uploaded `files[n]` parts */
  files: UploadedFile[];
  /** per-file size limit in bytes (the interaction's attachment_size_limit) */
  sizeLimit: number;
  /** ids of the attachments the message already has (edits may keep them) */
  existingAttachmentIds?: string[];
  /** flags the message already has (IS_COMPONENTS_V2 cannot be dropped) */
  existingFlags?: number;
  /** the content and embeds the message has now: an edit adding IS_COMPONENTS_V2 must clear them */
  existingContent?: string;
  existingEmbeds?: number;
  /** the attachments the message has now (what `attachment://<filename>` may name) */
  existingAttachments?: { id: string; filename: string }[];
}

/** Checks a message create/edit body (content, components, embeds, files) against Discord's limits. */
export function messageProblems(body: Json, check: MessageCheck): Problem[] {
  const out: Problem[] = [];
  const existing = check.existingFlags ?? 0;
  const flags = (typeof body.flags === "number" ? body.flags : 0) | existing;
  const v2 = (flags & FLAG_COMPONENTS_V2) !== 0;
  tooLong(out, "content-too-long", "content", body.content, 2000, "Message content");
  const components = asArray(body.components);
  if (v2) {
    v2Problems(body, check, out);
  } else {
    checkLegacyComponents(components, out);
  }
  checkComponentLeaves(components, out);
  duplicateIds(components, "components", out);
  checkEmbeds(asArray(body.embeds), out);
  checkFiles(body, check, out);
  if (check.create) {
    const empty =
      !str(body.content) &&
      asArray(body.embeds).length === 0 &&
      components.length === 0 &&
      check.files.length === 0 &&
      asArray(body.sticker_ids).length === 0 &&
      body.poll == null;
    if (empty) {
      out.push({
        rule: "empty-message",
        path: "",
        message: "Cannot send an empty message",
        status: 400,
        code: EMPTY_MESSAGE,
      });
    }
  }
  return out;
}

/**
 * Components V2 (flag IS_COMPONENTS_V2), as Discord's docs describe it: no `content` or
 * `embeds` (an edit that adds the flag must set them to null when the message has them); the
 * flag cannot be removed once set (it may be added on an edit: discord-api-docs PR #7560, the
 * discord.js guide); at most 40 components in all; a Media Gallery holds 1 to 10 items; the
 * Text Displays hold at most 4000 characters together; `attachment://<filename>` names an
 * attachment the message has after this write.
 */
function v2Problems(body: Json, check: MessageCheck, out: Problem[]): void {
  const existing = check.existingFlags ?? 0;
  const had = (existing & FLAG_COMPONENTS_V2) !== 0;
  if (had && typeof body.flags === "number" && (body.flags & FLAG_COMPONENTS_V2) === 0) {
    out.push(
      problem(
        "components-v2-flag-removed",
        "flags",
        "The IS_COMPONENTS_V2 flag cannot be removed from a message once set",
      ),
    );
  }
  if (str(body.content)) {
    out.push(
      problem("components-v2-content", "content", "content cannot be used with IS_COMPONENTS_V2"),
    );
  }
  if (asArray(body.embeds).length > 0) {
    out.push(
      problem("components-v2-content", "embeds", "embeds cannot be used with IS_COMPONENTS_V2"),
    );
  }
  if (!check.create && !had) {
    // Upgrading a message: what it shows as content or embeds must go in the same edit.
    if (body.content === undefined && (check.existingContent ?? "") !== "") {
      out.push(
        problem(
          "components-v2-content",
          "content",
          "The message has content: set content to null when adding IS_COMPONENTS_V2",
        ),
      );
    }
    if (body.embeds === undefined && (check.existingEmbeds ?? 0) > 0) {
      out.push(
        problem(
          "components-v2-content",
          "embeds",
          "The message has embeds: set embeds to null when adding IS_COMPONENTS_V2",
        ),
      );
    }
  }
  const components = asArray(body.components);
  const n = countComponents(components);
  if (n > 40) {
    out.push(problem("too-many-components", "components", `At most 40 components (got ${n})`));
  }
  let text = 0;
  const names = attachmentNames(body, check);
  walk(components, "components", (c, path) => {
    if (c.type === 10) text += str(c.content)?.length ?? 0;
    if (c.type === 12) {
      const items = asArray(c.items);
      if (items.length < 1 || items.length > 10) {
        out.push(
          problem(
            "media-gallery-items",
            `${path}.items`,
            `A media gallery holds 1 to 10 items (got ${items.length})`,
          ),
        );
      }
      items.forEach((item, i) => {
        mediaReference(item.media, `${path}.items.${i}.media.url`, names, out);
      });
    }
    if (c.type === 11) mediaReference(c.media, `${path}.media.url`, names, out);
    if (c.type === 13) mediaReference(c.file, `${path}.file.url`, names, out);
  });
  if (text > 4000) {
    out.push(
      problem(
        "components-v2-text-too-long",
        "components",
        `The text of all components together must be 4000 or fewer in length (got ${text})`,
      ),
    );
  }
}

/** The filenames of the attachments a message has after this write. */
function attachmentNames(body: Json, check: MessageCheck): Set<string> {
  const existing = check.existingAttachments ?? [];
  const names = new Set<string>();
  const add = (name: string) => {
    names.add(name);
    names.add(name.replace(/[^\w.-]+/g, "_")); // as Discord (and the fake's CDN) stores it
  };
  if (!Array.isArray(body.attachments)) {
    for (const a of existing) add(a.filename);
    for (const f of check.files) add(f.filename);
    return names;
  }
  for (const meta of body.attachments as Json[]) {
    const id = meta?.id == null ? "" : String(meta.id);
    const kept = existing.find((a) => a.id === id);
    if (kept) add(kept.filename);
    const file = check.files.find((f) => f.field === `files[${id}]`);
    if (file) add(str(meta.filename) ?? file.filename);
  }
  return names;
}

/** An unfurled media item's `attachment://<filename>` must name one of the message's attachments. */
function mediaReference(media: unknown, path: string, names: Set<string>, out: Problem[]): void {
  const url = str((media as Json | undefined)?.url);
  if (!url?.startsWith("attachment://")) return;
  const name = url.slice("attachment://".length);
  if (!names.has(name)) {
    out.push(
      problem(
        "unknown-attachment-reference",
        path,
        `${url} names no attachment of the message (it has ${[...names].join(", ") || "none"})`,
      ),
    );
  }
}

function checkFiles(body: Json, check: MessageCheck, out: Problem[]): void {
  const { files } = check;
  if (files.length > 10) {
    out.push(
      problem("too-many-files", "files", `At most 10 files per message (got ${files.length})`),
    );
  }
  for (const f of files) {
    if (f.size > check.sizeLimit) {
      out.push({
        rule: "file-too-large",
        path: f.field,
        message: `${f.filename} is ${f.size} bytes; the limit is ${check.sizeLimit}`,
        status: 413,
        code: ENTITY_TOO_LARGE,
      });
    }
  }
  const attachments = body.attachments;
  if (!Array.isArray(attachments)) return;
  const fields = new Set(files.map((f) => f.field));
  const existing = new Set(check.existingAttachmentIds ?? []);
  const total = attachments.length;
  if (total > 10) {
    out.push(problem("too-many-files", "attachments", `At most 10 attachments (got ${total})`));
  }
  (attachments as Json[]).forEach((a, i) => {
    const id = a?.id == null ? undefined : String(a.id);
    if (id === undefined || (!existing.has(id) && !fields.has(`files[${id}]`))) {
      out.push(
        problem(
          "unknown-attachment",
          `attachments.${i}.id`,
          `attachment id ${JSON.stringify(a?.id)} is neither an existing attachment nor an uploaded files[n]`,
        ),
      );
    }
  });
}

/** Checks a deferred-reply callback (type 5): only EPHEMERAL may be set. */
export function deferProblems(data: Json | undefined): Problem[] {
  const flags = typeof data?.flags === "number" ? data.flags : 0;
  if ((flags & ~FLAG_EPHEMERAL) !== 0) {
    return [
      problem("defer-flags", "data.flags", "A deferred reply may only set the EPHEMERAL flag"),
    ];
  }
  return [];
}

/** Checks a modal (callback type 9 data) against the documented limits. */
export function modalProblems(data: Json): Problem[] {
  const out: Problem[] = [];
  const title = str(data.title) ?? "";
  if (title.length < 1 || title.length > 45) {
    out.push(
      problem(
        "modal-title",
        "data.title",
        `Modal title must be 1 to 45 characters (got ${title.length})`,
      ),
    );
  }
  const id = str(data.custom_id) ?? "";
  if (id.length < 1 || id.length > 100) {
    out.push(
      problem(
        "custom-id-too-long",
        "data.custom_id",
        "Modal custom_id must be 1 to 100 characters",
      ),
    );
  }
  const components = asArray(data.components);
  if (components.length < 1 || components.length > 5) {
    out.push(
      problem(
        "modal-components",
        "data.components",
        `A modal has 1 to 5 top-level components (got ${components.length})`,
      ),
    );
  }
  components.forEach((c, i) => {
    const path = `data.components.${i}`;
    if (c.type === 18) {
      const label = str(c.label) ?? "";
      if (label.length < 1 || label.length > 45) {
        out.push(problem("modal-label", `${path}.label`, "Label must be 1 to 45 characters"));
      }
      tooLong(out, "modal-label", `${path}.description`, c.description, 100, "Label description");
      if (c.component && typeof c.component === "object") {
        checkModalInput(c.component as Json, `${path}.component`, false, out);
      }
    } else if (c.type === 1) {
      const items = asArray(c.components);
      if (items.length !== 1 || items[0]?.type !== 4) {
        out.push(
          problem("modal-components", path, "A modal action row holds exactly one text input"),
        );
      }
      items.forEach((t, j) => {
        checkModalInput(t, `${path}.components.${j}`, true, out);
      });
    } else if (c.type !== 10) {
      out.push(
        problem(
          "modal-components",
          `${path}.type`,
          `Component type ${String(c.type)} is not allowed at the top of a modal`,
        ),
      );
    }
  });
  duplicateIds(components, "data.components", out);
  return out;
}

function checkModalInput(c: Json, path: string, legacy: boolean, out: Problem[]): void {
  tooLong(out, "custom-id-too-long", `${path}.custom_id`, c.custom_id, 100, "custom_id");
  if (!str(c.custom_id))
    out.push(problem("custom-id-missing", `${path}.custom_id`, "custom_id required"));
  if (c.type === 4) {
    if (legacy) {
      const label = str(c.label) ?? "";
      if (label.length < 1 || label.length > 45) {
        out.push(
          problem("modal-label", `${path}.label`, "Text input label must be 1 to 45 characters"),
        );
      }
    }
    if (c.style !== 1 && c.style !== 2) {
      out.push(problem("text-input-invalid", `${path}.style`, "Text input style must be 1 or 2"));
    }
    tooLong(out, "text-input-invalid", `${path}.value`, c.value, 4000, "Text input value");
    tooLong(out, "text-input-invalid", `${path}.placeholder`, c.placeholder, 100, "Placeholder");
    const min = typeof c.min_length === "number" ? c.min_length : 0;
    const max = typeof c.max_length === "number" ? c.max_length : 4000;
    if (min < 0 || min > 4000 || max < 1 || max > 4000 || min > max) {
      out.push(
        problem("text-input-invalid", path, `min_length/max_length out of range (${min}..${max})`),
      );
    }
  } else if (c.type === 19) {
    const min = typeof c.min_values === "number" ? c.min_values : 1;
    const max = typeof c.max_values === "number" ? c.max_values : 1;
    if (min < 0 || min > 10 || max < 1 || max > 10 || min > max) {
      out.push(
        problem("file-upload-invalid", path, `min_values/max_values out of range (${min}..${max})`),
      );
    }
  } else if (SELECT_TYPES.has(c.type as number)) {
    checkSelect(c, path, out);
  }
}
