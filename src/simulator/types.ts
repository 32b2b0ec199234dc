/**
 * Public types of the proxy simulator, and the wire shapes it answers with.
 * § numbers refer to docs/proxy-behaviour.md.
 */

/** "legacy" = novicezk/midjourney-proxy (Java): /mj only, /submit/change, no buttons. */
export type Dialect = "trueai" | "gateway" | "legacy";

/**
 * Which speed prefixes are routed: "all" (every one), "mj-path" (trueai: /mj-fast|relax|turbo/mj),
 * "path" (openai-hk style: /fast|relax|turbo/mj), "filter" (/mj only). /mj always works.
 */
export type RouteStyle = "all" | "mj-path" | "path" | "filter";

/** Endpoint names for `unrouted` (each answers HTTP 404 when listed). */
export type Endpoint =
  | "imagine"
  | "blend"
  | "describe"
  | "shorten"
  | "action"
  | "modal"
  | "video"
  | "edits"
  | "swap"
  | "change"
  | "simple-change"
  | "fetch"
  | "list-by-condition"
  | "list-by-ids"
  | "list"
  | "queue"
  | "seed"
  | "cancel";

export interface SimulatorOptions {
  /** Interface to listen on. Default "127.0.0.1". */
  host?: string;
  /** Port; 0 = ephemeral (tests). The CLI defaults to 8787. */
  port?: number;
  /** Base of the absolute media URLs, e.g. when reached through Docker. Default: the listen address. */
  publicUrl?: string;
  /** If set, only this key is accepted; if unset, any non-empty key is accepted. */
  apiKey?: string;
  /** Time between lifecycle steps (ms). Default 1500. */
  stepMs?: number;
  /** Pixel size (long side) of a generated grid or upscale PNG. Default 512. */
  imageSize?: number;
  /** The account's remix switch: V, vary, pan, reroll and animate then return code 21. */
  remix?: boolean;
  /**
   * The account's "remix auto-submit": with remix on, trueai runs the modal itself with the
   * parent's prompt (code 1) unless the action carries `enableRemix: true`. Default false.
   */
  remixAutoSubmit?: boolean;
  /** "gateway" = new-api rewriting (§16); "legacy" = novicezk Java. Default "trueai". */
  dialect?: Dialect;
  /** Which speed prefixes answer (others 404). Default "all"; the legacy dialect routes /mj only. */
  routes?: RouteStyle;
  /** Endpoints whose route is missing: they answer HTTP 404. Default none. */
  unrouted?: Endpoint[];
  /** How an unknown id answers on fetch in the trueai dialect: java 200 empty body, trueai 204. */
  unknownFetch?: "empty200" | "204";
  /** Default true; false -> image-seed answers code 9 "请配置私聊频道". */
  seedSupport?: boolean;
  /** Default true; false -> edits answer code 9 "当前账号不支持编辑/重绘任务". */
  editsSupported?: boolean;
  /** Default true; false -> video answers code 9 "视频功能未启用". */
  videoSupported?: boolean;
  /** "modal" (plus, default): PromptAnalyzer picks open a modal; "reject": trueai v11 code 4. */
  shortenPicks?: "modal" | "reject";
  /** How many requests `requests` keeps (oldest dropped first). Default 10000; the CLI keeps 200. */
  recordLimit?: number;
}

/** The options after defaults were applied. */
export interface SimConfig {
  host: string;
  port: number;
  publicUrl: string | undefined;
  apiKey: string | undefined;
  stepMs: number;
  imageSize: number;
  remix: boolean;
  remixAutoSubmit: boolean;
  dialect: Dialect;
  routes: RouteStyle;
  unrouted: Endpoint[];
  unknownFetch: "empty200" | "204";
  seedSupport: boolean;
  editsSupported: boolean;
  videoSupported: boolean;
  shortenPicks: "modal" | "reject";
  recordLimit: number;
}

export interface RecordedRequest {
  method: string;
  /** The request target as received (path and query). */
  path: string;
  /** Lower-cased header names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  /** Parsed JSON, else the text, else null when there was no body. */
  body: unknown;
}

export interface Fault {
  /** Matched against the request path (a string matches as a substring). */
  match: RegExp | string;
  /** How many matching requests it applies to. Default 1. */
  times?: number;
  /** Answer with this HTTP status (default 200 when only `body` is given, 500 otherwise). */
  status?: number;
  /** Answer body (sent as-is; JSON content type when it parses as JSON). */
  body?: string;
  /** Destroy the socket without an answer. */
  drop?: boolean;
  /** Wait this long first; alone, the request is then handled normally. */
  delayMs?: number;
  /** Handle the request for real (e.g. create the task) and only then answer with the fault. */
  afterHandling?: boolean;
}

export interface Simulator {
  /** Base URL, the part before /mj, e.g. http://127.0.0.1:PORT */
  url: string;
  /** Every request received, in order. */
  requests: RecordedRequest[];
  /** Change switches at run time (host/port are fixed once listening). */
  configure(options: Partial<SimulatorOptions>): void;
  /** The next N requests whose path matches answer with the fault. */
  injectFault(fault: Fault): void;
  /** Current wire JSON of a task (in the configured dialect). */
  task(id: string): object | undefined;
  close(): Promise<void>;
}

// ---- wire shapes -------------------------------------------------------------

export interface Button {
  customId: string;
  emoji: string;
  label: string;
  style: number;
  type: number;
}

export interface MediaLink {
  url: string;
  thumbnail: string;
}

export type TaskStatus =
  | "NOT_START"
  | "SUBMITTED"
  | "MODAL"
  | "IN_PROGRESS"
  | "SUCCESS"
  | "FAILURE"
  | "CANCEL";

/** A task as trueai/plus serialise it (nulls kept). */
export interface TaskWire {
  id: string;
  action: string;
  status: TaskStatus;
  botType: string;
  prompt: string | null;
  promptEn: string | null;
  description: string | null;
  state: string;
  submitTime: number;
  startTime: number | null;
  finishTime: number | null;
  progress: string | null;
  imageUrl: string | null;
  imageUrls: MediaLink[] | null;
  videoUrls: MediaLink[] | null;
  failReason: string | null;
  buttons: Button[];
  properties: Record<string, unknown>;
  imageWidth: number | null;
  imageHeight: number | null;
  parentId: string | null;
  mode: string | null;
  seed: string | null;
  videoUrl: string | null;
  contentType: string | null;
  baseImageUrl?: string | null;
}

/** The submit envelope (§4). */
export interface Envelope {
  code: number;
  description: string;
  result: string | null;
  properties: Record<string, unknown>;
}
