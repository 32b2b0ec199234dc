// pino, with secrets and image payloads kept out of every log line.
import pino, { type Logger } from "pino";

export type { Logger };

const SECRET_KEY = /(token|secret|authorization|api[-_]?key|password)/i;
const DATA_URI = /data:[\w.+-]+\/[\w.+-]+;base64,[A-Za-z0-9+/=]+/g;
// Bare base64 runs this long are image payloads, not words.
const LONG_BASE64 = /[A-Za-z0-9+/]{200,}={0,2}/g;
// The notify hook's secret is a path segment: masked wherever a URL or path shows it.
const HOOK_SECRET = /(\/hooks\/mj\/)[^/?\s"']+/g;

/** Returns a copy of `value` with secrets masked and base64 payloads shortened. */
export function scrub(value: unknown, secrets: readonly string[] = [], depth = 0): unknown {
  if (typeof value === "string") return scrubText(value, secrets);
  if (value === null || typeof value !== "object" || depth > 8) return value;
  if (value instanceof Error) {
    return {
      type: value.name,
      message: scrubText(value.message, secrets),
      stack: value.stack && scrubText(value.stack, secrets),
    };
  }
  if (Array.isArray(value)) return value.map((v) => scrub(v, secrets, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    out[key] = SECRET_KEY.test(key) && v ? "[redacted]" : scrub(v, secrets, depth + 1);
  }
  return out;
}

function scrubText(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length >= 4) out = out.split(secret).join("[redacted]");
  }
  return out
    .replace(HOOK_SECRET, "$1[redacted]")
    .replace(DATA_URI, (m) => `[data-uri ${m.length} chars]`)
    .replace(LONG_BASE64, (m) => `[base64 ${m.length} chars]`);
}

export interface LoggerOptions {
  level: string;
  /** Values (tokens, keys) that must never appear in a log line. */
  secrets?: readonly string[];
  destination?: pino.DestinationStream;
}

export function createLogger(options: LoggerOptions): Logger {
  const secrets = (options.secrets ?? []).filter((s) => s.length > 0);
  return pino(
    {
      level: options.level,
      base: undefined,
      formatters: { log: (object) => scrub(object, secrets) as Record<string, unknown> },
      hooks: {
        logMethod(args, method) {
          const scrubbed = args.map((a) => (typeof a === "string" ? scrubText(a, secrets) : a));
          method.apply(this, scrubbed as Parameters<typeof method>);
        },
      },
      serializers: { err: (err: unknown) => scrub(err, secrets) },
    },
    options.destination,
  );
}
