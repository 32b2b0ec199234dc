// The proxy API over HTTP (undici): one method per endpoint.
// Reads (fetch, list, seed) are retried with backoff and jitter on network errors, 429 and
// 5xx. A submit is retried only when the connection itself failed, i.e. when the request
// cannot have reached the proxy: a job is never submitted (and charged) twice.
import { Agent, type Dispatcher, request } from "undici";
import { MJ_MODES, type MjAuthHeader, type MjMode, type MjModeStyle } from "../config.js";
import { mayFollowSubmit, ProxyError } from "./errors.js";
import {
  parseJson,
  parseSeedEnvelope,
  parseSubmitEnvelope,
  parseTaskList,
  parseTaskText,
  type SubmitOutcome,
  type Task,
} from "./task.js";

export interface MjClientOptions {
  /** The part before `/mj`, e.g. https://api.openai-hk.com */
  baseUrl: string;
  apiKey: string;
  authHeader?: MjAuthHeader;
  /** Default speed mode; each submit may override it. */
  mode?: MjMode;
  /**
   * How a speed reaches the proxy (see MjModeStyle); `auto` probes once, before the first
   * submit. Default `path`.
   */
  modeStyle?: MjModeStyle;
  /** Sent with every submit that does not name its own. */
  notifyHook?: string;
  connectTimeoutMs?: number;
  /** Longest wait for a read's answer (fetch, list). */
  readTimeoutMs?: number;
  /** Longest wait for a submit's answer (uploads can be slow). */
  submitTimeoutMs?: number;
  /** image-seed blocks up to ~60 s on the proxy. */
  seedTimeoutMs?: number;
  retry?: { attempts?: number; baseDelayMs?: number; maxDelayMs?: number };
  dispatcher?: Dispatcher;
  log?: {
    debug(obj: object, msg?: string): void;
    warn(obj: object, msg?: string): void;
    info?(obj: object, msg?: string): void;
  };
  /** For tests of the backoff: a source of [0, 1) numbers. */
  random?: () => number;
  /** Told of every HTTP exchange with the proxy (each attempt): for metrics. */
  onRequest?: (exchange: ProxyExchange) => void;
}

/** One HTTP exchange with the proxy, as `onRequest` hears of it. */
export interface ProxyExchange {
  method: string;
  /** The path asked for, without the base URL (ids in it: the listener may generalise). */
  path: string;
  /** The HTTP status; null when no answer came (network error, timeout, oversized). */
  status: number | null;
  seconds: number;
}

/** How one read may wait: the tracker asks once, briefly, and tries again on its next tick. */
export interface ReadOptions {
  /** Longest wait for the answer (default: readTimeoutMs). */
  timeoutMs?: number;
  /** Tries in all, with backoff between them (default: retry.attempts). */
  attempts?: number;
}

interface SubmitCommon {
  notifyHook?: string;
  state?: string;
  mode?: MjMode;
}

export type BotType = "MID_JOURNEY" | "NIJI_JOURNEY";

export interface ImagineRequest extends SubmitCommon {
  prompt: string;
  /** Reference images: data URIs (or http(s) URLs on proxies that accept them). */
  base64Array?: string[];
  botType?: BotType;
}
export interface BlendRequest extends SubmitCommon {
  base64Array: string[];
  dimensions?: "PORTRAIT" | "SQUARE" | "LANDSCAPE";
  botType?: BotType;
}
export interface DescribeRequest extends SubmitCommon {
  base64?: string;
  link?: string;
  botType?: BotType;
}
export interface ShortenRequest extends SubmitCommon {
  prompt: string;
  botType?: BotType;
}
export interface ActionRequest extends SubmitCommon {
  /** The task that owns the button. */
  taskId: string;
  /** The button's customId, verbatim. */
  customId: string;
  /** trueai: force the remix form (code 21) for V/pan/reroll/animate. */
  enableRemix?: boolean;
}
/** Legacy proxies (novicezk): `/submit/change`, for U1–U4, V1–V4 and 🔄 of a grid. */
export interface ChangeRequest extends SubmitCommon {
  taskId: string;
  action: "UPSCALE" | "VARIATION" | "REROLL";
  /** 1–4; ignored for REROLL. */
  index?: number;
}
export interface ModalRequest {
  /** The MODAL task id returned with code 21, not its parent. */
  taskId: string;
  prompt?: string;
  maskBase64?: string;
  mode?: MjMode;
}
export interface SwapFaceRequest extends SubmitCommon {
  /** The face. */
  sourceBase64?: string;
  sourceUrl?: string;
  /** The picture the face goes into. */
  targetBase64?: string;
  targetUrl?: string;
}
export type VideoType = "vid_1.1_i2v_480" | "vid_1.1_i2v_720";
export interface VideoRequest extends SubmitCommon {
  prompt: string;
  /** Start frame: data URI or http(s) URL. */
  image?: string;
  endImage?: string;
  motion?: "low" | "high";
  loop?: boolean;
  videoType?: VideoType;
  batchSize?: 1 | 2 | 4;
  /** Extending a video: action "extend" with the video grid's task id and index 0–3. */
  action?: "extend";
  taskId?: string;
  index?: number;
}
export interface EditsRequest extends SubmitCommon {
  prompt: string;
  /** Data URI or http(s) URL. */
  image: string;
}

