// Registering the slash commands with Discord: one bulk overwrite, in one server (instant)
// or globally. Every command is for servers only: no DMs with the bot, no user installs,
// because a DM is outside every server's rules and budget.
import {
  ApplicationIntegrationType,
  InteractionContextType,
  REST,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
  Routes,
} from "discord.js";
import type { Command } from "./command.js";

/** The bodies sent to Discord: each command's definition, limited to servers. */
function commandBodies(
  commands: readonly Command[],
): RESTPostAPIChatInputApplicationCommandsJSONBody[] {
  return commands.map((c) => ({
    ...c.definition,
    contexts: [InteractionContextType.Guild],
    integration_types: [ApplicationIntegrationType.GuildInstall],
  }));
}

export async function registerCommands(
  commands: readonly Command[],
  token: string,
  apiUrl: string | undefined,
  guildId: string | undefined,
): Promise<{ scope: string; names: string[] }> {
  const rest = new REST(apiUrl ? { api: apiUrl } : {}).setToken(token);
  const app = (await rest.get(Routes.currentApplication())) as { id: string };
  const route = guildId
    ? Routes.applicationGuildCommands(app.id, guildId)
    : Routes.applicationCommands(app.id);
  const registered = (await rest.put(route, { body: commandBodies(commands) })) as Array<{
    name: string;
  }>;
  return { scope: guildId ? `server ${guildId}` : "global", names: registered.map((c) => c.name) };
}
