import { PNG } from "pngjs";
import { afterEach, describe, expect, it } from "vitest";
import { GRID_BUTTONS, proxyCalls } from "./helpers.js";
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
    const progress = await fake.waitFor(
      () => {
        const m = cmd.original();
        return m && /\d+%/.test(m.content) ? m : undefined;
      },
      { what: "progress", timeoutMs: 20_000 },
    );
    expect(progress.embeds[0]).toMatchObject({ image: { url: expect.stringMatching(/^http/) } });
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
    expect([...buttonsByLabel(world, final.id).keys()]).toEqual(GRID_BUTTONS);
    expect(final.allowedMentions).toEqual({ parse: [], users: [fake.users.alice?.id] });
    // The proxy got exactly one imagine, with the prompt as typed.
    const submits = world.sim.requests.filter((r) => r.path.endsWith("/submit/imagine"));
    expect(submits).toHaveLength(1);
    expect(submits[0]?.path).toBe("/fast/mj/submit/imagine");
    expect(submits[0]?.body).toMatchObject({ prompt: "a red fox", base64Array: [] });
    expect(fake.violations).toEqual([]);
  });
});

describe("/imagine, more", () => {
  it("a queued job shows its place in the queue (code 22)", async () => {
    world = await startWorld({ sim: { stepMs: 200 } });
    const cmd = await world.fake.runCommand(
      "imagine",
      { prompt: "a red fox sim:queued" },
      { user: "alice" },
    );
    const queued = await world.fake.waitFor(() => {
      const m = cmd.original();
      return m && /Queued: 2 ahead/.test(m.content) ? m : undefined;
    });
    expect(queued.ephemeral).toBe(false);
    await world.fake.waitFor(() => (cmd.original()?.attachments.length ?? 0) > 0 || undefined);
  });

  it("a picture larger than the channel's upload limit is linked instead", async () => {
    world = await startWorld({ fake: { attachmentSizeLimit: 200 } });
    const cmd = await world.fake.runCommand("imagine", { prompt: "a red fox" }, { user: "alice" });
    const final = await world.fake.waitFor(() => {
      const m = cmd.original();
      return m && world.fake.buttons(m.id).length === GRID_BUTTONS.length ? m : undefined;
    });
    expect(final.attachments).toHaveLength(0);
    expect(final.content).toMatch(new RegExp(`${world.sim.url}/\\S+\\.png`));
    expect(world.fake.violations).toEqual([]);
  });

  it("bad reference images are refused privately and cost nothing", async () => {
    world = await startWorld();
    const cmd = await world.fake.runCommand(
      "imagine",
      { prompt: "a red fox" },
      {
        user: "alice",
        attachments: {
          image: {
            filename: "fox.png",
            bytes: Buffer.from("not really a png"),
            contentType: "image/png",
          },
        },
      },
    );
    const reply = await world.fake.waitFor(() => cmd.followUps()[0] ?? undefined);
    expect(reply.ephemeral).toBe(true);
    expect(reply.content).toMatch(/not a PNG, JPEG, WebP or GIF/);
    expect(cmd.original()?.deleted ?? true).toBe(true);
    expect(proxyCalls(world, "/submit/imagine")).toHaveLength(0);
  });

  it("reference images reach the proxy as data URIs", async () => {
    world = await startWorld();
    const png = new PNG({ width: 4, height: 4 });
    png.data.fill(200);
    const bytes = PNG.sync.write(png);
    const cmd = await world.fake.runCommand(
      "imagine",
      { prompt: "a red fox" },
      {
        user: "alice",
        attachments: { image: { filename: "ref.bin", bytes, contentType: "image/png" } },
      },
    );
    await world.fake.waitFor(() => (cmd.original()?.attachments.length ?? 0) > 0 || undefined);
    expect(proxyCalls(world, "/submit/imagine")[0]?.body).toMatchObject({
      base64Array: [`data:image/png;base64,${bytes.toString("base64")}`],
    });
  });
});
