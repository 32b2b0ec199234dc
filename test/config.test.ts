import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig, readEnvFile } from "../src/config.js";

const required = { DISCORD_TOKEN: "bot-token", MJ_API_KEY: "hk-key" };

function problemsOf(env: Record<string, string>): Map<string, string> {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return new Map((error as ConfigError).problems.map((p) => [p.variable, p.message]));
  }
  throw new Error("expected a ConfigError");
}

describe("loadConfig", () => {
  it("fills every default from the design's contract table", () => {
    expect(loadConfig(required)).toEqual({
      discordToken: "bot-token",
      discordGuildId: undefined,
      discordApiUrl: undefined,
      mjApiUrl: "https://api.openai-hk.com",
      mjApiKey: "hk-key",
      mjAuthHeader: "authorization",
      mjMode: "fast",
      mjModeStyle: "auto",
      mjDisable: [],
      databaseUrl: "sqlite://data/mjcord.sqlite",
      pollIntervalMs: 3000,
      logLevel: "info",
      maxImageMb: 10,
      jobTimeoutMinutes: 30,
      allowPrivateImageUrls: false,
      policyFile: undefined,
      httpPort: undefined,
      httpHost: "127.0.0.1",
    });
  });

  it("reads HTTP_PORT and HTTP_HOST", () => {
    expect(loadConfig({ ...required, HTTP_PORT: "9464" })).toMatchObject({
      httpPort: 9464,
      httpHost: "127.0.0.1",
    });
    expect(loadConfig({ ...required, HTTP_PORT: " 1 ", HTTP_HOST: "0.0.0.0" })).toMatchObject({
      httpPort: 1,
      httpHost: "0.0.0.0",
    });
    expect(loadConfig({ ...required, HTTP_PORT: "65535", HTTP_HOST: "[::1]" })).toMatchObject({
      httpPort: 65535,
      httpHost: "::1",
    });
    expect(loadConfig({ ...required, HTTP_PORT: "" }).httpPort).toBeUndefined();
  });

  it.each(["0", "65536", "80.5", "http", "-1"])("names HTTP_PORT when it is %s", (port) => {
    const found = problemsOf({ ...required, HTTP_PORT: port });
    expect([...found.keys()]).toEqual(["HTTP_PORT"]);
    expect(found.get("HTTP_PORT")).toBe(`"${port}" is not a whole number from 1 to 65535`);
  });

  it("names HTTP_HOST when it is not a host", () => {
    const found = problemsOf({ ...required, HTTP_PORT: "9464", HTTP_HOST: "http://0.0.0.0/" });
    expect([...found.keys()]).toEqual(["HTTP_HOST"]);
    expect(found.get("HTTP_HOST")).toMatch(/is not a host name or address/);
  });

  it("reads PUBLIC_URL (trailing slashes dropped); it needs HTTP_PORT and must be an http(s) URL", () => {
    expect(
      loadConfig({ ...required, HTTP_PORT: "9464", PUBLIC_URL: "https://bot.example.com/" })
        .publicUrl,
    ).toBe("https://bot.example.com");
    expect(loadConfig(required).publicUrl).toBeUndefined();
    const alone = problemsOf({ ...required, PUBLIC_URL: "https://bot.example.com" });
    expect([...alone.keys()]).toEqual(["PUBLIC_URL"]);
    expect(alone.get("PUBLIC_URL")).toMatch(/needs HTTP_PORT/);
    const bad = problemsOf({ ...required, HTTP_PORT: "9464", PUBLIC_URL: "bot.example.com" });
    expect(bad.get("PUBLIC_URL")).toBe('"bot.example.com" is not an http(s) URL');
  });

  it("reads every variable", () => {
    const config = loadConfig({
      ...required,
      DISCORD_GUILD_ID: "1190000000000000001",
      DISCORD_API_URL: "http://127.0.0.1:9999/api/",
      MJ_API_URL: "http://127.0.0.1:8787/mj",
      MJ_AUTH_HEADER: "Mj-Api-Secret",
      MJ_MODE: "turbo",
      MJ_MODE_STYLE: "mj-path",
      MJ_DISABLE: "video, Edits,video",
      DATABASE_URL: "sqlite://tmp/x.sqlite",
      POLL_INTERVAL_MS: "1500",
      LOG_LEVEL: "debug",
      MAX_IMAGE_MB: "2.5",
      JOB_TIMEOUT_MINUTES: "90",
      ALLOW_PRIVATE_IMAGE_URLS: "true",
    });
    expect(config).toMatchObject({
      discordGuildId: "1190000000000000001",
      discordApiUrl: "http://127.0.0.1:9999/api",
      mjApiUrl: "http://127.0.0.1:8787",
      mjAuthHeader: "mj-api-secret",
      mjMode: "turbo",
      mjModeStyle: "mj-path",
      mjDisable: ["video", "edits"],
      databaseUrl: "sqlite://tmp/x.sqlite",
      pollIntervalMs: 1500,
      logLevel: "debug",
      maxImageMb: 2.5,
      jobTimeoutMinutes: 90,
      allowPrivateImageUrls: true,
    });
  });

  it("names MJ_MODE_STYLE and MJ_DISABLE when they hold what is not allowed", () => {
    const found = problemsOf({
      ...required,
      MJ_MODE_STYLE: "prefix",
      MJ_DISABLE: "video,warp,seeds",
    });
    expect(found.get("MJ_MODE_STYLE")).toBe(
      '"prefix" is not allowed; expected one of path, mj-path, filter, auto',
    );
    expect(found.get("MJ_DISABLE")).toBe(
      '"warp", "seeds" are not allowed; expected a comma-separated list of blend, describe, shorten, video, edits, swapface, seed, cancel',
    );
  });

  it("reads ALLOW_PRIVATE_IMAGE_URLS as a switch, and names it when it is neither", () => {
    for (const [text, on] of [
      ["1", true],
      ["YES", true],
      ["on", true],
      ["false", false],
      ["0", false],
      ["off", false],
    ] as const) {
      expect(
        loadConfig({ ...required, ALLOW_PRIVATE_IMAGE_URLS: text }).allowPrivateImageUrls,
      ).toBe(on);
    }
    expect(
      problemsOf({ ...required, ALLOW_PRIVATE_IMAGE_URLS: "sometimes" }).get(
        "ALLOW_PRIVATE_IMAGE_URLS",
      ),
    ).toMatch(/"sometimes" is not allowed; expected true or false/);
  });

  it("reports every missing required variable in one error", () => {
    const problems = problemsOf({});
    expect([...problems.keys()].sort()).toEqual(["DISCORD_TOKEN", "MJ_API_KEY"]);
    expect(problems.get("DISCORD_TOKEN")).toMatch(/missing/);
  });

  it("treats blank values as missing", () => {
    expect([...problemsOf({ DISCORD_TOKEN: "  ", MJ_API_KEY: "" }).keys()]).toHaveLength(2);
  });

  it("names each invalid value and what is expected, all at once", () => {
    const problems = problemsOf({
      ...required,
      DISCORD_GUILD_ID: "my-server",
      DISCORD_API_URL: "ftp://x",
      MJ_API_URL: "not a url",
      MJ_AUTH_HEADER: "x-api-key",
      MJ_MODE: "warp",
      DATABASE_URL: "data/mjcord.sqlite",
      POLL_INTERVAL_MS: "fast",
      LOG_LEVEL: "loud",
      MAX_IMAGE_MB: "-1",
    });
    expect([...problems.keys()].sort()).toEqual([
      "DATABASE_URL",
      "DISCORD_API_URL",
      "DISCORD_GUILD_ID",
      "LOG_LEVEL",
      "MAX_IMAGE_MB",
      "MJ_API_URL",
      "MJ_AUTH_HEADER",
      "MJ_MODE",
      "POLL_INTERVAL_MS",
    ]);
    expect(problems.get("MJ_MODE")).toContain("fast, relax, turbo, none");
    expect(problems.get("MJ_AUTH_HEADER")).toContain("authorization, mj-api-secret");
    expect(problems.get("POLL_INTERVAL_MS")).toContain("whole number");
  });

  it("reads SHARD_COUNT and SHARD_IDS (ids and ranges); unset: the shards Discord recommends", () => {
    expect(loadConfig(required).shards).toBeUndefined();
    expect(loadConfig({ ...required, SHARD_COUNT: "2", SHARD_IDS: "0" }).shards).toEqual({
      count: 2,
      ids: [0],
    });
    expect(loadConfig({ ...required, SHARD_COUNT: " 8 ", SHARD_IDS: "7, 0-2 ,4" }).shards).toEqual({
      count: 8,
      ids: [0, 1, 2, 4, 7],
    });
    // SHARD_COUNT alone: this process runs every one of them.
    expect(loadConfig({ ...required, SHARD_COUNT: "3" }).shards).toEqual({
      count: 3,
      ids: [0, 1, 2],
    });
    expect(loadConfig({ ...required, SHARD_COUNT: "", SHARD_IDS: "" }).shards).toBeUndefined();
  });

  it("names SHARD_IDS and SHARD_COUNT for each problem, all at once", () => {
    const shardProblems = (env: Record<string, string>) => {
      try {
        loadConfig({ ...required, ...env });
      } catch (error) {
        return (error as ConfigError).problems.map((p) => `${p.variable}: ${p.message}`);
      }
      throw new Error("expected a ConfigError");
    };
    expect(shardProblems({ SHARD_IDS: "0,1" })).toEqual([
      expect.stringMatching(/^SHARD_IDS: needs SHARD_COUNT/),
    ]);
    for (const count of ["0", "two", "1.5", "-2", "100001"]) {
      expect(shardProblems({ SHARD_COUNT: count, SHARD_IDS: "0" })).toEqual([
        `SHARD_COUNT: "${count}" is not a whole number from 1 to 100000`,
      ]);
    }
    expect(shardProblems({ SHARD_COUNT: "2", SHARD_IDS: "1,2,5" })).toEqual([
      'SHARD_IDS: "2", "5" are out of range: with SHARD_COUNT=2 the shard ids are 0 to 1',
    ]);
    expect(shardProblems({ SHARD_COUNT: "4", SHARD_IDS: "1,3,1,0-3" })).toEqual([
      "SHARD_IDS: 1, 3 are named more than once; name each shard once",
    ]);
    expect(shardProblems({ SHARD_COUNT: "4", SHARD_IDS: "a, 1,,3-1, -1, 0x1, 2.0" })).toEqual([
      'SHARD_IDS: "a", "", "3-1", "-1", "0x1", "2.0" are not shard ids; expected comma-separated whole numbers or ranges, e.g. 0,1 or 4-7',
    ]);
    expect(shardProblems({ SHARD_COUNT: "2", SHARD_IDS: "x,9" })).toEqual([
      'SHARD_IDS: "x" is not a shard id; expected comma-separated whole numbers or ranges, e.g. 0,1 or 4-7',
      'SHARD_IDS: "9" is out of range: with SHARD_COUNT=2 the shard ids are 0 to 1',
    ]);
  });

  it("never repeats a secret in its messages", () => {
    try {
      loadConfig({ DISCORD_TOKEN: "super-secret-token", MJ_API_KEY: "hk-secret", MJ_MODE: "bad" });
    } catch (error) {
      expect((error as Error).message).not.toContain("super-secret-token");
      expect((error as Error).message).not.toContain("hk-secret");
      return;
    }
    throw new Error("expected a ConfigError");
  });
});

