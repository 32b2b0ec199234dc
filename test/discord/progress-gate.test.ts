import { describe, expect, it } from "vitest";
import { ProgressGate } from "../../src/discord/progress-gate.js";

describe("ProgressGate", () => {
  it("gives a second's worth at once, then turns at its rate, the job edited longest ago first", async () => {
    const gate = new ProgressGate(20);
    const first = Array.from({ length: 20 }, () => gate.turn(1_000));
    expect(await Promise.all(first.map((t) => t.granted))).toEqual(Array(20).fill(true));
    const order: string[] = [];
    const waiting = [
      ["edited at 500", gate.turn(500)],
      ["never edited", gate.turn(0)],
      ["edited at 300", gate.turn(300)],
      ["also at 300, later in line", gate.turn(300)],
    ] as const;
    expect(gate.waiting).toBe(4);
    await Promise.all(waiting.map(([name, t]) => t.granted.then(() => order.push(name))));
    expect(order).toEqual([
      "never edited",
      "edited at 300",
      "also at 300, later in line",
      "edited at 500",
    ]);
  });

  it("a cancelled turn leaves the line and resolves false; a paused gate gives nothing until resumed", async () => {
    let paused = true;
    const gate = new ProgressGate(1000, () => paused);
    const dropped = gate.turn();
    const kept = gate.turn();
    dropped.cancel();
    expect(await dropped.granted).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(gate.waiting).toBe(1);
    paused = false;
    gate.resume();
    expect(await kept.granted).toBe(true);
    expect(gate.waiting).toBe(0);
  });
});
