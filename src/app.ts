// Wires the parts together: store, proxy client, tracker, publisher, Discord client.
// main.ts runs it; end-to-end tests start it in-process against the fakes.
import { once } from "node:events";
import { type Client, Events } from "discord.js";
import { commands as allCommands } from "../commands/index.js";
import { type Config, ConfigError } from "./config.js";
import { createClient, createWebhookRest, routeInteractions } from "./discord/bot.js";
import type { Command } from "./discord/command.js";
import type { BotContext } from "./discord/context.js";
import { watchGateway } from "./discord/gateway.js";
import { offersOf } from "./discord/offers.js";
import { Presenter } from "./discord/presenter.js";
import { Publisher } from "./discord/publisher.js";
import { appHealth } from "./http/health.js";
import { hookRoute, hookSecret, hookUrl } from "./http/hook.js";
import { type JobOutcome, Metrics } from "./http/metrics.js";
import { type HttpServer, startHttpServer } from "./http/server.js";
import { Capabilities } from "./jobs/capabilities.js";
import { hasEnded, type Job } from "./jobs/job.js";
import { coversAll, describeShards, jobsOnShards } from "./jobs/shards.js";
import { JobStore } from "./jobs/store.js";
import { Tracker } from "./jobs/tracker.js";
import type { Logger } from "./log.js";
import { MjClient } from "./mj/client.js";
import { ProxyError } from "./mj/errors.js";
import { Ledger } from "./policy/ledger.js";
import { jobStoreLedger } from "./policy/ledger-store.js";
import { PolicySource } from "./policy/source.js";

export interface AppOptions {
  config: Config;
  log: Logger;
  commands?: readonly Command[];
  /** Longest a job may take before it is closed (default: JOB_TIMEOUT_MINUTES). */
  jobDeadlineMs?: number;
  /** Fine-tuning for tests; defaults suit Discord. */
  progressIntervalMs?: number;
  /** Progress edits a second, all jobs together: over interaction webhooks, with the bot token. */
  progressPerSecond?: number;
  channelProgressPerSecond?: number;
  tokenSafetyMs?: number;
  /** Tries of a final that Discord refuses, and the first wait between them (tests shorten it). */
  refusedAttempts?: number;
  refusedDelayMs?: number;
  /** How long a stop waits for interactions under way (default: as long as a submit may take). */
  drainTimeoutMs?: number;
  /** How long file events settle before the policy is re-read (tests shorten it). */
  policyDebounceMs?: number;
}

export interface App {
  client: Client;
  context: BotContext;
  /** Settles with the reason once Discord has closed the gateway for good (e.g. a revoked token). */
  fatal: Promise<string>;
  /** The HTTP server (/healthz, /metrics) when HTTP_PORT is set, with its bound address. */
  http: HttpServer | undefined;
  /** What /metrics serves; undefined without HTTP_PORT (nothing is counted then). */
  metrics: Metrics | undefined;
  /** Re-reads the spending policy (SIGHUP); a bad file is logged and the previous one stays. */
  reloadPolicy(): boolean;
  /** Stops cleanly: no new work, submits under way finished and saved, store closed. */
  stop(): Promise<void>;
}

/** How often expired stashes are deleted from the store. */
const SWEEP_INTERVAL_MS = 10 * 60_000;

/** Beyond the longest a submit may wait for the proxy: saving the job and telling the member. */
const DRAIN_MARGIN_MS = 15_000;

