// A private word to a member about their job: an ephemeral follow-up while the interaction
// token lasts (and the channel exists), else a DM. One try each; it never throws.
import { DiscordAPIError, type REST, Routes } from "discord.js";
import type { JobMessage } from "../jobs/job.js";

export type Told = { via: "ephemeral" | "dm" } | { via: null; why: string };

const EPHEMERAL = 1 << 6;

export interface Notice {
  message: JobMessage;
  userId: string;
  content: string;
  /** The interaction token may be used (young enough, never refused). */
  tokenUsable: boolean;
  /** The job's channel is gone: an ephemeral follow-up there cannot land. */
  channelGone: boolean;
}

export async function tellMember(rest: REST, notice: Notice): Promise<Told> {
  const body = { content: notice.content, allowed_mentions: { parse: [] } };
  const { message } = notice;
  const failures: string[] = [];
  if (notice.tokenUsable && !notice.channelGone && message.interactionToken) {
    try {
      await rest.post(Routes.webhook(message.applicationId, message.interactionToken), {
        body: { ...body, flags: EPHEMERAL },
        auth: false,
      });
      return { via: "ephemeral" };
    } catch (error) {
      failures.push(`ephemeral follow-up: ${short(error)}`);
    }
  }
  try {
    const dm = (await rest.post(Routes.userChannels(), {
      body: { recipient_id: notice.userId },
    })) as { id: string };
    await rest.post(Routes.channelMessages(dm.id), { body });
    return { via: "dm" };
  } catch (error) {
    failures.push(`DM: ${short(error)}`);
  }
  return { via: null, why: failures.join("; ") };
}

function short(error: unknown): string {
  if (error instanceof DiscordAPIError) return `${error.message} (Discord ${error.code})`;
  return error instanceof Error ? error.message : String(error);
}
