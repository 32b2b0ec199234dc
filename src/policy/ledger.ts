// The spending ledger: credits used per member and per server, per day and per month; jobs
// in flight; the last start of each member; an entry per job (kept >= 90 days).
// reserve() checks every limit and spends in one step, alone per guild, so that concurrent
// requests can never spend past a limit; commit() ties the spend to jobs, release() gives
// back what never reached the proxy, refund() what the proxy refused, failed or cancelled.
// It says WHAT (a reason and numbers); src/discord words it.
import { randomUUID } from "node:crypto";
import { creditsOf, type JobMode, policyMode } from "./costs.js";
import type { LedgerStore } from "./ledger-store.js";
import { channelAllowed, type EffectiveLimits, effectiveLimits } from "./limits.js";
import { dayOf, monthOf, type Period } from "./periods.js";
import type { CostKey, Policy, PolicyCommand, PolicyMode } from "./policy.js";

export interface SpendRequest {
  /** null in a DM. */
  guildId: string | null;
  channelId: string;
  /** A thread's parent channel (`channels` allows a thread when it allows its parent). */
  parentChannelId?: string | null;
  memberId: string;
  roleIds: readonly string[];
  /** The command whose permission is needed (`members.commands`); null: none. */
  command: PolicyCommand | null;
  kind: CostKey;
  mode: JobMode;
  /** Jobs started at once, all or none (Imagine all: 4); default 1. */
  jobs?: number;
  /** The prompt, kept (shortened) in the ledger's entries for /history. */
  prompt?: string;
  now?: number;
}

export type AmountReason = "daily" | "monthly" | "server_daily" | "server_monthly";

export type Refusal =
  | { reason: "blocked" }
  | { reason: "channel"; allowed: string[] }
  | { reason: "command"; command: PolicyCommand; allowed: PolicyCommand[] }
  | { reason: "mode"; mode: PolicyMode; allowed: PolicyMode[] }
  /** `resetsAt`: when the member may start again. */
  | { reason: "cooldown"; seconds: number; resetsAt: number }
  /** Jobs, not credits: `used` in flight of `limit`; resets when one of them ends. */
  | { reason: "concurrent"; used: number; limit: number; left: number; needed: number }
  /** Credits: `needed` would take `used` past `limit`; `left` remain until `resetsAt`. */
  | {
      reason: AmountReason;
      used: number;
      limit: number;
      left: number;
      needed: number;
      resetsAt: number;
    };

export interface Reservation {
  id: string;
  guildId: string | null;
  channelId: string;
  memberId: string;
  kind: CostKey;
  mode: JobMode;
  jobs: number;
  creditsPerJob: number;
  dayStart: number;
  monthStart: number;
  startedAt: number;
  /** The member's previous start, put back if nothing starts (release). */
  previousStart: number | null;
  prompt?: string;
}

export type ReserveResult =
  | { ok: true; reservation: Reservation }
  | { ok: false; refusal: Refusal };

export type EntryState = "running" | "succeeded" | "failed" | "refused" | "cancelled";

/** One job in the ledger (for /history and /usage). */
export interface LedgerEntry {
  jobId: string;
  guildId: string | null;
  channelId: string;
  memberId: string;
  kind: CostKey;
  mode: JobMode;
  /** What it cost; 0 once refunded (`charged` keeps the price). */
  credits: number;
  charged: number;
  state: EntryState;
  /** The prompt, shortened (absent for jobs without one). */
  prompt?: string;
  createdAt: number;
  updatedAt: number;
  dayStart: number;
  monthStart: number;
}

/** A member's standing (for /info). */
export interface MemberUsage {
  limits: EffectiveLimits;
  day: { used: number; limit?: number; left?: number; resetsAt: number };
  month: { used: number; limit?: number; left?: number; resetsAt: number };
  inFlight: number;
  /** When the cooldown ends, if it has not yet. */
  cooldownEndsAt: number | null;
}

/** What reserve() spends once every limit has agreed. */
interface Plan {
  now: number;
  jobs: number;
  perJob: number;
  needed: number;
  checks: Array<[AmountReason, string, number | undefined, Period]>;
  used: number[];
  day: Period;
  month: Period;
  flying: InFlight[];
  lastStart: number | null;
}

interface InFlight {
  reservation: string;
  jobId: string | null;
  until: number;
}

