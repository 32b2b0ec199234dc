// Shared by the proxy client's tests against the simulator (client.test.ts, client-flows.test.ts).
import { expect } from "vitest";
import { MjClient, type MjClientOptions } from "../../src/mj/client.js";
import { ProxyError } from "../../src/mj/errors.js";
import type { SubmitOutcome } from "../../src/mj/task.js";
import type { Simulator } from "../../src/simulator/index.js";
import { KEY } from "../simulator/helpers.js";

/** Makes proxy clients for the simulator (tiny retry delays, fixed jitter); `closeAll` closes them. */
export function clientsFor(sim: () => Simulator) {
  const open: MjClient[] = [];
  const client = (options: Partial<MjClientOptions> = {}): MjClient => {
    const c = new MjClient({
      baseUrl: sim().url,
      apiKey: KEY,
      retry: { baseDelayMs: 5, maxDelayMs: 50 },
      random: () => 0.5,
      ...options,
    });
    open.push(c);
    return c;
  };
  const closeAll = async (): Promise<void> => {
    await Promise.all(open.splice(0).map((c) => c.close()));
  };
  return { client, closeAll };
}

/** The ProxyError a promise rejects with (the test fails if it resolves or throws another). */
export async function failure(promise: Promise<unknown>): Promise<ProxyError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ProxyError);
  return error as ProxyError;
}

/** The task id of a submit that was accepted (throws on any other outcome). */
export function submittedId(outcome: SubmitOutcome): string {
  if (outcome.kind !== "submitted") throw new Error(`expected submitted: ${outcome.kind}`);
  return outcome.taskId;
}
