// /info: the member's credits used and left today and this month, jobs in flight, the
// cooldown, the modes and commands they may use. `member:` lets an admin look at anyone.
// Private, and it costs nothing (the proxy is never asked).
import { MessageFlags, SlashCommandBuilder } from "discord.js";
import { isAdmin } from "../src/discord/admins.js";
import type { Command } from "../src/discord/command.js";
import { described } from "../src/discord/lang/commands.js";
import { textsFor } from "../src/discord/lang/index.js";
import { mention, renderInfo } from "../src/discord/ledger-views.js";
import { memberMode } from "../src/discord/modes.js";
import { tellPrivately } from "../src/discord/replies.js";
import { roleIdsOf } from "../src/discord/roles.js";

export const info: Command = {
  definition: described(new SlashCommandBuilder().setName("info"), "info")
    .addUserOption((o) => described(o.setName("member"), "infoMember"))
    .toJSON(),

  async execute(interaction, ctx) {
    const t = textsFor(interaction.locale);
    const policy = ctx.policy;
    const other = interaction.options.getUser("member");
    const self = other === null || other.id === interaction.user.id;
    if (!self && !isAdmin(interaction, policy)) {
      await tellPrivately(interaction, t.views.onlyAdminsOthers);
      return;
    }
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    const memberId = self ? interaction.user.id : other.id;
    const roleIds = roleIdsOf(self ? interaction.member : interaction.options.getMember("member"));
    const usage = await ctx.ledger.usage(interaction.guildId, memberId, roleIds);
    // Only the modes a member can choose with the `mode` option or /settings.
    const modes = usage.limits.modes.filter((m) => memberMode(m) !== null);
    const hasServerLimit = policy.server.daily !== undefined || policy.server.monthly !== undefined;
    const server = hasServerLimit
      ? { limits: policy.server, used: await ctx.ledger.used(interaction.guildId, "*") }
      : null;
    const missing = ctx.capabilities
      .list()
      .filter((c) => c.state !== "available")
      .map((c) => c.feature);
    const cannot = missing.length === 0 ? null : t.capabilities.cannotList(missing);
    const content = renderInfo(
      { ...usage, limits: { ...usage.limits, modes } },
      server,
      self ? null : mention(memberId),
      t,
    );
    await interaction.editReply({
      content: cannot ? `${content}\n${cannot}` : content,
      allowedMentions: { parse: [] },
    });
  },
};
