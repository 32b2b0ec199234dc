/**
 * HTTP plumbing for the fake REST API: reading JSON and multipart bodies, Discord-shaped
 * replies and error bodies, and turning rule problems into violations.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Problem, UploadedFile } from "./rules.js";
import { INVALID_FORM_BODY } from "./rules.js";
import type { SchemaIssue } from "./schema.js";
import type { FakeState, RecordedRequest } from "./state.js";

/** What a route handler answers. */
export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** A parsed request handed to route handlers. */
export interface RequestContext {
  state: FakeState;
  record: RecordedRequest;
  /** the JSON body (or payload_json) as an object, or undefined */
  body: Record<string, unknown> | undefined;
  files: UploadedFile[];
  /** size of the raw body in bytes */
  size: number;
  /** a body that was present but not valid JSON */
  badJson: boolean;
}

/** Reads the whole request body. */
export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Parses a JSON or multipart (`payload_json` + `files[n]`) body. */
export async function parseBody(
  raw: Buffer,
  contentType: string | undefined,
): Promise<{ json: unknown; files: UploadedFile[]; badJson: boolean }> {
  if (raw.length === 0) return { json: undefined, files: [], badJson: false };
  const ct = contentType ?? "";
  if (ct.startsWith("multipart/form-data")) {
    const form = await new Response(new Uint8Array(raw), {
      headers: { "content-type": ct },
    }).formData();
    const files: UploadedFile[] = [];
    let json: unknown;
    let badJson = false;
    for (const [field, value] of form.entries()) {
      if (typeof value === "string") {
        if (field === "payload_json") {
          try {
            json = JSON.parse(value);
          } catch {
            badJson = true;
          }
        }
        continue;
      }
      const bytes = new Uint8Array(await value.arrayBuffer());
      files.push({
        field,
        filename: value.name,
        contentType: value.type,
        size: bytes.byteLength,
        bytes,
      });
    }
    return { json, files, badJson };
  }
  try {
    return { json: JSON.parse(raw.toString("utf8")), files: [], badJson: false };
  } catch {
    return { json: undefined, files: [], badJson: true };
  }
}

/** Writes a reply (JSON bodies get `Content-Type: application/json`). */
export function send(res: ServerResponse, reply: Reply): void {
  const headers: Record<string, string> = { ...(reply.headers ?? {}) };
  if (reply.status === 204 || reply.body === undefined) {
    res.writeHead(reply.status, headers);
    res.end();
    return;
  }
  if (reply.body instanceof Uint8Array) {
    res.writeHead(reply.status, headers);
    res.end(reply.body);
    return;
  }
  headers["content-type"] = "application/json";
  res.writeHead(reply.status, headers);
  res.end(JSON.stringify(reply.body));
}

/** A JSON 200 reply. */
export function ok(body: unknown, status = 200): Reply {
  return { status, body };
}

/** A Discord error reply `{code, message}`. */
export function error(status: number, code: number, message: string, errors?: unknown): Reply {
  return { status, body: { message, code, ...(errors ? { errors } : {}) } };
}

/** Discord's nested `errors` object for 50035: `{content: {_errors: [{code, message}]}}`. */
export function nestErrors(problems: Problem[]): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const p of problems) {
    let node = root;
    for (const key of p.path.split(".").filter(Boolean)) {
      node[key] ??= {};
      node = node[key] as Record<string, unknown>;
    }
    if (!Array.isArray(node._errors)) node._errors = [];
    (node._errors as unknown[]).push({
      code: p.rule.toUpperCase().replace(/-/g, "_"),
      message: p.message,
    });
  }
  return root;
}

/** Schema issues as problems (400 / 50035, rule "schema"). */
export function schemaProblems(issues: SchemaIssue[], prefix = ""): Problem[] {
  return issues.map((i) => ({
    rule: "schema",
    path: prefix && i.path ? `${prefix}.${i.path}` : prefix || i.path,
    message: `${i.path || "(body)"}: ${i.message}`,
    status: 400,
    code: INVALID_FORM_BODY,
  }));
}

/** Prefixes problem paths (e.g. "data" for callback bodies). */
export function prefixProblems(problems: Problem[], prefix: string): Problem[] {
  return problems.map((p) => ({ ...p, path: p.path ? `${prefix}.${p.path}` : prefix }));
}

/**
 * Records every problem as a violation and builds Discord's answer: 413/40005 if a file is too
 * large, else the first problem's status and code (50035 with the nested `errors`).
 */
export function refuse(ctx: RequestContext, problems: Problem[], interactionId?: string): Reply {
  for (const p of problems) {
    ctx.state.violate({
      rule: p.rule,
      message: p.path ? `${p.path}: ${p.message}` : p.message,
      method: ctx.record.method,
      path: ctx.record.path,
      status: p.status,
      code: p.code,
      ...(interactionId ? { interactionId } : {}),
    });
  }
  const first = problems.find((p) => p.status === 413) ?? problems[0];
  if (!first) throw new Error("refuse() needs at least one problem");
  if (first.code === INVALID_FORM_BODY) {
    return error(first.status, first.code, "Invalid Form Body", nestErrors(problems));
  }
  return error(first.status, first.code, first.message);
}

/** Records one violation and answers with Discord's error. */
export function violation(
  ctx: RequestContext,
  rule: string,
  status: number,
  code: number,
  message: string,
  interactionId?: string,
): Reply {
  return refuse(ctx, [{ rule, path: "", message, status, code }], interactionId);
}