export async function startApp(options: AppOptions): Promise<App> {
  const { config, log } = options;
  // The policy first: a bad file stops the start (PolicyError) before anything is opened.
  const policies = new PolicySource({
    file: config.policyFile,
    log: log.child({ module: "policy" }),
    debounceMs: options.policyDebounceMs,
  });
  policies.load();
  const store = await JobStore.openChecked(config.databaseUrl);
  // Push: with PUBLIC_URL every submit names the hook, whose secret is kept in the store.
  const secret =
    config.publicUrl !== undefined && config.httpPort !== undefined
      ? await hookSecret(store)
      : undefined;
  // Counted only when there is a server to scrape them.
  const metrics = config.httpPort === undefined ? undefined : new Metrics();
  // Expired stashes (pictures kept for Retry, unconfirmed offers), ledger rows and claims
  // are deleted on a timer.
  store.sweepEvery(SWEEP_INTERVAL_MS, (error) =>
    log.warn({ err: error }, "expired entries not swept; next time"),
  );
  const proxy = new MjClient({
    baseUrl: config.mjApiUrl,
    apiKey: config.mjApiKey,
    authHeader: config.mjAuthHeader,
    mode: config.mjMode,
    modeStyle: config.mjModeStyle,
    log: log.child({ module: "mj" }),
    ...(secret && config.publicUrl ? { notifyHook: hookUrl(config.publicUrl, secret) } : {}),
    ...(metrics ? { onRequest: (r) => metrics.proxyRequest(r.path, r.status, r.seconds) } : {}),
  });
  const client = createClient(config.discordApiUrl, config.shards);
  // Only the jobs of guilds on this process's shards are followed here; the rest wait in the
  // store for the process that runs their shards.
  const mine = jobsOnShards(config.shards);
  if (config.shards && !coversAll(config.shards) && !config.databaseUrl.startsWith("postgres")) {
    log.warn(
      { shards: describeShards(config.shards) },
      "SHARD_IDS names only some shards, but DATABASE_URL is not a shared Postgres: the other shards' jobs wait here until a process that runs them opens this store (see docs/scale.md)",
    );
  }
  const webhookRest = createWebhookRest(config.discordApiUrl);
  metrics?.watchRest(client.rest);
  metrics?.watchRest(webhookRest);
  const publisher = new Publisher({
    rest: client.rest,
    webhookRest,
    progressPerSecond: options.progressPerSecond,
    channelProgressPerSecond: options.channelProgressPerSecond,
    log: log.child({ module: "publisher" }),
    progressIntervalMs: options.progressIntervalMs,
    tokenSafetyMs: options.tokenSafetyMs,
    refusedAttempts: options.refusedAttempts,
    refusedDelayMs: options.refusedDelayMs,
    onMessageMoved: async (jobId, messageId) => {
      const job = await store.getJob(jobId);
      if (job) await store.putJob({ ...job, message: { ...job.message, messageId } });
    },
  });
  const capabilities = await Capabilities.load(store, config.mjDisable);
  const presenter = new Presenter(publisher, log.child({ module: "presenter" }), () =>
    offersOf(capabilities),
  );
  const ledger = new Ledger({ store: jobStoreLedger(store), policy: () => policies.current });
  const tracker = new Tracker({
    source: proxy,
    store,
    intervalMs: config.pollIntervalMs,
    onChange: metrics
      ? (job) => presenter.show(job).then(() => finalShown(metrics, job))
      : (job) => presenter.show(job),
    log: log.child({ module: "tracker" }),
    ledger: metrics ? countingLedger(ledger, metrics) : ledger,
    mine,
  });
  // This process's jobs only: with shards, the store's list holds every process's.
  metrics?.countInFlight(async () => tracker.followed);
  const context: BotContext = {
    config,
    store,
    proxy,
    tracker,
    presenter,
    log,
    jobDeadlineMs: options.jobDeadlineMs ?? config.jobTimeoutMinutes * 60_000,
    get policy() {
      return policies.current;
    },
    ledger,
    capabilities,
    ...(metrics ? { jobRefused: (job: Job) => metrics.jobEnded(job.kind, "refused") } : {}),
  };
  const router = routeInteractions(client, context, options.commands ?? allCommands);
  const gateway = watchGateway(client, log.child({ module: "gateway" }));
  // The speed style is probed (MJ_MODE_STYLE=auto) right after a ping that got an answer; a
  // proxy that is down now is probed before its first submit instead.
  const proxyCheck = proxy.ping().then(
    async (ms) => {
      await proxy.speedStyle();
      return { ms };
    },
    (error: unknown) => ({ error }),
  );
  try {
    await client.login(config.discordToken);
    if (!client.isReady()) await once(client, Events.ClientReady);
  } catch (error) {
    await Promise.allSettled([client.destroy(), proxy.close(), store.close()]);
    throw error;
  }
  // A hook only names a task: the bot asks the proxy itself, once at a time per task.
  const hinted = new Set<string>();
  async function followHint(taskId: string): Promise<void> {
    if (hinted.has(taskId)) return;
    hinted.add(taskId);
    try {
      const job = await store.jobForTask(taskId);
      // Another process's job (its guild is on a shard this one does not run): that process
      // polls it; a hook that reached this process changes nothing for it.
      if (!job || job.delivered || hasEnded(job) || !mine(job)) return;
      const task = await proxy.fetchTask(taskId, { timeoutMs: 5_000, attempts: 1 });
      if (task) await tracker.hint(job, task);
    } finally {
      hinted.delete(taskId);
    }
  }
  let http: HttpServer | undefined;
  if (metrics && config.httpPort !== undefined) {
    try {
      http = await startHttpServer({
        host: config.httpHost ?? "127.0.0.1",
        port: config.httpPort,
        metrics,
        health: appHealth(client, store, gateway.fatal, () => tracker.followed),
        log: log.child({ module: "http" }),
        extraRoutes: secret
          ? [
              hookRoute({
                secret,
                onTask: (taskId) => followHint(taskId),
                log: log.child({ module: "hook" }),
              }),
            ]
          : [],
      });
    } catch (error) {
      await Promise.allSettled([client.destroy(), proxy.close(), store.close()]);
      throw new ConfigError([
        {
          variable: "HTTP_PORT",
          message: `cannot listen on ${config.httpHost ?? "127.0.0.1"}:${config.httpPort} (${(error as Error).message})`,
        },
      ]);
    }
  }
  policies.watch();
  tracker.start();
  const who = client.user?.tag ?? "the bot";
  const servers = client.guilds.cache.size;
  const checked = await proxyCheck;
  const online = `mjcord is online as ${who} (${client.user?.id}) in ${servers} ${servers === 1 ? "server" : "servers"}`;
  const where = {
    bot: who,
    servers,
    proxy: config.mjApiUrl,
    mode: config.mjMode,
    shards: describeShards(config.shards),
    pid: process.pid,
  };
  if ("ms" in checked) {
    log.info(
      { ...where, proxyMs: checked.ms },
      `${online}; the proxy answered in ${checked.ms} ms`,
    );
  } else {
    log.info(where, `${online}; the proxy did not answer`);
    log.warn({ proxy: config.mjApiUrl }, proxyWarning(config.mjApiUrl, checked.error));
  }
  return {
    client,
    context,
    http,
    metrics,
    fatal: gateway.fatal,
    reloadPolicy: () => policies.reload(),
    async stop() {
      policies.close();
      // New interactions first, then the ones under way (a submit may wait for the proxy as
      // long as its timeout), then polling; the store last.
      await router.drain(options.drainTimeoutMs ?? proxy.submitTimeoutMs + DRAIN_MARGIN_MS);
      await tracker.stop();
      await http?.close();
      await client.destroy();
      await proxy.close();
      await store.close();
    },
  };
}

