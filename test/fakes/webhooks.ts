/**
 * Interaction routes: `POST /interactions/{id}/{token}/callback` and the interaction webhook
 * routes `/webhooks/{app}/{token}[/messages/@original|{id}]`, with Discord's timing rules
 * (3 s first callback, one callback, 15 min token) and message rules.
 */
import {
  error,
  ok,
  prefixProblems,
  type Reply,
  type RequestContext,
  refuse,
  schemaProblems,
  violation,
} from "./http.js";
import {
  createMessage,
  editMessage,
  existingOf,
  FLAG_COMPONENTS_V2,
  toApiMessage,
} from "./messages.js";
import { unknownMessage } from "./moderation.js";
import {
  deferProblems,
  INVALID_FORM_BODY,
  messageProblems,
  modalProblems,
  type Problem,
} from "./rules.js";
import { validateBody, validateCallback } from "./schema.js";
import type { CallbackRecord, FakeMessage, InteractionRecord } from "./state.js";

type Json = Record<string, unknown>;

const UNKNOWN_INTERACTION = 10062;
const ALREADY_ACKNOWLEDGED = 40060;
const INVALID_WEBHOOK_TOKEN = 50027;
const UNKNOWN_WEBHOOK = 10015;
const UNKNOWN_CHANNEL = 10003;

/** Callback types each interaction type may answer with (before the message check). */
const ALLOWED_CALLBACKS: Record<number, number[]> = {
  1: [1],
  2: [4, 5, 9],
  3: [4, 5, 6, 7, 9],
  4: [8],
  5: [4, 5, 6, 7],
};

function badJson(ctx: RequestContext, interactionId?: string): Reply | undefined {
  if (ctx.badJson) {
    return violation(
      ctx,
      "invalid-json",
      400,
      50109,
      "The request body contains invalid JSON.",
      interactionId,
    );
  }
  return undefined;
}

function attempt(rec: InteractionRecord, ctx: RequestContext, now: number): CallbackRecord {
  const body = ctx.body ?? {};
  const record: CallbackRecord = {
    type: typeof body.type === "number" ? body.type : -1,
    body,
    files: ctx.files,
    at: now,
    latencyMs: now - rec.dispatchedAt,
    status: 0,
    accepted: false,
  };
  rec.attempts.push(record);
  return record;
}

function settle(ctx: RequestContext, record: CallbackRecord, reply: Reply): Reply {
  record.status = reply.status;
  const code = (reply.body as Json | undefined)?.code;
  if (typeof code === "number") record.code = code;
  ctx.state.changed();
  return reply;
}

