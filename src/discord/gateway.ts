// What the gateway connection does, told to the operator: disconnects, reconnects, resumes
// and errors are logged; a close that Discord will never take back (a revoked token,
// intents the application may not use) is fatal, so that a supervisor sees the bot stop
// instead of a silent process that answers nothing.
import { type Client, Events, GatewayCloseCodes } from "discord.js";
import type { Logger } from "../log.js";

/** Why Discord closed the gateway for good, with what the operator can do about it. */
const FATAL_CLOSES: Record<number, string> = {
  [GatewayCloseCodes.AuthenticationFailed]:
    "Discord refused the bot token: DISCORD_TOKEN is wrong or was reset in the Developer Portal",
  [GatewayCloseCodes.DisallowedIntents]:
    "Discord refused the gateway intents: enable them for the bot in the Developer Portal",
  [GatewayCloseCodes.InvalidIntents]: "Discord refused the gateway intents as invalid",
  [GatewayCloseCodes.InvalidShard]: "Discord refused the shard settings as invalid",
  [GatewayCloseCodes.ShardingRequired]:
    "Discord requires more shards for this many servers: run more shards",
  [GatewayCloseCodes.InvalidAPIVersion]: "Discord refused the gateway API version",
};

export interface GatewayWatch {
  /** Settles with the reason once the gateway is closed for good. */
  fatal: Promise<string>;
}

export function watchGateway(client: Client, log: Logger): GatewayWatch {
  let onFatal: (reason: string) => void = () => undefined;
  const fatal = new Promise<string>((resolve) => {
    onFatal = resolve;
  });
  client.on(Events.ShardReady, (shard) => log.info({ shard }, "gateway ready"));
  client.on(Events.ShardReconnecting, (shard) =>
    log.warn({ shard }, "gateway connection lost; reconnecting"),
  );
  client.on(Events.ShardResume, (shard, replayed) =>
    log.info({ shard, replayed }, "gateway connection resumed"),
  );
  client.on(Events.ShardError, (error, shard) =>
    log.warn({ shard, err: error.message }, "gateway error"),
  );
  client.on(Events.Warn, (message) => log.warn({ discord: message }, "discord.js warning"));
  client.on(Events.Error, (error) => log.error({ err: error.message }, "discord.js error"));
  client.on(Events.ShardDisconnect, (event, shard) => {
    const reason = FATAL_CLOSES[event.code] ?? "Discord closed the gateway for good";
    log.fatal({ shard, code: event.code }, `${reason} (gateway close ${event.code})`);
    onFatal(`${reason} (gateway close ${event.code})`);
  });
  return { fatal };
}
