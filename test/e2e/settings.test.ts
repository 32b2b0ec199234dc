// /settings end to end: a member's private panel of defaults (speed mode, remix), kept in the
// store across restarts, used by every command, and remix forms before V / reroll / pan / vary.
import { afterEach, describe, expect, it } from "vitest";
import type { FakeInteraction, FakeMessage } from "../fakes/index.js";
import {
  finalResult,
  imagineGrid,
  labelsOf,
  messageSaying,
  press,
  proxyBodies,
  proxyCalls,
} from "./helpers.js";
import { buttonsByLabel, startWorld, type World } from "./world.js";

let world: World;
afterEach(async () => {
  await world?.close();
});

const EPHEMERAL = 64;

/** A member runs /settings; resolves with the command and the private panel. */
async function openSettings(w: World, user = "alice") {
  const cmd = await w.fake.runCommand("settings", {}, { user });
  const first = await cmd.firstResponse();
  const panel = await w.fake.waitFor(() => cmd.original(), { what: "the settings panel" });
  return { cmd, first, panel };
}

/** Presses a choice on the panel and waits until the panel shows it ticked. */
async function choose(w: World, panel: FakeMessage, label: string, user = "alice") {
  const click = await press(w, panel, label, user);
  expect((await click.firstResponse()).type).toBe(7); // the panel itself is updated
  return w.fake.waitFor(
    () => {
      const m = w.fake.message(panel.id);
      return m && labelsOf(w, m).includes(`${label} ✓`) ? m : undefined;
    },
    { what: `the panel showing ${label} chosen` },
  );
}

/** The `/…/mj/submit/imagine` paths the proxy received, in order. */
const imaginePaths = (w: World) => proxyCalls(w, "/submit/imagine").map((r) => r.path);

/** The prompt a shown form (callback type 9) starts with. */
function formPrefill(opener: FakeInteraction): string {
  const text = JSON.stringify(opener.modal ?? {});
  const match = /"custom_id":"prompt"[^}]*?"value":"((?:[^"\\]|\\.)*)"/.exec(text);
  return match ? JSON.parse(`"${match[1]}"`) : "";
}

