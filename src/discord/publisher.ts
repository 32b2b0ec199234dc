// Per-message update queue. For each job's message only the latest state is kept, one
// edit is in flight, progress edits come at most every `progressIntervalMs`, and a final
// state is never dropped nor queued behind progress edits, of its own job or any other.
// Progress edits of all jobs take turns at a shared rate (src/discord/progress-gate.ts):
// interaction webhook routes, which Discord does not hold to the bot-wide limit of 50
// requests a second, go through their own REST client (`webhookRest`) at their own rate;
// edits with the bot token share the global limit with finals, so they get a smaller rate
// and pause while a final is being sent that way.
// Interaction tokens last 15 minutes: before expiry, and whenever Discord answers 401 or
// 50027, the message is edited with the bot token through the channel routes instead.
// What Discord refuses for good is bounded: a deleted message is posted anew once (the
// final state; progress stops), a final the channel refuses (missing access or permission,
// unknown channel) is tried a few times and then handed back as a refusal; progress edits
// Discord refused for good stop for that job.
import { DiscordAPIError, type RawFile, type REST, Routes } from "discord.js";
import type { JobMessage } from "../jobs/job.js";
import type { Logger } from "../log.js";
import { type Told, tellMember } from "./notice.js";
import { ProgressGate } from "./progress-gate.js";
import {
  isUnknownMessage,
  mayChange,
  type Refusal,
  refusalOf,
  refusedForGood,
  UNKNOWN_CHANNEL,
} from "./refusals.js";
import type { MessageView } from "./render.js";

export interface PublisherOptions {
  /** The bot's REST client: bot-token routes, held to the bot-wide limit. */
  rest: REST;
  /** For interaction webhook routes (not held to the bot-wide limit). Default: `rest`. */
  webhookRest?: REST;
  /** Progress edits a second over interaction webhooks, all jobs together. Default 100. */
  progressPerSecond?: number;
  /** Progress edits a second with the bot token, all jobs together. Default 10. */
  channelProgressPerSecond?: number;
  log: Pick<Logger, "debug" | "info" | "warn" | "error">;
  progressIntervalMs?: number;
  /** Stop using an interaction token this long after it was issued. */
  tokenSafetyMs?: number;
  /** Tries for a final state on 429 / 5xx before failing (the caller may offer it again later). */
  finalAttempts?: number;
  /** Tries for a final state Discord refuses for good (403, unknown channel) before giving up. */
  refusedAttempts?: number;
  /** The wait after the first refused try; it doubles for each further one. */
  refusedDelayMs?: number;
  /** Called when the job's message had to be re-created (its id changed). */
  onMessageMoved?: (jobId: string, messageId: string) => Promise<void>;
  now?: () => number;
}

interface Update {
  message: JobMessage;
  view: MessageView;
  final: boolean;
  done: Array<{ resolve: (refusal: Refusal | null) => void; reject: (e: unknown) => void }>;
}

interface Slot {
  latest: Update | null;
  busy: boolean;
  lastEditAt: number;
  wake: (() => void) | null;
  /** The message id learned or re-created here, newer than the job record's. */
  messageId: string | null;
  /** The webhook message showing the job: "@original", or the follow-up posted in its place. */
  webhookMessage: string;
  /** Discord said the job's message is gone (10008): the final state is posted anew, once. */
  gone: boolean;
  /** Discord refused this job's progress for good: no more progress edits for it. */
  stopped: boolean;
  /** A final state was dealt with (shown or given up). */
  finished: boolean;
}

const TOKEN_ERRORS = new Set([50027, 10015]);

export class Publisher {
  private readonly slots = new Map<string, Slot>();
  /** Interaction tokens Discord refused: never used again. */
  private readonly deadTokens = new Set<string>();
  private readonly webhookGate: ProgressGate;
  private readonly channelGate: ProgressGate;
  /** Finals being sent with the bot token: bot-token progress waits for them. */
  private channelFinals = 0;

  constructor(private readonly options: PublisherOptions) {
    const now = options.now ?? Date.now;
    this.webhookGate = new ProgressGate(options.progressPerSecond ?? 100, () => false, now);
    this.channelGate = new ProgressGate(
      options.channelProgressPerSecond ?? 10,
      () => this.channelFinals > 0,
      now,
    );
  }

  /** How many progress edits wait for their turn (all jobs). */
  get progressWaiting(): number {
    return this.webhookGate.waiting + this.channelGate.waiting;
  }

