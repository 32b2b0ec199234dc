// Entry point of `npm start`: configuration, logger, the app; signals.
import { startApp } from "./app.js";
import { ConfigError, loadConfig } from "./config.js";
import { createLogger } from "./log.js";

async function main(): Promise<void> {
  const config = loadConfig();
  const log = createLogger({
    level: config.logLevel,
    secrets: [config.discordToken, config.mjApiKey],
  });
  const app = await startApp({ config, log });
  const stop = async (signal: string) => {
    log.info({ signal }, "shutting down");
    await app.stop();
    process.exit(0);
  };
  process.once("SIGINT", () => void stop("SIGINT"));
  process.once("SIGTERM", () => void stop("SIGTERM"));
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    // A configuration problem is the operator's to fix: the message, not a stack trace.
    process.stderr.write(`${error.message}\n`);
  } else {
    process.stderr.write(
      `mjcord stopped: ${error instanceof Error ? error.message : String(error)}\n`,
    );
  }
  process.exit(1);
});
