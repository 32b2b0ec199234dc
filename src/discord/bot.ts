// The discord.js client and the one router for commands, button presses and form submits.
import { Client, Events, GatewayIntentBits, type Interaction, REST } from "discord.js";
import type { ShardSet } from "../jobs/shards.js";
import type { Command } from "./command.js";
import type { BotContext } from "./context.js";
import { handleForm } from "./forms.js";
import { textsFor } from "./lang/index.js";
import { handlePress } from "./presses.js";
import { tellPrivately } from "./replies.js";

/**
 * The client; `shards` (SHARD_COUNT, SHARD_IDS) names the shards this process runs, and
 * without it the process runs every shard Discord recommends (GET /gateway/bot).
 */
export function createClient(apiUrl: string | undefined, shards?: ShardSet): Client {
  return new Client({
    intents: [GatewayIntentBits.Guilds],
    // Every message sets its own allowed_mentions; this default covers anything else.
    allowedMentions: { parse: [] },
    ...(apiUrl ? { rest: { api: apiUrl } } : {}),
    ...(shards ? { shards: [...shards.ids], shardCount: shards.count } : { shards: "auto" }),
  });
}

/**
 * A REST client for interaction webhook routes (`/webhooks/{app}/{token}/…`). Discord does
 * not count them against the bot-wide 50 requests a second, so this client does not either
 * (discord.js's own applies that limit to every route); per-route buckets still hold. It
 * has no token: those routes are authorised by the interaction token in their path.
 */
export function createWebhookRest(apiUrl: string | undefined): REST {
  return new REST({
    ...(apiUrl ? { api: apiUrl } : {}),
    globalRequestsPerSecond: Number.MAX_SAFE_INTEGER,
  });
}

/** The router's handle: stop taking interactions and wait for those under way. */
export interface Router {
  drain(timeoutMs: number): Promise<void>;
}

/** Routes every interaction; a handler's failure is logged and told to the member. */
export function routeInteractions(
  client: Client,
  ctx: BotContext,
  commands: readonly Command[],
): Router {
  const byName = new Map(commands.map((c) => [c.definition.name, c]));
  const underWay = new Set<Promise<void>>();
  let closing = false;
  client.on(Events.InteractionCreate, (interaction: Interaction) => {
    if (closing) {
      // Shutting down: nothing new starts, and the member hears why (it costs nothing).
      if (interaction.isRepliable()) {
        void tellPrivately(interaction, textsFor(interaction.locale).bot.restarting).catch(
          () => undefined,
        );
      }
      return;
    }
    const handled = route(interaction, ctx, byName)
      .catch(async (error: unknown) => {
        ctx.log.error({ err: error, interaction: interaction.id }, "interaction failed");
        if (interaction.isRepliable()) {
          await tellPrivately(interaction, textsFor(interaction.locale).bot.wentWrong).catch(
            () => undefined,
          );
        }
      })
      .finally(() => underWay.delete(handled));
    underWay.add(handled);
  });
  return {
    async drain(timeoutMs) {
      closing = true;
      const timeout = new Promise((resolve) => setTimeout(resolve, timeoutMs).unref());
      await Promise.race([Promise.all([...underWay]), timeout]);
    },
  };
}

async function route(
  interaction: Interaction,
  ctx: BotContext,
  commands: Map<string, Command>,
): Promise<void> {
  if (!interaction.inGuild()) {
    // Commands are registered for servers only; an older global registration may still
    // reach DMs, which are outside every server's rules.
    if (interaction.isRepliable())
      await tellPrivately(interaction, textsFor(interaction.locale).bot.serversOnly);
    return;
  }
  if (interaction.isChatInputCommand()) {
    const command = commands.get(interaction.commandName);
    if (command) await command.execute(interaction, ctx);
    else await tellPrivately(interaction, textsFor(interaction.locale).bot.unknownCommand);
  } else if (interaction.isButton()) {
    await handlePress(interaction, ctx);
  } else if (interaction.isModalSubmit()) {
    await handleForm(interaction, ctx);
  }
}
