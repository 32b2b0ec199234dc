/**
 * What a server's moderators and members do to the bot's world behind its back — delete a
 * message, deny the bot permissions in a channel, delete a channel, close their DMs — and
 * how Discord answers the bot afterwards. None of it is the bot's mistake, so the first
 * answer is not a violation; asking again about a message Discord already called unknown is.
 */
import { error, type Reply, type RequestContext, violation } from "./http.js";
import { bitsOf, channelPayload, type PermissionName } from "./permissions.js";
import type { FakeMessage, FakeState } from "./state.js";

type Json = Record<string, unknown>;

const UNKNOWN_MESSAGE = 10008;

/** A moderator deletes a message (the bot has no GUILD_MESSAGES intent: no event reaches it). */
export function deleteMessage(state: FakeState, id: string): FakeMessage {
  const msg = state.messages.get(id);
  if (!msg || msg.deleted) throw new Error(`fake discord: no message ${id} to delete`);
  if (msg.ephemeral)
    throw new Error("fake discord: a moderator cannot delete an ephemeral message");
  msg.deleted = true;
  msg.deletedBy = "moderator";
  state.changed();
  return msg;
}

/**
 * An admin adds a member overwrite denying the bot these permissions in a guild channel.
 * Returns the CHANNEL_UPDATE payload to dispatch.
 */
export function denyBotPermissions(
  state: FakeState,
  channelId: string,
  names: readonly PermissionName[],
): Json {
  const ch = state.channels.get(channelId);
  if (!ch || ch.type === 1) throw new Error(`fake discord: no guild channel ${channelId}`);
  ch.botDeny = (ch.botDeny ?? 0n) | bitsOf(names);
  state.changed();
  return channelPayload(state, ch);
}

/** An admin lifts the bot's overwrite (or some of its denials). Returns the CHANNEL_UPDATE payload. */
export function allowBotPermissions(
  state: FakeState,
  channelId: string,
  names?: readonly PermissionName[],
): Json {
  const ch = state.channels.get(channelId);
  if (!ch || ch.type === 1) throw new Error(`fake discord: no guild channel ${channelId}`);
  ch.botDeny = names ? (ch.botDeny ?? 0n) & ~bitsOf(names) : 0n;
  state.changed();
  return channelPayload(state, ch);
}

/** A moderator deletes a guild channel and its messages. Returns the CHANNEL_DELETE payload. */
export function deleteChannel(state: FakeState, channelId: string): Json {
  const ch = state.channels.get(channelId);
  if (!ch || ch.type === 1) throw new Error(`fake discord: no guild channel ${channelId}`);
  const payload = channelPayload(state, ch);
  state.channels.delete(channelId);
  state.deletedChannels.set(channelId, ch);
  for (const msg of state.messages.values()) {
    if (msg.channelId === channelId && !msg.deleted) {
      msg.deleted = true;
      msg.deletedBy = "moderator";
    }
  }
  state.changed();
  return payload;
}

/** The member turns off "Direct Messages" from server members: DMs to them answer 50007. */
export function closeDms(state: FakeState, user: string): void {
  state.closedDms.add(state.user(user).id);
  state.changed();
}

/**
 * Discord's 404 / 10008 for a message that is not there. The first answer about a message a
 * moderator deleted is how the bot learns it; any other is a violation.
 */
export function unknownMessage(
  ctx: RequestContext,
  msg: FakeMessage | undefined,
  message: string,
  interactionId?: string,
): Reply {
  if (msg?.deleted && msg.deletedBy === "moderator" && !msg.goneAnswered) {
    msg.goneAnswered = true;
    return error(404, UNKNOWN_MESSAGE, message);
  }
  const again = msg?.goneAnswered ? " (already answered 10008 for this deleted message)" : "";
  return violation(
    ctx,
    "unknown-message",
    404,
    UNKNOWN_MESSAGE,
    `${message}${again}`,
    interactionId,
  );
}
