// Environment (and an optional .env file) -> typed configuration.
// Every problem is collected and reported at once, each naming its variable.
import { existsSync, readFileSync } from "node:fs";
import { parseEnv } from "node:util";
import type { ShardSet } from "./jobs/shards.js";
import { redactUrl } from "./jobs/store-error.js";

export type MjMode = "fast" | "relax" | "turbo" | "none";
/**
 * How a speed reaches the proxy: `/fast/mj/…` (path, openai-hk), `/mj-fast/mj/…` (mj-path,
 * trueai and many gateways), `/mj/…` with `accountFilter.modes` (filter), or found by
 * probing the proxy once (auto).
 */
export type MjModeStyle = "path" | "mj-path" | "filter" | "auto";
export type MjAuthHeader = "authorization" | "mj-api-secret";
export type LogLevel = "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";

export interface Config {
  discordToken: string;
  discordGuildId: string | undefined;
  discordApiUrl: string | undefined;
  mjApiUrl: string;
  mjApiKey: string;
  mjAuthHeader: MjAuthHeader;
  mjMode: MjMode;
  mjModeStyle: MjModeStyle;
  /** Features the operator switched off (MJ_DISABLE): answered "this proxy cannot …". */
  mjDisable: ProxyFeature[];
  databaseUrl: string;
  pollIntervalMs: number;
  logLevel: LogLevel;
  maxImageMb: number;
  /** A job unfinished after this long is closed with a message. */
  jobTimeoutMinutes: number;
  /** `image_url` may point to private and loopback addresses (a self-hosted proxy on the LAN). */
  allowPrivateImageUrls: boolean;
  /** The spending policy (YAML); undefined: none, nothing is limited. */
  policyFile: string | undefined;
  /** Port of the HTTP server (/healthz, /metrics); undefined: no server. 0 (tests): any free one. */
  httpPort?: number | undefined;
  /** Interface of that server (default 127.0.0.1). */
  httpHost?: string;
  /** How the proxy reaches the HTTP server (PUBLIC_URL): submits then carry a notifyHook. */
  publicUrl?: string | undefined;
  /**
   * Discord shards (SHARD_COUNT, SHARD_IDS): how many in all and which this process runs
   * (every one when SHARD_IDS is unset). Undefined: every shard Discord recommends.
   */
  shards?: ShardSet | undefined;
}

export interface ConfigProblem {
  variable: string;
  message: string;
}

export class ConfigError extends Error {
  constructor(readonly problems: ConfigProblem[]) {
    super(
      `mjcord cannot start: ${problems.length === 1 ? "1 setting needs" : `${problems.length} settings need`} attention (set them in the environment or in .env):\n` +
        problems.map((p) => `  - ${p.variable}: ${p.message}`).join("\n"),
    );
    this.name = "ConfigError";
  }
}

type Env = Record<string, string | undefined>;

/** Every speed mode there is (`none`: no speed chosen, the proxy's own default). */
export const MJ_MODES: readonly MjMode[] = ["fast", "relax", "turbo", "none"];
export const MJ_MODE_STYLES: readonly MjModeStyle[] = ["path", "mj-path", "filter", "auto"];
/**
 * What a proxy may not offer, each one route of its API: switched off by the operator
 * (MJ_DISABLE) or learned when the proxy answers 404/405 (not routed).
 */
export const PROXY_FEATURES = [
  "blend",
  "describe",
  "shorten",
  "video",
  "edits",
  "swapface",
  "seed",
  "cancel",
] as const;
export type ProxyFeature = (typeof PROXY_FEATURES)[number];
const AUTH_HEADERS: readonly MjAuthHeader[] = ["authorization", "mj-api-secret"];
const LOG_LEVELS: readonly LogLevel[] = [
  "fatal",
  "error",
  "warn",
  "info",
  "debug",
  "trace",
  "silent",
];

/** Reads `.env` (if present) under the real environment: real variables win. */
export function readEnvFile(path = ".env"): Env {
  if (!existsSync(path)) return {};
  return parseEnv(readFileSync(path, "utf8"));
}

/** `policy.yml` in the working folder when it exists, else no policy file. */
function defaultPolicyFile(): string | undefined {
  return existsSync("policy.yml") ? "policy.yml" : undefined;
}