/** `POST /interactions/{id}/{token}/callback` */
export function interactionCallback(ctx: RequestContext, id: string, token: string): Reply {
  const { state } = ctx;
  const now = Date.now();
  const rec = state.interactions.get(id);
  if (!rec || rec.token !== token) {
    return violation(ctx, "unknown-interaction", 404, UNKNOWN_INTERACTION, "Unknown interaction");
  }
  const record = attempt(rec, ctx, now);
  const refused = (reply: Reply) => settle(ctx, record, reply);
  const bad = badJson(ctx, rec.id);
  if (bad) return refused(bad);
  const body = ctx.body ?? {};
  const type = record.type;

  if (rec.acked) {
    const rule = type === 9 ? "modal-not-first" : "double-ack";
    return refused(
      violation(
        ctx,
        rule,
        400,
        ALREADY_ACKNOWLEDGED,
        "Interaction has already been acknowledged.",
        rec.id,
      ),
    );
  }
  if (rec.deadlineMissed || record.latencyMs > state.settings.callbackDeadlineMs) {
    rec.deadlineMissed = true;
    return refused(
      violation(
        ctx,
        "callback-late",
        404,
        UNKNOWN_INTERACTION,
        `Unknown interaction (first callback ${record.latencyMs} ms after dispatch; the limit is ${state.settings.callbackDeadlineMs} ms)`,
        rec.id,
      ),
    );
  }
  if (type === 9 && rec.type === 5) {
    return refused(
      violation(
        ctx,
        "modal-after-modal-submit",
        400,
        INVALID_FORM_BODY,
        "A modal submit cannot be answered with a modal",
        rec.id,
      ),
    );
  }
  const allowed = [...(ALLOWED_CALLBACKS[rec.type] ?? [])];
  if ((type === 6 || type === 7) && !rec.sourceMessageId) {
    return refused(
      violation(
        ctx,
        "callback-type-not-allowed",
        400,
        INVALID_FORM_BODY,
        `Callback type ${type} needs a message (only for components and modals opened from one)`,
        rec.id,
      ),
    );
  }
  if (!allowed.includes(type)) {
    return refused(
      violation(
        ctx,
        "callback-type-not-allowed",
        400,
        INVALID_FORM_BODY,
        `Callback type ${type} is not allowed for interaction type ${rec.type}`,
        rec.id,
      ),
    );
  }

  const data = (body.data ?? undefined) as Json | undefined;
  const source = rec.sourceMessageId ? state.messages.get(rec.sourceMessageId) : undefined;
  const problems: Problem[] = schemaProblems(validateCallback(body));
  if (type === 4 && data) {
    problems.push(
      ...prefixProblems(
        messageProblems(data, {
          create: true,
          files: ctx.files,
          sizeLimit: state.settings.attachmentSizeLimit,
        }),
        "data",
      ),
    );
  } else if (type === 4) {
    problems.push({
      rule: "empty-message",
      path: "data",
      message: "Cannot send an empty message",
      status: 400,
      code: 50006,
    });
  }
  if (type === 7 && data) {
    problems.push(
      ...prefixProblems(
        messageProblems(data, {
          create: false,
          files: ctx.files,
          sizeLimit: state.settings.attachmentSizeLimit,
          ...existingOf(source),
        }),
        "data",
      ),
    );
  }
  if (type === 5) problems.push(...deferProblems(data));
  if (type === 9 && data) problems.push(...modalProblems(data));
  if (type === 8 && data && Array.isArray(data.choices) && data.choices.length > 25) {
    problems.push({
      rule: "too-many-choices",
      path: "data.choices",
      message: "At most 25 choices",
      status: 400,
      code: INVALID_FORM_BODY,
    });
  }
  if (problems.length > 0) return refused(refuse(ctx, problems, rec.id));

  // accepted: apply it
  record.accepted = true;
  rec.acked = record;
  let message: FakeMessage | undefined;
  const visibleTo = rec.userId;
  switch (type) {
    case 4:
      message = createMessage(state, {
        channelId: rec.channelId,
        body: data ?? {},
        files: ctx.files,
        via: "callback",
        type: rec.type === 2 ? 20 : 0,
        interactionId: rec.id,
        visibleTo,
      });
      rec.originalMessageId = message.id;
      break;
    case 5: {
      message = createMessage(state, {
        channelId: rec.channelId,
        body: { flags: typeof data?.flags === "number" ? data.flags : 0 },
        files: [],
        via: "callback",
        type: rec.type === 2 ? 20 : 0,
        interactionId: rec.id,
        visibleTo,
        extraFlags: 128,
      });
      const placeholder = message.writes[0];
      if (placeholder) placeholder.kind = "defer";
      rec.originalMessageId = message.id;
      break;
    }
    case 6:
      rec.originalMessageId = rec.sourceMessageId;
      message = source;
      break;
    case 7:
      if (source) message = editMessage(state, source, data ?? {}, ctx.files, "callback");
      rec.originalMessageId = rec.sourceMessageId;
      break;
    case 8:
      rec.choices = Array.isArray(data?.choices) ? data.choices : [];
      break;
    case 9:
      rec.modal = data ?? {};
      break;
  }
  const reply: Reply =
    ctx.record.query.with_response === "true"
      ? ok({
          interaction: {
            id: rec.id,
            type: rec.type,
            ...(message
              ? {
                  response_message_id: message.id,
                  response_message_loading: message.loading,
                  response_message_ephemeral: message.ephemeral,
                }
              : {}),
          },
          resource: { type, ...(message ? { message: toApiMessage(state, message) } : {}) },
        })
      : { status: 204 };
  return settle(ctx, record, reply);
}

