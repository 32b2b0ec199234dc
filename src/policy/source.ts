// The policy in force: read at start-up (a bad file stops the start), re-read on SIGHUP or
// when the file changes; a bad file met on re-read is logged and the previous policy stays.
import { type FSWatcher, watch } from "node:fs";
import { basename, dirname, resolve } from "node:path";
import type { Logger } from "../log.js";
import { loadPolicyFile } from "./file.js";
import { type Policy, PolicyError, UNLIMITED } from "./policy.js";

export const NO_POLICY_WARNING = "no spending policy (POLICY_FILE): nothing is limited";

export interface PolicySourceOptions {
  /** The file (POLICY_FILE); undefined: no policy, nothing is limited. */
  file: string | undefined;
  log: Logger;
  /** How long a burst of file events is left to settle before the re-read. */
  debounceMs?: number;
}

export class PolicySource {
  private policy: Policy = UNLIMITED;
  private watcher: FSWatcher | null = null;
  private timer: NodeJS.Timeout | null = null;
  private readonly file: string | undefined;
  private readonly log: Logger;
  private readonly debounceMs: number;

  constructor(options: PolicySourceOptions) {
    this.file = options.file;
    this.log = options.log;
    this.debounceMs = options.debounceMs ?? 300;
  }

  /** The policy in force. */
  get current(): Policy {
    return this.policy;
  }

  /** Reads the file for the start; throws PolicyError naming each problem. */
  load(): Policy {
    if (this.file === undefined) {
      this.log.warn(NO_POLICY_WARNING);
      this.policy = UNLIMITED;
      return this.policy;
    }
    this.policy = loadPolicyFile(this.file);
    this.log.info({ policy: this.file }, `spending policy read from ${this.file}`);
    return this.policy;
  }

  /** Reads the file again; on a problem, logs it and keeps the previous policy. */
  reload(): boolean {
    if (this.file === undefined) {
      this.log.info(NO_POLICY_WARNING);
      return false;
    }
    try {
      this.policy = loadPolicyFile(this.file);
      this.log.info({ policy: this.file }, `spending policy re-read from ${this.file}`);
      return true;
    } catch (error) {
      if (!(error instanceof PolicyError)) throw error;
      this.log.warn(
        { policy: this.file, problems: error.problems },
        `spending policy ${this.file} not re-read; the previous policy stays: ${error.problems
          .map((p) => `${p.key}: ${p.message}`)
          .join("; ")}`,
      );
      return false;
    }
  }

  /**
   * Re-reads the file when it changes. The folder is watched, not the file, so that an
   * editor that writes a new file and renames it over the old one is followed too.
   */
  watch(): void {
    if (this.file === undefined || this.watcher) return;
    const path = resolve(this.file);
    const name = basename(path);
    try {
      this.watcher = watch(dirname(path), (_event, changed) => {
        if (changed !== null && changed !== name) return;
        if (this.timer) clearTimeout(this.timer);
        this.timer = setTimeout(() => {
          this.timer = null;
          this.reload();
        }, this.debounceMs);
        this.timer.unref();
      });
      this.watcher.unref();
      this.watcher.on("error", (error) =>
        this.log.warn(
          { err: error },
          "the spending policy is no longer watched; SIGHUP re-reads it",
        ),
      );
    } catch (error) {
      this.log.warn({ err: error }, "the spending policy cannot be watched; SIGHUP re-reads it");
    }
  }

  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.watcher?.close();
    this.watcher = null;
  }
}