interface Answer {
  status: number;
  text: string;
  headers: Record<string, string | string[] | undefined>;
}

const MAX_ANSWER_BYTES = 8 * 1024 * 1024;
/** Errors raised before a single byte of the request left this machine. */
const CONNECT_ERRORS = new Set([
  "UND_ERR_CONNECT_TIMEOUT",
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
]);
const LIST_BATCH = 100;
/** A speed style that can be probed, and the route prefix it uses. */
const PROBES: ReadonlyArray<readonly [Exclude<MjModeStyle, "auto" | "filter">, string]> = [
  ["path", "/fast/mj"],
  ["mj-path", "/mj-fast/mj"],
];
const PROBE_TIMEOUT_MS = 5_000;
/** The submits whose body takes `accountFilter` (trueai's DTOs). */
const FILTERED = new Set([
  "submit/imagine",
  "submit/blend",
  "submit/describe",
  "submit/shorten",
  "submit/video",
  "submit/edits",
  "insight-face/swap",
]);

/** The speed style in use, and whether probing found it (or it was configured). */
export interface SpeedStyle {
  style: Exclude<MjModeStyle, "auto">;
  probed: boolean;
}

export class MjClient {
  private readonly baseUrl: string;
  private readonly dispatcher: Dispatcher;
  private readonly ownsDispatcher: boolean;
  private readonly opts: Required<
    Pick<
      MjClientOptions,
      "readTimeoutMs" | "submitTimeoutMs" | "seedTimeoutMs" | "authHeader" | "mode"
    >
  > & { attempts: number; baseDelayMs: number; maxDelayMs: number };

