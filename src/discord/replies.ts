// Private answers: bad input, refusals, anything that costs nothing and concerns only the
// member who asked.
import type { InteractionReplyOptions, RepliableInteraction } from "discord.js";

/** A private answer that costs nothing: bad input, a refused press. */
export async function tellPrivately(
  interaction: RepliableInteraction,
  content: string,
): Promise<void> {
  const options: InteractionReplyOptions = {
    content,
    flags: "Ephemeral",
    allowedMentions: { parse: [] },
  };
  if (interaction.deferred || interaction.replied) await interaction.followUp(options);
  else await interaction.reply(options);
}

/** Withdraws a public "thinking" reply and answers privately instead (bad input found late). */
export async function withdraw(interaction: RepliableInteraction, content: string): Promise<void> {
  await interaction.deleteReply().catch(() => undefined);
  await interaction.followUp({ content, flags: "Ephemeral", allowedMentions: { parse: [] } });
}