  /**
   * Shows `view` on the job's message. Resolves when this state (or a newer one that
   * replaced it) is on Discord, with null; a replaced progress state resolves at once. A
   * final state Discord refused for good resolves with the refusal once the tries are used
   * up; one that kept failing otherwise (429, 5xx) rejects, and may be offered again.
   */
  show(
    jobId: string,
    message: JobMessage,
    view: MessageView,
    final: boolean,
  ): Promise<Refusal | null> {
    const slot = this.slot(jobId);
    return new Promise<Refusal | null>((resolve, reject) => {
      const previous = slot.latest;
      if (previous?.final && !final) {
        resolve(null); // a final state is pending: progress can only be older
        return;
      }
      const done: Update["done"] = [{ resolve: (refusal) => resolve(refusal), reject }];
      if (previous) {
        // Replaced: the newer state stands for it.
        if (final) done.push(...previous.done);
        else for (const waiter of previous.done) waiter.resolve(null);
      }
      slot.latest = { message, view, final, done };
      if (final) slot.wake?.();
      if (!slot.busy) void this.drain(jobId, slot);
    });
  }

  /**
   * Tells the member privately about their job (after a refusal): an ephemeral follow-up
   * while the interaction token lasts, else a DM. Never throws.
   */
  tellPrivately(
    message: JobMessage,
    userId: string,
    content: string,
    refusal: Refusal,
  ): Promise<Told> {
    return tellMember(this.options.rest, {
      message,
      userId,
      content,
      tokenUsable: this.tokenUsable(message),
      channelGone: refusal.code === UNKNOWN_CHANNEL,
    });
  }

