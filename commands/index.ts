// Every slash command the bot offers, each held to its own definition (see `checked`).
import type { Command } from "../src/discord/command.js";
import { blend } from "./blend.js";
import { describe } from "./describe.js";
import { edit } from "./edit.js";
import { history } from "./history.js";
import { imagine } from "./imagine.js";
import { info } from "./info.js";
import { checked } from "./options.js";
import { settings } from "./settings.js";
import { shorten } from "./shorten.js";
import { swapface } from "./swapface.js";
import { usage } from "./usage.js";
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
  info,
  history,
  usage,
].map(checked);