interface ReservationRecord {
  /** Jobs reserved and neither committed nor released. */
  open: number;
  creditsPerJob: number;
}

const DAY_MS = 86_400_000;
/** Entries and their indexes are kept this long (the contract says at least 90 days). */
export const KEEP_MS = 92 * DAY_MS;
/** A reservation neither committed nor released stops counting as in flight after this. */
const RESERVATION_MS = 15 * 60_000;
/** A committed job that is never finished stops counting as in flight after this. */
const JOB_IN_FLIGHT_MS = 6 * 3_600_000;
/** Jobs listed per member for /history. */
const HISTORY_LENGTH = 50;

const round = (n: number) => Math.round(n * 1e6) / 1e6;
/** Longest prompt kept in an entry. */
const PROMPT_KEPT = 300;
const shorten = (prompt: string) =>
  prompt.length > PROMPT_KEPT ? `${prompt.slice(0, PROMPT_KEPT - 1)}…` : prompt;

export interface LedgerOptions {
  store: LedgerStore;
  /** The current policy (it may change between calls: re-read on SIGHUP or file change). */
  policy: () => Policy;
  now?: () => number;
}

export class Ledger {
  private readonly store: LedgerStore;
  private readonly policy: () => Policy;
  private readonly now: () => number;

  constructor(options: LedgerOptions) {
    this.store = options.store;
    this.policy = options.policy;
    this.now = options.now ?? Date.now;
  }

  /**
   * Checks every limit without spending: what reserve() would answer now. A cheap early
   * refusal before the member fills in anything; reserve() still decides.
   */
  async check(request: SpendRequest): Promise<Refusal | null> {
    const plan = await this.evaluate(request);
    return "refusal" in plan ? plan.refusal : null;
  }

  /** Checks every limit and, if none refuses, spends: all the jobs or none. */
  reserve(request: SpendRequest): Promise<ReserveResult> {
    const g = guildKey(request.guildId);
    return this.store.exclusive(g, async () => {
      const plan = await this.evaluate(request);
      if ("refusal" in plan) return { ok: false, refusal: plan.refusal };
      const { now, jobs, perJob, needed, checks, used, day, month, flying, lastStart } = plan;
      const m = request.memberId;
      // Spend: every counter, the jobs in flight, the start (for the cooldown).
      for (const [i, [, key, , period]] of checks.entries()) {
        await this.store.set(key, round((used[i] ?? 0) + needed), period.end - now + 2 * DAY_MS);
      }
      const reservation: Reservation = {
        id: randomUUID(),
        guildId: request.guildId,
        channelId: request.channelId,
        memberId: m,
        kind: request.kind,
        mode: request.mode,
        jobs,
        creditsPerJob: perJob,
        dayStart: day.start,
        monthStart: month.start,
        startedAt: now,
        previousStart: lastStart,
        ...(request.prompt !== undefined && { prompt: shorten(request.prompt) }),
      };
      const entries: InFlight[] = Array.from({ length: jobs }, () => ({
        reservation: reservation.id,
        jobId: null,
        until: now + RESERVATION_MS,
      }));
      await this.store.set(flightKey(g, m), [...flying, ...entries], KEEP_MS);
      await this.store.set(lastKey(g, m), now, 40 * DAY_MS);
      await this.store.set<ReservationRecord>(
        reservationKey(reservation.id),
        { open: jobs, creditsPerJob: perJob },
        DAY_MS,
      );
      return { ok: true, reservation };
    });
  }

