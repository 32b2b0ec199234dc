// An end-to-end world: the real app (discord.js client, tracker, publisher, store) against
// the fake Discord, with the simulator as the proxy. Tests drive members through `fake`.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { commands } from "../../commands/index.js";
import { type App, startApp } from "../../src/app.js";
import type { Config } from "../../src/config.js";
import { registerCommands } from "../../src/discord/registration.js";
import { createLogger } from "../../src/log.js";
import {
  type Simulator,
  type SimulatorOptions,
  startSimulator,
} from "../../src/simulator/index.js";
import { type FakeDiscord, type FakeDiscordOptions, startFakeDiscord } from "../fakes/index.js";

export interface WorldOptions {
  sim?: SimulatorOptions;
  fake?: FakeDiscordOptions;
  jobDeadlineMs?: number;
  pollIntervalMs?: number;
  tokenSafetyMs?: number;
  /** Settings that differ from the world's (e.g. a proxy that does not answer). */
  config?: Partial<Config>;
  /** What `logs` keeps (default warn). */
  logLevel?: Config["logLevel"];
  /** How long a stop waits for interactions under way. */
  drainTimeoutMs?: number;
}

export interface World {
  fake: FakeDiscord;
  sim: Simulator;
  app: App;
  config: Config;
  logs: string[];
  /** Starts the app again on the same store (after a stop or a crash). */
  restart(): Promise<App>;
  /** Drops the app without any clean-up, as `kill -9` would. */
  crash(): Promise<void>;
  close(): Promise<void>;
}

export async function startWorld(options: WorldOptions = {}): Promise<World> {
  const sim = await startSimulator({ stepMs: 40, imageSize: 96, ...options.sim });
  const fake = await startFakeDiscord(options.fake);
  const dir = mkdtempSync(join(tmpdir(), "mjcord-e2e-"));
  const config: Config = {
    discordToken: fake.botToken,
    discordGuildId: fake.guildId,
    discordApiUrl: fake.apiUrl,
    mjApiUrl: sim.url,
    mjApiKey: "sim-key-for-tests",
    mjAuthHeader: "authorization",
    mjMode: "fast",
    mjModeStyle: "auto",
    mjDisable: [],
    databaseUrl: `sqlite://${join(dir, "mjcord.sqlite")}`,
    pollIntervalMs: options.pollIntervalMs ?? 60,
    logLevel: "warn",
    maxImageMb: 10,
    jobTimeoutMinutes: 30,
    allowPrivateImageUrls: false,
    policyFile: undefined,
    ...options.config,
  };
  const logs: string[] = [];
  const log = createLogger({
    level: options.logLevel ?? "warn",
    secrets: [config.discordToken, config.mjApiKey],
    destination: new Writable({
      write(chunk, _enc, done) {
        logs.push(String(chunk));
        done();
      },
    }),
  });
  await registerCommands(
    commands,
    config.discordToken,
    config.discordApiUrl,
    config.discordGuildId,
  );
  const launch = () =>
    startApp({
      config,
      log,
      jobDeadlineMs: options.jobDeadlineMs,
      progressIntervalMs: 50,
      refusedDelayMs: 20,
      tokenSafetyMs: options.tokenSafetyMs,
      drainTimeoutMs: options.drainTimeoutMs,
    });
  const world: World = {
    fake,
    sim,
    config,
    logs,
    app: await launch(),
    async restart() {
      world.app = await launch();
      return world.app;
    },
    async crash() {
      // No flushing, no store close: whatever was written is all that survives.
      await world.app.context.tracker.stop().catch(() => undefined);
      await world.app.client.destroy();
    },
    async close() {
      await world.app.stop().catch(() => undefined);
      await fake.close();
      await sim.close();
    },
  };
  return world;
}

/** The job message's buttons by label (emoji name when there is no label). */
export function buttonsByLabel(world: World, messageId: string): Map<string, string> {
  return new Map(
    world.fake
      .buttons(messageId)
      .map((b) => [b.label ?? b.emoji?.name ?? "", b.customId ?? ""] as [string, string]),
  );
}
