import { renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Writable } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { createLogger } from "../../src/log.js";
import { PolicyError } from "../../src/policy/policy.js";
import { NO_POLICY_WARNING, PolicySource } from "../../src/policy/source.js";
import { policyFile, tempDir } from "./support.js";

const sources: PolicySource[] = [];
afterEach(() => {
  for (const s of sources.splice(0)) s.close();
});

function source(file: string | undefined, debounceMs = 30) {
  const lines: Array<{ level: number; msg: string; problems?: unknown }> = [];
  const log = createLogger({
    level: "info",
    destination: new Writable({
      write(chunk, _enc, done) {
        lines.push(JSON.parse(String(chunk)));
        done();
      },
    }),
  });
  const s = new PolicySource({ file, log, debounceMs });
  sources.push(s);
  return { s, lines };
}

async function until(check: () => boolean, ms = 5_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("the policy in force", () => {
  it("without a file: nothing limited, and one warning line saying so", () => {
    const { s, lines } = source(undefined);
    expect(s.load().source).toBeNull();
    expect(lines.map(({ level, msg }) => ({ level, msg }))).toEqual([
      { level: 40, msg: NO_POLICY_WARNING },
    ]);
    expect(NO_POLICY_WARNING).toBe("no spending policy (POLICY_FILE): nothing is limited");
  });

  it("a bad file at the start throws PolicyError naming the key", () => {
    const { s } = source(policyFile("members: { daily: -1 }"));
    expect(() => s.load()).toThrow(PolicyError);
    expect(() => s.load()).toThrow(/members\.daily: expected a number >= 0/);
  });

  it("re-read: a good file replaces the policy, a bad one is logged and the previous stays", () => {
    const file = policyFile("members: { daily: 5 }");
    const { s, lines } = source(file);
    s.load();
    writeFileSync(file, "members: { daily: 7 }");
    expect(s.reload()).toBe(true);
    expect(s.current.members.daily).toBe(7);
    writeFileSync(file, "members: { daily: -3, bogus: 1 }");
    expect(s.reload()).toBe(false);
    expect(s.current.members.daily).toBe(7);
    const warning = lines.at(-1);
    expect(warning?.level).toBe(40);
    expect(warning?.msg).toMatch(
      /not re-read; the previous policy stays: members\.daily: expected a number >= 0; members\.bogus: unknown key/,
    );
    rmSync(file);
    expect(s.reload()).toBe(false);
    expect(s.current.members.daily).toBe(7);
    expect(lines.at(-1)?.msg).toMatch(/\(file\): the file does not exist/);
  });

  it("follows the file: written in place, or replaced by a rename as editors do", async () => {
    const dir = tempDir();
    const file = policyFile("members: { daily: 1 }", dir);
    const { s } = source(file);
    s.load();
    s.watch();
    writeFileSync(file, "members: { daily: 2 }");
    await until(() => s.current.members.daily === 2);
    const temp = join(dir, ".policy.yml.swp");
    writeFileSync(temp, "members: { daily: 3 }");
    renameSync(temp, file);
    await until(() => s.current.members.daily === 3);
    // A bad edit is refused; the good one after it is taken.
    writeFileSync(file, "members: { daily: nope }");
    await new Promise((r) => setTimeout(r, 200));
    expect(s.current.members.daily).toBe(3);
    writeFileSync(file, "members: { daily: 4 }");
    await until(() => s.current.members.daily === 4);
  });
});