  constructor(private readonly options: MjClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, "");
    this.ownsDispatcher = options.dispatcher === undefined;
    this.dispatcher =
      options.dispatcher ??
      new Agent({
        connect: { timeout: options.connectTimeoutMs ?? 10_000 },
        keepAliveTimeout: 30_000,
      });
    this.opts = {
      readTimeoutMs: options.readTimeoutMs ?? 20_000,
      submitTimeoutMs: options.submitTimeoutMs ?? 60_000,
      seedTimeoutMs: options.seedTimeoutMs ?? 90_000,
      authHeader: options.authHeader ?? "authorization",
      mode: options.mode ?? "fast",
      attempts: Math.max(1, options.retry?.attempts ?? 4),
      baseDelayMs: options.retry?.baseDelayMs ?? 300,
      maxDelayMs: options.retry?.maxDelayMs ?? 5_000,
    };
    const style = options.modeStyle ?? "path";
    this.style = style === "auto" ? null : style;
  }

  /**
   * The speed style submits use. With `auto`, the first call probes the proxy with a
   * harmless read (list-by-condition with no ids) on `/fast/mj`, then `/mj-fast/mj`, and
   * takes the first that is routed; when neither is (404/405), `filter` on `/mj`. A probe
   * that gets no clear answer (the proxy is down, refuses the key) leaves it to be probed
   * again next time, and `filter` is used meanwhile: every proxy routes `/mj`.
   */
  speedStyle(): Promise<SpeedStyle> {
    if (this.style !== null) return Promise.resolve({ style: this.style, probed: false });
    this.probing ??= this.probe().finally(() => {
      this.probing = null;
    });
    return this.probing;
  }

  private async probe(): Promise<SpeedStyle> {
    let unclear = false;
    for (const [style, prefix] of PROBES) {
      const status = await this.exchange(
        "POST",
        `${this.baseUrl}${prefix}/task/list-by-condition`,
        JSON.stringify({ ids: [] }),
        PROBE_TIMEOUT_MS,
      )
        .then((answer) => answer.status)
        .catch(() => null);
      if (status !== null && status >= 200 && status < 300) return this.found(style, prefix);
      if (status !== 404 && status !== 405) unclear = true;
    }
    if (unclear) {
      this.options.log?.warn(
        {},
        "the proxy's speed routes could not be probed; /mj with accountFilter for now, probed again on the next submit",
      );
      return { style: "filter", probed: true };
    }
    return this.found("filter", "/mj");
  }

  private found(style: Exclude<MjModeStyle, "auto">, prefix: string): SpeedStyle {
    this.style = style;
    const how = style === "filter" ? "/mj/… with accountFilter.modes" : `${prefix}/…`;
    this.options.log?.info?.({ modeStyle: style }, `the proxy routes speeds as ${style} (${how})`);
    return { style, probed: true };
  }

  /** The longest a submit waits for the proxy's answer. */

  /** `auto`: what probing found (null until it did); otherwise the configured style. */
  private style: Exclude<MjModeStyle, "auto"> | null;
  private probing: Promise<SpeedStyle> | null = null;

  /** The longest a submit waits for the proxy's answer. */
  get submitTimeoutMs(): number {
    return this.opts.submitTimeoutMs;
  }

  /** `/submit/imagine` */
  imagine(req: ImagineRequest): Promise<SubmitOutcome> {
    return this.submit("submit/imagine", req, {
      prompt: req.prompt,
      base64Array: req.base64Array ?? [],
      botType: req.botType,
    });
  }

  /** `/submit/blend` with 2–5 images. */
  blend(req: BlendRequest): Promise<SubmitOutcome> {
    return this.submit("submit/blend", req, {
      base64Array: req.base64Array,
      dimensions: req.dimensions,
      botType: req.botType,
    });
  }

  /** `/submit/describe` (image to four prompts). */
  describe(req: DescribeRequest): Promise<SubmitOutcome> {
    return this.submit("submit/describe", req, {
      base64: req.base64,
      link: req.link,
      botType: req.botType,
    });
  }

  /** `/submit/shorten` */
  shorten(req: ShortenRequest): Promise<SubmitOutcome> {
    return this.submit("submit/shorten", req, { prompt: req.prompt, botType: req.botType });
  }

  /** `/submit/action`: press a task's button. May answer "modal" (code 21). */
  action(req: ActionRequest): Promise<SubmitOutcome> {
    return this.submit("submit/action", req, {
      taskId: req.taskId,
      customId: req.customId,
      enableRemix: req.enableRemix,
    });
  }

  /** `/submit/change` (legacy proxies without `/submit/action`): U, V or 🔄 of a grid. */
  change(req: ChangeRequest): Promise<SubmitOutcome> {
    return this.submit("submit/change", req, {
      taskId: req.taskId,
      action: req.action,
      index: req.action === "REROLL" ? undefined : req.index,
    });
  }

  /** `POST /task/{id}/cancel` (trueai): a queued or running task ends as FAILURE. */
  async cancel(id: string): Promise<void> {
    const answer = await this.send(
      "POST",
      `/mj/task/${encodeURIComponent(id)}/cancel`,
      {},
      this.opts.readTimeoutMs,
      "read",
      1,
    );
    const envelope = safeJson(answer.text);
    const code = typeof envelope?.code === "number" ? envelope.code : undefined;
    const ok = answer.status >= 200 && answer.status < 300 && (code === undefined || code === 1);
    if (!ok) throw refusal(answer);
  }

  /** `/submit/modal`: confirm a MODAL task with its prompt (and mask for Vary (Region)). */
  modal(req: ModalRequest): Promise<SubmitOutcome> {
    const body = { taskId: req.taskId, prompt: req.prompt, maskBase64: req.maskBase64 };
    return this.submit("submit/modal", { mode: req.mode, notifyHook: "" }, body);
  }

  /** `/insight-face/swap`: put the face of `source` into `target`. */
  swapFace(req: SwapFaceRequest): Promise<SubmitOutcome> {
    return this.submit("insight-face/swap", req, {
      sourceBase64: req.sourceBase64,
      sourceUrl: req.sourceUrl,
      targetBase64: req.targetBase64,
      targetUrl: req.targetUrl,
    });
  }

  /** `/submit/video`: a new video from a start frame, or an extension of one. */
  video(req: VideoRequest): Promise<SubmitOutcome> {
    const { notifyHook: _h, state: _s, mode: _m, ...body } = req;
    return this.submit("submit/video", req, body);
  }

  /** `/submit/edits` */
  edits(req: EditsRequest): Promise<SubmitOutcome> {
    return this.submit("submit/edits", req, { prompt: req.prompt, image: req.image });
  }

  /** `GET /task/{id}/fetch`; null when the proxy does not know the id. */
  async fetchTask(id: string, options: ReadOptions = {}): Promise<Task | null> {
    const answer = await this.read(
      "GET",
      `/mj/task/${encodeURIComponent(id)}/fetch`,
      undefined,
      options,
      true,
    );
    if (answer === null || answer.status === 204) return null;
    return parseTaskText(answer.text);
  }

  /**
   * `POST /task/list-by-condition` in batches of at most 100 ids. Unknown ids are simply
   * absent from the result, which is in no particular order.
   */
  async listTasks(ids: readonly string[], options: ReadOptions = {}): Promise<Task[]> {
    const unique = [...new Set(ids.filter((id) => id.trim() !== ""))];
    const tasks: Task[] = [];
    for (let i = 0; i < unique.length; i += LIST_BATCH) {
      const batch = unique.slice(i, i + LIST_BATCH);
      const answer = await this.read(
        "POST",
        "/mj/task/list-by-condition",
        { ids: batch },
        options,
        false,
      );
      tasks.push(
        ...parseTaskList(answer && answer.text.trim() !== "" ? parseJson(answer.text) : []),
      );
    }
    return tasks;
  }

  /**
   * `GET /task/list`: the proxy's latest tasks (trueai: 100; Java: all), each with the
   * `state` it was submitted with. Proxies without it (a new-api gateway) answer 404.
   */
  async recentTasks(options: ReadOptions = {}): Promise<Task[]> {
    const answer = await this.read("GET", "/mj/task/list", undefined, options, false);
    return parseTaskList(answer && answer.text.trim() !== "" ? parseJson(answer.text) : []);
  }

  /**
   * One harmless read (list-by-condition with no ids), tried once: does the proxy answer
   * and accept the key? Resolves with the time it took; throws a ProxyError otherwise.
   */
  async ping(timeoutMs = 5_000): Promise<number> {
    const started = performance.now();
    const url = `${this.baseUrl}/mj/task/list-by-condition`;
    let answer: Answer;
    try {
      answer = await this.exchange("POST", url, JSON.stringify({ ids: [] }), timeoutMs);
    } catch (error) {
      if (error instanceof ProxyError) throw error;
      throw new ProxyError({
        kind: "network",
        description: describeNetworkError(error),
        cause: error,
      });
    }
    if (answer.status < 200 || answer.status >= 300) throw refusal(answer);
    return Math.round(performance.now() - started);
  }

  /** `GET /task/{id}/image-seed`: the seed as a string. */
  async imageSeed(id: string): Promise<string> {
    const path = `/mj/task/${encodeURIComponent(id)}/image-seed`;
    const answer = await this.send(
      "GET",
      path,
      undefined,
      this.opts.seedTimeoutMs,
      "read",
      this.opts.attempts,
    );
    // A non-2xx answer without an envelope (e.g. a 502 page) is an HTTP error, not gibberish.
    if ((answer.status < 200 || answer.status >= 300) && !safeJson(answer.text)) {
      throw new ProxyError({ kind: "http", httpStatus: answer.status });
    }
    return parseSeedEnvelope(
      answer.text.trim() === "" ? null : parseJson(answer.text),
      answer.status,
    );
  }

  async close(): Promise<void> {
    if (this.ownsDispatcher) await this.dispatcher.close();
  }

  /**
   * Where a submit goes and what it adds for its speed: a path prefix (`/fast`, `/mj-fast`)
   * or, with `filter`, `accountFilter.modes` on the endpoints that read it.
   */
  private speed(
    mode: MjMode | undefined,
    style: Exclude<MjModeStyle, "auto">,
    endpoint: string,
  ): { prefix: string; extra: Record<string, unknown> } {
    const m = mode ?? this.opts.mode;
    // The last line of defence: a mode becomes a path segment, so only known ones pass.
    if (!MJ_MODES.includes(m)) throw new Error(`unknown speed mode ${JSON.stringify(m)}`);
    if (m === "none") return { prefix: "", extra: {} };
    if (style === "path") return { prefix: `/${m}`, extra: {} };
    if (style === "mj-path") return { prefix: `/mj-${m}`, extra: {} };
    // An action or modal runs on the account of the task it follows: no filter there.
    if (!FILTERED.has(endpoint)) return { prefix: "", extra: {} };
    return { prefix: "", extra: { accountFilter: { modes: [m.toUpperCase()] } } };
  }

  private async submit(
    endpoint: string,
    common: SubmitCommon,
    body: Record<string, unknown>,
  ): Promise<SubmitOutcome> {
    const notifyHook = common.notifyHook ?? this.options.notifyHook;
    const { style } = await this.speedStyle();
    const { prefix, extra } = this.speed(common.mode, style, endpoint);
    const full = { ...body, ...extra, notifyHook: notifyHook || undefined, state: common.state };
    const path = `${prefix}/mj/${endpoint}`;
    const answer = await this.send(
      "POST",
      path,
      full,
      this.opts.submitTimeoutMs,
      "submit",
      this.opts.attempts,
    );
    const text = answer.text.trim();
    if (text === "") {
      if (answer.status >= 200 && answer.status < 300) {
        throw new ProxyError({
          kind: "protocol",
          httpStatus: answer.status,
          description: "empty submit answer",
          mayHaveSubmitted: true,
        });
      }
      throw new ProxyError({
        kind: "http",
        httpStatus: answer.status,
        mayHaveSubmitted: mayFollowSubmit(answer.status),
      });
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (cause) {
      const ok = answer.status >= 200 && answer.status < 300;
      throw new ProxyError({
        kind: ok ? "protocol" : "http",
        httpStatus: answer.status,
        description: ok ? "the submit answer is not JSON" : undefined,
        mayHaveSubmitted: ok || mayFollowSubmit(answer.status),
        cause,
      });
    }
    return parseSubmitEnvelope(value, answer.status);
  }

  /**
   * A read with retries. With `notFoundIsNull`, a 404 or a gateway "task_no_found"
   * answer yields null instead of an error.
   */
  private async read(
    method: "GET" | "POST",
    path: string,
    body: unknown,
    options: ReadOptions,
    notFoundIsNull: boolean,
  ): Promise<Answer | null> {
    const answer = await this.send(
      method,
      path,
      body,
      options.timeoutMs ?? this.opts.readTimeoutMs,
      "read",
      Math.max(1, options.attempts ?? this.opts.attempts),
    );
    if (answer.status >= 200 && answer.status < 300) return answer;
    const error = refusal(answer);
    const notFound =
      answer.status === 404 || error.code === 3 || /task_no_found/i.test(error.description ?? "");
    if (notFoundIsNull && notFound) return null;
    throw error;
  }

  /** One HTTP exchange, retried as the kind allows. Non-2xx answers are returned, not thrown. */
  private async send(
    method: "GET" | "POST",
    path: string,
    body: unknown,
    timeoutMs: number,
    kind: "read" | "submit",
    attempts: number,
  ): Promise<Answer> {
    const url = this.baseUrl + path;
    const payload = body === undefined ? undefined : JSON.stringify(body);
    for (let attempt = 1; ; attempt++) {
      let answer: Answer;
      try {
        answer = await this.exchange(method, url, payload, timeoutMs);
      } catch (error) {
        if (error instanceof ProxyError) throw error;
        const connectFailed = CONNECT_ERRORS.has(errorCode(error));
        const retryable = kind === "read" || connectFailed;
        this.options.log?.warn({ path, attempt, code: errorCode(error) }, "proxy request failed");
        if (!retryable || attempt >= attempts) {
          throw new ProxyError({
            kind: "network",
            description: describeNetworkError(error),
            mayHaveSubmitted: kind === "submit" && !connectFailed,
            cause: error,
          });
        }
        await sleep(this.backoff(attempt, undefined));
        continue;
      }
      const transient = answer.status === 429 || answer.status >= 500;
      if (kind === "read" && transient && attempt < attempts) {
        this.options.log?.debug(
          { path, attempt, status: answer.status },
          "proxy answered a transient error; retrying",
        );
        await sleep(this.backoff(attempt, answer.headers["retry-after"]));
        continue;
      }
      return answer;
    }
  }

  /** One HTTP exchange, told to `onRequest` (answered or not). */
  private async exchange(
    method: string,
    url: string,
    payload: string | undefined,
    timeoutMs: number,
  ): Promise<Answer> {
    const started = performance.now();
    let status: number | null = null;
    try {
      const answer = await this.exchangeOnce(method, url, payload, timeoutMs);
      status = answer.status;
      return answer;
    } finally {
      this.told(method, url, status, started);
    }
  }

  private told(method: string, url: string, status: number | null, started: number): void {
    if (!this.options.onRequest) return;
    const path = url.startsWith(this.baseUrl) ? url.slice(this.baseUrl.length) : url;
    try {
      this.options.onRequest({
        method,
        path,
        status,
        seconds: (performance.now() - started) / 1000,
      });
    } catch {
      // A listener's failure is not the request's.
    }
  }

  private async exchangeOnce(
    method: string,
    url: string,
    payload: string | undefined,
    timeoutMs: number,
  ): Promise<Answer> {
    const headers: Record<string, string> = { accept: "application/json" };
    if (payload !== undefined) headers["content-type"] = "application/json";
    if (this.opts.authHeader === "authorization")
      headers.authorization = `Bearer ${this.options.apiKey}`;
    else headers["mj-api-secret"] = this.options.apiKey;
    const res = await request(url, {
      method: method as Dispatcher.HttpMethod,
      headers,
      body: payload,
      dispatcher: this.dispatcher,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
    const text = await readCapped(res.body, MAX_ANSWER_BYTES);
    return { status: res.statusCode, text, headers: res.headers };
  }

  /** Full-jitter exponential backoff; a Retry-After (seconds) is honoured up to the cap. */
  private backoff(attempt: number, retryAfter: string | string[] | undefined): number {
    const after = Number(Array.isArray(retryAfter) ? retryAfter[0] : retryAfter);
    if (Number.isFinite(after) && after > 0) return Math.min(after * 1000, this.opts.maxDelayMs);
    const ceiling = Math.min(this.opts.maxDelayMs, this.opts.baseDelayMs * 2 ** (attempt - 1));
    return Math.round((this.options.random ?? Math.random)() * ceiling);
  }
}

async function readCapped(
  body: Dispatcher.ResponseData["body"],
  maxBytes: number,
): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) {
      body.destroy();
      throw new ProxyError({
        kind: "protocol",
        description: `answer larger than ${maxBytes} bytes`,
      });
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** A non-2xx answer as an error: "rejected" with the envelope's code, else "http". */
function refusal(answer: Answer): ProxyError {
  const envelope = safeJson(answer.text);
  const code = typeof envelope?.code === "number" ? envelope.code : undefined;
  return new ProxyError({
    kind: code === undefined ? "http" : "rejected",
    httpStatus: answer.status,
    code,
    description: typeof envelope?.description === "string" ? envelope.description : undefined,
  });
}

function safeJson(text: string): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === "object" && v !== null && !Array.isArray(v)
      ? (v as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

function describeNetworkError(error: unknown): string {
  return errorCode(error) || (error instanceof Error ? error.message : String(error));
}

function errorCode(error: unknown): string {
  if (typeof error === "object" && error !== null && "code" in error) {
    const code = (error as { code: unknown }).code;
    if (typeof code === "string") return code;
  }
  return "";
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
