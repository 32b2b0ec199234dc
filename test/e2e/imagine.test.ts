import { PNG } from "pngjs";
import { afterEach, describe, expect, it } from "vitest";
import { buttonsByLabel, startWorld, type World } from "./world.js";

let world: World;
afterEach(async () => {
  await world?.close();
});

describe("/imagine", () => {
  it("shows progress, then the picture as an attachment with its nine buttons", async () => {
    world = await startWorld({ sim: { stepMs: 150 } });
    const { fake } = world;
    const cmd = await fake.runCommand("imagine", { prompt: "a red fox" }, { user: "alice" });
    expect((await cmd.firstResponse()).type).toBe(5);

    // Progress: a percentage and the preview image.
    await fake.waitFor(() => /\d+%/.test(cmd.original()?.content ?? "") || undefined, {
      what: "progress",
    });
    const final = await fake.waitFor(
      () => {
        const m = cmd.original();
        return m && m.attachments.length > 0 ? m : undefined;
      },
      { what: "the final picture", timeoutMs: 20_000 },
    );

    expect(final.content).toContain("**a red fox**");
    expect(final.content).toContain(`<@${fake.users.alice?.id}>`);
    const [attachment] = final.attachments;
    const png = PNG.sync.read(Buffer.from(attachment?.bytes ?? []));
    expect(png.width).toBeGreaterThan(0);
    expect([...buttonsByLabel(world, final.id).keys()]).toEqual([
      "U1",
      "U2",
      "U3",
      "U4",
      "Reroll",
      "V1",
      "V2",
      "V3",
      "V4",
    ]);
    expect(final.allowedMentions).toEqual({ parse: [], users: [fake.users.alice?.id] });
    // The proxy got exactly one imagine, with the prompt as typed.
    const submits = world.sim.requests.filter((r) => r.path.endsWith("/submit/imagine"));
    expect(submits).toHaveLength(1);
    expect(submits[0]?.path).toBe("/fast/mj/submit/imagine");
    expect(submits[0]?.body).toMatchObject({ prompt: "a red fox", base64Array: [] });
    expect(fake.violations).toEqual([]);
  });
});
