// What a job asks of the proxy, kept so that Retry can ask again, and the one place that
// turns such a request into proxy calls.
import type { MjMode } from "../config.js";
import type { ActionRequest, BotType, MjClient, VideoType } from "../mj/client.js";
import { ProxyError } from "../mj/errors.js";
import { legacyChange, type SubmitOutcome } from "../mj/task.js";

export type SubmitRequest =
  | { type: "imagine"; prompt: string; base64Array: string[]; botType?: BotType }
  | {
      type: "blend";
      base64Array: string[];
      dimensions?: "PORTRAIT" | "SQUARE" | "LANDSCAPE";
      botType?: BotType;
    }
  | { type: "describe"; base64: string; botType?: BotType }
  | { type: "shorten"; prompt: string; botType?: BotType }
  | {
      type: "video";
      prompt: string;
      image: string;
      motion: "low" | "high";
      videoType: VideoType;
    }
  | { type: "swapface"; sourceBase64: string; targetBase64: string }
  | { type: "edits"; prompt: string; image: string }
  /** Press a proxy button that needs no input. */
  | { type: "action"; taskId: string; customId: string }
  /**
   * Press a button that needs input, then confirm its form: action -> 21 -> modal.
   * With `imagineIfRefused`, a proxy that refuses the button (code 4, e.g. shorten picks on
   * trueai) gets the chosen prompt as a plain /imagine instead.
   */
  | {
      type: "form";
      taskId: string;
      customId: string;
      prompt: string;
      maskBase64?: string;
      imagineIfRefused?: boolean;
    }
  /** Confirm a task the proxy already holds in status MODAL. */
  | { type: "modal"; taskId: string; prompt: string; maskBase64?: string };

/** A proxy's answer; `formSkipped` when a form's action ran at once, without the form's prompt. */
export type Submitted = SubmitOutcome & { formSkipped?: true };

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
): Promise<Submitted> {
  const common = { mode: context.mode, state: context.state };
  switch (request.type) {
    case "imagine":
      return proxy.imagine({
        ...common,
        prompt: request.prompt,
        base64Array: request.base64Array,
        botType: request.botType,
      });
    case "blend":
      return proxy.blend({
        ...common,
        base64Array: request.base64Array,
        dimensions: request.dimensions,
        botType: request.botType,
      });
    case "describe":
      return proxy.describe({ ...common, base64: request.base64, botType: request.botType });
    case "shorten":
      return proxy.shorten({ ...common, prompt: request.prompt, botType: request.botType });
    case "video":
      return proxy.video({
        ...common,
        prompt: request.prompt,
        image: request.image,
        motion: request.motion,
        videoType: request.videoType,
      });
    case "swapface":
      return proxy.swapFace({
        ...common,
        sourceBase64: request.sourceBase64,
        targetBase64: request.targetBase64,
      });
    case "edits":
      return proxy.edits({ ...common, prompt: request.prompt, image: request.image });
    case "action": {
      // A button of our own for a legacy proxy's grid: /submit/change.
      const legacy = legacyChange(request.customId);
      if (legacy) return proxy.change({ ...common, taskId: request.taskId, ...legacy });
      return proxy.action({ ...common, taskId: request.taskId, customId: request.customId });
    }
    case "modal":
      return proxy.modal({
        mode: context.mode,
        taskId: request.taskId,
        prompt: request.prompt,
        maskBase64: request.maskBase64,
      });
    case "form":
      return submitForm(proxy, request, context);
  }
}

async function submitForm(
  proxy: MjClient,
  request: Extract<SubmitRequest, { type: "form" }>,
  context: SubmitContext,
): Promise<Submitted> {
  const common = { mode: context.mode, state: context.state };
  const legacy = legacyChange(request.customId);
  if (legacy) {
    // A legacy proxy has no forms: the change runs with the grid's own prompt.
    const changed = await proxy.change({ ...common, taskId: request.taskId, ...legacy });
    return { ...changed, formSkipped: true };
  }
  let outcome: SubmitOutcome;
  try {
    outcome = await pressForForm(proxy, {
      ...common,
      taskId: request.taskId,
      customId: request.customId,
    });
  } catch (error) {
    if (request.imagineIfRefused && error instanceof ProxyError && error.code === 4) {
      return proxy.imagine({ ...common, prompt: request.prompt, base64Array: [] });
    }
    throw error;
  }
  // The proxy ran the action at once (remix off on its account, or a gateway dropped
  // enableRemix): with the parent's prompt.
  if (outcome.kind !== "modal") return { ...outcome, formSkipped: true };
  return proxy.modal({
    mode: context.mode,
    taskId: outcome.taskId,
    prompt: request.prompt,
    maskBase64: request.maskBase64,
  });
}

type Press = Omit<ActionRequest, "enableRemix">;

/**
 * The press behind a form the member filled in. `enableRemix: true` makes trueai wait for
 * the modal (with "remix auto-submit" on it would otherwise run the parent's prompt). An
 * account with Remix off refuses that flag with code 4 (nothing is made), so the press is
 * sent once more without it. Decided on the code, not on the refusal's wording.
 */
async function pressForForm(proxy: MjClient, press: Press): Promise<SubmitOutcome> {
  try {
    return await proxy.action({ ...press, enableRemix: true });
  } catch (error) {
    if (error instanceof ProxyError && error.code === 4) return proxy.action(press);
    throw error;
  }
}
