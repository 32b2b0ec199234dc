// `npm run register`: registers every command with one bulk overwrite, in the server named
// by DISCORD_GUILD_ID (instant) or globally.
import { REST, Routes } from "discord.js";
import { commands } from "../commands/index.js";
import { ConfigError, loadConfig } from "./config.js";

export async function registerCommands(
  token: string,
  apiUrl: string | undefined,
  guildId: string | undefined,
) {
  const rest = new REST(apiUrl ? { api: apiUrl } : {}).setToken(token);
  const app = (await rest.get(Routes.currentApplication())) as { id: string };
  const body = commands.map((c) => c.definition);
  const route = guildId
    ? Routes.applicationGuildCommands(app.id, guildId)
    : Routes.applicationCommands(app.id);
  const registered = (await rest.put(route, { body })) as Array<{ name: string }>;
  return { scope: guildId ? `server ${guildId}` : "global", names: registered.map((c) => c.name) };
}

async function main(): Promise<void> {
  const config = loadConfig();
  const { scope, names } = await registerCommands(
    config.discordToken,
    config.discordApiUrl,
    config.discordGuildId,
  );
  process.stdout.write(
    `Registered ${names.length} commands (${scope}): ${names.map((n) => `/${n}`).join(", ")}\n`,
  );
}

// Run only as a script, not when imported by tests.
if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  main().catch((error: unknown) => {
    process.stderr.write(
      `${error instanceof ConfigError ? error.message : `Registration failed: ${error instanceof Error ? error.message : String(error)}`}\n`,
    );
    process.exit(1);
  });
}
