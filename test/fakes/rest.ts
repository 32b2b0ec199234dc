/**
 * The fake REST API under `/api/v10` plus the CDN routes (`/cdn/…`, `/media/…`): routing,
 * request recording, fault injection, and the bot-token routes (gateway, users, applications,
 * commands, channels). Interaction routes live in webhooks.ts.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { commandProblems, echoCommands, listProblems } from "./commands.js";
import type { Faults } from "./faults.js";
import {
  error,
  ok,
  parseBody,
  type Reply,
  type RequestContext,
  readBody,
  refuse,
  schemaProblems,
  send,
  violation,
} from "./http.js";
import { randomHex, snowflake } from "./ids.js";
import { createMessage, editMessage, existingOf, toApiMessage } from "./messages.js";
import { unknownMessage } from "./moderation.js";
import { botCan, channelPayload, type Needs, permissionRefusal } from "./permissions.js";
import { MAX_REQUEST_BYTES, messageProblems, type Problem } from "./rules.js";
import { validateBody } from "./schema.js";
import type { FakeChannel, FakeState, RecordedRequest, RegisteredCommand } from "./state.js";
import { interactionCallback, webhookFollowUp, webhookMessage } from "./webhooks.js";

type Json = Record<string, unknown>;
type Handler = (ctx: RequestContext, params: string[]) => Reply | Promise<Reply>;

const UNKNOWN_CHANNEL = 10003;
const UNKNOWN_MESSAGE = 10008;
const CANNOT_DM = 50007;
const UNKNOWN_GUILD = 10004;
const UNKNOWN_MEMBER = 10007;
const ID = "(\\d{17,20})";

/** The route table: method, path pattern (below /api/v10), handler. */
function routes(gatewayUrl: () => string): [string, RegExp, Handler][] {
  const r = (pattern: string) => new RegExp(`^${pattern}$`);
  return [
    ["GET", r("/gateway/bot"), (ctx) => ok(gatewayBot(gatewayUrl(), ctx.state))],
    ["GET", r("/gateway"), () => ok({ url: gatewayUrl() })],
    ["GET", r("/users/@me"), (ctx) => botOnly(ctx, () => ok(ctx.state.botUser))],
    ["GET", r(`/users/${ID}`), (ctx, [u]) => botOnly(ctx, () => getUser(ctx, u ?? ""))],
    ["GET", r("/applications/@me"), (ctx) => botOnly(ctx, () => ok(application(ctx.state)))],
    [
      "GET",
      r(`/applications/${ID}/commands`),
      (ctx, [app]) => botOnly(ctx, () => getCommands(ctx, app)),
    ],
    [
      "PUT",
      r(`/applications/${ID}/commands`),
      (ctx, [app]) => botOnly(ctx, () => putCommands(ctx, app)),
    ],
    [
      "POST",
      r(`/applications/${ID}/commands`),
      (ctx, [app]) => botOnly(ctx, () => postCommand(ctx, app)),
    ],
    [
      "GET",
      r(`/applications/${ID}/guilds/${ID}/commands`),
      (ctx, [app, guild]) => botOnly(ctx, () => getCommands(ctx, app, guild)),
    ],
    [
      "PUT",
      r(`/applications/${ID}/guilds/${ID}/commands`),
      (ctx, [app, guild]) => botOnly(ctx, () => putCommands(ctx, app, guild)),
    ],
    [
      "POST",
      r(`/applications/${ID}/guilds/${ID}/commands`),
      (ctx, [app, guild]) => botOnly(ctx, () => postCommand(ctx, app, guild)),
    ],
    [
      "POST",
      r(`/interactions/${ID}/([^/]+)/callback`),
      (ctx, [id, token]) => interactionCallback(ctx, id ?? "", token ?? ""),
    ],
    [
      "GET",
      r(`/webhooks/${ID}/([^/]+)/messages/(@original|\\d+)`),
      (ctx, [a, t, m]) => webhookMessage(ctx, a ?? "", t ?? "", m ?? ""),
    ],
    [
      "PATCH",
      r(`/webhooks/${ID}/([^/]+)/messages/(@original|\\d+)`),
      (ctx, [a, t, m]) => webhookMessage(ctx, a ?? "", t ?? "", m ?? ""),
    ],
    [
      "DELETE",
      r(`/webhooks/${ID}/([^/]+)/messages/(@original|\\d+)`),
      (ctx, [a, t, m]) => webhookMessage(ctx, a ?? "", t ?? "", m ?? ""),
    ],
    ["POST", r(`/webhooks/${ID}/([^/]+)`), (ctx, [a, t]) => webhookFollowUp(ctx, a ?? "", t ?? "")],
    [
      "GET",
      r(`/channels/${ID}`),
      (ctx, [c]) =>
        botOnly(ctx, () => withChannel(ctx, c, (ch) => ok(channelPayload(ctx.state, ch)))),
    ],
    [
      "GET",
      r(`/channels/${ID}/messages`),
      (ctx, [c]) => botOnly(ctx, () => withChannel(ctx, c, (ch) => listMessages(ctx, ch))),
    ],
    [
      "POST",
      r(`/channels/${ID}/messages`),
      (ctx, [c]) =>
        botOnly(ctx, () =>
          withChannel(ctx, c, (ch) => postMessage(ctx, ch), {
            send: true,
            files: ctx.files.length > 0,
          }),
        ),
    ],
    [
      "GET",
      r(`/channels/${ID}/messages/${ID}`),
      (ctx, [c, m]) =>
        botOnly(ctx, () => withChannel(ctx, c, (ch) => channelMessage(ctx, ch, m ?? ""))),
    ],
    [
      "PATCH",
      r(`/channels/${ID}/messages/${ID}`),
      (ctx, [c, m]) =>
        botOnly(ctx, () =>
          withChannel(ctx, c, (ch) => channelMessage(ctx, ch, m ?? ""), {
            files: ctx.files.length > 0,
          }),
        ),
    ],
    [
      "DELETE",
      r(`/channels/${ID}/messages/${ID}`),
      (ctx, [c, m]) =>
        botOnly(ctx, () => withChannel(ctx, c, (ch) => channelMessage(ctx, ch, m ?? ""))),
    ],
    [
      "POST",
      r(`/channels/${ID}/typing`),
      (ctx, [c]) =>
        botOnly(ctx, () => withChannel(ctx, c, () => ({ status: 204 }), { send: true })),
    ],
    ["POST", r("/users/@me/channels"), (ctx) => botOnly(ctx, () => openDm(ctx))],
    [
      "GET",
      r(`/guilds/${ID}/members/${ID}`),
      (ctx, [g, u]) =>
        botOnly(ctx, () => withGuild(ctx, g, () => getMember(ctx, u ?? "", g ?? ""))),
    ],
    [
      "GET",
      r(`/guilds/${ID}/roles`),
      (ctx, [g]) =>
        botOnly(ctx, () => withGuild(ctx, g, () => ok(ctx.state.rolePayloadsOf(g ?? "")))),
    ],
    [
      "GET",
      r(`/guilds/${ID}/channels`),
      (ctx, [g]) =>
        botOnly(ctx, () =>
          withGuild(ctx, g, () =>
            ok(ctx.state.guildChannels(g).map((c, i) => channelPayload(ctx.state, c, i))),
          ),
        ),
    ],
  ];
}

