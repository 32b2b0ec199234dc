/**
 * The bot's permissions in a channel, as Discord computes them for the bot-token channel
 * routes: the bot's role (`appPermissions`) minus what a member overwrite on the channel
 * denies it. Interaction webhooks need none of these (Discord lets an app answer an
 * interaction wherever it was used), so only the channel routes check them.
 *
 * What Discord refuses, and how:
 * - no View Channel: every channel route answers 403 / 50001 Missing Access;
 * - no Send Messages: creating a message answers 403 / 50013 Missing Permissions (editing
 *   the bot's own message still works: Send Messages only limits new messages);
 * - no Attach Files: a create or edit that uploads files answers 403 / 50013;
 * - no Read Message History: listing messages answers an empty list.
 * Refusals like these come from the world, not from a mistake of the bot, so they are not
 * violations; tests count them in `fake.requests`.
 */
import { error, type Reply, type RequestContext } from "./http.js";
import type { FakeChannel, FakeState } from "./state.js";

type Json = Record<string, unknown>;

/** The permissions the fake checks, by Discord's names (bit values from Discord's docs). */
export const PERMISSIONS = {
  VIEW_CHANNEL: 1n << 10n,
  SEND_MESSAGES: 1n << 11n,
  EMBED_LINKS: 1n << 14n,
  ATTACH_FILES: 1n << 15n,
  READ_MESSAGE_HISTORY: 1n << 16n,
} as const;

export type PermissionName = keyof typeof PERMISSIONS;

export const MISSING_ACCESS = 50001;
export const MISSING_PERMISSIONS = 50013;

/** The bits of these permission names. */
export function bitsOf(names: readonly PermissionName[]): bigint {
  return names.reduce((bits, name) => bits | PERMISSIONS[name], 0n);
}

/** The bot's permissions in a channel (a DM allows everything the fake checks). */
export function botPermissions(state: FakeState, ch: FakeChannel): bigint {
  if (ch.type === 1) return bitsOf(Object.keys(PERMISSIONS) as PermissionName[]);
  return BigInt(state.settings.appPermissions) & ~(ch.botDeny ?? 0n);
}

/** Whether the bot has this permission in the channel. */
export function botCan(state: FakeState, ch: FakeChannel, name: PermissionName): boolean {
  return (botPermissions(state, ch) & PERMISSIONS[name]) !== 0n;
}

/** The channel's permission overwrites as Discord's API shows them. */
export function overwritesOf(state: FakeState, ch: FakeChannel): Json[] {
  if (!ch.botDeny) return [];
  return [{ id: state.botUser.id, type: 1, allow: "0", deny: ch.botDeny.toString() }];
}

/** A guild channel or DM as Discord's API shows it. */
export function channelPayload(
  state: FakeState,
  ch: FakeChannel,
  position = Math.max(0, state.guildChannels(ch.guildId).indexOf(ch)),
): Json {
  if (ch.type === 1) {
    return {
      id: ch.id,
      type: 1,
      last_message_id: null,
      flags: 0,
      recipients: [state.user(ch.recipientId ?? "")],
    };
  }
  return {
    id: ch.id,
    type: ch.type,
    guild_id: ch.guildId,
    name: ch.name,
    position,
    permission_overwrites: overwritesOf(state, ch),
    nsfw: false,
    parent_id: null,
    topic: null,
    last_message_id: null,
    rate_limit_per_user: 0,
    flags: 0,
  };
}

/** What a channel-route request needs besides View Channel. */
export interface Needs {
  send?: boolean;
  files?: boolean;
}

/** Discord's 403 when the bot may not do this in the channel, else undefined. */
export function permissionRefusal(
  ctx: RequestContext,
  ch: FakeChannel,
  needs: Needs = {},
): Reply | undefined {
  const { state } = ctx;
  if (!botCan(state, ch, "VIEW_CHANNEL")) return error(403, MISSING_ACCESS, "Missing Access");
  if (needs.send && !botCan(state, ch, "SEND_MESSAGES"))
    return error(403, MISSING_PERMISSIONS, "Missing Permissions");
  if (needs.files && !botCan(state, ch, "ATTACH_FILES"))
    return error(403, MISSING_PERMISSIONS, "Missing Permissions");
  return undefined;
}