export function loadConfig(
  env: Env = { ...readEnvFile(), ...process.env },
  defaults: { policyFile: () => string | undefined } = { policyFile: defaultPolicyFile },
): Config {
  const problems: ConfigProblem[] = [];
  const value = (name: string): string | undefined => {
    const raw = env[name]?.trim();
    return raw === "" ? undefined : raw;
  };
  const required = (name: string, what: string): string => {
    const v = value(name);
    if (v === undefined) problems.push({ variable: name, message: `missing; expected ${what}` });
    return v ?? "";
  };
  const oneOf = <T extends string>(name: string, allowed: readonly T[], fallback: T): T => {
    const v = value(name)?.toLowerCase();
    if (v === undefined) return fallback;
    if ((allowed as readonly string[]).includes(v)) return v as T;
    problems.push({
      variable: name,
      message: `"${env[name]}" is not allowed; expected one of ${allowed.join(", ")}`,
    });
    return fallback;
  };
  /** A comma-separated list, each item one of `allowed`; unset or empty = none. */
  const list = <T extends string>(name: string, allowed: readonly T[]): T[] => {
    const items = (value(name) ?? "")
      .split(",")
      .map((item) => item.trim().toLowerCase())
      .filter((item) => item !== "");
    const unknown = items.filter((item) => !(allowed as readonly string[]).includes(item));
    if (unknown.length > 0) {
      problems.push({
        variable: name,
        message: `${unknown.map((u) => `"${u}"`).join(", ")} ${unknown.length === 1 ? "is" : "are"} not allowed; expected a comma-separated list of ${allowed.join(", ")}`,
      });
    }
    return [...new Set(items.filter((item): item is T => !unknown.includes(item)))];
  };
  const url = (name: string, fallback: string | undefined): string | undefined => {
    const v = value(name);
    if (v === undefined) return fallback;
    if (!isHttpUrl(v)) {
      problems.push({ variable: name, message: `"${v}" is not an http(s) URL` });
      return fallback;
    }
    return v.replace(/\/+$/, "");
  };
  const number = (name: string, fallback: number, min: number, max: number, integer: boolean) => {
    const v = value(name);
    if (v === undefined) return fallback;
    const n = Number(v);
    if (!Number.isFinite(n) || (integer && !Number.isInteger(n)) || n < min || n > max) {
      const kind = integer ? "a whole number" : "a number";
      problems.push({ variable: name, message: `"${v}" is not ${kind} from ${min} to ${max}` });
      return fallback;
    }
    return n;
  };

  const flag = (name: string, fallback: boolean): boolean => {
    const v = value(name)?.toLowerCase();
    if (v === undefined) return fallback;
    if (["true", "1", "yes", "on"].includes(v)) return true;
    if (["false", "0", "no", "off"].includes(v)) return false;
    problems.push({
      variable: name,
      message: `"${env[name]}" is not allowed; expected true or false`,
    });
    return fallback;
  };

  const discordToken = required("DISCORD_TOKEN", "the bot token from the Discord developer portal");
  const mjApiKey = required("MJ_API_KEY", "the Midjourney proxy API key");
  const discordGuildId = value("DISCORD_GUILD_ID");
  if (discordGuildId !== undefined && !/^\d{15,21}$/.test(discordGuildId)) {
    problems.push({
      variable: "DISCORD_GUILD_ID",
      message: `"${discordGuildId}" is not a server id (digits only)`,
    });
  }
  // MJ_API_URL is the part before /mj; a pasted ".../mj" is forgiven.
  const mjApiUrl = url("MJ_API_URL", "https://api.openai-hk.com")?.replace(/\/mj$/, "") ?? "";

  const config: Config = {
    discordToken,
    discordGuildId,
    discordApiUrl: url("DISCORD_API_URL", undefined),
    mjApiUrl,
    mjApiKey,
    mjAuthHeader: oneOf("MJ_AUTH_HEADER", AUTH_HEADERS, "authorization"),
    mjMode: oneOf("MJ_MODE", MJ_MODES, "fast"),
    mjModeStyle: oneOf("MJ_MODE_STYLE", MJ_MODE_STYLES, "auto"),
    mjDisable: list("MJ_DISABLE", PROXY_FEATURES),
    databaseUrl: value("DATABASE_URL") ?? "sqlite://data/mjcord.sqlite",
    pollIntervalMs: number("POLL_INTERVAL_MS", 3000, 250, 600_000, true),
    logLevel: oneOf("LOG_LEVEL", LOG_LEVELS, "info"),
    maxImageMb: number("MAX_IMAGE_MB", 10, 0.1, 100, false),
    jobTimeoutMinutes: number("JOB_TIMEOUT_MINUTES", 30, 1, 24 * 60, false),
    allowPrivateImageUrls: flag("ALLOW_PRIVATE_IMAGE_URLS", false),
    policyFile: value("POLICY_FILE") ?? defaults.policyFile(),
    httpPort: value("HTTP_PORT") === undefined ? undefined : number("HTTP_PORT", 0, 1, 65535, true),
    // A bracketed IPv6 address ([::1]) is listened on without its brackets.
    httpHost: value("HTTP_HOST")?.replace(/^\[(.*)\]$/, "$1") ?? "127.0.0.1",
    publicUrl: url("PUBLIC_URL", undefined),
  };
  const shards = shardSet(value("SHARD_COUNT"), value("SHARD_IDS"), problems);
  if (shards !== undefined) config.shards = shards;
  if (config.publicUrl !== undefined && config.httpPort === undefined) {
    problems.push({
      variable: "PUBLIC_URL",
      message: "needs HTTP_PORT: the notify hook is served by the bot's HTTP server",
    });
  }
  if (!/^[0-9a-z.:_-]+$/i.test(config.httpHost ?? "")) {
    problems.push({
      variable: "HTTP_HOST",
      message: `"${config.httpHost}" is not a host name or address; expected e.g. 127.0.0.1 or 0.0.0.0`,
    });
  }
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(config.databaseUrl)) {
    problems.push({
      variable: "DATABASE_URL",
      message: `"${redactUrl(config.databaseUrl)}" is not a store URL; expected e.g. sqlite://data/mjcord.sqlite or postgres://user:password@host/db`,
    });
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

/** Most shards a bot may run: far beyond any bot Discord knows (2,500 servers a shard). */
export const MAX_SHARDS = 100_000;

/**
 * SHARD_COUNT and SHARD_IDS: a whole number of shards, and which of them this process runs,
 * comma-separated ids or ranges (`0,1`, `4-7`), each below SHARD_COUNT and named once.
 */
function shardSet(
  countText: string | undefined,
  idsText: string | undefined,
  problems: ConfigProblem[],
): ShardSet | undefined {
  if (countText === undefined) {
    if (idsText !== undefined) {
      problems.push({
        variable: "SHARD_IDS",
        message:
          "needs SHARD_COUNT: the shard ids mean nothing without how many shards there are in all",
      });
    }
    return undefined;
  }
  const count = /^\d+$/.test(countText) ? Number(countText) : Number.NaN;
  if (!Number.isSafeInteger(count) || count < 1 || count > MAX_SHARDS) {
    problems.push({
      variable: "SHARD_COUNT",
      message: `"${countText}" is not a whole number from 1 to ${MAX_SHARDS}`,
    });
    return undefined;
  }
  if (idsText === undefined) return { count, ids: Array.from({ length: count }, (_, i) => i) };
  const ids: number[] = [];
  const bad: string[] = [];
  const outside: string[] = [];
  for (const item of idsText.split(",").map((part) => part.trim())) {
    const range = /^(\d+)\s*-\s*(\d+)$/.exec(item);
    const single = /^\d+$/.test(item);
    if (!single && !(range && Number(range[1]) <= Number(range[2]))) {
      bad.push(item);
      continue;
    }
    const from = Number(range ? range[1] : item);
    const to = Number(range ? range[2] : item);
    if (to >= count) {
      outside.push(item);
      continue;
    }
    for (let id = from; id <= to; id += 1) ids.push(id);
  }
  const quoted = (items: string[]) => items.map((i) => `"${i}"`).join(", ");
  if (bad.length > 0) {
    problems.push({
      variable: "SHARD_IDS",
      message: `${quoted(bad)} ${bad.length === 1 ? "is not a shard id" : "are not shard ids"}; expected comma-separated whole numbers or ranges, e.g. 0,1 or 4-7`,
    });
  }
  if (outside.length > 0) {
    problems.push({
      variable: "SHARD_IDS",
      message: `${quoted(outside)} ${outside.length === 1 ? "is" : "are"} out of range: with SHARD_COUNT=${count} the shard ids are 0 to ${count - 1}`,
    });
  }
  const twice = [...new Set(ids.filter((id, i) => ids.indexOf(id) !== i))];
  if (twice.length > 0) {
    problems.push({
      variable: "SHARD_IDS",
      message: `${twice.join(", ")} ${twice.length === 1 ? "is" : "are"} named more than once; name each shard once`,
    });
  }
  if (bad.length > 0 || outside.length > 0 || twice.length > 0) return undefined;
  return { count, ids: [...ids].sort((a, b) => a - b) };
}

function isHttpUrl(text: string): boolean {
  try {
    const u = new URL(text);
    return u.protocol === "http:" || u.protocol === "https:";
  } catch {
    return false;
  }
}
