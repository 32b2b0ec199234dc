// What every command, press and form handler is given.
import type { Config } from "../config.js";
import type { Capabilities } from "../jobs/capabilities.js";
import type { Job } from "../jobs/job.js";
import type { JobStore } from "../jobs/store.js";
import type { Tracker } from "../jobs/tracker.js";
import type { Logger } from "../log.js";
import type { MjClient } from "../mj/client.js";
import type { Ledger } from "../policy/ledger.js";
import type { Policy } from "../policy/policy.js";
import type { Presenter } from "./presenter.js";

export interface BotContext {
  config: Config;
  store: JobStore;
  proxy: MjClient;
  tracker: Tracker;
  presenter: Presenter;
  log: Logger;
  /** How long a job may take before it is closed with a message. */
  jobDeadlineMs: number;
  /** The spending policy in force (a getter: it is re-read on SIGHUP or file change). */
  readonly policy: Policy;
  /** Credits spent and reserved, and an entry per job. */
  ledger: Ledger;
  /** What the proxy can do: switched off by the operator, or learned from a 404/405. */
  capabilities: Capabilities;
  /** Told when the proxy refused a job at its submit (metrics count it). */
  jobRefused?: (job: Job) => void;
}
