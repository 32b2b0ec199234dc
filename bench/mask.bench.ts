// Vary (Region) masks: drawing one from regions, and fitting a member's PNG to the picture.
// Both run on the bot's one event loop while other members wait for their 3-second answer,
// so besides the time per mask, setup prints the longest the event loop went without a turn
// (a 1 ms timer's largest gap) for the largest case of each: that must stay far below
// 100 ms. A bomb (16000×16000 px in 250 kB) is refused from its header.
import { PNG } from "pngjs";
import { bench, describe } from "vitest";
import { drawRegionMask, fitMask } from "../src/discord/mask.js";
import { blackPng } from "../test/support/png.js";

/** A member's mask: a soft white disc on black, 8-bit RGBA as paint programs save it. */
function paintedMask(side: number): Buffer {
  const png = new PNG({ width: side, height: side });
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      const d = Math.hypot(x - side / 2, y - side / 2) / side;
      const v = d < 0.3 ? 255 : d < 0.32 ? Math.round((255 * (0.32 - d)) / 0.02) : 0;
      png.data.fill(v, (y * side + x) * 4, (y * side + x) * 4 + 3);
      png.data[(y * side + x) * 4 + 3] = 255;
    }
  }
  return PNG.sync.write(png);
}

/** Runs `work` once and reports the longest gap between turns of the event loop. */
async function longestBlock(what: string, work: () => Promise<unknown>): Promise<void> {
  let last = performance.now();
  let worst = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    worst = Math.max(worst, now - last);
    last = now;
  }, 1);
  const started = performance.now();
  await work();
  const total = performance.now() - started;
  clearInterval(timer);
  worst = Math.max(worst, performance.now() - last);
  console.log(`${what}: ${total.toFixed(0)} ms, event loop blocked at most ${worst.toFixed(0)} ms`);
}

const masks = new Map<number, Buffer>();
const maskOf = (side: number) => {
  let bytes = masks.get(side);
  if (!bytes) {
    bytes = paintedMask(side);
    masks.set(side, bytes);
  }
  return bytes;
};
const bomb = blackPng(16_000, 16_000);

describe("drawRegionMask", () => {
  const options = (side: number) => ({
    time: 1_000,
    iterations: 5,
    setup: async () => {
      if (side === 4096)
        await longestBlock("draw 4096×4096", () => drawRegionMask(side, side, ["background"]));
    },
  });
  for (const side of [1024, 2048, 4096]) {
    bench(
      `${side}×${side}, outer border`,
      async () => {
        await drawRegionMask(side, side, ["background"]);
      },
      options(side),
    );
  }
});

describe("fitMask", () => {
  const cases: [string, number, number][] = [
    ["1024² mask to a 1024² picture", 1024, 1024],
    ["2048² mask to a 1024² picture", 2048, 1024],
    ["4096² mask to a 4096² picture", 4096, 4096],
  ];
  for (const [name, source, target] of cases) {
    bench(
      name,
      async () => {
        await fitMask(maskOf(source), target, target);
      },
      {
        time: 1_000,
        iterations: 3,
        setup: async () => {
          const bytes = maskOf(source); // made with pngjs, before anything is measured
          if (source === 4096)
            await longestBlock(`fit ${name}`, () => fitMask(bytes, target, target));
        },
      },
    );
  }
  bench("a 16000² bomb, refused from its header", async () => {
    const mask = await fitMask(bomb, 1024, 1024);
    if (mask.ok) throw new Error("the bomb was taken");
  });
});
