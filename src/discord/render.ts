// Pure: a job (and its downloaded result) -> the Discord message that shows it.
import { type APIEmbed, ButtonStyle } from "discord.js";
import type { Job } from "../jobs/job.js";
import {
  ALL_OFFERS,
  button,
  encodeKey,
  type Offers,
  type Row,
  resultRows,
  rows,
} from "./components.js";
import {
  galleryComponents,
  IS_COMPONENTS_V2,
  showsAsGallery,
  type ViewComponent,
} from "./gallery.js";
import { failureWords, noteWords } from "./lang/failures.js";
import { en, type Texts, textsFor } from "./lang/index.js";
import { cleanText } from "./prompts.js";

export interface MessageFile {
  name: string;
  data: Buffer;
}

/** The result's media: files to upload and links for the ones too large to upload. */
export interface ResultMedia {
  files: MessageFile[];
  links: string[];
}

/**
 * A message as the bot sends it. A plain message has its words in `content`; a Components V2
 * one (`flags` = IS_COMPONENTS_V2: a result with several pictures or videos) has them in a
 * Text Display among its `components`, next to a Media Gallery, and no content or embeds.
 */
export interface MessageView {
  content: string;
  embeds: APIEmbed[];
  components: ViewComponent[];
  files: MessageFile[];
  allowed_mentions: { parse: []; users: string[] };
  flags?: typeof IS_COMPONENTS_V2;
}

const CONTENT_LIMIT = 2000;
const BAR_CELLS = 10;
/** The prompt's share of a message: at most this, at least that. */
const MAX_PROMPT = 1500;
const MIN_PROMPT = 40;
/** Room for the headline around the prompt: bold marks, mention, origin, mode. */
const HEADLINE_OVERHEAD = 120;

/** Only the member is ever pinged, whatever the prompt holds. */
export function mentionOnly(userId: string): MessageView["allowed_mentions"] {
  return { parse: [], users: [userId] };
}

/**
 * A prompt as shown in a message: controls stripped, markdown, links and mentions defused,
 * on one line, length capped. Every defusing is a backslash (or a zero-width space in a
 * mention), so the member still reads exactly what they typed.
 */