function gatewayBot(url: string, state: FakeState): Json {
  return {
    url,
    shards: state.settings.recommendedShards,
    session_start_limit: {
      total: 1000,
      remaining: 1000,
      reset_after: 86_400_000,
      max_concurrency: 1,
    },
  };
}

function application(state: FakeState): Json {
  return {
    id: state.applicationId,
    name: state.botUser.username,
    icon: null,
    description: "",
    summary: "",
    type: null,
    bot: state.botUser,
    bot_public: true,
    bot_require_code_grant: false,
    verify_key: randomHex(32),
    flags: 0,
    team: null,
    owner: state.users.alice,
    approximate_guild_count: 1,
    interactions_endpoint_url: null,
    integration_types_config: { "0": {} },
  };
}

/** Bot-token routes need `Authorization: Bot <token>`. */
function botOnly(ctx: RequestContext, next: () => Reply): Reply {
  if (ctx.record.auth !== `Bot ${ctx.state.settings.botToken}`) {
    return violation(ctx, "unauthorized", 401, 0, "401: Unauthorized");
  }
  return next();
}

/**
 * Resolves the channel and checks the bot's permissions there: a channel a moderator deleted
 * answers 10003 (not a violation: the bot could not know), an id never seen is a violation.
 */
function withChannel(
  ctx: RequestContext,
  id: string | undefined,
  next: (ch: FakeChannel) => Reply,
  needs: Needs = {},
): Reply {
  if (id && ctx.state.deletedChannels.has(id)) {
    return error(404, UNKNOWN_CHANNEL, "Unknown Channel");
  }
  const ch = id ? ctx.state.channels.get(id) : undefined;
  if (!ch) return violation(ctx, "unknown-channel", 404, UNKNOWN_CHANNEL, "Unknown Channel");
  return permissionRefusal(ctx, ch, needs) ?? next(ch);
}

