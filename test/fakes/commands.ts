/**
 * Application command registration: Discord's naming and size rules on top of the schema,
 * and the echo of the bulk overwrite with ids.
 */
import { snowflake } from "./ids.js";
import { INVALID_FORM_BODY, type Problem } from "./rules.js";
import type { RegisteredCommand } from "./state.js";

type Json = Record<string, unknown>;

const NAME = /^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;

function problem(rule: string, path: string, message: string): Problem {
  return { rule, path, message, status: 400, code: INVALID_FORM_BODY };
}

function checkName(name: unknown, path: string, out: Problem[]): void {
  if (typeof name !== "string" || !NAME.test(name)) {
    out.push(problem("command-name", path, `Invalid name ${JSON.stringify(name)}`));
  } else if (name !== name.toLowerCase()) {
    out.push(problem("command-name", path, `Name "${name}" must be lowercase`));
  }
}

function checkDescription(value: unknown, path: string, out: Problem[]): void {
  const n = typeof value === "string" ? value.length : 0;
  if (n < 1 || n > 100)
    out.push(problem("command-description", path, "Description must be 1 to 100 characters"));
}

function textSize(cmd: Json): number {
  let n = 0;
  const add = (v: unknown) => {
    if (typeof v === "string") n += v.length;
  };
  const visit = (o: Json) => {
    add(o.name);
    add(o.description);
    add(o.value);
    for (const key of ["options", "choices"]) {
      if (Array.isArray(o[key])) for (const c of o[key] as Json[]) visit(c);
    }
  };
  visit(cmd);
  return n;
}

function checkOptions(options: Json[], path: string, out: Problem[]): void {
  if (options.length > 25) out.push(problem("command-options", path, "At most 25 options"));
  const names = new Set<string>();
  let sawOptional = false;
  options.forEach((o, i) => {
    const p = `${path}.${i}`;
    checkName(o.name, `${p}.name`, out);
    checkDescription(o.description, `${p}.description`, out);
    if (typeof o.name === "string") {
      if (names.has(o.name))
        out.push(problem("command-options", `${p}.name`, `Duplicate option "${o.name}"`));
      names.add(o.name);
    }
    if (o.type === 1 || o.type === 2) {
      if (Array.isArray(o.options)) checkOptions(o.options as Json[], `${p}.options`, out);
      return;
    }
    if (o.required === true && sawOptional) {
      out.push(
        problem(
          "command-options",
          `${p}.required`,
          "Required options must come before optional ones",
        ),
      );
    }
    if (o.required !== true) sawOptional = true;
    const choices = Array.isArray(o.choices) ? (o.choices as Json[]) : [];
    if (choices.length > 25)
      out.push(problem("command-options", `${p}.choices`, "At most 25 choices"));
    if (choices.length > 0 && o.autocomplete === true) {
      out.push(
        problem(
          "command-options",
          `${p}.autocomplete`,
          "autocomplete cannot be combined with choices",
        ),
      );
    }
    for (const key of ["min_length", "max_length"]) {
      const v = o[key];
      if (typeof v === "number" && (v < 0 || v > 6000)) {
        out.push(problem("command-options", `${p}.${key}`, `${key} must be between 0 and 6000`));
      }
    }
  });
}

/** Discord's rules for one command of a bulk overwrite (beyond the OpenAPI schema). */
export function commandProblems(cmd: Json, path: string): Problem[] {
  const out: Problem[] = [];
  const type = cmd.type ?? 1;
  if (type === 1) {
    checkName(cmd.name, `${path}.name`, out);
    checkDescription(cmd.description, `${path}.description`, out);
  }
  if (Array.isArray(cmd.options)) checkOptions(cmd.options as Json[], `${path}.options`, out);
  const size = textSize(cmd);
  if (size > 8000)
    out.push(
      problem("command-too-large", path, `Command text is ${size} characters; the limit is 8000`),
    );
  return out;
}

/** Rules across the whole list: unique names per type, at most 100 chat input commands. */
export function listProblems(cmds: Json[]): Problem[] {
  const out: Problem[] = [];
  const seen = new Set<string>();
  cmds.forEach((c, i) => {
    const key = `${String(c.type ?? 1)}:${String(c.name)}`;
    if (seen.has(key))
      out.push(problem("command-duplicate", `${i}.name`, `Duplicate command "${String(c.name)}"`));
    seen.add(key);
  });
  if (cmds.filter((c) => (c.type ?? 1) === 1).length > 100) {
    out.push(problem("command-count", "", "At most 100 chat input commands"));
  }
  return out;
}

/** The commands as Discord echoes them, keeping the ids of commands that already existed. */
export function echoCommands(
  cmds: Json[],
  previous: RegisteredCommand[] | undefined,
  applicationId: string,
  guildId?: string,
): RegisteredCommand[] {
  return cmds.map((c) => {
    const type = (c.type as number | undefined) ?? 1;
    const before = previous?.find((p) => p.name === c.name && (p.type ?? 1) === type);
    return {
      ...c,
      id: before?.id ?? snowflake(),
      application_id: applicationId,
      version: snowflake(),
      type,
      name: String(c.name),
      description: (c.description as string | undefined) ?? "",
      default_member_permissions: c.default_member_permissions ?? null,
      nsfw: c.nsfw ?? false,
      ...(guildId ? { guild_id: guildId } : {}),
    };
  });
}
