// Answers to interactions. Private ones: bad input, refusals, anything that costs nothing and
// concerns only the member who asked. The public one: the reply that becomes a job's message.
import type {
  ButtonInteraction,
  ChatInputCommandInteraction,
  InteractionReplyOptions,
  ModalSubmitInteraction,
  RepliableInteraction,
} from "discord.js";

/** An interaction that can start a job (its public reply becomes the job's message). */
export type JobInteraction =
  | ChatInputCommandInteraction
  | ButtonInteraction
  | ModalSubmitInteraction;

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

/** Makes sure the interaction has a public reply (the job's message) and returns its id. */
export async function acknowledge(interaction: JobInteraction): Promise<string | null> {
  if (interaction.deferred || interaction.replied) {
    return (await interaction.fetchReply()).id;
  }
  const response = await interaction.deferReply({ withResponse: true });
  return response.resource?.message?.id ?? null;
}

/** Acknowledges with the job's public reply before any slow work (Discord waits 3 s). */
export async function acknowledgeFirst(interaction: JobInteraction): Promise<void> {
  if (!interaction.deferred && !interaction.replied) await interaction.deferReply();
}

/**
 * A refusal: private while nothing is public yet; once acknowledged (with a public
 * "thinking" reply, which was to become the job's message), that reply is withdrawn and the
 * member is answered privately instead.
 */
export async function refuseLate(interaction: JobInteraction, message: string): Promise<void> {
  if (interaction.deferred) await withdraw(interaction, message);
  else await tellPrivately(interaction, message);
}
