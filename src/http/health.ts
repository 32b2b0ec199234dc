// What /healthz checks in the running app: the gateway's state and a real store round trip.
import { randomUUID } from "node:crypto";
import { type Client, Status } from "discord.js";
import type { JobStore } from "../jobs/store.js";
import type { Health } from "./server.js";

/** How long a probe's key lives, should its delete fail. */
const PROBE_TTL_MS = 60_000;

export function appHealth(client: Client, store: JobStore, fatal: Promise<string>): Health {
  let closedForGood = false;
  void fatal.then(() => {
    closedForGood = true;
  });
  return {
    gatewayReady: () => !closedForGood && client.isReady() && client.ws.status === Status.Ready,
    async probeStore() {
      // A key of its own, so that processes sharing one store never read each other's probe.
      const key = `health:${randomUUID()}`;
      const token = String(Date.now());
      await store.setKeyed(key, token, PROBE_TTL_MS);
      const back = await store.getKeyed<string>(key);
      await store.deleteKeyed(key);
      if (back !== token) throw new Error("the store does not keep what is written");
    },
    inFlight: async () => (await store.inFlight()).length,
  };
}
