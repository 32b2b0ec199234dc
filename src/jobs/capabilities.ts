// What the proxy can do. A feature is off when the operator switched it off (MJ_DISABLE) or
// when the proxy answered its route with HTTP 404/405 (not routed, as opposed to a task it
// does not know): that is remembered in the store, so its commands are answered at once
// and its buttons hidden, across restarts, without asking the proxy again.
import { PROXY_FEATURES, type ProxyFeature } from "../config.js";
import type { ButtonKind } from "../mj/buttons.js";
import type { JobStore } from "./store.js";
import type { SubmitRequest } from "./submit.js";

const KEY = "capabilities:missing";

export type FeatureState = "available" | "disabled" | "missing";

export class Capabilities {
  private missing = new Set<ProxyFeature>();

  private constructor(
    private readonly store: Pick<JobStore, "getKeyed" | "setKeyed">,
    private readonly disabled: ReadonlySet<ProxyFeature>,
  ) {}

  /** What the store learned before, and what the operator switched off. */
  static async load(
    store: Pick<JobStore, "getKeyed" | "setKeyed">,
    disabled: readonly ProxyFeature[],
  ): Promise<Capabilities> {
    const capabilities = new Capabilities(store, new Set(disabled));
    const learned = (await store.getKeyed<string[]>(KEY)) ?? [];
    for (const feature of learned) {
      if ((PROXY_FEATURES as readonly string[]).includes(feature)) {
        capabilities.missing.add(feature as ProxyFeature);
      }
    }
    return capabilities;
  }

  /** Whether the feature may be used (offered, submitted). */
  has(feature: ProxyFeature): boolean {
    return this.state(feature) === "available";
  }

  state(feature: ProxyFeature): FeatureState {
    if (this.disabled.has(feature)) return "disabled";
    return this.missing.has(feature) ? "missing" : "available";
  }

  /** The proxy answered the feature's route with 404/405: remembered for good. */
  async learnMissing(feature: ProxyFeature): Promise<void> {
    if (this.missing.has(feature)) return;
    this.missing.add(feature);
    await this.store.setKeyed(KEY, [...this.missing]);
  }

  /** Every feature and its state, in a fixed order (for /info). */
  list(): Array<{ feature: ProxyFeature; state: FeatureState }> {
    return PROXY_FEATURES.map((feature) => ({ feature, state: this.state(feature) }));
  }
}

/** The feature a request needs, if it is one a proxy may lack (imagine and buttons: none). */
export function featureOf(request: SubmitRequest): ProxyFeature | null {
  switch (request.type) {
    case "blend":
    case "describe":
    case "shorten":
    case "video":
    case "swapface":
      return request.type;
    case "edits":
      return "edits";
    default:
      return null;
  }
}

/** The feature a slash command needs, if any. */
export function featureOfCommand(command: string): ProxyFeature | null {
  if (command === "edit") return "edits";
  return (PROXY_FEATURES as readonly string[]).includes(command) ? (command as ProxyFeature) : null;
}

/** The feature a result's button needs beyond /submit/action: the video ones need video. */
export function featureOfButton(kind: ButtonKind): ProxyFeature | null {
  switch (kind) {
    case "animate":
    case "video_select":
    case "video_extend":
    case "video_manual":
      return "video";
    default:
      return null;
  }
}
