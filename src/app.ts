// Wires the parts together: store, proxy client, tracker, publisher, Discord client.
// main.ts runs it; end-to-end tests start it in-process against the fakes.
import type { Client } from "discord.js";
import { commands as allCommands } from "../commands/index.js";
import type { Config } from "./config.js";
import { createClient, routeInteractions } from "./discord/bot.js";
import type { Command } from "./discord/command.js";
import type { BotContext } from "./discord/context.js";
import { Presenter } from "./discord/presenter.js";
import { Publisher } from "./discord/publisher.js";
import { JobStore } from "./jobs/store.js";
import { Tracker } from "./jobs/tracker.js";
import type { Logger } from "./log.js";
import { MjClient } from "./mj/client.js";

export interface AppOptions {
  config: Config;
  log: Logger;
  commands?: readonly Command[];
  /** Longest a job may take before it is closed (default: JOB_TIMEOUT_MINUTES). */
  jobDeadlineMs?: number;
  /** Fine-tuning for tests; defaults suit Discord. */
  progressIntervalMs?: number;
  tokenSafetyMs?: number;
}

export interface App {
  client: Client;
  context: BotContext;
  /** Stops cleanly: no new work, pending edits flushed, store closed. */
  stop(): Promise<void>;
}

export async function startApp(options: AppOptions): Promise<App> {
  const { config, log } = options;
  const store = JobStore.open(config.databaseUrl);
  const proxy = new MjClient({
    baseUrl: config.mjApiUrl,
    apiKey: config.mjApiKey,
    authHeader: config.mjAuthHeader,
    mode: config.mjMode,
    log: log.child({ module: "mj" }),
  });
  const client = createClient(config.discordApiUrl);
  const publisher = new Publisher({
    rest: client.rest,
    log: log.child({ module: "publisher" }),
    progressIntervalMs: options.progressIntervalMs,
    tokenSafetyMs: options.tokenSafetyMs,
    onMessageMoved: async (jobId, messageId) => {
      const job = await store.getJob(jobId);
      if (job) await store.putJob({ ...job, message: { ...job.message, messageId } });
    },
  });
  const presenter = new Presenter(publisher, log.child({ module: "presenter" }));
  const tracker = new Tracker({
    source: proxy,
    store,
    intervalMs: config.pollIntervalMs,
    onChange: (job) => presenter.show(job),
    log: log.child({ module: "tracker" }),
  });
  const context: BotContext = {
    config,
    store,
    proxy,
    tracker,
    presenter,
    log,
    jobDeadlineMs: options.jobDeadlineMs ?? config.jobTimeoutMinutes * 60_000,
  };
  const router = routeInteractions(client, context, options.commands ?? allCommands);
  await client.login(config.discordToken);
  tracker.start();
  log.info({ proxy: config.mjApiUrl, mode: config.mjMode }, "mjcord is online");
  return {
    client,
    context,
    async stop() {
      // New interactions first, then the ones under way, then polling; the store last.
      await router.drain(10_000);
      await tracker.stop();
      await client.destroy();
      await proxy.close();
      await store.close();
    },
  };
}
