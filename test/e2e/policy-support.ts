// End-to-end worlds with a spending policy file (POLICY_FILE), and the private answers a
// member gets when the policy refuses. Shared by the policy end-to-end tests.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FakeInteraction, FakeMessage } from "../fakes/index.js";
import { startWorld, type World, type WorldOptions } from "./world.js";

/** Writes `yaml` as policy.yml in a fresh temp folder; returns its path. */
export function writePolicyFile(yaml: string): string {
  const path = join(mkdtempSync(join(tmpdir(), "mjcord-policy-e2e-")), "policy.yml");
  writeFileSync(path, yaml);
  return path;
}

export interface PolicyWorld {
  world: World;
  /** The policy file the app reads. */
  path: string;
  /** Writes a new policy and has the app re-read it (as SIGHUP); throws if it is refused. */
  rewrite(yaml: string): void;
}

/** A world whose app reads `yaml` as its spending policy. */
export async function startWorldWithPolicy(
  yaml: string,
  options: WorldOptions = {},
): Promise<PolicyWorld> {
  const path = writePolicyFile(yaml);
  const world = await startWorld({
    ...options,
    config: { ...options.config, policyFile: path },
  });
  return {
    world,
    path,
    rewrite(next: string) {
      writeFileSync(path, next);
      if (!world.app.reloadPolicy()) throw new Error("the rewritten policy was not accepted");
    },
  };
}

/**
 * The private answer an interaction got: its ephemeral reply, or an ephemeral follow-up
 * (after a public "thinking" reply was withdrawn), once it has words.
 */
export function privateAnswerOf(
  world: World,
  interaction: FakeInteraction,
  timeoutMs = 10_000,
): Promise<FakeMessage> {
  return world.fake.waitFor(
    () =>
      [interaction.original(), ...interaction.followUps()].find(
        (m) => m?.ephemeral && !m.deleted && !m.loading && m.content !== "",
      ),
    { timeoutMs, what: "a private answer" },
  );
}

/** The words of the private refusal an interaction (command, press, form) got. */
export async function refusalText(world: World, interaction: FakeInteraction): Promise<string> {
  return (await privateAnswerOf(world, interaction)).content;
}

/** Next midnight UTC as a Discord relative timestamp (`<t:…:R>`): a daily limit's reset. */
export function nextUtcMidnightStamp(now = new Date()): string {
  const ms = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1);
  return `<t:${Math.ceil(ms / 1000)}:R>`;
}

/** The member's id in the fake guild. */
export function memberId(world: World, name: string): string {
  const id = name === "owner" ? world.fake.owner.id : world.fake.users[name]?.id;
  if (!id) throw new Error(`no member ${name}`);
  return id;
}

/**
 * Waits until the ledger holds `count` entries (any, when not given) for the member and none
 * is still running (every job charged or given back). Resolves with them, newest first.
 */
export async function ledgerSettled(world: World, name: string, count?: number) {
  const id = memberId(world, name);
  const until = Date.now() + 20_000;
  for (;;) {
    const entries = await world.app.context.ledger.history(world.fake.guildId, id, 100);
    const counted = count === undefined ? entries.length > 0 : entries.length === count;
    if (counted && entries.every((e) => e.state !== "running")) return entries;
    if (Date.now() > until) {
      throw new Error(
        `${name}: ${count ?? "some"} settled entries expected, got ${JSON.stringify(entries)}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The member's standing in the ledger now (credits used today and this month, jobs in flight). */
export function usageOf(world: World, name: string, roleIds: readonly string[] = []) {
  return world.app.context.ledger.usage(world.fake.guildId, memberId(world, name), roleIds);
}