/** A change the presenter has shown: a final one counts the job, a success its latency. */
function finalShown(metrics: Metrics, job: Job): void {
  if (job.phase === "done" && job.result !== null) {
    metrics.jobEnded(job.kind, "succeeded");
    // updatedAt: when the tracker saw the SUCCESS (the state that made the job done).
    metrics.finalShown((Date.now() - job.updatedAt) / 1000);
  } else if (job.phase === "failed") {
    const outcome: JobOutcome = job.cancelledBy
      ? "cancelled"
      : job.watchUntil
        ? "timed_out"
        : "failed";
    metrics.jobEnded(job.kind, outcome);
  }
}

/** The tracker's ledger, counting the credits each success keeps (once per job). */
function countingLedger(ledger: Ledger, metrics: Metrics): Pick<Ledger, "finish" | "refund"> {
  return {
    async finish(jobId) {
      const before = await ledger.entry(jobId).catch(() => undefined);
      const after = await ledger.finish(jobId);
      if (before?.state === "running" && after?.state === "succeeded") {
        metrics.creditsSpent(after.credits);
      }
      return after;
    },
    refund: (jobId, state) => ledger.refund(jobId, state),
  };
}

/** The start-up check of the proxy failed: what the operator should look at. */
function proxyWarning(url: string, error: unknown): string {
  const status = error instanceof ProxyError ? error.httpStatus : undefined;
  const detail = error instanceof ProxyError ? (error.description ?? "") : String(error);
  if (status === 401 || status === 403) {
    return `the proxy at ${url} refused the key (HTTP ${status}${detail ? `: ${detail}` : ""}): check MJ_API_KEY and MJ_AUTH_HEADER; every job will fail until it accepts it`;
  }
  if (status === 404 || status === 405) {
    return `the proxy at ${url} has no /mj/task/list-by-condition (HTTP ${status}): check MJ_API_URL (the part before /mj)`;
  }
  if (status !== undefined) {
    return `the proxy at ${url} answered HTTP ${status}${detail ? ` (${detail})` : ""} to a harmless read: jobs may fail until it recovers`;
  }
  return `the proxy at ${url} did not answer (${detail || "no answer"}): check MJ_API_URL; every job will fail until it answers`;
}
