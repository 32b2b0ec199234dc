// The typed spending policy, every default filled in. Without a file: nothing is limited.
import {
  COST_KEYS,
  type CostKey,
  type LimitsFile,
  POLICY_COMMANDS,
  POLICY_MODES,
  type PolicyCommand,
  type PolicyFile,
  type PolicyMode,
  type PolicyProblem,
} from "./schema.js";

/** Limits of one member (or granted by one role); an absent number means no limit. */
export interface Limits {
  daily?: number;
  monthly?: number;
  concurrent?: number;
  cooldownSeconds?: number;
  modes?: PolicyMode[];
  commands?: PolicyCommand[];
}

export interface Policy {
  /** Where it was read from; null when there is no file (nothing is limited). */
  source: string | null;
  timezone: string;
  costs: Record<CostKey, number>;
  modes: Record<PolicyMode, number>;
  members: Limits;
  /** Role id -> limits, in the file's order. */
  roles: ReadonlyMap<string, Limits>;
  blockedRoles: string[];
  channels: string[];
  server: { daily?: number; monthly?: number };
  bannedWords: string[];
  adminRoles: string[];
  modLogChannel: string | null;
}

export const DEFAULT_COSTS: Readonly<Record<CostKey, number>> = {
  imagine: 1,
  blend: 1,
  describe: 1,
  shorten: 0,
  upscale: 1,
  variation: 1,
  reroll: 1,
  zoom: 1,
  pan: 1,
  video: 8,
  video_hd: 26,
  video_extend: 8,
  edit: 1,
  swapface: 1,
};

export const DEFAULT_MODES: Readonly<Record<PolicyMode, number>> = {
  fast: 1,
  relax: 0.5,
  turbo: 2,
};

/** The policy file could not be used: every problem, each naming its key. */
export class PolicyError extends Error {
  constructor(
    readonly file: string,
    readonly problems: PolicyProblem[],
  ) {
    super(
      `mjcord cannot start: the spending policy ${file} (POLICY_FILE) has ${problems.length === 1 ? "1 problem" : `${problems.length} problems`}:\n` +
        problems.map((p) => `  - ${p.key}: ${p.message}`).join("\n"),
    );
    this.name = "PolicyError";
  }
}

function limitsOf(file: LimitsFile | undefined): Limits {
  const limits: Limits = {};
  if (!file) return limits;
  if (file.daily !== undefined) limits.daily = file.daily;
  if (file.monthly !== undefined) limits.monthly = file.monthly;
  if (file.concurrent !== undefined) limits.concurrent = file.concurrent;
  if (file.cooldown_seconds !== undefined) limits.cooldownSeconds = file.cooldown_seconds;
  if (file.modes !== undefined) limits.modes = unique(file.modes);
  if (file.commands !== undefined) limits.commands = unique(file.commands);
  return limits;
}

const unique = <T>(items: readonly T[]): T[] => [...new Set(items)];

/** The typed policy of a checked file (null: no file, nothing limited). */
export function policyOf(file: PolicyFile | null, source: string | null): Policy {
  const f = file ?? {};
  return {
    source,
    timezone: f.timezone ?? "UTC",
    costs: { ...DEFAULT_COSTS, ...(f.costs as Partial<Record<CostKey, number>>) },
    modes: { ...DEFAULT_MODES, ...(f.modes as Partial<Record<PolicyMode, number>>) },
    members: limitsOf(f.members),
    roles: new Map(Object.entries(f.roles ?? {}).map(([id, l]) => [id, limitsOf(l)])),
    blockedRoles: unique(f.blocked_roles ?? []),
    channels: unique(f.channels ?? []),
    server: {
      ...(f.server?.daily !== undefined && { daily: f.server.daily }),
      ...(f.server?.monthly !== undefined && { monthly: f.server.monthly }),
    },
    bannedWords: unique(f.banned_words ?? []),
    adminRoles: unique(f.admins?.roles ?? []),
    modLogChannel: f.mod_log_channel ?? null,
  };
}

/** No file: nothing is limited, but every job is still priced and kept in the ledger. */
export const UNLIMITED: Policy = policyOf(null, null);

export type { CostKey, PolicyCommand, PolicyMode };
export { COST_KEYS, POLICY_COMMANDS, POLICY_MODES };
