// What the operator reads at start-up and when the gateway misbehaves: who the bot is and
// whether the proxy answered; reconnects; a revoked token that ends the bot.
import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startWorld, type World } from "./world.js";

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

/** The parsed log lines with this message (pino JSON). */
function lines(w: World, pattern: RegExp): Array<Record<string, unknown>> {
  return w.logs
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .filter((l) => pattern.test(String(l.msg)));
}

/** A loopback port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (!address || typeof address === "string") throw new Error("no port");
  return address.port;
}

describe("start-up", () => {
  it("says who the bot is, in how many servers, and that the proxy answered", async () => {
    world = await startWorld({ logLevel: "info" });
    const [online] = lines(world, /^mjcord is online/);
    expect(online?.msg).toMatch(
      /^mjcord is online as mjcord \(\d+\) in 1 server; the proxy answered in \d+ ms$/,
    );
    expect(lines(world, /proxy/).filter((l) => l.level === 40)).toEqual([]);
    expect(world.sim.requests.map((r) => r.path)).toContain("/mj/task/list-by-condition");
  });

  it("without a spending policy, says so in one warning line", async () => {
    world = await startWorld({ logLevel: "info" });
    expect(lines(world, /spending policy/).map((l) => [l.level, l.msg])).toEqual([
      [40, "no spending policy (POLICY_FILE): nothing is limited"],
    ]);
    expect(world.app.context.policy.source).toBeNull();
  });

  it("reads the spending policy before it logs in, and offers it on the context", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mjcord-policy-"));
    const file = join(dir, "policy.yml");
    writeFileSync(file, "members: { daily: 5 }\n");
    world = await startWorld({ config: { policyFile: file } });
    expect(lines(world, /spending policy/)).toEqual([]);
    const context = world.app.context;
    expect(context.policy.members.daily).toBe(5);
    writeFileSync(file, "members: { daily: 9 }\n");
    expect(world.app.reloadPolicy()).toBe(true);
    expect(context.policy.members.daily).toBe(9);
    writeFileSync(file, "members: { daily: -9 }\n");
    expect(world.app.reloadPolicy()).toBe(false);
    expect(context.policy.members.daily).toBe(9);
    expect(lines(world, /not re-read/)[0]?.msg).toContain("members.daily: expected a number >= 0");
  });

  it("warns loudly when the proxy does not answer, and still serves members", async () => {
    const port = await closedPort();
    world = await startWorld({
      logLevel: "info",
      config: { mjApiUrl: `http://127.0.0.1:${port}` },
    });
    const [online] = lines(world, /^mjcord is online/);
    expect(online?.msg).toMatch(/in 1 server; the proxy did not answer$/);
    const [warning] = lines(world, /^the proxy at/);
    expect(warning?.level).toBe(40);
    expect(warning?.msg).toBe(
      `the proxy at http://127.0.0.1:${port} did not answer (ECONNREFUSED): check MJ_API_URL; every job will fail until it answers`,
    );
    // The bot is up: /settings needs no proxy.
    const cmd = await world.fake.runCommand("settings", {}, { user: "alice" });
    expect((await cmd.firstResponse()).status).toBeLessThan(300);
  });

  it("warns when the proxy refuses the key", async () => {
    world = await startWorld({ logLevel: "info", sim: { apiKey: "the-right-key" } });
    const [warning] = lines(world, /^the proxy at/);
    expect(warning?.level).toBe(40);
    expect(warning?.msg).toMatch(
      /refused the key \(HTTP 401.*\): check MJ_API_KEY and MJ_AUTH_HEADER/,
    );
  });
});

describe("the gateway", () => {
  it("logs a lost connection and the resume", async () => {
    world = await startWorld({ logLevel: "info" });
    const w = world;
    w.fake.gateway.dropConnections(4000);
    await w.fake.waitFor(() => lines(w, /^gateway connection resumed$/).length > 0, {
      what: "the resume logged",
    });
    expect(lines(w, /^gateway connection lost; reconnecting$/)[0]?.level).toBe(40);
    // Still serving after the resume.
    const cmd = await w.fake.runCommand("settings", {}, { user: "alice" });
    expect((await cmd.firstResponse()).status).toBeLessThan(300);
  });

  it("ends the app when the bot token is revoked, saying which setting to fix", async () => {
    world = await startWorld({ logLevel: "info" });
    world.fake.revokeBotToken();
    const reason = await world.app.fatal;
    expect(reason).toBe(
      "Discord refused the bot token: DISCORD_TOKEN is wrong or was reset in the Developer Portal (gateway close 4004)",
    );
    const [line] = lines(world, /^Discord refused the bot token/);
    expect(line?.level).toBe(60);
  });
});