export function showPrompt(prompt: string, max = 1500, empty = en.job.noPrompt): string {
  const defused = defuseMentions(
    defuseLinks(cleanText(prompt).replace(/([\\*_~`|>#<[\]])/g, "\\$1")),
  )
    .replace(/\s+/g, " ")
    .trim();
  return defused.length > max ? `${defused.slice(0, max - 1)}…` : defused || empty;
}

/** Mentions in user text shown as text: they could not ping anyway (allowed_mentions). */
export function defuseMentions(text: string): string {
  return text.replace(/@(everyone|here)/g, "@\u200b$1").replace(/<@/g, "<\u200b@");
}

/**
 * Links in user text shown as text: no `scheme://` is left for Discord to make clickable or
 * to preview (the colon is escaped), and no `[text](url)` can become a masked link.
 */
export function defuseLinks(text: string): string {
  return text
    .replace(/(?<!\\)([[\]])/g, "\\$1")
    .replace(/([a-z][a-z\d+.-]*)(?<!\\):(?=\/\/)/gi, "$1\\:");
}

export function progressBar(percent: number): string {
  const filled = Math.round((Math.max(0, Math.min(100, percent)) / 100) * BAR_CELLS);
  return `${"▰".repeat(filled)}${"▱".repeat(BAR_CELLS - filled)} ${percent}%`;
}

function stateText(job: Job, t: Texts): string {
  switch (job.phase) {
    case "waiting":
      return t.job.waiting;
    case "queued":
      return job.queueAhead ? t.job.queuedAhead(job.queueAhead) : t.job.queued;
    case "running":
      return job.progress ? `🎨 ${progressBar(job.progress)}` : t.job.starting;
    case "needs-form":
      return t.job.needsForm;
    case "done":
      return "";
    case "failed":
      if (job.cancelledBy) return t.job.cancelledBy(job.cancelledBy);
      // A proxy's failure reason may quote the prompt: its links and mentions stay text.
      return `❌ ${defuseText(failureWords(job))}`;
  }
}

function headline(job: Job, promptRoom: number, t: Texts): string {
  const who = `<@${job.userId}>`;
  const by = job.origin ? t.job.pressedBy(job.origin, who) : who;
  const mode = job.mode === "none" ? t.job.defaultMode : t.job.mode(job.mode);
  return `**${showPrompt(job.prompt, promptRoom, t.job.noPrompt)}** - ${by} (${mode})`;
}

/** The words a describe or shorten result consists of; pictures have none. */
function resultText(result: NonNullable<Job["result"]>): string {
  const text = (result.finalPrompt || result.promptEn || result.description).trim();
  if (result.action === "DESCRIBE") {
    // Four numbered prompts, blank lines between them in Discord form.
    return text
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter((l) => l !== "")
      .map((l) => showPrompt(l, 450))
      .join("\n");
  }
  if (result.action === "SHORTEN") {
    const analysis = (result.description.includes("##") ? result.description : text).trim();
    // The picks come first: the token analysis (the whole prompt again) gives way to them.
    const at = analysis.search(/^.*Shortened prompts/im);
    // The analysis keeps the proxy's own bold and strike-through, but echoes the prompt.
    if (at < 0) return defuseText(analysis).slice(0, 1500);
    const picks = analysis
      .slice(at)
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter((l) => l !== "");
    let cap = 1300;
    while (cap > 100 && picks.reduce((n, l) => n + Math.min(l.length, cap) + 1, 0) > 1300)
      cap -= 20;
    const shown = picks.map((l) => (l.length > cap ? `${l.slice(0, cap - 1)}…` : l)).join("\n");
    const tokens = analysis.slice(0, at).trim();
    const room = 1500 - shown.length - 1;
    const head =
      tokens.length > room
        ? `${tokens.slice(0, Math.max(0, room - 1)).replace(/\s+\S*$/, "")}…`
        : tokens;
    return defuseText([head, shown].filter(Boolean).join("\n"));
  }
  return "";
}

/** Text that may echo a prompt but carries markdown of its own: links and mentions defused. */
function defuseText(text: string): string {
  const lines = text.split(/\r?\n/).map(cleanText);
  return defuseMentions(defuseLinks(lines.join("\n")));
}

function capContent(text: string): string {
  return text.length > CONTENT_LIMIT ? `${text.slice(0, CONTENT_LIMIT - 1)}…` : text;
}

/** Phases a job can be cancelled in: the proxy has it queued or running. */
const CANCELLABLE = new Set<Job["phase"]>(["waiting", "queued", "running"]);

function cancelButton(job: Job, t: Texts) {
  return button(
    encodeKey({ type: "cancel", jobId: job.id }),
    t.job.cancel,
    "❌",
    ButtonStyle.Danger,
  );
}

/**
 * The message for a job in any phase. `media` is the downloaded result, when done; `offers`
 * is what the proxy can do (buttons for what it cannot are left out).
 */
export function renderJob(job: Job, media?: ResultMedia, offers: Offers = ALL_OFFERS): MessageView {
  const t = textsFor(job.locale);
  const lines: string[] = [];
  const state = stateText(job, t);
  if (state) lines.push(state);
  const note = noteWords(job);
  if (note) lines.push(`ℹ️ ${note}`);
  const embeds: APIEmbed[] = [];
  let components: Row[] = [];
  const files: MessageFile[] = [];

  if (job.phase === "running" && job.previewUrl) {
    embeds.push({ image: { url: job.previewUrl } });
  }
  // Only a task the proxy knows by id can be cancelled there.
  if (CANCELLABLE.has(job.phase) && job.taskId !== "" && offers.cancel) {
    components = rows([cancelButton(job, t)]);
  }
  if (job.phase === "failed" && job.request) {
    components = rows([
      button(encodeKey({ type: "retry", jobId: job.id }), t.job.retry, "🔄", ButtonStyle.Primary),
    ]);
  }
  if (job.phase === "needs-form") {
    components = rows([
      button(
        encodeKey({ type: "open-form", jobId: job.id }),
        t.job.confirmPrompt,
        "✏️",
        ButtonStyle.Primary,
      ),
      // Abandoning a form the proxy waits for needs no proxy call.
      cancelButton(job, t),
    ]);
  }
  if (job.phase === "done" && job.result) {
    files.push(...(media?.files ?? []));
    lines.push(...(media?.links ?? []));
    const { buttons, action, viaGateway } = job.result;
    components = resultRows(
      job.taskId,
      job.userId,
      buttons,
      action,
      offers,
      viaGateway,
      t.job.seed,
    );
    const text = resultText(job.result);
    if (text) lines.unshift(text);
  }
  // The prompt gives way to everything else: links and reasons are never cut.
  const rest = lines.join("\n");
  const room = CONTENT_LIMIT - rest.length - HEADLINE_OVERHEAD;
  const content = capContent(
    [headline(job, Math.max(MIN_PROMPT, Math.min(MAX_PROMPT, room)), t), ...lines].join("\n"),
  );
  if (job.phase === "done" && job.result && showsAsGallery(media)) {
    // Several pictures or videos: the same words and buttons around a gallery of them.
    return {
      content: "",
      embeds: [],
      components: galleryComponents(content, media, components, t),
      files,
      allowed_mentions: mentionOnly(job.userId),
      flags: IS_COMPONENTS_V2,
    };
  }
  return {
    content,
    embeds,
    components,
    files,
    allowed_mentions: mentionOnly(job.userId),
  };
}
