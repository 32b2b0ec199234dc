// What /healthz checks in the running app: the gateway's state and a real store round trip.
import { type Client, Status } from "discord.js";
import type { JobStore } from "../jobs/store.js";
import type { Health } from "./server.js";

/** `followed`: how many jobs this process follows (with shards, not the store's whole list). */
export function appHealth(
  client: Client,
  store: JobStore,
  fatal: Promise<string>,
  followed: () => number,
): Health {
  let closedForGood = false;
  void fatal.then(() => {
    closedForGood = true;
  });
  return {
    gatewayReady: () => !closedForGood && client.isReady() && client.ws.status === Status.Ready,
    probeStore: () => store.probe(),
    inFlight: async () => followed(),
  };
}
