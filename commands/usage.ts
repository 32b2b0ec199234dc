// /usage (admins): the server's credits of today or this month by member and by job kind,
// with every ledger entry of the period as a CSV attachment. Private, and it costs nothing.
import { AttachmentBuilder, MessageFlags, SlashCommandBuilder } from "discord.js";
import { isAdmin } from "../src/discord/admins.js";
import type { Command } from "../src/discord/command.js";
import { choice, described } from "../src/discord/lang/commands.js";
import { textsFor } from "../src/discord/lang/index.js";
import { entriesCsv, renderUsage, usageCsvName, usageSince } from "../src/discord/ledger-views.js";
import { tellPrivately } from "../src/discord/replies.js";

const PERIODS = ["today", "month"] as const;
type UsagePeriod = (typeof PERIODS)[number];

export const usage: Command = {
  definition: described(new SlashCommandBuilder().setName("usage"), "usage")
    .addStringOption((o) =>
      described(o.setName("period"), "usagePeriod")
        .setRequired(true)
        .addChoices(choice("today", "today"), choice("month", "month")),
    )
    .toJSON(),

  async execute(interaction, ctx) {
    const t = textsFor(interaction.locale);
    if (!interaction.inGuild()) {
      await tellPrivately(interaction, t.views.onlyInServer);
      return;
    }
    const policy = ctx.policy;
    if (!isAdmin(interaction, policy)) {
      await tellPrivately(interaction, t.views.onlyAdminsUsage);
      return;
    }
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    const chosen = interaction.options.getString("period") ?? "today";
    const period: UsagePeriod = chosen === "month" ? "month" : "today";
    const now = Date.now();
    const tz = policy.timezone;
    const since = usageSince(period, now, tz);
    const entries = await ctx.ledger.entriesOf(interaction.guildId, period, now);
    const csv = Buffer.from(entriesCsv(entries), "utf8");
    const limit = interaction.attachmentSizeLimit;
    const fits = !limit || csv.byteLength <= limit;
    const note = fits
      ? t.views.csvAttached
      : t.views.csvTooLarge(String(Math.floor(limit / 1024 / 1024)));
    await interaction.editReply({
      content: renderUsage(entries, period, since, note, t),
      files: fits ? [new AttachmentBuilder(csv, { name: usageCsvName(period, now, tz) })] : [],
      allowedMentions: { parse: [] },
    });
  },
};