function listMessages(ctx: RequestContext, ch: FakeChannel): Reply {
  if (!botCan(ctx.state, ch, "READ_MESSAGE_HISTORY")) return ok([]);
  const limit = Math.min(Number(ctx.record.query.limit ?? 50) || 50, 100);
  const list = [...ctx.state.messages.values()]
    .filter((m) => m.channelId === ch.id && !m.deleted && !m.ephemeral)
    .sort((a, b) => (BigInt(b.id) > BigInt(a.id) ? 1 : -1))
    .slice(0, limit);
  return ok(list.map((m) => toApiMessage(ctx.state, m)));
}

function postMessage(ctx: RequestContext, ch: FakeChannel): Reply {
  if (ctx.badJson)
    return violation(ctx, "invalid-json", 400, 50109, "The request body contains invalid JSON.");
  if (ch.type === 1 && ctx.state.closedDms.has(ch.recipientId ?? "")) {
    return error(403, CANNOT_DM, "Cannot send messages to this user");
  }
  const body = ctx.body ?? {};
  const problems = [
    ...schemaProblems(validateBody("MessageCreateRequest", body)),
    ...messageProblems(body, {
      create: true,
      files: ctx.files,
      sizeLimit: ctx.state.settings.attachmentSizeLimit,
    }),
  ];
  if (problems.length > 0) return refuse(ctx, problems);
  const msg = createMessage(ctx.state, {
    channelId: ch.id,
    body,
    files: ctx.files,
    via: "channel",
    type: body.message_reference ? 19 : 0,
  });
  return ok(toApiMessage(ctx.state, msg));
}

function channelMessage(ctx: RequestContext, ch: FakeChannel, id: string): Reply {
  const { state } = ctx;
  const msg = state.messages.get(id);
  if (!msg || msg.deleted || msg.channelId !== ch.id) {
    return unknownMessage(ctx, msg, "Unknown Message");
  }
  if (msg.ephemeral) {
    return violation(
      ctx,
      "ephemeral-via-channel",
      404,
      UNKNOWN_MESSAGE,
      "Unknown Message (ephemeral messages are not reachable through channel routes)",
    );
  }
  const method = ctx.record.method;
  if (method === "GET") return ok(toApiMessage(state, msg));
  if (method === "DELETE") {
    msg.deleted = true;
    msg.deletedBy = "bot";
    state.changed();
    return { status: 204 };
  }
  if (ctx.badJson)
    return violation(ctx, "invalid-json", 400, 50109, "The request body contains invalid JSON.");
  const body = ctx.body ?? {};
  const problems = [
    ...schemaProblems(validateBody("MessageEditRequestPartial", body)),
    ...messageProblems(body, {
      create: false,
      files: ctx.files,
      sizeLimit: state.settings.attachmentSizeLimit,
      ...existingOf(msg),
    }),
  ];
  if (problems.length > 0) return refuse(ctx, problems);
  return ok(toApiMessage(state, editMessage(state, msg, body, ctx.files, "channel")));
}

/** A guild of the fake's, or Discord's 404 / 10004 (a violation: the bot knows its guilds). */
function withGuild(ctx: RequestContext, id: string | undefined, next: () => Reply): Reply {
  if (!ctx.state.hasGuild(id))
    return violation(ctx, "unknown-guild", 404, UNKNOWN_GUILD, "Unknown Guild");
  return next();
}

/** A guild member; one who is not (or no longer) there is 404 / 10007, not a mistake. */
function getMember(ctx: RequestContext, id: string, guildId: string): Reply {
  const { state } = ctx;
  const user = id === state.botUser.id ? state.botUser : state.members().find((u) => u.id === id);
  return user
    ? ok({ ...state.memberPayload(user), roles: state.rolesIn(user.id, guildId) })
    : error(404, UNKNOWN_MEMBER, "Unknown Member");
}

