// Speed modes as they arrive from outside: an interaction's option, a stored preference, a
// stored job. A mode becomes a path segment of the proxy's URL (`/fast/mj/…`), so only the
// known ones are ever used; anything else is refused or replaced by the server's default.
import { MJ_MODES, type MjMode } from "../config.js";

/** The modes a member may choose, with the `mode` option or in /settings. */
export const MEMBER_MODES = ["fast", "relax", "turbo"] as const;
export type MemberMode = (typeof MEMBER_MODES)[number];

/** A member's choice of mode, or null when it is not one they can choose. */
export function memberMode(value: unknown): MemberMode | null {
  return (MEMBER_MODES as readonly unknown[]).includes(value) ? (value as MemberMode) : null;
}

/** A mode read back from the store, or null when it is not a known one. */
export function jobMode(value: unknown): MjMode | null {
  return (MJ_MODES as readonly unknown[]).includes(value) ? (value as MjMode) : null;
}
