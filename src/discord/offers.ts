// What a job's message may offer, from what the proxy can do: a feature the operator switched
// off or the proxy was found to lack (src/jobs/capabilities.ts) has no button on new messages.
import type { ProxyFeature } from "../config.js";
import { type Capabilities, featureOfButton, featureOfCommand } from "../jobs/capabilities.js";
import type { Offers } from "./components.js";

export function offersOf(capabilities: Pick<Capabilities, "has">): Offers {
  return {
    cancel: capabilities.has("cancel"),
    seed: capabilities.has("seed"),
    button: (info) => {
      const feature = featureOfButton(info.kind);
      return feature === null || capabilities.has(feature);
    },
  };
}

/** The feature a slash command needs that the proxy lacks (or was switched off); null: none. */
export function missingFeatureOf(
  capabilities: Pick<Capabilities, "has">,
  command: string,
): ProxyFeature | null {
  const feature = featureOfCommand(command);
  return feature && !capabilities.has(feature) ? feature : null;
}