function getUser(ctx: RequestContext, id: string): Reply {
  const { state } = ctx;
  if (id === state.botUser.id) return ok(state.botUser);
  const user = state.members().find((u) => u.id === id);
  return user ? ok(user) : violation(ctx, "unknown-user", 404, 10013, "Unknown User");
}

function openDm(ctx: RequestContext): Reply {
  const problems = schemaProblems(validateBody("CreatePrivateChannelRequest", ctx.body ?? {}));
  if (problems.length > 0) return refuse(ctx, problems);
  const recipient = String(ctx.body?.recipient_id ?? "");
  let user: ReturnType<FakeState["user"]>;
  try {
    user = ctx.state.user(recipient);
  } catch {
    return violation(ctx, "unknown-user", 400, 50035, `Unknown user ${recipient}`);
  }
  let ch = [...ctx.state.channels.values()].find((c) => c.type === 1 && c.recipientId === user.id);
  if (!ch) {
    ch = { id: snowflake(), type: 1, name: user.username, recipientId: user.id };
    ctx.state.channels.set(ch.id, ch);
  }
  return ok(channelPayload(ctx.state, ch));
}

function checkApp(ctx: RequestContext, app: string | undefined, guild?: string): Reply | undefined {
  if (app !== ctx.state.applicationId) {
    return violation(ctx, "unknown-application", 404, 10002, "Unknown Application");
  }
  if (guild !== undefined && !ctx.state.hasGuild(guild)) {
    return violation(ctx, "unknown-guild", 404, 10004, "Unknown Guild");
  }
  return undefined;
}

function commandsOf(state: FakeState, guild?: string): RegisteredCommand[] | undefined {
  return guild ? state.guildCommands.get(guild) : state.globalCommands;
}

function setCommands(state: FakeState, list: RegisteredCommand[], guild?: string): void {
  if (guild) state.guildCommands.set(guild, list);
  else state.globalCommands = list;
  state.changed();
}

function getCommands(ctx: RequestContext, app?: string, guild?: string): Reply {
  return checkApp(ctx, app, guild) ?? ok(commandsOf(ctx.state, guild) ?? []);
}

function validateCommands(cmds: Json[], offset = 0): Problem[] {
  const problems: Problem[] = [];
  cmds.forEach((c, i) => {
    const path = String(i + offset);
    problems.push(...schemaProblems(validateBody("ApplicationCommandCreateRequest", c), path));
    problems.push(...commandProblems(c, path));
  });
  return problems;
}

function putCommands(ctx: RequestContext, app?: string, guild?: string): Reply {
  const bad = checkApp(ctx, app, guild);
  if (bad) return bad;
  const raw = ctx.record.json;
  if (!Array.isArray(raw))
    return violation(
      ctx,
      "schema",
      400,
      50035,
      "The bulk overwrite body must be an array of commands",
    );
  const cmds = raw as Json[];
  const problems = [...validateCommands(cmds), ...listProblems(cmds)];
  if (problems.length > 0) return refuse(ctx, problems);
  const list = echoCommands(cmds, commandsOf(ctx.state, guild), ctx.state.applicationId, guild);
  setCommands(ctx.state, list, guild);
  return ok(list);
}

function postCommand(ctx: RequestContext, app?: string, guild?: string): Reply {
  const bad = checkApp(ctx, app, guild);
  if (bad) return bad;
  const cmd = ctx.body ?? {};
  const problems = validateCommands([cmd]).map((p) => ({
    ...p,
    path: p.path.replace(/^0\.?/, ""),
  }));
  if (problems.length > 0) return refuse(ctx, problems);
  const before = commandsOf(ctx.state, guild) ?? [];
  const [echoed] = echoCommands([cmd], before, ctx.state.applicationId, guild);
  if (!echoed) return error(500, 0, "unreachable");
  const exists = before.some((c) => c.id === echoed.id);
  setCommands(ctx.state, [...before.filter((c) => c.id !== echoed.id), echoed], guild);
  return ok(echoed, exists ? 200 : 201);
}

