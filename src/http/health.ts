// What /healthz checks in the running app: the gateway's state and a real store round trip.
import { type Client, Status } from "discord.js";
import type { JobStore } from "../jobs/store.js";
import type { Health } from "./server.js";

export function appHealth(client: Client, store: JobStore, fatal: Promise<string>): Health {
  let closedForGood = false;
  void fatal.then(() => {
    closedForGood = true;
  });
  return {
    gatewayReady: () => !closedForGood && client.isReady() && client.ws.status === Status.Ready,
    probeStore: () => store.probe(),
    inFlight: async () => (await store.inFlight()).length,
  };
}
