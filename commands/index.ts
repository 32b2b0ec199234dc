// Every slash command the bot offers.
import type { Command } from "../src/discord/command.js";
import { imagine } from "./imagine.js";

export const commands: readonly Command[] = [imagine];
