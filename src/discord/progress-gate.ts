// Turns for progress edits, shared by every job: at most `perSecond` a second in total, the
// job whose message was edited longest ago first (one never edited before all others), and
// none while the gate is paused. Finals never pass
// through here: they go out at once. With many jobs in flight each job's turn simply comes
// round less often (N jobs at R a second: one edit per job every N/R seconds), so every job
// still shows progress and the edits never outgrow what Discord takes.

export interface Turn {
  /** Resolves true when the edit may go, false when it was cancelled first. */
  granted: Promise<boolean>;
  /** Gives up the place in line (e.g. a final came for the same job). */
  cancel(): void;
}

interface Waiter {
  resolve: (granted: boolean) => void;
  /** When the job's message was last edited (0: never): the smallest goes first. */
  since: number;
}

export class ProgressGate {
  private readonly line: Waiter[] = [];
  private tokens: number;
  private refilledAt: number;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly perSecond: number,
    /** While true no turn is given (e.g. finals are being sent on the same limit). */
    private readonly paused: () => boolean = () => false,
    private readonly now: () => number = Date.now,
  ) {
    // A second's worth may go at once; beyond that the rate holds.
    this.tokens = this.capacity;
    this.refilledAt = now();
  }

  /** How many edits wait for a turn. */
  get waiting(): number {
    return this.line.length;
  }

  /** Joins the line, behind every job whose message was edited before `since`. */
  turn(since = 0): Turn {
    let waiter: Waiter | undefined;
    const granted = new Promise<boolean>((resolve) => {
      waiter = { resolve, since };
    });
    const entry = waiter as Waiter;
    this.line.splice(this.placeFor(since), 0, entry);
    this.pump();
    return {
      granted,
      cancel: () => {
        const at = this.line.indexOf(entry);
        if (at < 0) return;
        this.line.splice(at, 1);
        entry.resolve(false);
      },
    };
  }

  /** The reason for a pause has gone: turns may be given again. */
  resume(): void {
    this.pump();
  }

  /** Where a waiter edited at `since` goes: after all edited at or before it (binary search). */
  private placeFor(since: number): number {
    let low = 0;
    let high = this.line.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if ((this.line[mid] as Waiter).since <= since) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  private get capacity(): number {
    return Math.max(1, this.perSecond);
  }

  private refill(): void {
    const now = this.now();
    const earned = ((now - this.refilledAt) / 1000) * this.perSecond;
    this.tokens = Math.min(this.capacity, this.tokens + earned);
    this.refilledAt = now;
  }

  private pump(): void {
    this.refill();
    while (this.line.length > 0 && this.tokens >= 1 && !this.paused()) {
      this.tokens -= 1;
      this.line.shift()?.resolve(true);
    }
    if (this.line.length === 0 || this.timer || this.paused()) return;
    // The next token, or a look again soon after a pause.
    const wait = Math.max(1, Math.ceil(((1 - this.tokens) / this.perSecond) * 1000));
    this.timer = setTimeout(() => {
      this.timer = null;
      this.pump();
    }, wait);
    this.timer.unref();
  }
}
