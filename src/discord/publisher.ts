// Per-message update queue. For each job's message only the latest state is kept, one
// edit is in flight, progress edits come at most every `progressIntervalMs`, and a final
// state is never dropped nor queued behind progress edits.
// Interaction tokens last 15 minutes: before expiry, and whenever Discord answers 401 or
// 50027, the message is edited with the bot token through the channel routes instead.
import { DiscordAPIError, type RawFile, type REST, Routes } from "discord.js";
import type { JobMessage } from "../jobs/job.js";
import type { Logger } from "../log.js";
import type { MessageView } from "./render.js";

export interface PublisherOptions {
  rest: REST;
  log: Pick<Logger, "debug" | "warn" | "error">;
  progressIntervalMs?: number;
  /** Stop using an interaction token this long after it was issued. */
  tokenSafetyMs?: number;
  /** Tries for a final state before giving up (the caller may offer it again later). */
  finalAttempts?: number;
  /** Called when the job's message had to be re-created (its id changed). */
  onMessageMoved?: (jobId: string, messageId: string) => Promise<void>;
  now?: () => number;
}

interface Update {
  message: JobMessage;
  view: MessageView;
  final: boolean;
  done: Array<{ resolve: () => void; reject: (e: unknown) => void }>;
}

interface Slot {
  latest: Update | null;
  busy: boolean;
  lastEditAt: number;
  wake: (() => void) | null;
  /** The message id learned or re-created here, newer than the job record's. */
  messageId: string | null;
}

const TOKEN_ERRORS = new Set([50027, 10015]);
const UNKNOWN_MESSAGE = 10008;

export class Publisher {
  private readonly slots = new Map<string, Slot>();
  /** Interaction tokens Discord refused: never used again. */
  private readonly deadTokens = new Set<string>();

  constructor(private readonly options: PublisherOptions) {}

  /**
   * Shows `view` on the job's message. Resolves when this state (or a newer one that
   * replaced it) is on Discord; a replaced progress state resolves at once.
   */
  show(jobId: string, message: JobMessage, view: MessageView, final: boolean): Promise<void> {
    const slot = this.slot(jobId);
    return new Promise<void>((resolve, reject) => {
      const previous = slot.latest;
      if (previous?.final && !final) {
        resolve(); // a final state is pending: progress can only be older
        return;
      }
      const done = [{ resolve, reject }];
      if (previous) {
        // Replaced: the newer state stands for it.
        if (final) done.push(...previous.done);
        else for (const waiter of previous.done) waiter.resolve();
      }
      slot.latest = { message, view, final, done };
      if (final) slot.wake?.();
      if (!slot.busy) void this.drain(jobId, slot);
    });
  }

  private slot(jobId: string): Slot {
    let slot = this.slots.get(jobId);
    if (!slot) {
      slot = { latest: null, busy: false, lastEditAt: 0, wake: null, messageId: null };
      this.slots.set(jobId, slot);
    }
    return slot;
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  private async drain(jobId: string, slot: Slot): Promise<void> {
    slot.busy = true;
    try {
      while (slot.latest) {
        if (!slot.latest.final) await this.throttle(slot);
        const update = slot.latest;
        if (!update) break;
        slot.latest = null;
        try {
          await this.deliver(jobId, slot, update);
          for (const waiter of update.done) waiter.resolve();
        } catch (error) {
          if (update.final) for (const waiter of update.done) waiter.reject(error);
          else for (const waiter of update.done) waiter.resolve(); // progress is best effort
          this.options.log.warn({ err: error, jobId, final: update.final }, "message edit failed");
        }
        slot.lastEditAt = this.now();
      }
    } finally {
      slot.busy = false;
      if (!slot.latest && slot.lastEditAt > 0) this.forgetLater(jobId, slot);
    }
  }

  /** Waits until a progress edit is allowed; a final state cuts the wait short. */
  private async throttle(slot: Slot): Promise<void> {
    const wait = slot.lastEditAt + (this.options.progressIntervalMs ?? 2500) - this.now();
    if (wait <= 0) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, wait);
      slot.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    slot.wake = null;
  }

  private forgetLater(jobId: string, slot: Slot): void {
    // Keep the slot while edits may follow; drop it once the message is quiet.
    setTimeout(() => {
      if (!slot.busy && !slot.latest && this.slots.get(jobId) === slot) this.slots.delete(jobId);
    }, 60_000).unref();
  }

  private async deliver(jobId: string, slot: Slot, update: Update): Promise<void> {
    const attempts = update.final ? (this.options.finalAttempts ?? 6) : 1;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.edit(jobId, slot, update);
        return;
      } catch (error) {
        if (attempt >= attempts || !isTransient(error)) throw error;
        await new Promise((r) => setTimeout(r, Math.min(30_000, 500 * 2 ** attempt)));
      }
    }
  }

  /** One edit: the interaction webhook while its token is good, else the channel route. */
  private async edit(jobId: string, slot: Slot, update: Update): Promise<void> {
    const { message } = update;
    const body = payload(update.view);
    const files = update.view.files.map<RawFile>((f) => ({ name: f.name, data: f.data }));
    const token = message.interactionToken;
    const tokenUsable =
      token !== null &&
      !this.deadTokens.has(token) &&
      this.now() - message.tokenIssuedAt < (this.options.tokenSafetyMs ?? 14 * 60_000);
    if (tokenUsable) {
      try {
        const sent = (await this.options.rest.patch(
          Routes.webhookMessage(message.applicationId, token, "@original"),
          { body, files, auth: false },
        )) as { id?: string };
        if (sent.id && !message.messageId && !slot.messageId) slot.messageId = sent.id;
        return;
      } catch (error) {
        if (!isTokenError(error)) throw error;
        this.deadTokens.add(token);
        this.options.log.debug({ jobId }, "interaction token refused; using the bot token");
      }
    }
    const messageId = slot.messageId ?? message.messageId;
    if (messageId) {
      try {
        await this.options.rest.patch(Routes.channelMessage(message.channelId, messageId), {
          body,
          files,
        });
        return;
      } catch (error) {
        if (!(error instanceof DiscordAPIError && error.code === UNKNOWN_MESSAGE)) throw error;
      }
    }
    // No message to edit (gone, or never known): post the state as a new message.
    const created = (await this.options.rest.post(Routes.channelMessages(message.channelId), {
      body,
      files,
    })) as { id: string };
    slot.messageId = created.id;
    await this.options.onMessageMoved?.(jobId, created.id);
  }
}

function payload(view: MessageView): Record<string, unknown> {
  return {
    content: view.content,
    embeds: view.embeds,
    components: view.components,
    allowed_mentions: view.allowed_mentions,
    // On an edit the attachments list is the complete set to keep.
    attachments: view.files.map((f, id) => ({ id: String(id), filename: f.name })),
  };
}

function isTokenError(error: unknown): boolean {
  if (error instanceof DiscordAPIError)
    return error.status === 401 || TOKEN_ERRORS.has(Number(error.code));
  return false;
}

/** 429 and 5xx are waited out (discord.js retries too; this covers what it gives up on). */
function isTransient(error: unknown): boolean {
  if (error instanceof DiscordAPIError) return error.status === 429 || error.status >= 500;
  const status = (error as { status?: number }).status;
  return status === undefined || status === 429 || status >= 500;
}
