/** Simulator options: defaults, validation of partial updates, and a key-free view. */
import type { Endpoint, SimConfig, SimulatorOptions } from "./types.js";

/** Every endpoint name `unrouted` accepts. */
export const ENDPOINTS: readonly Endpoint[] = [
  "imagine",
  "blend",
  "describe",
  "shorten",
  "action",
  "modal",
  "video",
  "edits",
  "swap",
  "change",
  "simple-change",
  "fetch",
  "list-by-condition",
  "list-by-ids",
  "list",
  "queue",
  "seed",
  "cancel",
];

export const DEFAULTS: SimConfig = {
  host: "127.0.0.1",
  port: 0,
  publicUrl: undefined,
  apiKey: undefined,
  stepMs: 1500,
  imageSize: 512,
  remix: false,
  remixAutoSubmit: false,
  dialect: "trueai",
  routes: "all",
  unrouted: [],
  unknownFetch: "204",
  seedSupport: true,
  editsSupported: true,
  videoSupported: true,
  shortenPicks: "modal",
  recordLimit: 10_000,
};

type Check = (value: unknown) => boolean;

const isBool: Check = (v) => typeof v === "boolean";
const isStr: Check = (v) => typeof v === "string";
const oneOf =
  (...values: string[]): Check =>
  (v) =>
    typeof v === "string" && values.includes(v);
const intIn =
  (min: number, max: number): Check =>
  (v) =>
    typeof v === "number" && Number.isInteger(v) && v >= min && v <= max;

const CHECKS: Record<keyof SimulatorOptions, [Check, string]> = {
  host: [isStr, "a string"],
  port: [intIn(0, 65535), "an integer 0-65535"],
  publicUrl: [(v) => typeof v === "string" && /^https?:\/\//.test(v), "an http(s) URL"],
  apiKey: [(v) => typeof v === "string" && v.length > 0, "a non-empty string"],
  stepMs: [intIn(0, 600_000), "an integer 0-600000"],
  imageSize: [intIn(16, 4096), "an integer 16-4096"],
  remix: [isBool, "a boolean"],
  remixAutoSubmit: [isBool, "a boolean"],
  dialect: [oneOf("trueai", "gateway", "legacy"), '"trueai", "gateway" or "legacy"'],
  routes: [oneOf("all", "mj-path", "path", "filter"), '"all", "mj-path", "path" or "filter"'],
  unrouted: [
    (v) => Array.isArray(v) && v.every((e) => ENDPOINTS.includes(e as Endpoint)),
    `a list of endpoint names (${ENDPOINTS.join(", ")})`,
  ],
  unknownFetch: [oneOf("empty200", "204"), '"empty200" or "204"'],
  seedSupport: [isBool, "a boolean"],
  editsSupported: [isBool, "a boolean"],
  videoSupported: [isBool, "a boolean"],
  shortenPicks: [oneOf("modal", "reject"), '"modal" or "reject"'],
  recordLimit: [intIn(0, 1_000_000), "an integer 0-1000000"],
};

/**
 * Checks a partial options object. Returns the problems (empty when valid).
 * `undefined` values are allowed and mean "leave as is" (apiKey: undefined clears the key).
 */
export function validateOptions(input: unknown): string[] {
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    return ["options must be a JSON object"];
  }
  const problems: string[] = [];
  for (const [key, value] of Object.entries(input)) {
    const check = CHECKS[key as keyof SimulatorOptions];
    if (!check) {
      problems.push(`unknown option "${key}"`);
    } else if (value !== undefined && value !== null && !check[0](value)) {
      problems.push(`"${key}" must be ${check[1]}`);
    }
  }
  return problems;
}

/** Applies a (validated) partial update. `null` resets an option to its default. */
export function applyOptions(config: SimConfig, update: Partial<SimulatorOptions>): SimConfig {
  const next: SimConfig = { ...config };
  const target = next as unknown as Record<string, unknown>;
  for (const [key, value] of Object.entries(update)) {
    if (!(key in CHECKS)) continue;
    if (value === null) target[key] = (DEFAULTS as unknown as Record<string, unknown>)[key];
    else if (Array.isArray(value)) target[key] = [...new Set(value)];
    else if (value !== undefined || key === "apiKey") target[key] = value;
  }
  return next;
}

export function resolveOptions(options: SimulatorOptions = {}): SimConfig {
  const problems = validateOptions(options);
  if (problems.length > 0) throw new TypeError(`Invalid simulator options: ${problems.join("; ")}`);
  return applyOptions(DEFAULTS, options);
}

/** The configuration as shown over HTTP and in logs: never the key itself. */
export function publicView(config: SimConfig): Record<string, unknown> {
  const { apiKey, ...rest } = config;
  return { ...rest, publicUrl: rest.publicUrl ?? null, apiKeySet: apiKey !== undefined };
}
