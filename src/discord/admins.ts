// Who may use the admin commands (/usage, /info member:): members with Manage Server or
// Administrator, plus the policy's `admins` roles.
import { type Interaction, PermissionFlagsBits } from "discord.js";
import { hasAdminRole } from "../policy/limits.js";
import type { Policy } from "../policy/policy.js";
import { roleIdsOf } from "./roles.js";

/** Manage Server or Administrator in these permissions, or one of the policy's admin roles. */
export function isAdminBy(
  permissions: bigint | null,
  roleIds: readonly string[],
  policy: Policy,
): boolean {
  const wanted = PermissionFlagsBits.ManageGuild | PermissionFlagsBits.Administrator;
  if (permissions !== null && (permissions & wanted) !== 0n) return true;
  return hasAdminRole(policy, roleIds);
}

/** Whether the member behind the interaction is an admin of the bot in this server. */
export function isAdmin(interaction: Interaction, policy: Policy): boolean {
  if (!interaction.inGuild()) return false;
  const permissions = interaction.memberPermissions?.bitfield ?? null;
  return isAdminBy(permissions, roleIdsOf(interaction.member), policy);
}
