/** Injected faults: the next N requests whose path matches misbehave. */
import type { Fault } from "./types.js";

interface Pending {
  fault: Fault;
  left: number;
}

export class FaultQueue {
  private pending: Pending[] = [];

  add(fault: Fault): void {
    const times = fault.times ?? 1;
    if (times > 0) this.pending.push({ fault, left: times });
  }

  /** Consumes one use of the first fault matching `path`. */
  take(path: string): Fault | undefined {
    const hit = this.pending.find(({ fault }) => {
      if (typeof fault.match === "string") return path.includes(fault.match);
      fault.match.lastIndex = 0;
      return fault.match.test(path);
    });
    if (!hit) return undefined;
    hit.left -= 1;
    if (hit.left <= 0) this.pending = this.pending.filter((p) => p !== hit);
    return hit.fault;
  }

  clear(): void {
    this.pending = [];
  }

  list(): { match: string; left: number }[] {
    return this.pending.map(({ fault, left }) => ({ match: String(fault.match), left }));
  }
}

/** Reads a fault from JSON (`POST /sim/faults`); `regex: true` makes `match` a pattern. */
export function faultFromJson(input: unknown): Fault | string {
  if (typeof input !== "object" || input === null) return "fault must be a JSON object";
  const o = input as Record<string, unknown>;
  if (typeof o.match !== "string" || o.match === "") return '"match" must be a non-empty string';
  let match: RegExp | string = o.match;
  if (o.regex === true) {
    try {
      match = new RegExp(o.match);
    } catch {
      return '"match" is not a valid regular expression';
    }
  }
  const fault: Fault = { match };
  const num = (k: "times" | "status" | "delayMs", min: number, max: number): string | undefined => {
    const v = o[k];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) {
      return `"${k}" must be an integer ${min}-${max}`;
    }
    fault[k] = v;
    return undefined;
  };
  const problem =
    num("times", 1, 1_000_000) ?? num("status", 100, 599) ?? num("delayMs", 0, 600_000);
  if (problem) return problem;
  if (o.body !== undefined && o.body !== null) {
    fault.body = typeof o.body === "string" ? o.body : JSON.stringify(o.body);
  }
  if (o.drop === true) fault.drop = true;
  if (o.afterHandling === true) fault.afterHandling = true;
  return fault;
}