function serveCdn(state: FakeState, path: string, method: string): Reply {
  // /cdn/attachments/{channel}/{id}/{filename} or /media/attachments/…
  const m = /^\/(?:cdn|media)\/attachments\/(\d+)\/(\d+)\/([^/]+)$/.exec(path);
  const att = m ? state.uploads.get(m[2] ?? "") : undefined;
  if (!m || !att || att.filename !== m[3]) {
    return {
      status: 404,
      body: Buffer.from("Not Found"),
      headers: { "content-type": "text/plain" },
    };
  }
  state.downloads.push({ path, attachmentId: att.id, at: Date.now() });
  state.changed();
  const headers = { "content-type": att.contentType, "content-length": String(att.size) };
  return method === "HEAD" ? { status: 200, headers } : { status: 200, body: att.bytes, headers };
}

function decodePath(pathname: string): string {
  return pathname
    .split("/")
    .map((s) => {
      try {
        return decodeURIComponent(s);
      } catch {
        return s;
      }
    })
    .join("/");
}

/** Builds the HTTP request listener of the fake. */
export function createRestHandler(
  state: FakeState,
  faults: Faults,
  gatewayUrl: () => string,
): (req: IncomingMessage, res: ServerResponse) => void {
  const table = routes(gatewayUrl);
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://fake");
    const method = (req.method ?? "GET").toUpperCase();
    const raw = await readBody(req);
    if (url.pathname.startsWith("/cdn/") || url.pathname.startsWith("/media/")) {
      send(res, serveCdn(state, url.pathname, method));
      return;
    }
    const prefix = "/api/v10";
    const path = url.pathname.startsWith(prefix)
      ? decodePath(url.pathname.slice(prefix.length))
      : url.pathname;
    const parsed = await parseBody(raw, req.headers["content-type"]).catch(() => ({
      json: undefined,
      files: [],
      badJson: true,
    }));
    const record: RecordedRequest = {
      method,
      path,
      query: Object.fromEntries(url.searchParams),
      auth: req.headers.authorization,
      json: parsed.json,
      files: parsed.files,
      status: 0,
      at: Date.now(),
    };
    state.requests.push(record);
    const ctx: RequestContext = {
      state,
      record,
      body:
        parsed.json && typeof parsed.json === "object" && !Array.isArray(parsed.json)
          ? (parsed.json as Json)
          : undefined,
      files: parsed.files,
      size: raw.length,
      badJson: parsed.badJson,
    };
    let reply: Reply;
    const injected = faults.take(record);
    if (injected) {
      reply = injected;
    } else if (!url.pathname.startsWith(`${prefix}/`)) {
      reply = violation(
        ctx,
        "unknown-route",
        404,
        0,
        `404: Not Found (${method} ${url.pathname}; the API lives under ${prefix})`,
      );
    } else if (raw.length > MAX_REQUEST_BYTES) {
      reply = violation(ctx, "request-too-large", 413, 40005, "Request entity too large");
    } else {
      const match = table
        .map(([m, re, h]) => ({ m, h, groups: re.exec(path) }))
        .filter((x) => x.groups);
      const route = match.find((x) => x.m === method);
      if (route?.groups) {
        // handlers are synchronous: the status is recorded before anyone sees the new state
        const out = route.h(
          ctx,
          route.groups.slice(1).map((g) => g ?? ""),
        );
        reply = out instanceof Promise ? await out : out;
      } else if (match.length > 0) {
        reply = violation(
          ctx,
          "unknown-route",
          405,
          0,
          `405: Method Not Allowed (${method} ${path})`,
        );
      } else {
        reply = violation(ctx, "unknown-route", 404, 0, `404: Not Found (${method} ${path})`);
      }
    }
    record.status = reply.status;
    const code = (reply.body as Json | undefined)?.code;
    if (typeof code === "number" && reply.status >= 400) record.code = code;
    state.changed();
    send(res, reply);
  };
  return (req, res) => {
    handle(req, res).catch((err: unknown) => {
      const message = err instanceof Error ? (err.stack ?? err.message) : String(err);
      state.violate({
        rule: "fake-crashed",
        message,
        method: req.method ?? "",
        path: req.url ?? "",
        status: 500,
        code: 0,
      });
      if (!res.headersSent)
        send(res, { status: 500, body: { message: "fake discord crashed", code: 0 } });
      else res.end();
    });
  };
}
