// Every slash command the bot offers, each held to its own definition (see `checked`).
import type { Command } from "../src/discord/command.js";
import { blend } from "./blend.js";
import { describe } from "./describe.js";
import { edit } from "./edit.js";
import { imagine } from "./imagine.js";
import { checked } from "./options.js";
import { settings } from "./settings.js";
import { shorten } from "./shorten.js";
import { swapface } from "./swapface.js";
import { video } from "./video.js";

export const commands: readonly Command[] = [
  imagine,
  blend,
  describe,
  shorten,
  video,
  swapface,
  edit,
  settings,
].map(checked);
