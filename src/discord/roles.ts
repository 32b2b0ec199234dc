// A member's role ids, however an interaction carries the member: a cached GuildMember, the
// API's member with `roles: string[]`, or a resolved USER option's member.
import type {
  APIInteractionDataResolvedGuildMember,
  APIInteractionGuildMember,
  GuildMember,
} from "discord.js";

type AnyMember =
  | GuildMember
  | APIInteractionGuildMember
  | APIInteractionDataResolvedGuildMember
  | null
  | undefined;

/** The role ids of a member, however the interaction carries it (none outside a server). */
export function roleIdsOf(member: AnyMember): string[] {
  if (!member) return [];
  const roles = member.roles as GuildMember["roles"] | string[];
  if (Array.isArray(roles)) return [...roles];
  // discord.js keeps the ids Discord sent in `_roles`; `roles.cache` drops any role the
  // guild's cache has not seen yet.
  const sent = (member as unknown as { _roles?: unknown })._roles;
  if (Array.isArray(sent)) return sent.filter((id): id is string => typeof id === "string");
  return [...roles.cache.keys()];
}
