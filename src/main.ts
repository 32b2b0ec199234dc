// Entry point of `npm start`: configuration, logger, the app; signals and fatal ends.
// SIGTERM and SIGINT stop the bot cleanly, however many copies arrive: a process manager
// signals the process, systemd the whole process group, npm forwards what it gets, and a
// second copy must not cut the drain short. A gateway closed for good (a revoked token)
// stops the bot with status 1, so that a supervisor notices.
import { type App, startApp } from "./app.js";
import { ConfigError, loadConfig } from "./config.js";
import { StoreError } from "./jobs/store.js";
import { urlPassword } from "./jobs/store-error.js";
import { createLogger, type Logger } from "./log.js";
import { PolicyError } from "./policy/policy.js";

async function main(): Promise<void> {
  const config = loadConfig();
  // discord.js reads SHARD_COUNT from the environment itself when it is not given one (as
  // for its ShardingManager): a blank one, which the configuration takes as unset, would
  // stop its client from starting. The configuration has read it by now.
  if (process.env.SHARD_COUNT?.trim() === "") delete process.env.SHARD_COUNT;
  const log = createLogger({
    level: config.logLevel,
    // A Postgres DATABASE_URL's password too (a driver's error may quote the URL).
    secrets: [config.discordToken, config.mjApiKey, urlPassword(config.databaseUrl)].filter(
      (s) => s !== "",
    ),
  });
  let starting: Promise<App> | undefined;
  let stopping: Promise<never> | undefined;
  const stop = (why: Record<string, unknown>, status: number): Promise<never> => {
    if (stopping) {
      log.info(why, "already shutting down; waiting for the work under way");
      return stopping;
    }
    log.info(why, "shutting down");
    stopping = (async () => {
      // A signal during start-up waits for the start, then stops what it started.
      const app = await starting?.catch(() => undefined);
      await app?.stop().catch((error: unknown) => log.error({ err: error }, "unclean stop"));
      log.info("stopped");
      process.exit(status);
    })();
    return stopping;
  };
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => void stop({ signal }, 0));
  }
  // SIGHUP re-reads the spending policy (and no longer ends the process); one that comes
  // during start-up is served once the app is up.
  let started: App | undefined;
  let hangupDuringStart = false;
  process.on("SIGHUP", () => {
    if (started) started.reloadPolicy();
    else hangupDuringStart = true;
  });
  failLoudly(log);
  starting = startApp({ config, log });
  const app = await starting;
  started = app;
  if (hangupDuringStart) app.reloadPolicy();
  void app.fatal.then((reason) => stop({ reason }, 1));
}

/** A crash is logged as one line, then the process ends: a supervisor restarts it. */
function failLoudly(log: Logger): void {
  process.on("uncaughtException", (error) => {
    log.fatal({ err: error }, "uncaught exception; mjcord stops");
    process.exit(1);
  });
  process.on("unhandledRejection", (reason) => {
    log.fatal({ err: reason }, "unhandled rejection; mjcord stops");
    process.exit(1);
  });
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof PolicyError) {
    // A configuration or policy problem is the operator's to fix: the message, not a stack.
    process.stderr.write(`${error.message}\n`);
  } else if (error instanceof StoreError) {
    process.stderr.write(`mjcord cannot start: ${error.message}\n`);
  } else {
    process.stderr.write(
      `mjcord stopped: ${error instanceof Error ? error.message : String(error)}\n`,
    );
  }
  process.exit(1);
});