  /** Every limit in the order a member would want to hear of it; the spend if none refuses. */
  private async evaluate(request: SpendRequest): Promise<Plan | { refusal: Refusal }> {
    const g = guildKey(request.guildId);
    const policy = this.policy();
    const now = request.now ?? this.now();
    const jobs = Math.max(1, Math.floor(request.jobs ?? 1));
    const limits = effectiveLimits(policy, request.roleIds);
    const mode = policyMode(request.mode);
    const refused = (refusal: Refusal) => ({ refusal });

    if (limits.blocked) return refused({ reason: "blocked" });
    if (!channelAllowed(policy, request.channelId, request.parentChannelId)) {
      return refused({ reason: "channel", allowed: [...policy.channels] });
    }
    if (request.command && !limits.commands.includes(request.command)) {
      return refused({ reason: "command", command: request.command, allowed: limits.commands });
    }
    if (!limits.modes.includes(mode)) {
      return refused({ reason: "mode", mode, allowed: limits.modes });
    }
    const m = request.memberId;
    const lastStart = (await this.store.get<number>(lastKey(g, m))) ?? null;
    if (limits.cooldownSeconds > 0 && lastStart !== null) {
      const resetsAt = lastStart + limits.cooldownSeconds * 1000;
      if (now < resetsAt) {
        return refused({ reason: "cooldown", seconds: limits.cooldownSeconds, resetsAt });
      }
    }
    const flying = await this.inFlightOf(g, m, now);
    if (limits.concurrent !== undefined && flying.length + jobs > limits.concurrent) {
      return refused({
        reason: "concurrent",
        used: flying.length,
        limit: limits.concurrent,
        left: Math.max(0, limits.concurrent - flying.length),
        needed: jobs,
      });
    }
    const perJob = round(creditsOf(policy, request.kind, request.mode));
    const needed = round(perJob * jobs);
    const day = dayOf(now, policy.timezone);
    const month = monthOf(now, policy.timezone);
    const checks: Plan["checks"] = [
      ["daily", usedKey(g, m, "d", day.start), limits.daily, day],
      ["monthly", usedKey(g, m, "m", month.start), limits.monthly, month],
      ["server_daily", usedKey(g, "*", "d", day.start), policy.server.daily, day],
      ["server_monthly", usedKey(g, "*", "m", month.start), policy.server.monthly, month],
    ];
    const used: number[] = [];
    for (const [reason, key, limit, period] of checks) {
      const u = (await this.store.get<number>(key)) ?? 0;
      used.push(u);
      if (limit !== undefined && round(u + needed) > limit) {
        return refused({
          reason,
          used: u,
          limit,
          left: Math.max(0, round(limit - u)),
          needed,
          resetsAt: period.end,
        });
      }
    }
    return { now, jobs, perJob, needed, checks, used, day, month, flying, lastStart };
  }

  /**
   * The reserved jobs reached the proxy as `jobIds` (one per job; fewer: the rest are given
   * back). Each becomes a ledger entry, in flight until finish() or refund().
   */
  commit(reservation: Reservation, jobIds: readonly string[]): Promise<void> {
    const g = guildKey(reservation.guildId);
    return this.store.exclusive(g, async () => {
      const record = await this.store.get<ReservationRecord>(reservationKey(reservation.id));
      if (!record || record.open === 0) return;
      const now = this.now();
      const ids = jobIds.slice(0, record.open);
      const m = reservation.memberId;
      let assigned = 0;
      const flying = (await this.inFlightOf(g, m, now)).flatMap((f): InFlight[] => {
        if (f.reservation !== reservation.id || f.jobId !== null) return [f];
        const jobId = ids[assigned++];
        return jobId === undefined ? [] : [{ ...f, jobId, until: now + JOB_IN_FLIGHT_MS }];
      });
      await this.store.set(flightKey(g, m), flying, KEEP_MS);
      for (const jobId of ids) {
        const entry: LedgerEntry = {
          jobId,
          guildId: reservation.guildId,
          channelId: reservation.channelId,
          memberId: m,
          kind: reservation.kind,
          mode: reservation.mode,
          credits: reservation.creditsPerJob,
          charged: reservation.creditsPerJob,
          state: "running",
          ...(reservation.prompt !== undefined && { prompt: reservation.prompt }),
          createdAt: reservation.startedAt,
          updatedAt: now,
          dayStart: reservation.dayStart,
          monthStart: reservation.monthStart,
        };
        await this.store.set(entryKey(jobId), entry, KEEP_MS);
      }
      await this.append(historyKey(g, m), ids, HISTORY_LENGTH);
      await this.append(dayIndexKey(g, reservation.dayStart), ids);
      const unused = record.open - ids.length;
      if (unused > 0) await this.giveBack(reservation, unused, false);
      await this.store.delete(reservationKey(reservation.id));
    });
  }

  /** Nothing reached the proxy: every job still reserved is given back, and the start too. */
  release(reservation: Reservation): Promise<void> {
    const g = guildKey(reservation.guildId);
    return this.store.exclusive(g, async () => {
      const record = await this.store.get<ReservationRecord>(reservationKey(reservation.id));
      if (!record || record.open === 0) return;
      await this.giveBack(reservation, record.open, true);
      await this.store.delete(reservationKey(reservation.id));
    });
  }

