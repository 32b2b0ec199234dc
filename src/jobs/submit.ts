// What a job asks of the proxy, kept so that Retry can ask again, and the one place that
// turns such a request into proxy calls.
import type { MjMode } from "../config.js";
import type { MjClient } from "../mj/client.js";
import type { SubmitOutcome } from "../mj/task.js";

export type SubmitRequest =
  | { type: "imagine"; prompt: string; base64Array: string[] }
  /** Press a proxy button that needs no input. */
  | { type: "action"; taskId: string; customId: string }
  /** Press a button that needs input, then confirm its form: action -> 21 -> modal. */
  | { type: "form"; taskId: string; customId: string; prompt: string; maskBase64?: string }
  /** Confirm a task the proxy already holds in status MODAL. */
  | { type: "modal"; taskId: string; prompt: string; maskBase64?: string };

export interface SubmitContext {
  mode: MjMode;
  /** Echoed on the task; names the job. */
  state: string;
}

/**
 * Sends a request. For a form, the action's code 21 is followed by /submit/modal with the
 * MODAL task id; a proxy that answers the action with 1 or 22 straight away (remix
 * auto-submit, or a gateway that rewrote the 21) simply runs the job.
 */
export async function submitRequest(
  proxy: MjClient,
  request: SubmitRequest,
  context: SubmitContext,
): Promise<SubmitOutcome> {
  const common = { mode: context.mode, state: context.state };
  switch (request.type) {
    case "imagine":
      return proxy.imagine({ ...common, prompt: request.prompt, base64Array: request.base64Array });
    case "action":
      return proxy.action({ ...common, taskId: request.taskId, customId: request.customId });
    case "modal":
      return proxy.modal({
        mode: context.mode,
        taskId: request.taskId,
        prompt: request.prompt,
        maskBase64: request.maskBase64,
      });
    case "form": {
      const outcome = await proxy.action({
        ...common,
        taskId: request.taskId,
        customId: request.customId,
      });
      if (outcome.kind !== "modal") return outcome;
      return proxy.modal({
        mode: context.mode,
        taskId: outcome.taskId,
        prompt: request.prompt,
        maskBase64: request.maskBase64,
      });
    }
  }
}
