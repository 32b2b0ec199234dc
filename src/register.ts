// `npm run register`: registers every command with one bulk overwrite, in the server named
// by DISCORD_GUILD_ID (instant) or globally. A script only: it always runs, from any path
// (symlinks, `#` or spaces in it); tests import src/discord/registration.ts instead.
import { commands } from "../commands/index.js";
import { ConfigError, loadConfig } from "./config.js";
import { registerCommands } from "./discord/registration.js";

try {
  const config = loadConfig();
  const { scope, names } = await registerCommands(
    commands,
    config.discordToken,
    config.discordApiUrl,
    config.discordGuildId,
  );
  process.stdout.write(
    `Registered ${names.length} commands (${scope}): ${names.map((n) => `/${n}`).join(", ")}\n`,
  );
} catch (error: unknown) {
  process.stderr.write(
    `${error instanceof ConfigError ? error.message : `Registration failed: ${error instanceof Error ? error.message : String(error)}`}\n`,
  );
  process.exit(1);
}