  /**
   * The proxy refused the job, it failed or it was cancelled: its credits come back (once;
   * a second call does nothing). Resolves with the entry, or undefined for an unknown job.
   */
  refund(
    jobId: string,
    state: "failed" | "refused" | "cancelled" = "failed",
  ): Promise<LedgerEntry | undefined> {
    return this.settle(jobId, state);
  }

  /** The job ended and keeps its price (it succeeded): no longer in flight. */
  finish(jobId: string): Promise<LedgerEntry | undefined> {
    return this.settle(jobId, "succeeded");
  }

  /** The ledger entry of a job. */
  entry(jobId: string): Promise<LedgerEntry | undefined> {
    return this.store.get<LedgerEntry>(entryKey(jobId));
  }

  /** A member's last jobs, newest first (for /history). */
  async history(guildId: string | null, memberId: string, count = 10): Promise<LedgerEntry[]> {
    const ids = (await this.store.get<string[]>(historyKey(guildKey(guildId), memberId))) ?? [];
    const entries = await Promise.all(
      ids
        .slice(-count)
        .reverse()
        .map((id) => this.entry(id)),
    );
    return entries.filter((e): e is LedgerEntry => e !== undefined);
  }

  /** Every entry of a guild whose day began at `dayStart` (for /usage). */
  async entriesOfDay(guildId: string | null, dayStart: number): Promise<LedgerEntry[]> {
    const ids = (await this.store.get<string[]>(dayIndexKey(guildKey(guildId), dayStart))) ?? [];
    const entries = await Promise.all(ids.map((id) => this.entry(id)));
    return entries.filter((e): e is LedgerEntry => e !== undefined);
  }

  /** Credits used by a member (or the server, memberId "*") today and this month. */
  async used(
    guildId: string | null,
    memberId: string,
    now = this.now(),
  ): Promise<{ day: number; month: number }> {
    const g = guildKey(guildId);
    const tz = this.policy().timezone;
    return {
      day: (await this.store.get<number>(usedKey(g, memberId, "d", dayOf(now, tz).start))) ?? 0,
      month: (await this.store.get<number>(usedKey(g, memberId, "m", monthOf(now, tz).start))) ?? 0,
    };
  }

  /** A member's standing: what is used and left, in flight, the cooldown (for /info). */
  async usage(
    guildId: string | null,
    memberId: string,
    roleIds: readonly string[],
    now = this.now(),
  ): Promise<MemberUsage> {
    const policy = this.policy();
    const g = guildKey(guildId);
    const limits = effectiveLimits(policy, roleIds);
    const used = await this.used(guildId, memberId, now);
    const last = (await this.store.get<number>(lastKey(g, memberId))) ?? null;
    const cooldownEnd = last === null ? null : last + limits.cooldownSeconds * 1000;
    const standing = (u: number, limit: number | undefined, resetsAt: number) => ({
      used: u,
      resetsAt,
      ...(limit !== undefined && { limit, left: Math.max(0, round(limit - u)) }),
    });
    return {
      limits,
      day: standing(used.day, limits.daily, dayOf(now, policy.timezone).end),
      month: standing(used.month, limits.monthly, monthOf(now, policy.timezone).end),
      inFlight: (await this.inFlightOf(g, memberId, now)).length,
      cooldownEndsAt: cooldownEnd !== null && cooldownEnd > now ? cooldownEnd : null,
    };
  }

  /** The days of this month (in the policy's time zone) up to today: when each began. */
  daysOfMonth(now = this.now()): number[] {
    const tz = this.policy().timezone;
    const month = monthOf(now, tz);
    const starts: number[] = [];
    for (let t = month.start; t < month.end && t <= now; ) {
      const day = dayOf(t, tz);
      starts.push(day.start);
      t = day.end;
    }
    return starts;
  }

  /** Every entry of a guild of today, or of this month (for /usage), oldest first. */
  async entriesOf(
    guildId: string | null,
    period: "today" | "month",
    now = this.now(),
  ): Promise<LedgerEntry[]> {
    const tz = this.policy().timezone;
    const days = period === "today" ? [dayOf(now, tz).start] : this.daysOfMonth(now);
    const seen = new Set<string>();
    const entries: LedgerEntry[] = [];
    for (const day of days) {
      for (const entry of await this.entriesOfDay(guildId, day)) {
        if (seen.has(entry.jobId)) continue;
        seen.add(entry.jobId);
        entries.push(entry);
      }
    }
    return entries.sort((a, b) => a.createdAt - b.createdAt);
  }

