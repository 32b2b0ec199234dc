// Policy tests: files written to a temp folder of their own.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadPolicyFile } from "../../src/policy/file.js";
import type { Policy } from "../../src/policy/policy.js";
import { PolicyError } from "../../src/policy/policy.js";

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "mjcord-policy-"));
}

/** Writes `text` as policy.yml in a fresh folder; resolves with its path. */
export function policyFile(text: string, dir = tempDir()): string {
  const path = join(dir, "policy.yml");
  writeFileSync(path, text);
  return path;
}

export function policy(text: string): Policy {
  return loadPolicyFile(policyFile(text));
}

/** The problems of a file that must not load: key -> message. */
export function problems(text: string): Map<string, string> {
  try {
    loadPolicyFile(policyFile(text));
  } catch (error) {
    if (!(error instanceof PolicyError)) throw error;
    return new Map(error.problems.map((p) => [p.key, p.message]));
  }
  throw new Error("expected a PolicyError");
}
