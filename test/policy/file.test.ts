import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadPolicyFile } from "../../src/policy/file.js";
import { DEFAULT_COSTS, DEFAULT_MODES, PolicyError } from "../../src/policy/policy.js";
import { policy, problems, tempDir } from "./support.js";

const ROLE = "112233445566778899";

describe("the policy file", () => {
  it("names every bad key at once, each with what was expected", () => {
    const found = problems(
      [
        "timezone: Mars/Olympus",
        "members: { daily: -1, monthly: lots, concurrent: 1.5, cooldown_seconds: 2, extra: 1 }",
        "costs: { imagine: -2, warp: 3 }",
        "modes: { fast: 1, ludicrous: 9 }",
        "server: { daily: x }",
        "bogus: true",
      ].join("\n"),
    );
    expect(Object.fromEntries(found)).toEqual({
      timezone: "expected an IANA time zone, e.g. UTC or Europe/Paris",
      "members.daily": "expected a number >= 0",
      "members.monthly": "expected a number >= 0",
      "members.concurrent": "expected a whole number >= 0",
      "members.extra":
        "unknown key; expected one of daily, monthly, concurrent, cooldown_seconds, modes, commands",
      "costs.imagine": "expected a number >= 0",
      "costs.warp": expect.stringMatching(/^unknown key; expected one of imagine, blend, /),
      "modes.ludicrous": "unknown key; expected one of fast, relax, turbo",
      "server.daily": "expected a number >= 0",
      bogus: expect.stringMatching(/^unknown key; expected one of timezone, costs, /),
    });
  });

  it("checks modes and commands against the known sets, and role limits like members'", () => {
    const found = problems(
      [
        "members: { modes: [fast, warp], commands: [imagine, paint] }",
        `roles: { "${ROLE}": { daily: -5, weekly: 3 } }`,
      ].join("\n"),
    );
    expect(found.get("members.modes.1")).toBe("expected one of fast, relax, turbo");
    expect(found.get("members.commands.1")).toMatch(/^expected one of imagine, blend, /);
    expect(found.get(`roles.${ROLE}.daily`)).toBe("expected a number >= 0");
    expect(found.get(`roles.${ROLE}.weekly`)).toMatch(/^unknown key/);
  });

  it("says to quote an id written as a bare number, in keys and in lists", () => {
    const found = problems(
      [
        "roles:",
        `  ${ROLE}: { daily: 3 }`,
        `blocked_roles: [${ROLE}]`,
        "channels: ['123456789012345678', 42]",
        "mod_log_channel: 998877665544332211",
        "admins: { roles: [not-an-id] }",
      ].join("\n"),
    );
    const quote = expect.stringMatching(/^write the id in quotes/);
    expect(found.get(`roles.${ROLE}`)).toEqual(quote);
    expect(found.get("blocked_roles.0")).toEqual(quote);
    expect(found.get("mod_log_channel")).toEqual(quote);
    expect(found.get("channels.1")).toMatch(/^expected an id in quotes/);
    expect(found.get("admins.roles.0")).toBe("expected a Discord id (15 to 21 digits)");
    expect(found.has("channels.0")).toBe(false);
  });

  it("keeps quoted ids exactly, digit for digit", () => {
    const p = policy(
      [
        `roles: { "${ROLE}": { daily: 100 } }`,
        `blocked_roles: ["${ROLE.replace(/9$/, "7")}"]`,
        "channels: ['123456789012345678']",
        "mod_log_channel: '998877665544332211'",
      ].join("\n"),
    );
    expect([...p.roles.keys()]).toEqual([ROLE]);
    expect(p.blockedRoles).toEqual(["112233445566778897"]);
    expect(p.channels).toEqual(["123456789012345678"]);
    expect(p.modLogChannel).toBe("998877665544332211");
  });

  it("fills the defaults: an empty file limits nothing and prices like the contract", () => {
    const p = policy("");
    expect(p.timezone).toBe("UTC");
    expect(p.costs).toEqual(DEFAULT_COSTS);
    expect(p.costs.video_hd).toBe(26);
    expect(p.modes).toEqual({ fast: 1, relax: 0.5, turbo: 2 });
    expect(p.members).toEqual({});
    expect(p.server).toEqual({});
    expect(p.channels).toEqual([]);
    expect(p.modLogChannel).toBeNull();
    // A key given keeps the others at their defaults.
    const some = policy("costs: { imagine: 2 }\nmodes: { relax: 0 }");
    expect(some.costs).toEqual({ ...DEFAULT_COSTS, imagine: 2 });
    expect(some.modes).toEqual({ ...DEFAULT_MODES, relax: 0 });
  });

  it("reports YAML that does not parse with its line", () => {
    const found = problems("members:\n  daily: [1,\n");
    const [[key, message]] = [...found] as [[string, string]];
    expect(key).toMatch(/^line \d+, column \d+$/);
    expect(message).toMatch(/^not valid YAML: /);
  });

  it("refuses a file that is not a mapping, and one that does not exist", () => {
    expect(problems("- imagine\n- blend").get("(file)")).toMatch(/^expected a mapping/);
    const missing = join(tempDir(), "nope.yml");
    expect(() => loadPolicyFile(missing)).toThrow(PolicyError);
    try {
      loadPolicyFile(missing);
    } catch (error) {
      expect((error as PolicyError).problems).toEqual([
        { key: "(file)", message: "the file does not exist" },
      ]);
      expect((error as Error).message).toContain(missing);
    }
  });

  it("words its error like a configuration error: the file, then one key per line", () => {
    try {
      policy("members: { daily: -1, monthly: -2 }");
      expect.unreachable();
    } catch (error) {
      expect((error as Error).message).toMatch(
        /^mjcord cannot start: the spending policy .*policy\.yml \(POLICY_FILE\) has 2 problems:\n {2}- members\.daily: expected a number >= 0\n {2}- members\.monthly: expected a number >= 0$/,
      );
    }
  });

  it("ships policy.example.yml: every key, and valid", () => {
    const path = fileURLToPath(new URL("../../policy.example.yml", import.meta.url));
    const p = loadPolicyFile(path);
    expect(p.members).toEqual({
      daily: 25,
      monthly: 400,
      concurrent: 3,
      cooldownSeconds: 0,
      modes: ["fast", "relax", "turbo"],
      commands: ["imagine", "blend", "describe", "shorten", "video", "swapface", "edit"],
    });
    expect(p.roles.get(ROLE)).toEqual({ daily: 100, concurrent: 6 });
    expect(p.server).toEqual({ daily: 1000, monthly: 20000 });
    const text = readFileSync(path, "utf8");
    for (const key of [
      "timezone",
      "costs",
      "modes",
      "members",
      "roles",
      "blocked_roles",
      "channels",
      "server",
      "banned_words",
      "admins",
      "mod_log_channel",
      ...Object.keys(DEFAULT_COSTS),
    ]) {
      expect(text, key).toMatch(new RegExp(`^\\s*${key}:`, "m"));
    }
  });
});
