// The policy file's schema (zod): strict, every problem named by its key path.
// Knows nothing of Discord; file.ts reads the YAML, policy.ts fills the defaults.
import { z } from "zod";

/** The job kinds that have a price (`costs`). */
export const COST_KEYS = [
  "imagine",
  "blend",
  "describe",
  "shorten",
  "upscale",
  "variation",
  "reroll",
  "zoom",
  "pan",
  "video",
  "video_hd",
  "video_extend",
  "edit",
  "swapface",
] as const;
export type CostKey = (typeof COST_KEYS)[number];

/** The speeds a policy prices and allows (`modes`). */
export const POLICY_MODES = ["fast", "relax", "turbo"] as const;
export type PolicyMode = (typeof POLICY_MODES)[number];

/** The slash commands that spend (`members.commands`). */
export const POLICY_COMMANDS = [
  "imagine",
  "blend",
  "describe",
  "shorten",
  "video",
  "swapface",
  "edit",
] as const;
export type PolicyCommand = (typeof POLICY_COMMANDS)[number];

const credits = z.number({ error: "expected a number >= 0" }).finite().min(0, {
  error: "expected a number >= 0",
});
const whole = z
  .number({ error: "expected a whole number >= 0" })
  .int({ error: "expected a whole number >= 0" })
  .min(0, { error: "expected a whole number >= 0" });

/** A Discord id: digits, 15 to 21 of them, written as a string. */
export const SNOWFLAKE = /^\d{15,21}$/;
const snowflake = z
  .string({ error: 'expected an id in quotes, e.g. "112233445566778899"' })
  .regex(SNOWFLAKE, { error: "expected a Discord id (15 to 21 digits)" });

const oneOf = <T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { error: `expected one of ${values.join(", ")}` });

const list = <T extends z.ZodType>(item: T) =>
  z.array(item, { error: "expected a list, e.g. [a, b]" });

const timezone = z.string({ error: "expected an IANA time zone, e.g. Europe/Paris" }).refine(
  (zone) => {
    try {
      new Intl.DateTimeFormat("en-US", { timeZone: zone });
      return true;
    } catch {
      return false;
    }
  },
  { error: "expected an IANA time zone, e.g. UTC or Europe/Paris" },
);

const limits = z.strictObject(
  {
    daily: credits.optional(),
    monthly: credits.optional(),
    concurrent: whole.optional(),
    cooldown_seconds: credits.optional(),
    modes: list(oneOf(POLICY_MODES)).optional(),
    commands: list(oneOf(POLICY_COMMANDS)).optional(),
  },
  { error: "expected a mapping of limits (daily, monthly, concurrent, …)" },
);

const shape = <T extends z.ZodRawShape>(fields: T, what: string) =>
  z.strictObject(fields, { error: `expected a mapping of ${what}` });

const costs = shape(
  Object.fromEntries(COST_KEYS.map((k) => [k, credits.optional()])) as Record<
    CostKey,
    z.ZodOptional<typeof credits>
  >,
  "job kinds to credits",
);
const modes = shape(
  Object.fromEntries(POLICY_MODES.map((k) => [k, credits.optional()])) as Record<
    PolicyMode,
    z.ZodOptional<typeof credits>
  >,
  "speeds to multipliers",
);

export const policySchema = z.strictObject(
  {
    timezone: timezone.optional(),
    costs: costs.optional(),
    modes: modes.optional(),
    members: limits.optional(),
    roles: z
      .record(snowflake, limits, { error: "expected a mapping of role ids to limits" })
      .optional(),
    blocked_roles: list(snowflake).optional(),
    channels: list(snowflake).optional(),
    server: shape(
      { daily: credits.optional(), monthly: credits.optional() },
      "daily, monthly",
    ).optional(),
    banned_words: list(
      z
        .string({ error: "expected a word or phrase in quotes" })
        .refine((w) => w.trim() !== "", { error: "expected a word, not an empty string" }),
    ).optional(),
    admins: shape({ roles: list(snowflake).optional() }, "roles").optional(),
    mod_log_channel: snowflake.nullable().optional(),
  },
  { error: "expected a mapping of policy keys (timezone, costs, members, …)" },
);

export type PolicyFile = z.infer<typeof policySchema>;
export type LimitsFile = z.infer<typeof limits>;

/** One problem in the policy file: the key path (`members.daily`) and what was expected. */
export interface PolicyProblem {
  key: string;
  message: string;
}

/** Issues of a failed parse, each naming its key; unknown keys each named on their own. */
export function problemsOf(error: z.ZodError): PolicyProblem[] {
  const problems: PolicyProblem[] = [];
  for (const issue of error.issues) {
    const at = issue.path.map(String);
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) {
        problems.push({ key: [...at, key].join("."), message: unknownKey(at) });
      }
    } else if (issue.code === "invalid_key" && at[0] === "roles") {
      problems.push({
        key: at.join("."),
        message: "expected a role id (15 to 21 digits) in quotes",
      });
    } else {
      problems.push({ key: at.join(".") || "(file)", message: issue.message });
    }
  }
  return problems;
}

function unknownKey(at: string[]): string {
  const known =
    at.length === 0
      ? Object.keys(policySchema.shape)
      : at[0] === "costs"
        ? [...COST_KEYS]
        : at[0] === "modes"
          ? [...POLICY_MODES]
          : at[0] === "members" || at[0] === "roles"
            ? ["daily", "monthly", "concurrent", "cooldown_seconds", "modes", "commands"]
            : at[0] === "server"
              ? ["daily", "monthly"]
              : at[0] === "admins"
                ? ["roles"]
                : [];
  return known.length > 0 ? `unknown key; expected one of ${known.join(", ")}` : "unknown key";
}
