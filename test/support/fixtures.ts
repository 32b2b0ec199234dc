// The proxy fixtures in test/fixtures/proxy/ (realistic proxy payloads), for tests that read them.
import { readdirSync, readFileSync } from "node:fs";
import { parseTask, type Task } from "../../src/mj/task.js";

/** The folder of the proxy fixtures. */
export const FIXTURES = new URL("../fixtures/proxy/", import.meta.url);

/** The names of every JSON fixture, sorted. */
export function fixtureNames(): string[] {
  return readdirSync(FIXTURES)
    .filter((name) => name.endsWith(".json"))
    .sort();
}

/** One fixture, parsed as JSON. */
export function fixture(name: string): unknown {
  return JSON.parse(readFileSync(new URL(name, FIXTURES), "utf8"));
}

/** A task fixture through the bot's own parser; `overrides` replace raw fields first (e.g. `id`). */
export function fixtureTask(name: string, overrides: Record<string, unknown> = {}): Task {
  const raw = fixture(name) as Record<string, unknown>;
  const task = parseTask({ ...raw, ...overrides });
  if (!task) throw new Error(`${name} is not a task`);
  return task;
}
