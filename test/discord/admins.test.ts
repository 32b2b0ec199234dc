// Who is an admin of the bot: Manage Server, Administrator, or a role the policy names.
import { PermissionFlagsBits } from "discord.js";
import { describe, expect, it } from "vitest";
import { isAdminBy } from "../../src/discord/admins.js";
import { roleIdsOf } from "../../src/discord/roles.js";
import { policyOf } from "../../src/policy/policy.js";

const policy = policyOf({ admins: { roles: ["777"] } }, "test");

describe("isAdminBy", () => {
  it("Manage Server or Administrator, or an admin role; nothing else", () => {
    expect(isAdminBy(PermissionFlagsBits.ManageGuild, [], policy)).toBe(true);
    expect(isAdminBy(PermissionFlagsBits.Administrator, [], policy)).toBe(true);
    expect(isAdminBy(0n, ["777"], policy)).toBe(true);
    expect(isAdminBy(null, ["777"], policy)).toBe(true);
    expect(isAdminBy(PermissionFlagsBits.ManageMessages, ["1", "2"], policy)).toBe(false);
    expect(isAdminBy(null, [], policy)).toBe(false);
  });
});

describe("roleIdsOf", () => {
  it("reads the API's roles list, and none without a member", () => {
    expect(roleIdsOf({ roles: ["1", "2"] } as never)).toEqual(["1", "2"]);
    expect(roleIdsOf(null)).toEqual([]);
  });
});
