// Composition root: configuration, logger, proxy client; signals.
import { ConfigError, loadConfig } from "./config.js";
import { createLogger } from "./log.js";
import { MjClient } from "./mj/client.js";

async function main(): Promise<void> {
  const config = loadConfig();
  const log = createLogger({ level: config.logLevel, secrets: [config.discordToken, config.mjApiKey] });
  const proxy = new MjClient({
    baseUrl: config.mjApiUrl,
    apiKey: config.mjApiKey,
    authHeader: config.mjAuthHeader,
    mode: config.mjMode,
    log: log.child({ module: "mj" }),
  });
  log.info({ proxy: config.mjApiUrl, mode: config.mjMode }, "mjcord configured");
  const stop = async (signal: string) => {
    log.info({ signal }, "shutting down");
    await proxy.close();
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
    process.stderr.write(`mjcord stopped: ${error instanceof Error ? error.message : String(error)}\n`);
  }
  process.exit(1);
});
