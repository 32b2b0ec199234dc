// /history: the member's last jobs — kind, prompt (shortened), state, credits, when, and a
// link to each job's message. Private, and it costs nothing (the proxy is never asked).
import { MessageFlags, SlashCommandBuilder } from "discord.js";
import type { Command } from "../src/discord/command.js";
import { described } from "../src/discord/lang/commands.js";
import { textsFor } from "../src/discord/lang/index.js";
import {
  HISTORY_COUNT,
  type HistoryItem,
  messageLink,
  renderHistory,
} from "../src/discord/ledger-views.js";

export const history: Command = {
  definition: described(new SlashCommandBuilder().setName("history"), "history").toJSON(),

  async execute(interaction, ctx) {
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    const entries = await ctx.ledger.history(
      interaction.guildId,
      interaction.user.id,
      HISTORY_COUNT,
    );
    const items = await Promise.all(
      entries.map(async (entry): Promise<HistoryItem> => {
        const job = await ctx.store.getJob(entry.jobId).catch(() => undefined);
        const where = job?.message;
        const link =
          where?.messageId != null
            ? messageLink(where.guildId, where.channelId, where.messageId)
            : null;
        return { entry, link };
      }),
    );
    const { title, description } = renderHistory(items, textsFor(interaction.locale));
    await interaction.editReply({
      embeds: [{ title, description }],
      allowedMentions: { parse: [] },
    });
  },
};
