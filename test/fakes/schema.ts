import { readFileSync } from "node:fs";
import type { ErrorObject, ValidateFunction } from "ajv";
import { Ajv2020 } from "ajv/dist/2020.js";
import formats from "ajv-formats";

/** Request bodies the fake validates, each named after its OpenAPI component schema. */
export type BodySchema =
  | "IncomingWebhookInteractionRequest"
  | "CreateMessageInteractionCallbackRequest"
  | "UpdateMessageInteractionCallbackRequest"
  | "ModalInteractionCallbackRequest"
  | "ApplicationCommandAutocompleteCallbackRequest"
  | "PongInteractionCallbackRequest"
  | "IncomingWebhookUpdateRequestPartial"
  | "IncomingWebhookRequestPartial"
  | "MessageCreateRequest"
  | "MessageEditRequestPartial"
  | "ApplicationCommandCreateRequest"
  | "CreatePrivateChannelRequest"
  // what the fake itself shows (GUILD_CREATE, role/member/channel events, guild routes)
  | "GuildRoleResponse"
  | "GuildMemberResponse"
  | "GuildChannelResponse";

/** One schema finding: a dotted path into the body ("components.0.components.5") and a message. */
export interface SchemaIssue {
  path: string;
  message: string;
}

/** Discord's official OpenAPI document: the project's copy in `discord-api-spec/` (see its README). */
export const OPENAPI_URL = new URL("./discord-api-spec/openapi.json", import.meta.url);

const BASE = "https://discord.test/openapi.json";
const CALLBACK_SCHEMAS: Record<number, BodySchema> = {
  1: "PongInteractionCallbackRequest",
  4: "CreateMessageInteractionCallbackRequest",
  5: "CreateMessageInteractionCallbackRequest",
  6: "UpdateMessageInteractionCallbackRequest",
  7: "UpdateMessageInteractionCallbackRequest",
  8: "ApplicationCommandAutocompleteCallbackRequest",
  9: "ModalInteractionCallbackRequest",
};

type Json = Record<string, unknown>;
let ajv: Ajv2020 | undefined;
const compiled = new Map<BodySchema, ValidateFunction>();

/** Valid `type` values of a schema that tags its union branch by `type`, else undefined. */
function typeTags(schemas: Record<string, Json>, ref: unknown): unknown[] | undefined {
  if (typeof ref !== "string" || !ref.startsWith("#/components/schemas/")) return undefined;
  const target = schemas[ref.slice("#/components/schemas/".length)];
  const props = target?.properties as Record<string, Json> | undefined;
  const tag = props?.type;
  if (!tag) return undefined;
  if (Array.isArray(tag.enum)) return tag.enum;
  if ("const" in tag) return [tag.const];
  return undefined;
}

/**
 * Rewrites every `oneOf`/`anyOf` whose branches are all `$ref`s tagged by disjoint `type`
 * values into `if type is X then X`: Ajv then reports only the branch the body chose,
 * instead of one error per branch.
 */
function discriminate(node: unknown, schemas: Record<string, Json>): void {
  if (Array.isArray(node)) {
    for (const item of node) discriminate(item, schemas);
    return;
  }
  if (!node || typeof node !== "object") return;
  const obj = node as Json;
  for (const key of ["oneOf", "anyOf"] as const) {
    const branches = obj[key];
    if (!Array.isArray(branches) || branches.length < 2) continue;
    const tags = branches.map((b) => typeTags(schemas, (b as Json)?.$ref));
    if (tags.some((t) => !t)) continue;
    const all = tags.flat();
    if (new Set(all).size !== all.length) continue;
    delete obj[key];
    obj.type = "object";
    obj.required = ["type"];
    obj.properties = { type: { enum: all } };
    obj.allOf = branches.map((branch, i) => ({
      if: { properties: { type: { enum: tags[i] } }, required: ["type"] },
      // biome-ignore lint/suspicious/noThenProperty: JSON Schema keyword
      then: branch,
    }));
  }
  for (const value of Object.values(obj)) discriminate(value, schemas);
}

function instance(): Ajv2020 {
  if (ajv) return ajv;
  let text: string;
  try {
    text = readFileSync(OPENAPI_URL, "utf8");
  } catch (err) {
    throw new Error(
      `fake discord: cannot read Discord's OpenAPI spec at ${OPENAPI_URL.pathname} (test/fakes/discord-api-spec/openapi.json is part of the repository): ${String(err)}`,
    );
  }
  const spec = JSON.parse(text) as { components: { schemas: Json } };
  const schemas = spec.components.schemas as Record<string, Json>;
  discriminate(schemas, schemas);
  const a = new Ajv2020({ strict: false, allErrors: true, validateSchema: false });
  // CommonJS interop: the plugin is both module.exports and its `.default`.
  formats.default(a);
  for (const f of ["snowflake", "int32", "int64", "double", "float", "nonce"]) {
    a.addFormat(f, true);
  }
  a.addSchema({ $id: BASE, components: { schemas } });
  ajv = a;
  return a;
}

function validator(name: BodySchema): ValidateFunction {
  const known = compiled.get(name);
  if (known) return known;
  const fn = instance().compile({ $ref: `${BASE}#/components/schemas/${name}` });
  compiled.set(name, fn);
  return fn;
}

function toIssues(errors: ErrorObject[] | null | undefined): SchemaIssue[] {
  const seen = new Set<string>();
  const out: SchemaIssue[] = [];
  const list = errors ?? [];
  for (const e of list) {
    if (e.keyword === "if" || e.keyword === "oneOf" || e.keyword === "anyOf") continue;
    // "must be null" comes from the null branch of a nullable union; the other branch says more.
    if (e.keyword === "type" && e.params.type === "null" && list.length > 1) continue;
    const path = e.instancePath.split("/").filter(Boolean).join(".");
    let message = e.message ?? e.keyword;
    if (e.keyword === "additionalProperties")
      message += ` (${String(e.params.additionalProperty)})`;
    if (e.keyword === "enum") message += ` ${JSON.stringify(e.params.allowedValues)}`;
    if (e.keyword === "const") message += ` ${JSON.stringify(e.params.allowedValue)}`;
    const key = `${path}|${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ path, message });
  }
  return out;
}

/** Validates `body` against the named component schema of the official OpenAPI spec. */
export function validateBody(name: BodySchema, body: unknown): SchemaIssue[] {
  const fn = validator(name);
  return fn(body) ? [] : toIssues(fn.errors);
}

/** Validates an interaction callback body against the schema its `type` selects. */
export function validateCallback(body: unknown): SchemaIssue[] {
  const type = (body as Json | null)?.type;
  const name = typeof type === "number" ? CALLBACK_SCHEMAS[type] : undefined;
  if (!name)
    return [{ path: "type", message: `unsupported callback type ${JSON.stringify(type)}` }];
  return validateBody(name, body);
}

/** Compiles every schema the fake uses (takes a fraction of a second; done once per process). */
export function warmUpSchemas(): void {
  for (const name of new Set(Object.values(CALLBACK_SCHEMAS))) validator(name);
  for (const name of [
    "IncomingWebhookUpdateRequestPartial",
    "IncomingWebhookRequestPartial",
    "MessageCreateRequest",
    "MessageEditRequestPartial",
    "ApplicationCommandCreateRequest",
    "CreatePrivateChannelRequest",
  ] as const) {
    validator(name);
  }
}
