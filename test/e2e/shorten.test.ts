import { afterEach, describe, expect, it } from "vitest";
import {
  finalResult,
  GRID_BUTTONS,
  messageSaying,
  prefilled,
  press,
  proxyBodies,
  proxyCalls,
  resultWithButtons,
  taskOf,
} from "./helpers.js";
import { buttonsByLabel, startWorld, type World } from "./world.js";

let world: World;
afterEach(async () => {
  await world?.close();
});

const PROMPT =
  "a very beautiful red fox sitting in a snowy forest, highly detailed, cinematic lighting";
const KEYCAPS = ["1️⃣", "2️⃣", "3️⃣", "4️⃣", "5️⃣"];
/** A shorten result's buttons by label: the five picks (1️⃣–5️⃣) and Show Details. */
const SHORTEN_BUTTONS = ["Use 1", "Use 2", "Use 3", "Use 4", "Use 5", "Show Details"];

/** The proxy's analysis: the important-tokens line and the five prompts (keycaps removed). */
function analysis(w: World, taskId: string): { tokens: string; prompts: string[] } {
  const task = w.sim.task(taskId) as { properties: { finalPrompt: string } };
  const [head = "", tail = ""] = task.properties.finalPrompt.split("## Shortened prompts");
  const tokens = head.replace("## Important tokens", "").trim();
  const prompts = tail
    .split(/\n+/)
    .filter((l) => l.trim() !== "")
    .map((l) => l.replace(/^\s*[1-5]\uFE0F?\u20E3\s*/u, ""));
  expect(prompts).toHaveLength(5);
  return { tokens, prompts };
}

async function shortened(w: World) {
  const cmd = await w.fake.runCommand("shorten", { prompt: PROMPT }, { user: "alice" });
  const result = await resultWithButtons(w, cmd);
  const taskId = taskOf(w, result);
  return { cmd, result, taskId, ...analysis(w, taskId) };
}