describe("readEnvFile", () => {
  it("parses a .env file, and a missing file is empty", () => {
    const dir = mkdtempSync(join(tmpdir(), "mjcord-env-"));
    writeFileSync(join(dir, ".env"), "# comment\nDISCORD_TOKEN=abc\nMJ_MODE='relax'\n");
    expect(readEnvFile(join(dir, ".env"))).toEqual({ DISCORD_TOKEN: "abc", MJ_MODE: "relax" });
    expect(readEnvFile(join(dir, "none.env"))).toEqual({});
  });
});

describe("POLICY_FILE", () => {
  it("names the spending policy; by default policy.yml when it exists, else none", () => {
    expect(loadConfig({ ...required, POLICY_FILE: "rules/spend.yml" }).policyFile).toBe(
      "rules/spend.yml",
    );
    const withFile = { policyFile: () => "policy.yml" };
    expect(loadConfig(required, withFile).policyFile).toBe("policy.yml");
    expect(loadConfig({ ...required, POLICY_FILE: " " }, withFile).policyFile).toBe("policy.yml");
    expect(loadConfig(required, { policyFile: () => undefined }).policyFile).toBeUndefined();
  });
});

describe("npm start with a bad configuration", () => {
  const root = fileURLToPath(new URL("..", import.meta.url));
  const run = (env: Record<string, string>, files: Record<string, string> = {}) => {
    const cwd = mkdtempSync(join(tmpdir(), "mjcord-start-"));
    for (const [name, text] of Object.entries(files)) writeFileSync(join(cwd, name), text);
    // The command `npm start` runs, in a process of its own (no wrapper that could outlive it).
    // The tsx loader resolved from the project, since cwd is elsewhere (for its .env).
    const tsx = pathToFileURL(createRequire(join(root, "package.json")).resolve("tsx")).href;
    return spawnSync(process.execPath, ["--import", tsx, join(root, "src/main.ts")], {
      cwd,
      env: { PATH: process.env.PATH ?? "", ...env },
      encoding: "utf8",
      timeout: 30_000,
    });
  };

  it("exits 1 naming DISCORD_TOKEN and MJ_API_KEY, without a stack trace", () => {
    const result = run({});
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("DISCORD_TOKEN");
    expect(result.stderr).toContain("MJ_API_KEY");
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it("exits 1 naming each bad key of the spending policy, without a stack trace", () => {
    const valid = { DISCORD_TOKEN: "t", MJ_API_KEY: "k", DATABASE_URL: "memory://" };
    const bad = "members:\n  daily: -1\n  concurrent: 1.5\nroles:\n  112233445566778899: {}\n";
    // policy.yml in the working folder is read without POLICY_FILE ...
    const byDefault = run(valid, { "policy.yml": bad });
    expect(byDefault.status).toBe(1);
    expect(byDefault.stderr).toContain(
      "the spending policy policy.yml (POLICY_FILE) has 3 problems",
    );
    expect(byDefault.stderr).toContain("  - members.daily: expected a number >= 0\n");
    expect(byDefault.stderr).toContain("  - members.concurrent: expected a whole number >= 0\n");
    expect(byDefault.stderr).toContain("  - roles.112233445566778899: write the id in quotes");
    expect(byDefault.stderr).not.toMatch(/\n\s+at /);
    // ... and POLICY_FILE names another.
    const named = run(
      { ...valid, POLICY_FILE: "spend.yml" },
      { "spend.yml": "timezone: Nowhere\n" },
    );
    expect(named.status).toBe(1);
    expect(named.stderr).toContain(
      "spend.yml (POLICY_FILE) has 1 problem:\n  - timezone: expected",
    );
    expect(named.stderr).not.toMatch(/\n\s+at /);
    const missing = run({ ...valid, POLICY_FILE: "absent.yml" });
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain(
      "absent.yml (POLICY_FILE) has 1 problem:\n  - (file): the file does not exist",
    );
  });

  it("takes values from .env, and the environment wins over it", () => {
    const result = run(
      { MJ_MODE: "warp" },
      { ".env": "DISCORD_TOKEN=t\nMJ_API_KEY=k\nMJ_MODE=relax\n" },
    );
    expect(result.status).toBe(1);
    expect(result.stderr).not.toContain("DISCORD_TOKEN");
    expect(result.stderr).toContain('MJ_MODE: "warp"');
  });
});

describe(".env.example", () => {
  const root = fileURLToPath(new URL("..", import.meta.url));
  const example = readEnvFile(join(root, ".env.example")) ?? {};
  const readme = readFileSync(join(root, "README.md"), "utf8");
  /** The variables of the README's configuration table, in its order. */
  const documented = [...readme.matchAll(/^\| `([A-Z][A-Z0-9_]*)`/gm)].map((m) => m[1]);

  it("names every variable of the README's configuration table, and no other", () => {
    expect(documented.length).toBeGreaterThan(15);
    expect(Object.keys(example).sort()).toEqual([...documented].sort());
  });

  it("copied to .env with a token and a key filled in, starts with the defaults", () => {
    const filled = { ...example, DISCORD_TOKEN: "bot-token", MJ_API_KEY: "hk-key" };
    expect(loadConfig(filled)).toEqual(loadConfig(required));
  });
});
