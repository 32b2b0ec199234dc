import { describe, expect, it } from "vitest";
import {
  channelAllowed,
  effectiveLimits,
  fallbackMode,
  hasAdminRole,
} from "../../src/policy/limits.js";
import { UNLIMITED } from "../../src/policy/policy.js";
import { policy } from "./support.js";

const A = "111111111111111111";
const B = "222222222222222222";
const C = "333333333333333333";
const BAD = "444444444444444444";

const generous = policy(
  [
    "members: { daily: 25, monthly: 400, concurrent: 2, cooldown_seconds: 30, modes: [relax], commands: [imagine, describe] }",
    "roles:",
    `  "${A}": { daily: 100, concurrent: 6, modes: [fast] }`,
    `  "${B}": { daily: 50, monthly: 1000, cooldown_seconds: 5, commands: [video] }`,
    `  "${C}": { monthly: 10, daily: 1, concurrent: 0, modes: [turbo, relax] }`,
    `blocked_roles: ["${BAD}"]`,
    `admins: { roles: ["${B}"] }`,
  ].join("\n"),
);

describe("effective limits", () => {
  it("without roles: exactly `members`", () => {
    expect(effectiveLimits(generous, [])).toEqual({
      blocked: false,
      daily: 25,
      monthly: 400,
      concurrent: 2,
      cooldownSeconds: 30,
      modes: ["relax"],
      commands: ["imagine", "describe"],
    });
  });

  it("takes the most generous value of each key across `members` and the member's roles", () => {
    expect(effectiveLimits(generous, [A, B, C, "999999999999999999"])).toEqual({
      blocked: false,
      daily: 100,
      monthly: 1000,
      concurrent: 6,
      cooldownSeconds: 5,
      modes: ["relax", "fast", "turbo"],
      commands: ["imagine", "describe", "video"],
    });
    // A stingier role never lowers `members`.
    expect(effectiveLimits(generous, [C])).toMatchObject({
      daily: 25,
      monthly: 400,
      concurrent: 2,
    });
  });

  it("a key `members` leaves out is no limit, whatever a role says", () => {
    const p = policy(`members: { monthly: 5 }\nroles: { "${A}": { daily: 3, monthly: 9 } }`);
    const limits = effectiveLimits(p, [A]);
    expect(limits.daily).toBeUndefined();
    expect(limits.monthly).toBe(9);
    expect(limits.modes).toEqual(["fast", "relax", "turbo"]);
    expect(limits.commands).toHaveLength(7);
  });

  it("nothing is limited without a policy", () => {
    expect(effectiveLimits(UNLIMITED, [A])).toEqual({
      blocked: false,
      cooldownSeconds: 0,
      modes: ["fast", "relax", "turbo"],
      commands: ["imagine", "blend", "describe", "shorten", "video", "swapface", "edit"],
    });
  });

  it("a blocked role blocks, whatever the other roles grant", () => {
    expect(effectiveLimits(generous, [A, BAD]).blocked).toBe(true);
    expect(effectiveLimits(generous, [A]).blocked).toBe(false);
  });

  it("admin roles", () => {
    expect(hasAdminRole(generous, [A, B])).toBe(true);
    expect(hasAdminRole(generous, [A])).toBe(false);
  });
});

describe("channels", () => {
  it("everywhere when the list is empty; else only those listed, and their threads", () => {
    expect(channelAllowed(UNLIMITED, A)).toBe(true);
    const p = policy(`channels: ["${A}"]`);
    expect(channelAllowed(p, A)).toBe(true);
    expect(channelAllowed(p, B)).toBe(false);
    expect(channelAllowed(p, B, A)).toBe(true);
    expect(channelAllowed(p, B, C)).toBe(false);
  });
});

describe("the default mode", () => {
  it("keeps the member's own speed when allowed, else the first the policy allows", () => {
    const limits = effectiveLimits(generous, []);
    expect(fallbackMode(limits, "relax")).toBe("relax");
    expect(fallbackMode(limits, "fast")).toBe("relax");
    expect(fallbackMode(limits, null)).toBe("relax");
    expect(fallbackMode(effectiveLimits(generous, [A]), "turbo")).toBe("relax");
    expect(fallbackMode(effectiveLimits(generous, [A]), "fast")).toBe("fast");
    expect(fallbackMode(effectiveLimits(policy("members: { modes: [] }"), []), "fast")).toBeNull();
  });
});
