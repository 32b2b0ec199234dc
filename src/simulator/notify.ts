/**
 * notifyHook delivery (docs/proxy-behaviour.md §9): POST the whole task JSON; fire-and-forget,
 * no retries.
 */
import type { SimTask } from "./task.js";

/** trueai's state order; a notify is skipped when its order is not above the last one sent. */
export function notifyOrder(task: SimTask): number {
  const { status, progress } = task.wire;
  switch (status) {
    case "SUBMITTED":
      return 1;
    case "IN_PROGRESS":
      return 3 + (Number.parseInt(progress ?? "0", 10) || 0) / 100;
    case "FAILURE":
      return 4;
    case "SUCCESS":
      return 5;
    default:
      return 0;
  }
}

const TIMEOUT_MS = 10_000;

export class Notifier {
  private readonly closing = new AbortController();

  send(url: string, body: unknown): void {
    if (this.closing.signal.aborted) return;
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      return;
    }
    if (target.protocol !== "http:" && target.protocol !== "https:") return;
    const signal = AbortSignal.any([this.closing.signal, AbortSignal.timeout(TIMEOUT_MS)]);
    fetch(target, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
      signal,
    })
      .then((res) => res.body?.cancel())
      .catch(() => {
        // Errors are ignored, as the proxies do.
      });
  }

  close(): void {
    this.closing.abort();
  }
}
