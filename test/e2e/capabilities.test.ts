// What the proxy can do, end to end: a feature the operator switched off (MJ_DISABLE) and one
// the proxy does not route (404) are answered at once, privately, at no cost, and /info says
// what the proxy cannot do. A route learned missing stays learned across a restart.
import { afterEach, describe, expect, it } from "vitest";
import type { MemberFile } from "../fakes/index.js";
import { finalResult, imagineGrid, labelsOf, messageSaying, press, proxyCalls } from "./helpers.js";
import { png } from "./pictures.js";
import { privateAnswerOf } from "./policy-support.js";
import { startWorld, type World } from "./world.js";

let world: World;
afterEach(async () => {
  await world?.close();
});

const PICTURE: MemberFile = {
  filename: "room.png",
  bytes: png(16, 12, [90, 90, 220]),
  contentType: "image/png",
};

const edit = (w: World, prompt: string) =>
  w.fake.runCommand("edit", { prompt }, { user: "alice", attachments: { image: PICTURE } });

describe("what the proxy can do", () => {
  it("MJ_DISABLE=edits: /edit is refused at once, privately, and /info says so", async () => {
    world = await startWorld({ config: { mjDisable: ["edits"] } });
    const answer = await privateAnswerOf(world, await edit(world, "paint the walls yellow"));
    expect(answer.content).toBe(
      "This server's Midjourney proxy cannot edit pictures (/edit), so nothing was submitted or charged.",
    );
    expect(proxyCalls(world, "/submit/edits")).toHaveLength(0);
    expect(world.fake.downloads).toEqual([]); // not even the picture was read
    await imagineGrid(world, "a red fox"); // everything else still works
    const info = await privateAnswerOf(world, await world.fake.runCommand("info"));
    expect(info.content).toContain("The proxy cannot: edit pictures (/edit).");
    expect(world.fake.violations).toEqual([]);
  });

  it("a route the proxy does not have (404): the first /edit learns it, the next costs no call, even after a restart", async () => {
    world = await startWorld({ sim: { unrouted: ["edits"] } });
    const first = await edit(world, "paint the walls yellow");
    const failed = await messageSaying(world, first, /does not offer this/);
    expect(world.fake.buttons(failed.id).map((b) => b.label)).not.toContain("Retry");
    expect(proxyCalls(world, "/submit/edits")).toHaveLength(1);

    await world.app.stop();
    await world.restart();
    const again = await privateAnswerOf(world, await edit(world, "paint the walls green"));
    expect(again.content).toContain("cannot edit pictures (/edit)");
    expect(proxyCalls(world, "/submit/edits")).toHaveLength(1);
    expect(world.fake.violations).toEqual([]);
  });

  it("a proxy without video (404): once learned, new upscales show no Animate, and an older Animate is answered at once", async () => {
    world = await startWorld({ sim: { unrouted: ["video"] } });
    const { grid } = await imagineGrid(world, "a red fox");
    const before = await finalResult(world, await press(world, grid, "U1"));
    const animate = labelsOf(world, before).filter((l) => /Animate/.test(l));
    expect(animate.length).toBeGreaterThan(0); // nothing is known missing yet

    const offer = await world.fake.runCommand(
      "video",
      { prompt: "the fox runs" },
      { user: "alice", attachments: { image: PICTURE } },
    );
    const shown = await world.fake.waitFor(
      () => {
        const m = offer.original();
        return m && !m.loading && world.fake.buttons(m.id).length > 0 ? m : undefined;
      },
      { what: "the video offer" },
    );
    const made = await press(world, shown, labelsOf(world, shown)[0] ?? "");
    await messageSaying(world, made, /does not offer this/);
    expect(proxyCalls(world, "/submit/video")).toHaveLength(1);

    const after = await finalResult(world, await press(world, grid, "U2"));
    expect(labelsOf(world, after).filter((l) => /Animate/.test(l))).toEqual([]);
    expect(labelsOf(world, after)).toContain("Seed");
    const actionsBefore = proxyCalls(world, "/submit/action").length;
    const old = await privateAnswerOf(world, await press(world, before, animate[0] ?? ""));
    expect(old.content).toBe(
      "This server's Midjourney proxy cannot make videos (/video), so nothing was submitted or charged.",
    );
    expect(proxyCalls(world, "/submit/action")).toHaveLength(actionsBefore);
    expect(world.fake.violations).toEqual([]);
  });
});