/** Token checks shared by every webhook route; returns the interaction or the error reply. */
function webhookInteraction(
  ctx: RequestContext,
  appId: string,
  token: string,
): InteractionRecord | Reply {
  const { state } = ctx;
  const rec = state.byToken.get(token);
  if (appId !== state.applicationId || !rec) {
    return violation(ctx, "unknown-webhook", 404, UNKNOWN_WEBHOOK, "Unknown Webhook");
  }
  const age = Date.now() - rec.dispatchedAt;
  const expired = rec.expiredByHand || age > state.settings.tokenLifetimeMs;
  if (expired) {
    const message = "Invalid Webhook Token";
    if (rec.answered50027) {
      return violation(
        ctx,
        "token-reused-after-50027",
        401,
        INVALID_WEBHOOK_TOKEN,
        `${message} (already answered 50027 for this token)`,
        rec.id,
      );
    }
    rec.answered50027 = true;
    if (rec.expiredByHand) return error(401, INVALID_WEBHOOK_TOKEN, message);
    return violation(
      ctx,
      "token-expired",
      401,
      INVALID_WEBHOOK_TOKEN,
      `${message} (token is ${age} ms old; it lives ${state.settings.tokenLifetimeMs} ms)`,
      rec.id,
    );
  }
  if (state.deletedChannels.has(rec.channelId)) {
    // the channel was deleted behind the bot's back: nothing can be shown there any more
    return error(404, UNKNOWN_CHANNEL, "Unknown Channel");
  }
  if (!rec.acked) {
    return violation(
      ctx,
      "webhook-before-ack",
      404,
      UNKNOWN_WEBHOOK,
      "Unknown Webhook (the interaction was not acknowledged)",
      rec.id,
    );
  }
  return rec;
}

/** `GET|PATCH|DELETE /webhooks/{app}/{token}/messages/{@original|id}` */
export function webhookMessage(
  ctx: RequestContext,
  appId: string,
  token: string,
  messageId: string,
): Reply {
  const { state } = ctx;
  const rec = webhookInteraction(ctx, appId, token);
  if (!("token" in rec)) return rec;
  const id = messageId === "@original" ? rec.originalMessageId : messageId;
  const own = id !== undefined && (id === rec.originalMessageId || rec.followUpIds.includes(id));
  const msg = own && id ? state.messages.get(id) : undefined;
  if (!msg || msg.deleted)
    return unknownMessage(ctx, msg, `Unknown Message (${messageId})`, rec.id);
  const method = ctx.record.method;
  if (method === "GET") return ok(toApiMessage(state, msg));
  if (method === "DELETE") {
    msg.deleted = true;
    msg.deletedBy = "bot";
    state.changed();
    return { status: 204 };
  }
  const bad = badJson(ctx, rec.id);
  if (bad) return bad;
  const body = ctx.body ?? {};
  const problems = [
    ...schemaProblems(validateBody("IncomingWebhookUpdateRequestPartial", body)),
    ...messageProblems(body, {
      create: false,
      files: ctx.files,
      sizeLimit: state.settings.attachmentSizeLimit,
      ...existingOf(msg),
    }),
  ];
  if (problems.length > 0) return refuse(ctx, problems, rec.id);
  return ok(toApiMessage(state, editMessage(state, msg, body, ctx.files, "webhook")));
}

/** `POST /webhooks/{app}/{token}` (follow-up message) */
export function webhookFollowUp(ctx: RequestContext, appId: string, token: string): Reply {
  const { state } = ctx;
  const rec = webhookInteraction(ctx, appId, token);
  if (!("token" in rec)) return rec;
  const bad = badJson(ctx, rec.id);
  if (bad) return bad;
  const body = ctx.body ?? {};
  const problems = [
    ...schemaProblems(validateBody("IncomingWebhookRequestPartial", body)),
    ...messageProblems(body, {
      create: true,
      files: ctx.files,
      sizeLimit: state.settings.attachmentSizeLimit,
    }),
  ];
  if (problems.length > 0) return refuse(ctx, problems, rec.id);
  const original = rec.originalMessageId ? state.messages.get(rec.originalMessageId) : undefined;
  let msg: FakeMessage;
  if (original?.loading && !original.deleted && rec.acked?.type === 5) {
    // after a deferred reply, the first follow-up replaces the "thinking" message
    // (ephemeral or not as the defer said; IS_COMPONENTS_V2, which a defer cannot set, it may)
    const { flags, ...rest } = body;
    const v2 = typeof flags === "number" ? flags & FLAG_COMPONENTS_V2 : 0;
    msg = editMessage(state, original, v2 ? { ...rest, flags: v2 } : rest, ctx.files, "webhook");
  } else {
    msg = createMessage(state, {
      channelId: rec.channelId,
      body,
      files: ctx.files,
      via: "webhook",
      interactionId: rec.id,
      visibleTo: rec.userId,
    });
    rec.followUpIds.push(msg.id);
  }
  return ctx.record.query.wait === "true" ? ok(toApiMessage(state, msg)) : { status: 204 };
}