  private slot(jobId: string): Slot {
    let slot = this.slots.get(jobId);
    if (!slot) {
      slot = {
        latest: null,
        busy: false,
        lastEditAt: 0,
        wake: null,
        messageId: null,
        webhookMessage: "@original",
        gone: false,
        stopped: false,
        finished: false,
      };
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
        if (!slot.latest.final) {
          await this.throttle(slot);
          // Its turn among all jobs' progress; a final for this job cuts the wait short.
          const waiting = slot.latest;
          if (waiting && !waiting.final && !(await this.progressTurn(slot, waiting))) continue;
        }
        const update = slot.latest;
        if (!update) break;
        slot.latest = null;
        try {
          const refusal = await this.deliver(jobId, slot, update);
          if (update.final) slot.finished = true;
          for (const waiter of update.done) waiter.resolve(refusal);
        } catch (error) {
          if (update.final) for (const waiter of update.done) waiter.reject(error);
          else for (const waiter of update.done) waiter.resolve(null); // progress is best effort
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

  /** Waits for a progress edit's turn. False when a final came first (the turn was given up). */
  private async progressTurn(slot: Slot, update: Update): Promise<boolean> {
    if (slot.stopped) return true; // nothing will be sent for it
    const gate = this.viaWebhookNext(slot, update.message) ? this.webhookGate : this.channelGate;
    const turn = gate.turn(slot.lastEditAt);
    slot.wake = () => turn.cancel();
    const granted = await turn.granted;
    slot.wake = null;
    return granted;
  }

  /** Whether the next edit of this message goes through the interaction webhook. */
  private viaWebhookNext(slot: Slot, message: JobMessage): boolean {
    return this.tokenUsable(message) && !slot.gone;
  }

  private forgetLater(jobId: string, slot: Slot): void {
    // Keep the slot while edits may follow; drop it once the message is quiet.
    // A slot that knows Discord refused the job's message is kept until its final state.
    setTimeout(() => {
      const remembers = (slot.gone || slot.stopped) && !slot.finished;
      if (!slot.busy && !slot.latest && !remembers && this.slots.get(jobId) === slot)
        this.slots.delete(jobId);
    }, 60_000).unref();
  }

  /** One state, with its tries. Resolves with the refusal when Discord refused it for good. */
  private async deliver(jobId: string, slot: Slot, update: Update): Promise<Refusal | null> {
    if (!update.final && slot.stopped) return null; // refused for good before: no more asking
    if (!update.final || this.viaWebhookNext(slot, update.message)) {
      return this.tryDelivering(jobId, slot, update);
    }
    // A final with the bot token: bot-token progress waits until it is out.
    this.channelFinals += 1;
    try {
      return await this.tryDelivering(jobId, slot, update);
    } finally {
      this.channelFinals -= 1;
      this.channelGate.resume();
    }
  }

  private async tryDelivering(jobId: string, slot: Slot, update: Update): Promise<Refusal | null> {
    const { log } = this.options;
    const transientTries = update.final ? (this.options.finalAttempts ?? 6) : 1;
    const refusedTries = update.final ? (this.options.refusedAttempts ?? 3) : 1;
    let transient = 0;
    let refused = 0;
    for (;;) {
      try {
        await this.edit(jobId, slot, update);
        return null;
      } catch (error) {
        if (refusedForGood(error)) {
          const refusal = refusalOf(error, update.message.channelId);
          if (!update.final) {
            slot.stopped = true;
            log.debug(
              { jobId, code: refusal.code },
              "progress refused by Discord; no more for this job",
            );
            return refusal;
          }
          refused += 1;
          if (refused >= refusedTries || !mayChange(refusal)) return refusal;
          await sleep((this.options.refusedDelayMs ?? 1000) * 2 ** (refused - 1));
          continue;
        }
        transient += 1;
        if (transient >= transientTries || !isTransient(error)) throw error;
        await sleep(Math.min(30_000, 500 * 2 ** transient));
      }
    }
  }

  private tokenUsable(message: JobMessage): boolean {
    const token = message.interactionToken;
    return (
      token !== null &&
      !this.deadTokens.has(token) &&
      this.now() - message.tokenIssuedAt < (this.options.tokenSafetyMs ?? 14 * 60_000)
    );
  }

  /** One edit: the interaction webhook while its token is good, else the channel route. */
  private async edit(jobId: string, slot: Slot, update: Update): Promise<void> {
    const { message } = update;
    const token = message.interactionToken;
    if (token !== null && this.tokenUsable(message)) {
      try {
        await this.viaWebhook(jobId, slot, update, token);
        return;
      } catch (error) {
        if (!isTokenError(error)) throw error;
        this.deadTokens.add(token);
        this.options.log.debug({ jobId }, "interaction token refused; using the bot token");
      }
    }
    await this.viaChannel(jobId, slot, update);
  }

  private async viaWebhook(jobId: string, slot: Slot, update: Update, token: string) {
    const rest = this.options.webhookRest ?? this.options.rest;
    const { message } = update;
    const request = { body: payload(update.view), files: files(update.view), auth: false };
    if (!slot.gone) {
      try {
        const sent = (await rest.patch(
          Routes.webhookMessage(message.applicationId, token, slot.webhookMessage),
          request,
        )) as { id?: string };
        if (sent.id && !message.messageId && !slot.messageId) slot.messageId = sent.id;
        return;
      } catch (error) {
        if (!isUnknownMessage(error)) throw error;
        this.lost(jobId, slot, update, error);
      }
    }
    // The message was deleted: the final state becomes a follow-up of the interaction.
    const created = (await rest.post(Routes.webhook(message.applicationId, token), {
      ...request,
      query: new URLSearchParams({ wait: "true" }),
    })) as { id: string };
    slot.webhookMessage = created.id;
    await this.moved(jobId, slot, created.id);
  }

  private async viaChannel(jobId: string, slot: Slot, update: Update): Promise<void> {
    const { rest } = this.options;
    const { message } = update;
    const request = { body: payload(update.view), files: files(update.view) };
    const messageId = slot.messageId ?? message.messageId;
    if (messageId && !slot.gone) {
      try {
        await rest.patch(Routes.channelMessage(message.channelId, messageId), request);
        return;
      } catch (error) {
        if (!isUnknownMessage(error)) throw error;
        this.lost(jobId, slot, update, error);
      }
    }
    // No message to edit (gone, or never known): post the state as a new message.
    const created = (await rest.post(Routes.channelMessages(message.channelId), request)) as {
      id: string;
    };
    await this.moved(jobId, slot, created.id);
  }

  /** Discord says the job's message is gone: progress stops; a final state is posted anew. */
  private lost(jobId: string, slot: Slot, update: Update, error: unknown): void {
    slot.gone = true;
    this.options.log.info(
      { jobId, channelId: update.message.channelId },
      update.final
        ? "the job's message was deleted; posting the result anew"
        : "the job's message was deleted; its result will be posted anew",
    );
    if (!update.final) throw error;
  }

  private async moved(jobId: string, slot: Slot, messageId: string): Promise<void> {
    slot.messageId = messageId;
    slot.gone = false;
    await this.options.onMessageMoved?.(jobId, messageId);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function files(view: MessageView): RawFile[] {
  return view.files.map<RawFile>((f) => ({ name: f.name, data: f.data }));
}

/** The JSON body of a message write for `view` (its files go beside it). */
export function payload(view: MessageView): Record<string, unknown> {
  // On an edit the attachments list is the complete set to keep.
  const attachments = view.files.map((f, id) => ({ id: String(id), filename: f.name }));
  if (view.flags) {
    // A Components V2 result (a gallery). A job's message starts plain (a deferred reply
    // cannot carry IS_COMPONENTS_V2, and progress shows its preview in an embed), and its
    // final edit adds the flag. Discord allows adding it on an edit, never removing it
    // (docs "Using Message Components"; discord-api-docs PR #7560 and issue #7515: after a
    // deferred reply the flag goes on the edit of @original); the edit that adds it must
    // clear the legacy fields, `content` and `embeds` set to null (discord.js guide,
    // "Components V2", Limitations; discordjs/guide PR #1620). Whether a result is a gallery
    // depends on the result only (gallery.ts), so no later state of the job is plain again.
    return {
      flags: view.flags,
      content: null,
      embeds: null,
      components: view.components,
      allowed_mentions: view.allowed_mentions,
      attachments,
    };
  }
  return {
    content: view.content,
    embeds: view.embeds,
    components: view.components,
    allowed_mentions: view.allowed_mentions,
    attachments,
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