  private settle(jobId: string, state: EntryState): Promise<LedgerEntry | undefined> {
    return (async () => {
      // The entry names the guild whose lock guards it.
      const first = await this.entry(jobId);
      if (!first) return undefined;
      const g = guildKey(first.guildId);
      return this.store.exclusive(g, async () => {
        const entry = await this.entry(jobId);
        if (!entry) return undefined;
        const now = this.now();
        const m = entry.memberId;
        const flying = await this.inFlightOf(g, m, now);
        await this.store.set(
          flightKey(g, m),
          flying.filter((f) => f.jobId !== jobId),
          KEEP_MS,
        );
        if (entry.state !== "running") return entry;
        const refund = state !== "succeeded";
        if (refund && entry.credits > 0) {
          await this.spend(g, m, entry.dayStart, entry.monthStart, -entry.credits, now);
        }
        const settled: LedgerEntry = {
          ...entry,
          state,
          credits: refund ? 0 : entry.credits,
          updatedAt: now,
        };
        await this.store.set(entryKey(jobId), settled, KEEP_MS);
        return settled;
      });
    })();
  }

  /** Gives back `count` reserved jobs (inside the guild's lock). */
  private async giveBack(reservation: Reservation, count: number, start: boolean) {
    const g = guildKey(reservation.guildId);
    const m = reservation.memberId;
    const now = this.now();
    const credits = round(reservation.creditsPerJob * count);
    if (credits > 0) {
      await this.spend(g, m, reservation.dayStart, reservation.monthStart, -credits, now);
    }
    let left = count;
    const flying = (await this.inFlightOf(g, m, now)).filter((f) => {
      if (left > 0 && f.reservation === reservation.id && f.jobId === null) {
        left--;
        return false;
      }
      return true;
    });
    await this.store.set(flightKey(g, m), flying, KEEP_MS);
    if (start && (await this.store.get<number>(lastKey(g, m))) === reservation.startedAt) {
      if (reservation.previousStart === null) await this.store.delete(lastKey(g, m));
      else await this.store.set(lastKey(g, m), reservation.previousStart, 40 * DAY_MS);
    }
  }

  /** Adds `delta` credits to the member's and the server's counters of those periods. */
  private async spend(
    g: string,
    m: string,
    dayStart: number,
    monthStart: number,
    delta: number,
    now: number,
  ): Promise<void> {
    for (const key of [
      usedKey(g, m, "d", dayStart),
      usedKey(g, m, "m", monthStart),
      usedKey(g, "*", "d", dayStart),
      usedKey(g, "*", "m", monthStart),
    ]) {
      const u = (await this.store.get<number>(key)) ?? 0;
      // Kept past the end of the longest period it can be: 35 days from its start.
      const start = key.includes(":d:") ? dayStart : monthStart;
      const ttl = Math.max(DAY_MS, start + 35 * DAY_MS - now);
      await this.store.set(key, Math.max(0, round(u + delta)), ttl);
    }
  }

  private async inFlightOf(g: string, m: string, now: number): Promise<InFlight[]> {
    const all = (await this.store.get<InFlight[]>(flightKey(g, m))) ?? [];
    return all.filter((f) => f.until > now);
  }

  private async append(key: string, ids: readonly string[], max?: number): Promise<void> {
    if (ids.length === 0) return;
    const list = [...((await this.store.get<string[]>(key)) ?? []), ...ids];
    await this.store.set(key, max === undefined ? list : list.slice(-max), KEEP_MS);
  }
}

const guildKey = (guildId: string | null) => guildId ?? "dm";
const usedKey = (g: string, m: string, period: "d" | "m", start: number) =>
  `ledger:used:${g}:${m}:${period}:${start}`;
const flightKey = (g: string, m: string) => `ledger:flight:${g}:${m}`;
const lastKey = (g: string, m: string) => `ledger:last:${g}:${m}`;
const reservationKey = (id: string) => `ledger:reservation:${id}`;
const entryKey = (jobId: string) => `ledger:entry:${jobId}`;
const historyKey = (g: string, m: string) => `ledger:history:${g}:${m}`;
const dayIndexKey = (g: string, dayStart: number) => `ledger:day:${g}:${dayStart}`;
