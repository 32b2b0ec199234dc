// renderJob is pure (job -> Discord message payload) and runs once per shown change:
// these cases show it costs microseconds, a running job and a finished grid with buttons.
import { bench, describe } from "vitest";
import { renderJob } from "../src/discord/render.js";
import { type Job, resultOf } from "../src/jobs/job.js";
import { parseTask } from "../src/mj/task.js";
import { testJob } from "../test/support/jobs.js";

const HASH = "3f7c2a91-5b8e-4d2c-9a61-0e4b7d12c8af";
const PROMPT = "a red fox in a snowy forest, golden hour --ar 1:1 --v 7";

function wireButton(customId: string, label: string, emoji = "") {
  return { customId, emoji, label, style: 2, type: 2 };
}

/** A finished imagine as a proxy returns it: a 2x2 grid and its nine buttons. */
const GRID_TASK = parseTask({
  id: "1754300112345678",
  action: "IMAGINE",
  status: "SUCCESS",
  prompt: PROMPT,
  promptEn: PROMPT,
  description: `/imagine ${PROMPT}`,
  progress: "100%",
  imageUrl: `https://cdn.discordapp.com/attachments/1/2/fxbot_a_red_fox_${HASH}.png?ex=6891d081`,
  failReason: null,
  buttons: [
    ...[1, 2, 3, 4].map((i) => wireButton(`MJ::JOB::upsample::${i}::${HASH}`, `U${i}`)),
    wireButton(`MJ::JOB::reroll::0::${HASH}::SOLO`, "", "🔄"),
    ...[1, 2, 3, 4].map((i) => wireButton(`MJ::JOB::variation::${i}::${HASH}`, `V${i}`)),
  ],
  properties: { finalPrompt: `${PROMPT}.0`, messageHash: HASH },
  imageWidth: 2048,
  imageHeight: 2048,
});
if (!GRID_TASK) throw new Error("the grid task does not parse");

function makeJob(overrides: Partial<Job>): Job {
  return testJob(overrides);
}

const RUNNING = makeJob({
  phase: "running",
  progress: 46,
  rank: 2.46,
  previewUrl: `https://cdn.discordapp.com/attachments/1/2/preview_${HASH}.webp?ex=6891d081`,
});

const GRID = makeJob({
  phase: "done",
  progress: 100,
  rank: 4,
  result: resultOf(GRID_TASK),
  request: null,
});
/** The downloaded grid, as the presenter hands it over (the bytes are not looked at). */
const GRID_MEDIA = { files: [{ name: `grid_${HASH}.png`, data: Buffer.alloc(1024) }], links: [] };

// Bounded: half a second of samples per case after a short warm-up.
const OPTIONS = { time: 500, warmupTime: 100 };

describe("renderJob (pure)", () => {
  bench(
    "running job: progress bar and preview embed",
    () => {
      renderJob(RUNNING);
    },
    OPTIONS,
  );

  bench(
    "finished grid: file, nine proxy buttons and Seed",
    () => {
      renderJob(GRID, GRID_MEDIA);
    },
    OPTIONS,
  );
});
