// A member's effective limits: the most generous of `members` and each of their roles;
// blocked roles, channels, allowed modes and commands, and the default speed's fallback.
import type { Limits, Policy, PolicyCommand, PolicyMode } from "./policy.js";
import { POLICY_COMMANDS, POLICY_MODES } from "./policy.js";

export interface EffectiveLimits {
  /** A role in `blocked_roles`: the member may not spend at all. */
  blocked: boolean;
  /** Credits per day / month; undefined = no limit. */
  daily?: number;
  monthly?: number;
  /** Jobs in flight at once; undefined = no limit. */
  concurrent?: number;
  /** Seconds between the starts of two jobs (0 = none). */
  cooldownSeconds: number;
  /** In order of preference: `members.modes`, then what roles add. */
  modes: PolicyMode[];
  commands: PolicyCommand[];
}

/** Larger is more generous; absent (no limit) is the most generous of all. */
function most(values: Array<number | undefined>): number | undefined {
  if (values.some((v) => v === undefined)) return undefined;
  return Math.max(...(values as number[]));
}

/** `members` plus the member's roles that the policy names, in the policy's order. */
function grants(policy: Policy, roleIds: readonly string[]): Limits[] {
  const mine = new Set(roleIds);
  return [policy.members, ...[...policy.roles].filter(([id]) => mine.has(id)).map(([, l]) => l)];
}

/** Union of the lists, in order of appearance: `members` first, then what roles add. */
function union<T extends string>(lists: Array<T[] | undefined>, all: readonly T[]): T[] {
  // `members` without the key allows everything; a role without the key adds nothing.
  const [base, ...roles] = lists;
  const out: T[] = [...(base ?? all)];
  for (const list of roles) for (const v of list ?? []) if (!out.includes(v)) out.push(v);
  return out;
}

export function effectiveLimits(policy: Policy, roleIds: readonly string[]): EffectiveLimits {
  const gs = grants(policy, roleIds);
  // A number only a role sets is no lower bound: `members` without it is already unlimited.
  const pick = (key: "daily" | "monthly" | "concurrent") =>
    most(gs.filter((g, i) => i === 0 || g[key] !== undefined).map((g) => g[key]));
  const cooldowns = gs
    .filter((g, i) => i === 0 || g.cooldownSeconds !== undefined)
    .map((g) => g.cooldownSeconds ?? 0);
  const limits: EffectiveLimits = {
    blocked: roleIds.some((id) => policy.blockedRoles.includes(id)),
    cooldownSeconds: Math.min(...cooldowns),
    modes: union(
      gs.map((g) => g.modes),
      POLICY_MODES,
    ),
    commands: union(
      gs.map((g) => g.commands),
      POLICY_COMMANDS,
    ),
  };
  const daily = pick("daily");
  const monthly = pick("monthly");
  const concurrent = pick("concurrent");
  if (daily !== undefined) limits.daily = daily;
  if (monthly !== undefined) limits.monthly = monthly;
  if (concurrent !== undefined) limits.concurrent = concurrent;
  return limits;
}

/**
 * Where jobs may start: everywhere when `channels` is empty; a thread counts as its
 * parent channel.
 */
export function channelAllowed(
  policy: Policy,
  channelId: string,
  parentId?: string | null,
): boolean {
  if (policy.channels.length === 0) return true;
  return (
    policy.channels.includes(channelId) || (parentId != null && policy.channels.includes(parentId))
  );
}

/** The mode a job runs in: the one wanted if allowed, else the first allowed; null if none. */
export function fallbackMode(
  limits: Pick<EffectiveLimits, "modes">,
  wanted: PolicyMode | null | undefined,
): PolicyMode | null {
  if (wanted && limits.modes.includes(wanted)) return wanted;
  return limits.modes[0] ?? null;
}

/** Admin roles of the policy (besides Manage Server / Administrator). */
export function hasAdminRole(policy: Policy, roleIds: readonly string[]): boolean {
  return roleIds.some((id) => policy.adminRoles.includes(id));
}