describe("/shorten", () => {
  it("sends the prompt and shows the important tokens and the five shortened prompts", async () => {
    world = await startWorld();
    const cmd = await world.fake.runCommand(
      "shorten",
      { prompt: `  ${PROMPT}  `, mode: "relax" },
      { user: "alice" },
    );
    expect((await cmd.firstResponse()).type).toBe(5);
    const result = await resultWithButtons(world, cmd);

    const calls = proxyCalls(world, "/submit/shorten");
    expect(calls).toHaveLength(1);
    expect(calls[0]?.path).toBe("/relax/mj/submit/shorten");
    expect(calls[0]?.body).toEqual({ prompt: PROMPT, state: expect.stringMatching(/^mjcord:/) });

    const { tokens, prompts } = analysis(world, taskOf(world, result));
    expect(result.ephemeral).toBe(false);
    expect(result.content).toContain(`<@${world.fake.users.alice?.id}>`);
    expect(result.content).toMatch(/Important tokens/);
    expect(result.content).toContain(tokens);
    expect(tokens).toMatch(/\*\*\w+\*\*/); // the proxy's bold marks are kept as Discord markdown
    expect(result.content).toMatch(/Shortened prompts/);
    const lines = result.content.split("\n");
    for (const [i, prompt] of prompts.entries()) {
      expect(lines).toContain(`${KEYCAPS[i]} ${prompt}`);
    }
    expect([...buttonsByLabel(world, result.id).keys()]).toEqual(SHORTEN_BUTTONS);
    expect(
      world.fake
        .buttons(result.id)
        .slice(0, 5)
        .map((b) => b.emoji?.name),
    ).toEqual(KEYCAPS);
    expect(world.fake.violations).toEqual([]);
  });

  it("a pick opens a form prefilled with that prompt; submitting it goes action -> modal -> a grid", async () => {
    world = await startWorld();
    const { result, taskId, prompts } = await shortened(world);

    const opener = await press(world, result, "Use 3");
    const shown = await opener.firstResponse();
    expect(shown.type).toBe(9);
    expect(prefilled(shown)).toBe(prompts[2]);
    expect(proxyCalls(world, "/submit/action")).toHaveLength(0);

    const submit = await world.fake.submitModal(opener, { fields: { prompt: prompts[2] ?? "" } });
    const grid = await finalResult(world, submit);
    expect(proxyBodies(world, "/submit/action")).toEqual([
      {
        taskId,
        customId: "MJ::Job::PromptAnalyzer::3",
        state: expect.stringMatching(/^mjcord:/),
        enableRemix: true,
      },
    ]);
    expect(proxyBodies(world, "/submit/modal")).toEqual([
      { taskId: expect.any(String), prompt: prompts[2] },
    ]);
    expect(proxyCalls(world, "/submit/imagine")).toHaveLength(0);
    expect(grid.content).toContain(`**${prompts[2]}**`);
    expect([...buttonsByLabel(world, grid.id).keys()]).toEqual(GRID_BUTTONS);
    expect(world.fake.violations).toEqual([]);
  });

  it("where the proxy refuses the pick (code 4), the bot imagines the chosen prompt itself", async () => {
    world = await startWorld({ sim: { shortenPicks: "reject" } });
    const { result, taskId, prompts } = await shortened(world);

    const opener = await press(world, result, "Use 4");
    const shown = await opener.firstResponse();
    expect(shown.type).toBe(9);
    expect(prefilled(shown)).toBe(prompts[3]);

    const chosen = `${prompts[3]}, at night`;
    const submit = await world.fake.submitModal(opener, { fields: { prompt: chosen } });
    const grid = await finalResult(world, submit);

    // The pick was asked for with its form, then plainly (refusals cost nothing); both
    // refused, it is not sent again.
    const pick = { taskId, customId: "MJ::Job::PromptAnalyzer::4" };
    expect(proxyBodies(world, "/submit/action")).toEqual([
      { ...pick, state: expect.stringMatching(/^mjcord:/), enableRemix: true },
      { ...pick, state: expect.stringMatching(/^mjcord:/) },
    ]);
    expect(proxyCalls(world, "/submit/modal")).toHaveLength(0);
    const imagines = proxyCalls(world, "/submit/imagine");
    expect(imagines).toHaveLength(1);
    expect(imagines[0]?.path).toBe("/fast/mj/submit/imagine");
    expect(imagines[0]?.body).toEqual({
      prompt: chosen,
      base64Array: [],
      state: expect.stringMatching(/^mjcord:/),
    });
    expect(grid.ephemeral).toBe(false);
    expect(grid.content).not.toMatch(/❌/);
    expect(grid.content).toContain("at night");
    expect([...buttonsByLabel(world, grid.id).keys()]).toEqual(GRID_BUTTONS);
    expect(world.fake.violations).toEqual([]);
  });

  it("a long prompt still shows all five shortened prompts within one message", async () => {
    world = await startWorld();
    const long =
      "an ancient stone lighthouse standing on jagged black cliffs above a stormy winter sea, " +
      "enormous waves crashing against the rocks, a lone keeper holding a brass lantern in the " +
      "doorway, warm amber light spilling across wet stones, seagulls circling in the grey sky, " +
      "dramatic volumetric clouds, moody cinematic lighting, highly detailed oil painting in the " +
      "style of romantic maritime art, rich textures, deep shadows, subtle rim light, 8k, ultra " +
      "detailed, award winning composition";
    const cmd = await world.fake.runCommand("shorten", { prompt: long }, { user: "alice" });
    const result = await resultWithButtons(world, cmd);
    const { prompts } = analysis(world, taskOf(world, result));

    expect(result.content.length).toBeLessThanOrEqual(2000);
    expect(result.content).toMatch(/Important tokens/);
    const lines = result.content.split("\n");
    // Every pick is shown after its keycap; long ones may be cut short, never left out.
    for (const [i, prompt] of prompts.entries()) {
      const line = lines.find((l) => l.startsWith(`${KEYCAPS[i]} `));
      expect(line, `pick ${i + 1}`).toBeDefined();
      const shown = (line ?? "").slice(`${KEYCAPS[i]} `.length).replace(/…$/, "");
      expect(prompt.startsWith(shown), `pick ${i + 1}`).toBe(true);
      expect(shown.length).toBeGreaterThanOrEqual(Math.min(prompt.length, 100));
    }
    // The short ones, the point of /shorten, are shown whole.
    expect(lines).toContain(`${KEYCAPS[3]} ${prompts[3]}`);
    expect(lines).toContain(`${KEYCAPS[4]} ${prompts[4]}`);
    // A pick still fills its form with the whole prompt, whatever the message shows.
    const opener = await press(world, result, "Use 1");
    expect(prefilled(await opener.firstResponse())).toBe(prompts[0]);
    expect(world.fake.violations).toEqual([]);
  });

  it.each([
    ["empty", ""],
    ["whitespace", "   \t  "],
  ])("an %s prompt is refused privately, and nothing reaches the proxy", async (_, prompt) => {
    world = await startWorld();
    const cmd = await world.fake.runCommand("shorten", { prompt }, { user: "alice" });
    expect((await cmd.firstResponse()).type).toBe(4);
    const reply = await world.fake.waitFor(() => cmd.original(), { what: "a private answer" });
    expect(reply.ephemeral).toBe(true);
    expect(reply.content).toMatch(/prompt cannot be empty/);
    expect(proxyCalls(world, "/submit/shorten")).toHaveLength(0);
    expect(world.fake.violations).toEqual([]);
  });

  it("a banned prompt (code 24) is shown in plain words in the job message", async () => {
    world = await startWorld();
    const cmd = await world.fake.runCommand(
      "shorten",
      { prompt: "a red fox sim:banned" },
      { user: "alice" },
    );
    const shown = await messageSaying(world, cmd, /❌/);
    expect(shown.ephemeral).toBe(false);
    expect(shown.content).toMatch(/word filter flagged/);
    expect(shown.content).not.toMatch(/[\u4e00-\u9fff]/);
    expect(proxyCalls(world, "/submit/shorten")).toHaveLength(1);
    expect(world.fake.violations).toEqual([]);
  });
});