describe("/settings", () => {
  it("Turbo in /settings, and mode:turbo on a command, reach the proxy as turbo", async () => {
    world = await startWorld();
    const { panel } = await openSettings(world);
    const turbo = await choose(world, panel, "Turbo");
    expect(turbo.content).toMatch(/Speed: \*\*turbo\*\*/);
    await imagineGrid(world, "a red fox");
    const cmd = await world.fake.runCommand("imagine", { prompt: "a blue fox", mode: "turbo" });
    await finalResult(world, cmd);
    expect(imaginePaths(world)).toEqual(["/turbo/mj/submit/imagine", "/turbo/mj/submit/imagine"]);
    expect(world.fake.violations).toEqual([]);
  });

  it("shows the member's defaults privately, and Relax makes /imagine run in relax mode", async () => {
    world = await startWorld();
    const asked = world.sim.requests.length; // the start-up check of the proxy
    const { first, panel } = await openSettings(world);
    expect(first.type).toBe(4);
    expect(panel.ephemeral).toBe(true);
    expect(panel.flags & EPHEMERAL).toBe(EPHEMERAL);
    expect(panel.visibleTo).toBe(world.fake.users.alice?.id);
    expect(panel.content).toMatch(/Speed: \*\*fast\*\* \(the server's default\)/);
    expect(panel.content).toMatch(/Remix: \*\*off\*\*/);
    expect(labelsOf(world, panel)).toEqual(["Fast ✓", "Relax", "Turbo", "Remix on", "Remix off ✓"]);
    expect(world.sim.requests.slice(asked)).toEqual([]); // looking at settings costs nothing

    const relaxed = await choose(world, panel, "Relax");
    expect(relaxed.ephemeral).toBe(true);
    expect(relaxed.content).toMatch(/Speed: \*\*relax\*\*/);
    expect(relaxed.content).not.toContain("server's default");
    expect(labelsOf(world, relaxed)).toEqual([
      "Fast",
      "Relax ✓",
      "Turbo",
      "Remix on",
      "Remix off ✓",
    ]);

    const { grid } = await imagineGrid(world, "a red fox");
    expect(imaginePaths(world)).toEqual(["/relax/mj/submit/imagine"]);
    expect(grid.content).toContain("(relax)");
    // Buttons on a relax job stay in relax.
    const u1 = await press(world, grid, "U1");
    await finalResult(world, u1);
    expect(proxyCalls(world, "/submit/action").map((r) => r.path)).toEqual([
      "/relax/mj/submit/action",
    ]);

    // Opening /settings again shows the stored choice.
    const again = await openSettings(world);
    expect(again.panel.content).toMatch(/Speed: \*\*relax\*\*/);
    expect(world.fake.violations).toEqual([]);
  });

  it("a command's own mode option wins over the member's setting", async () => {
    world = await startWorld();
    const { panel } = await openSettings(world);
    await choose(world, panel, "Relax");
    const cmd = await world.fake.runCommand(
      "imagine",
      { prompt: "a red fox", mode: "fast" },
      { user: "alice" },
    );
    await finalResult(world, cmd);
    expect(imaginePaths(world)).toEqual(["/fast/mj/submit/imagine"]);
    expect(world.fake.violations).toEqual([]);
  });

  it("is per member: bob keeps the server's default while alice is on relax", async () => {
    world = await startWorld();
    const { panel } = await openSettings(world, "alice");
    await choose(world, panel, "Relax");
    const bobs = await openSettings(world, "bob");
    expect(bobs.panel.visibleTo).toBe(world.fake.users.bob?.id);
    expect(bobs.panel.content).toMatch(/Speed: \*\*fast\*\* \(the server's default\)/);
    // Alice's panel is hers alone.
    const fast = buttonsByLabel(world, panel.id).get("Fast") ?? "";
    await expect(world.fake.pressButton(panel.id, fast, { user: "bob" })).rejects.toThrow(
      /ephemeral/,
    );
    await imagineGrid(world, "a blue owl", "bob");
    await imagineGrid(world, "a red fox", "alice");
    expect(proxyCalls(world, "/submit/imagine").map((r) => [r.path, r.body])).toEqual([
      ["/fast/mj/submit/imagine", expect.objectContaining({ prompt: "a blue owl" })],
      ["/relax/mj/submit/imagine", expect.objectContaining({ prompt: "a red fox" })],
    ]);
    expect(world.fake.violations).toEqual([]);
  });

  it("survives a restart of the bot (kill -9), and the old panel keeps working", async () => {
    world = await startWorld();
    const { panel } = await openSettings(world);
    await choose(world, panel, "Relax");
    await choose(world, panel, "Remix on");
    await world.crash();
    await world.restart();

    const after = await openSettings(world);
    expect(after.panel.content).toMatch(/Speed: \*\*relax\*\*/);
    expect(after.panel.content).toMatch(/Remix: \*\*on\*\*/);
    await imagineGrid(world, "a red fox");
    expect(imaginePaths(world)).toEqual(["/relax/mj/submit/imagine"]);

    // A press on the panel shown before the restart is served by the new process.
    await choose(world, panel, "Fast");
    await imagineGrid(world, "a blue owl");
    expect(imaginePaths(world)).toEqual(["/relax/mj/submit/imagine", "/fast/mj/submit/imagine"]);
    expect(world.fake.violations).toEqual([]);
  });

  it("survives a clean stop and start too", async () => {
    world = await startWorld();
    const { panel } = await openSettings(world);
    await choose(world, panel, "Relax");
    await world.app.stop();
    await world.restart();
    await imagineGrid(world);
    expect(imaginePaths(world)).toEqual(["/relax/mj/submit/imagine"]);
    expect(world.fake.violations).toEqual([]);
  });

  it("a proxy error on a relax job is shown, and Retry asks again in relax mode", async () => {
    world = await startWorld();
    const { panel } = await openSettings(world);
    await choose(world, panel, "Relax");
    // A refusal that leaves nothing running (a 5xx may follow a submit the proxy took).
    world.sim.injectFault({
      match: "/relax/mj/submit/imagine",
      status: 429,
      body: JSON.stringify({ description: "当前分组负载已饱和", type: "upstream_error", code: 30 }),
    });
    const cmd = await world.fake.runCommand("imagine", { prompt: "a red fox" }, { user: "alice" });
    const failed = await messageSaying(world, cmd, /proxy is busy/);
    expect(failed.ephemeral).toBe(false);
    const retry = await press(world, failed, "Retry");
    await finalResult(world, retry);
    expect(imaginePaths(world)).toEqual(["/relax/mj/submit/imagine", "/relax/mj/submit/imagine"]);
    expect(world.fake.violations).toEqual([]);
  });
});

describe("/settings: remix", () => {
  it("Remix on: V1 opens a prefilled form and nothing is sent until it is submitted (action -> 21 -> modal)", async () => {
    world = await startWorld({ sim: { remix: true } });
    const { grid } = await imagineGrid(world, "a red fox");
    const { panel } = await openSettings(world);
    const on = await choose(world, panel, "Remix on");
    expect(on.content).toMatch(/Remix: \*\*on\*\*/);

    const opener = await press(world, grid, "V1");
    const shown = await opener.firstResponse();
    expect(shown.type).toBe(9);
    expect(formPrefill(opener)).toContain("a red fox");
    expect(proxyCalls(world, "/submit/action")).toHaveLength(0);
    expect(proxyCalls(world, "/submit/modal")).toHaveLength(0);

    const submit = await world.fake.submitModal(opener, {
      fields: { prompt: "a red fox in the snow" },
    });
    const result = await finalResult(world, submit);
    const paths = world.sim.requests.map((r) => r.path);
    const actionAt = paths.findIndex((p) => p.endsWith("/submit/action"));
    const modalAt = paths.findIndex((p) => p.endsWith("/submit/modal"));
    expect(actionAt).toBeGreaterThanOrEqual(0);
    expect(modalAt).toBeGreaterThan(actionAt);

    const [action] = proxyBodies(world, "/submit/action");
    expect(action?.customId).toMatch(/^MJ::JOB::variation::1::/);
    expect(world.sim.task(action?.taskId ?? "")).toMatchObject({
      action: "IMAGINE",
      prompt: "a red fox",
    });
    const [modal] = proxyBodies(world, "/submit/modal");
    expect(modal?.prompt).toBe("a red fox in the snow");
    expect(modal?.taskId).not.toBe(action?.taskId); // the MODAL task, not the grid
    expect(world.sim.task(modal?.taskId ?? "")).toMatchObject({
      status: "SUCCESS",
      action: "VARIATION",
      prompt: "a red fox in the snow",
    });
    expect(result.id).not.toBe(grid.id);
    expect(proxyCalls(world, "/submit/action")).toHaveLength(1);
    expect(world.fake.violations).toEqual([]);
  });

  it("Remix on, but the proxy answers the action with 1 at once (no remix on the account): the job still runs", async () => {
    world = await startWorld({ sim: { remix: false } });
    const { grid } = await imagineGrid(world, "a red fox");
    const { panel } = await openSettings(world);
    await choose(world, panel, "Remix on");
    const opener = await press(world, grid, "V2");
    expect((await opener.firstResponse()).type).toBe(9);
    const submit = await world.fake.submitModal(opener, {
      fields: { prompt: "a red fox at night" },
    });
    await finalResult(world, submit);
    // Asked for the form first (refused: code 4, nothing made), then pressed plainly.
    const actions = proxyBodies(world, "/submit/action");
    expect(actions.map((a) => a.enableRemix)).toEqual([true, undefined]);
    expect(actions.map((a) => a.customId)).toEqual([actions[0]?.customId, actions[0]?.customId]);
    expect(actions[0]?.customId).toMatch(/^MJ::JOB::variation::2::/);
    expect(proxyCalls(world, "/submit/modal")).toHaveLength(0);
    expect(world.fake.violations).toEqual([]);
  });

  it("Remix on and the account auto-submits remixes: enableRemix keeps the member's words (action -> 21 -> modal)", async () => {
    world = await startWorld({ sim: { remix: true, remixAutoSubmit: true } });
    const { grid } = await imagineGrid(world, "a red fox");
    const { panel } = await openSettings(world);
    await choose(world, panel, "Remix on");
    const opener = await press(world, grid, "V3");
    expect((await opener.firstResponse()).type).toBe(9);
    const submit = await world.fake.submitModal(opener, {
      fields: { prompt: "a red fox under the moon" },
    });
    const result = await finalResult(world, submit);
    const [action] = proxyBodies(world, "/submit/action");
    expect(action?.enableRemix).toBe(true);
    expect(proxyCalls(world, "/submit/action")).toHaveLength(1);
    expect(proxyBodies(world, "/submit/modal")[0]?.prompt).toBe("a red fox under the moon");
    expect(result.content).toContain("a red fox under the moon");
    expect(result.content).not.toMatch(/not used/);
    expect(world.fake.violations).toEqual([]);
  });

  it("Remix on but the account answers 1: the member learns their edited prompt was not used", async () => {
    world = await startWorld({ sim: { remix: false } });
    const { grid } = await imagineGrid(world, "a red fox");
    const { panel } = await openSettings(world);
    await choose(world, panel, "Remix on");
    const opener = await press(world, grid, "V2");
    await opener.firstResponse();
    const submit = await world.fake.submitModal(opener, {
      fields: { prompt: "a red fox at night" },
    });
    const result = await finalResult(world, submit);
    // The headline shows the prompt the proxy really ran, and says why.
    expect(result.content).toContain("**a red fox**");
    expect(result.content).not.toContain("at night");
    expect(result.content).toMatch(/edited prompt was not used.*Remix off/);
    expect(world.fake.violations).toEqual([]);
  });

  it("Remix on also opens the form for 🔄 reroll, and for pan and Vary (Subtle) on an upscale; U1 never does", async () => {
    world = await startWorld({ sim: { remix: true } });
    const { grid } = await imagineGrid(world, "a red fox");
    const { panel } = await openSettings(world);
    await choose(world, panel, "Remix on");

    const reroll = await press(world, grid, "Reroll");
    expect((await reroll.firstResponse()).type).toBe(9);
    expect(formPrefill(reroll)).toContain("a red fox");
    expect(proxyCalls(world, "/submit/action")).toHaveLength(0);

    const u1 = await press(world, grid, "U1");
    expect((await u1.firstResponse()).type).toBe(5); // straight to the proxy, no form
    const image = await finalResult(world, u1);
    expect(proxyBodies(world, "/submit/action")[0]?.customId).toMatch(/^MJ::JOB::upsample::1::/);

    for (const label of ["Vary (Subtle)", "Vary (Strong)", "Pan Left", "Animate (High motion)"]) {
      const opener = await press(world, image, label);
      expect((await opener.firstResponse()).type, label).toBe(9);
      expect(formPrefill(opener), label).toContain("a red fox");
    }
    expect(proxyCalls(world, "/submit/action")).toHaveLength(1); // still only U1

    // The pan form goes through like V1's: action with the pan customId, then the modal.
    const pan = await press(world, image, "Pan Left");
    await pan.firstResponse();
    const submit = await world.fake.submitModal(pan, { fields: { prompt: "a red fox, wide" } });
    await finalResult(world, submit);
    expect(proxyBodies(world, "/submit/action")[1]?.customId).toMatch(/^MJ::JOB::pan_left::/);
    expect(proxyBodies(world, "/submit/modal")[0]?.prompt).toBe("a red fox, wide");

    // The reroll form, submitted at last.
    const rerolled = await world.fake.submitModal(reroll, { fields: { prompt: "a grey fox" } });
    await finalResult(world, rerolled);
    expect(proxyBodies(world, "/submit/action")[2]?.customId).toMatch(/^MJ::JOB::reroll::/);
    expect(proxyBodies(world, "/submit/modal")[1]?.prompt).toBe("a grey fox");
    expect(world.fake.violations).toEqual([]);
  });

  it("Remix off again: V1 submits straight away", async () => {
    world = await startWorld();
    const { grid } = await imagineGrid(world, "a red fox");
    const { panel } = await openSettings(world);
    await choose(world, panel, "Remix on");
    const abandoned = await press(world, grid, "V1");
    expect((await abandoned.firstResponse()).type).toBe(9); // form shown, never submitted

    const off = await choose(world, panel, "Remix off");
    expect(off.content).toMatch(/Remix: \*\*off\*\*/);
    const v1 = await press(world, grid, "V1");
    expect((await v1.firstResponse()).type).toBe(5);
    await finalResult(world, v1);
    expect(proxyBodies(world, "/submit/action").map((b) => b.customId)).toEqual([
      expect.stringMatching(/^MJ::JOB::variation::1::/),
    ]);
    expect(proxyCalls(world, "/submit/modal")).toHaveLength(0);
    expect(world.fake.violations).toEqual([]);
  });

  it("a blank prompt in the remix form is refused privately and costs nothing", async () => {
    world = await startWorld({ sim: { remix: true } });
    const { grid } = await imagineGrid(world, "a red fox");
    const { panel } = await openSettings(world);
    await choose(world, panel, "Remix on");
    const opener = await press(world, grid, "V3");
    await opener.firstResponse();
    const submit = await world.fake.submitModal(opener, { fields: { prompt: "   " } });
    const reply = await world.fake.waitFor(() => submit.original() ?? submit.followUps()[0]);
    expect(reply.ephemeral).toBe(true);
    expect(reply.content).toMatch(/cannot be empty/);
    expect(proxyCalls(world, "/submit/action")).toHaveLength(0);
    expect(proxyCalls(world, "/submit/modal")).toHaveLength(0);
    expect(world.fake.violations).toEqual([]);
  });

  it("a proxy error on the remix action is shown on the job and no modal is sent", async () => {
    world = await startWorld({ sim: { remix: true } });
    const { grid } = await imagineGrid(world, "a red fox");
    const { panel } = await openSettings(world);
    await choose(world, panel, "Remix on");
    world.sim.injectFault({
      match: "/submit/action",
      status: 429,
      body: JSON.stringify({ description: "当前分组负载已饱和", type: "upstream_error", code: 30 }),
    });
    const opener = await press(world, grid, "V4");
    await opener.firstResponse();
    const submit = await world.fake.submitModal(opener, { fields: { prompt: "a red fox, blue" } });
    const failed = await messageSaying(world, submit, /proxy is busy/);
    expect(labelsOf(world, failed)).toContain("Retry");
    expect(proxyCalls(world, "/submit/action")).toHaveLength(1);
    expect(proxyCalls(world, "/submit/modal")).toHaveLength(0);
    expect(world.fake.violations).toEqual([]);
  });
});
