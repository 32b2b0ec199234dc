import {
  ActionRowBuilder,
  AttachmentBuilder,
  ButtonBuilder,
  ButtonStyle,
  type ChatInputCommandInteraction,
  Client,
  DiscordAPIError,
  Events,
  FileUploadBuilder,
  GatewayIntentBits,
  GuildMember,
  type Interaction,
  LabelBuilder,
  ModalBuilder,
  PermissionFlagsBits,
  type RateLimitData,
  RESTEvents,
  TextInputBuilder,
  TextInputStyle,
} from "discord.js";
import { PNG } from "pngjs";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import {
  ADMINISTRATOR,
  ALL_PERMISSIONS,
  type FakeDiscord,
  type FakeDiscordOptions,
  MANAGE_GUILD,
  startFakeDiscord,
} from "./index.js";
import { channelPayload } from "./permissions.js";
import { messageProblems, modalProblems } from "./rules.js";
import { validateBody, validateCallback } from "./schema.js";

const NO_PINGS = { parse: [] as [] };

function png(width: number, height: number): Buffer {
  const image = new PNG({ width, height });
  image.data.fill(200);
  return PNG.sync.write(image);
}

function row(n: number, prefix = "b"): ActionRowBuilder<ButtonBuilder> {
  return new ActionRowBuilder<ButtonBuilder>().addComponents(
    Array.from({ length: n }, (_, i) =>
      new ButtonBuilder()
        .setCustomId(`${prefix}${i}`)
        .setLabel(`B${i}`)
        .setStyle(ButtonStyle.Secondary),
    ),
  );
}

function remixModal(): ModalBuilder {
  return new ModalBuilder()
    .setCustomId("remix")
    .setTitle("Remix")
    .addLabelComponents(
      new LabelBuilder()
        .setLabel("Prompt")
        .setTextInputComponent(
          new TextInputBuilder().setCustomId("prompt").setStyle(TextInputStyle.Paragraph),
        ),
      new LabelBuilder()
        .setLabel("Mask")
        .setFileUploadComponent(new FileUploadBuilder().setCustomId("mask").setRequired(false)),
    );
}

type Handler = (i: Interaction) => Promise<void>;

interface Harness {
  fake: FakeDiscord;
  client: Client;
  /** errors thrown by the current handler (e.g. DiscordAPIError) */
  errors: unknown[];
  on(handler: Handler): void;
}

let current: { fake: FakeDiscord; client: Client } | undefined;

async function setup(
  options: FakeDiscordOptions = {},
  more: { intents?: GatewayIntentBits[]; before?: (fake: FakeDiscord) => void } = {},
): Promise<Harness> {
  const fake = await startFakeDiscord(options);
  more.before?.(fake);
  const client = new Client({
    intents: more.intents ?? [GatewayIntentBits.Guilds],
    rest: { api: fake.apiUrl },
    waitGuildTimeout: 0,
  });
  current = { fake, client };
  const errors: unknown[] = [];
  let handler: Handler = async () => {};
  client.on(Events.InteractionCreate, (i) => {
    handler(i).catch((err: unknown) => errors.push(err));
  });
  const ready = new Promise((resolve) => client.once(Events.ClientReady, resolve));
  await client.login(fake.botToken);
  await ready;
  return {
    fake,
    client,
    errors,
    on: (h) => {
      handler = h;
    },
  };
}

afterEach(async () => {
  if (current) {
    await current.client.destroy();
    await current.fake.close();
    current = undefined;
  }
});

function apiCode(err: unknown): number | string | undefined {
  return err instanceof DiscordAPIError ? err.code : undefined;
}

describe("fake Discord with a real discord.js client", () => {
  it("logs in, serves the guild and channel, and runs command -> edit -> button -> modal -> submit", async () => {
    const { fake, client, errors, on } = await setup();
    expect(client.guilds.cache.get(fake.guildId)?.name).toBeTruthy();
    expect(client.channels.cache.get(fake.channelId)?.isTextBased()).toBe(true);
    const grid = png(8, 6);
    const seen: Record<string, unknown> = {};
    on(async (i) => {
      if (i.isChatInputCommand()) {
        seen.prompt = i.options.getString("prompt");
        const image = i.options.getAttachment("image");
        seen.imageBytes = image ? Buffer.from(await (await fetch(image.url)).arrayBuffer()) : null;
        seen.sizeLimit = i.attachmentSizeLimit;
        await i.deferReply();
        await i.editReply({
          content: `**${seen.prompt}** done`,
          files: [new AttachmentBuilder(grid, { name: "grid.png" })],
          components: [row(4, "mj:1:")],
          allowedMentions: NO_PINGS,
        });
      } else if (i.isButton()) {
        seen.button = i.customId;
        seen.buttonMessage = i.message.id;
        await i.showModal(remixModal());
      } else if (i.isModalSubmit()) {
        seen.modalPrompt = i.fields.getTextInputValue("prompt");
        const mask = i.fields.getUploadedFiles("mask")?.first();
        seen.maskName = mask?.name;
        seen.maskBytes = mask ? Buffer.from(await (await fetch(mask.url)).arrayBuffer()) : null;
        await i.reply({ content: "remixing", allowedMentions: NO_PINGS });
      }
    });

    const input = png(2, 2);
    const cmd = await fake.runCommand(
      "imagine",
      { prompt: "a red fox" },
      { user: "alice", attachments: { image: { filename: "in.png", bytes: input } } },
    );
    expect((await cmd.firstResponse()).type).toBe(5);
    const original = await fake.waitFor(() => cmd.original()?.attachments[0] && cmd.original());
    expect(seen.prompt).toBe("a red fox");
    expect(seen.imageBytes).toEqual(input);
    expect(seen.sizeLimit).toBe(10 * 1024 * 1024);
    expect(original.content).toBe("**a red fox** done");
    expect(original.loading).toBe(false);
    expect(original.attachments[0]).toMatchObject({
      filename: "grid.png",
      contentType: "image/png",
      width: 8,
      height: 6,
    });
    expect(Buffer.from(original.attachments[0]?.bytes ?? [])).toEqual(grid);
    expect(original.allowedMentions).toEqual({ parse: [] });
    expect(fake.buttons(original.id).map((b) => b.label)).toEqual(["B0", "B1", "B2", "B3"]);

    const edit = fake.requests.find((r) => r.method === "PATCH");
    expect(edit?.path).toBe(`/webhooks/${fake.applicationId}/${cmd.token}/messages/@original`);
    expect(edit?.auth).toBeUndefined();
    expect(edit?.files[0]).toMatchObject({
      field: "files[0]",
      filename: "grid.png",
      size: grid.length,
    });
    expect(fake.requests[0]?.auth).toBe(`Bot ${fake.botToken}`);

    const press = await fake.pressButton(original.id, "mj:1:2", { user: "bob" });
    expect((await press.firstResponse()).type).toBe(9);
    expect(press.modal?.title).toBe("Remix");
    expect(seen.button).toBe("mj:1:2");
    expect(seen.buttonMessage).toBe(original.id);

    const mask = png(8, 6);
    const sub = await fake.submitModal(press, {
      fields: { prompt: "a blue fox" },
      files: { mask: { filename: "mask.png", bytes: mask } },
    });
    expect((await sub.firstResponse()).type).toBe(4);
    expect(sub.user.id).toBe(fake.users.bob?.id);
    expect(seen.modalPrompt).toBe("a blue fox");
    expect(seen.maskName).toBe("mask.png");
    expect(seen.maskBytes).toEqual(mask);
    expect(sub.original()?.content).toBe("remixing");
    expect(fake.channelMessages().map((m) => m.id)).toEqual([original.id, sub.original()?.id]);
    expect(fake.downloads.length).toBeGreaterThanOrEqual(2);
    expect(errors).toEqual([]);
    expect(fake.violations).toEqual([]);
  });

  it("refuses a first callback after the deadline with 10062", async () => {
    const { fake, errors, on } = await setup({ callbackDeadlineMs: 50 });
    on(async (i) => {
      await new Promise((r) => setTimeout(r, 120));
      if (i.isRepliable()) await i.deferReply();
    });
    const cmd = await fake.runCommand("imagine", { prompt: "late" });
    await fake.waitFor(() => errors.length > 0);
    expect(apiCode(errors[0])).toBe(10062);
    expect(cmd.attempts[0]).toMatchObject({ type: 5, status: 404, code: 10062, accepted: false });
    expect(fake.violations.map((v) => v.rule)).toEqual(["callback-late"]);
  });

  it("refuses a second callback with 40060 and a modal after a defer", async () => {
    const { fake, errors, on } = await setup();
    on(async (i) => {
      if (!i.isButton()) {
        if (i.isChatInputCommand()) {
          await i.reply({ content: "hi", components: [row(1)], allowedMentions: NO_PINGS });
          // bypass discord.js's own "already replied" guard to reach Discord
          await i.client.rest.post(`/interactions/${i.id}/${i.token}/callback`, {
            body: { type: 4, data: { content: "again" } },
            auth: false,
          });
        }
        return;
      }
      await i.deferUpdate();
      await i.client.rest.post(`/interactions/${i.id}/${i.token}/callback`, {
        body: { type: 9, data: remixModal().toJSON() },
        auth: false,
      });
    });
    const cmd = await fake.runCommand("imagine", { prompt: "twice" });
    await fake.waitFor(() => errors.length === 1);
    expect(apiCode(errors[0])).toBe(40060);
    const msg = await fake.waitFor(() => cmd.original());
    await fake.pressButton(msg.id, "b0");
    await fake.waitFor(() => errors.length === 2);
    expect(apiCode(errors[1])).toBe(40060);
    expect(fake.violations.map((v) => v.rule)).toEqual(["double-ack", "modal-not-first"]);
  });

  /** A handler that defers, then edits @original twice once `go()` is called. */
  function deferThenEditTwice(h: Harness): { deferred: () => boolean; go: () => void } {
    let step = 0;
    h.on(async (i) => {
      if (!i.isChatInputCommand()) return;
      await i.deferReply();
      step = 1;
      await h.fake.waitFor(() => step === 2);
      for (const content of ["too late", "again"]) {
        await i.editReply({ content, allowedMentions: NO_PINGS }).catch((e) => h.errors.push(e));
      }
    });
    return {
      deferred: () => step === 1,
      go: () => {
        step = 2;
      },
    };
  }

  it("answers 50027 for a token expired by hand, and flags its reuse", async () => {
    const h = await setup();
    const flow = deferThenEditTwice(h);
    const cmd = await h.fake.runCommand("imagine", { prompt: "a" });
    await h.fake.waitFor(flow.deferred);
    cmd.expireToken();
    flow.go();
    await h.fake.waitFor(() => h.errors.length === 2);
    expect(h.errors.map(apiCode)).toEqual([50027, 50027]);
    // the first 401 is Discord's doing; calling again after it is the bot's
    expect(h.fake.violations.map((v) => v.rule)).toEqual(["token-reused-after-50027"]);
  });

  it("answers 50027 once the token outlives tokenLifetimeMs, as a violation", async () => {
    const h = await setup({ tokenLifetimeMs: 100 });
    const flow = deferThenEditTwice(h);
    const cmd = await h.fake.runCommand("imagine", { prompt: "b" });
    await h.fake.waitFor(flow.deferred);
    await new Promise((r) => setTimeout(r, 150));
    flow.go();
    await h.fake.waitFor(() => h.errors.length === 2);
    expect(h.errors.map(apiCode)).toEqual([50027, 50027]);
    expect(h.fake.violations.map((v) => v.rule)).toEqual([
      "token-expired",
      "token-reused-after-50027",
    ]);
    expect(cmd.original()?.loading).toBe(true);
  });

  it("refuses 6 buttons in a row with 50035 and records a violation", async () => {
    const { fake, errors, on } = await setup();
    on(async (i) => {
      if (!i.isChatInputCommand()) return;
      await i.deferReply();
      const six = {
        type: 1,
        components: Array.from({ length: 6 }, (_, n) => ({
          type: 2,
          style: 2,
          custom_id: `b${n}`,
          label: `B${n}`,
        })),
      };
      await i.client.rest.patch(`/webhooks/${i.applicationId}/${i.token}/messages/@original`, {
        body: { content: "six", components: [six], allowed_mentions: NO_PINGS },
        auth: false,
      });
    });
    const cmd = await fake.runCommand("imagine", { prompt: "six" });
    await fake.waitFor(() => errors.length > 0);
    const err = errors[0] as DiscordAPIError;
    expect(err.code).toBe(50035);
    expect(err.status).toBe(400);
    expect(JSON.stringify(err.rawError)).toContain("TOO_MANY_BUTTONS_IN_ROW");
    expect(fake.violations.map((v) => v.rule)).toContain("too-many-buttons-in-row");
    expect(cmd.original()?.content).toBe("");
  });

  it("makes discord.js wait out an injected 429, then the edit lands", async () => {
    const { fake, client, errors, on } = await setup();
    const limited: RateLimitData[] = [];
    client.rest.on(RESTEvents.RateLimited, (info) => limited.push(info));
    on(async (i) => {
      if (!i.isChatInputCommand()) return;
      await i.deferReply();
      fake.rateLimitNext({
        match: /messages\/@original$/,
        method: "PATCH",
        times: 1,
        retryAfterMs: 200,
      });
      await i.editReply({ content: "after the wait", allowedMentions: NO_PINGS });
    });
    const cmd = await fake.runCommand("imagine", { prompt: "429" });
    const msg = await fake.waitFor(
      () => cmd.original()?.content === "after the wait" && cmd.original(),
    );
    const patches = fake.requests.filter((r) => r.method === "PATCH");
    expect(patches.map((r) => r.status)).toEqual([429, 200]);
    expect((patches[1]?.at ?? 0) - (patches[0]?.at ?? 0)).toBeGreaterThanOrEqual(190);
    expect(limited[0]?.retryAfter).toBeGreaterThanOrEqual(200);
    expect(msg.editedAt).not.toBeNull();
    expect(errors).toEqual([]);
    expect(fake.violations).toEqual([]);
  });

  it("retries injected 5xx answers", async () => {
    const { fake, client, errors } = await setup();
    fake.failNext({ match: "/messages", method: "POST", status: 502, times: 2 });
    const channel = client.channels.cache.get(fake.channelId);
    if (!channel?.isSendable()) throw new Error("channel not sendable");
    const sent = await channel.send({ content: "hello", allowedMentions: NO_PINGS });
    expect(fake.requests.filter((r) => r.method === "POST").map((r) => r.status)).toEqual([
      502, 502, 200,
    ]);
    expect(fake.message(sent.id)?.content).toBe("hello");
    expect(errors).toEqual([]);
  });

  it("supports channel routes: send with a file, edit keeping/removing attachments", async () => {
    const { fake, client } = await setup();
    const channel = client.channels.cache.get(fake.channelId);
    if (!channel?.isSendable()) throw new Error("channel not sendable");
    const a = png(3, 3);
    const sent = await channel.send({
      content: "result",
      files: [new AttachmentBuilder(a, { name: "a.png" })],
      components: [row(2)],
      allowedMentions: NO_PINGS,
    });
    expect(sent.attachments.first()?.url).toContain(fake.baseUrl);
    const stored = fake.message(sent.id);
    expect(stored?.via).toBe("channel");
    expect(stored?.attachments.map((x) => x.filename)).toEqual(["a.png"]);
    // keep the old attachment and add one
    const kept = sent.attachments.first();
    if (!kept) throw new Error("no attachment");
    await sent.edit({
      attachments: [kept],
      files: [new AttachmentBuilder(png(1, 1), { name: "b.png" })],
    });
    expect(fake.message(sent.id)?.attachments.map((x) => x.filename)).toEqual(["a.png", "b.png"]);
    // a new file alone replaces both
    await sent.edit({ files: [new AttachmentBuilder(png(1, 1), { name: "c.png" })] });
    expect(fake.message(sent.id)?.attachments.map((x) => x.filename)).toEqual(["c.png"]);
    const fetched = await channel.messages.fetch({ message: sent.id, force: true });
    expect(fetched.components).toHaveLength(1);
    expect(fake.violations).toEqual([]);
  });

  it("turns the first follow-up after a defer into the reply, and returns with_response", async () => {
    const { fake, errors, on } = await setup();
    const ids: string[] = [];
    on(async (i) => {
      if (!i.isChatInputCommand()) return;
      const res = await i.deferReply({ withResponse: true });
      ids.push(res.resource?.message?.id ?? "none");
      const first = await i.followUp({ content: "first", allowedMentions: NO_PINGS });
      const second = await i.followUp({ content: "second", allowedMentions: NO_PINGS });
      ids.push(first.id, second.id);
    });
    const cmd = await fake.runCommand("imagine", { prompt: "f" });
    await fake.waitFor(() => ids.length === 3);
    expect(ids[0]).toBe(cmd.original()?.id);
    expect(ids[1]).toBe(cmd.original()?.id);
    expect(cmd.original()?.content).toBe("first");
    expect(cmd.followUps().map((m) => m.content)).toEqual(["second"]);
    expect(errors).toEqual([]);
    expect(fake.violations).toEqual([]);
  });

  it("registers commands with the bulk overwrite and validates them", async () => {
    const { fake, client, errors } = await setup();
    const app = client.application;
    if (!app) throw new Error("no application");
    await app.commands.set(
      [
        {
          name: "imagine",
          description: "Create images",
          options: [
            { type: 3, name: "prompt", description: "What to draw", required: true },
            { type: 11, name: "image", description: "A reference image" },
          ],
        },
      ],
      fake.guildId,
    );
    expect(fake.registeredCommands().map((c) => c.name)).toEqual(["imagine"]);
    await expect(fake.runCommand("blend", {})).rejects.toThrow(/not registered/);
    await expect(fake.runCommand("imagine", {})).rejects.toThrow(/needs option "prompt"/);
    const bad = await app.commands
      .set([{ name: "Imagine", description: "upper case" }], fake.guildId)
      .catch((e: unknown) => e);
    expect(apiCode(bad)).toBe(50035);
    expect(fake.violations.map((v) => v.rule)).toEqual(["command-name"]);
    expect(errors).toEqual([]);
  });

  it("refuses a modal answering a modal, and channel edits of ephemeral replies", async () => {
    const { fake, client, errors, on } = await setup();
    on(async (i) => {
      if (i.isChatInputCommand()) {
        await i.reply({ content: "only you", flags: 64, allowedMentions: NO_PINGS });
        const reply = await i.fetchReply();
        const channel = client.channels.cache.get(fake.channelId);
        if (channel?.isTextBased()) {
          await channel.messages.edit(reply.id, { content: "edited" }).catch((e) => errors.push(e));
        }
      } else if (i.isButton()) {
        await i.showModal(remixModal());
      } else if (i.isModalSubmit()) {
        // discord.js has no showModal here; ask Discord directly
        await i.client.rest
          .post(`/interactions/${i.id}/${i.token}/callback`, {
            body: { type: 9, data: remixModal().toJSON() },
            auth: false,
          })
          .catch((e: unknown) => errors.push(e));
      }
    });
    const cmd = await fake.runCommand("imagine", { prompt: "secret" }, { user: "carol" });
    await fake.waitFor(() => errors.length === 1);
    expect(apiCode(errors[0])).toBe(10008);
    const reply = cmd.original();
    expect(reply).toMatchObject({ ephemeral: true, visibleTo: fake.users.carol?.id });
    await expect(fake.pressButton(reply?.id ?? "", "x", { user: "bob" })).rejects.toThrow(
      /ephemeral/,
    );

    const channel = client.channels.cache.get(fake.channelId);
    if (!channel?.isSendable()) throw new Error("channel not sendable");
    const sent = await channel.send({
      content: "pick",
      components: [row(1)],
      allowedMentions: NO_PINGS,
    });
    const press = await fake.pressButton(sent.id, "b0");
    await press.firstResponse();
    await fake.submitModal(press, { fields: { prompt: "p" } });
    await fake.waitFor(() => errors.length === 2);
    expect(apiCode(errors[1])).toBe(50035);
    expect(fake.violations.map((v) => v.rule)).toEqual([
      "ephemeral-via-channel",
      "modal-after-modal-submit",
    ]);
  });

  it("resumes after the gateway drops the connection", async () => {
    const { fake, client, on } = await setup();
    const got: string[] = [];
    on(async (i) => {
      if (i.isChatInputCommand()) {
        got.push(i.commandName);
        await i.reply({ content: "ok", allowedMentions: NO_PINGS });
      }
    });
    const resumed = new Promise((resolve) => client.once(Events.ShardResume, resolve));
    fake.gateway.dropConnections(4000);
    await resumed;
    const cmd = await fake.runCommand("imagine", { prompt: "after resume" });
    expect((await cmd.firstResponse()).type).toBe(4);
    expect(got).toEqual(["imagine"]);
  });
});

describe("what moderators and members do behind the bot's back", () => {
  /** A command whose handler defers and then runs `after` with the interaction. */
  function deferred(h: Harness, after: (i: ChatInputCommandInteraction) => Promise<void>) {
    h.on(async (i) => {
      if (!i.isChatInputCommand()) return;
      await i.deferReply();
      await i.editReply({ content: "working", allowedMentions: NO_PINGS });
      await after(i);
    });
  }

  it("a message a moderator deleted answers 10008 once; asking again is a violation", async () => {
    const h = await setup();
    let go = false;
    const steps: string[] = [];
    deferred(h, async (i) => {
      await h.fake.waitFor(() => go);
      await i.editReply({ content: "done" }).catch((e: unknown) => h.errors.push(e));
      const anew = await i.followUp({ content: "done, anew", allowedMentions: NO_PINGS });
      steps.push(anew.id);
      await i.editReply({ content: "again" }).catch((e: unknown) => h.errors.push(e));
    });
    const cmd = await h.fake.runCommand("imagine", { prompt: "a" });
    const reply = await h.fake.waitFor(
      () => cmd.original()?.content === "working" && cmd.original(),
    );
    h.fake.deleteMessage(reply.id);
    expect(h.fake.channelMessages().map((m) => m.id)).toEqual([]);
    go = true;
    await h.fake.waitFor(() => h.errors.length === 2);
    expect(h.errors.map(apiCode)).toEqual([10008, 10008]);
    // the follow-up is a new message, not the deleted reply brought back
    expect(cmd.followUps().map((m) => m.content)).toEqual(["done, anew"]);
    expect(h.fake.message(reply.id)).toMatchObject({ deleted: true, deletedBy: "moderator" });
    expect(h.fake.violations.map((v) => v.rule)).toEqual(["unknown-message"]);
  });

  it("without View Channel every channel route answers 403 / 50001; the interaction webhook still works", async () => {
    const h = await setup();
    const channel = h.client.channels.cache.get(h.fake.channelId);
    if (!channel?.isSendable() || channel.isDMBased()) throw new Error("no guild channel");
    const sent = await channel.send({ content: "before", allowedMentions: NO_PINGS });
    h.fake.denyBotPermissions(["VIEW_CHANNEL"]);
    const me = h.client.user;
    if (!me) throw new Error("no bot user");
    await h.fake.waitFor(() => channel.permissionsFor(me)?.has("ViewChannel") === false);
    const refused = await Promise.all([
      channel.send({ content: "new", allowedMentions: NO_PINGS }).catch((e: unknown) => e),
      sent.edit({ content: "edited" }).catch((e: unknown) => e),
      h.client.rest.get(`/channels/${h.fake.channelId}`).catch((e: unknown) => e),
    ]);
    expect(refused.map(apiCode)).toEqual([50001, 50001, 50001]);
    expect(refused.map((e) => (e as DiscordAPIError).status)).toEqual([403, 403, 403]);
    // an interaction needs none of the channel's permissions
    deferred(h, async (i) => {
      await i.editReply({ content: "shown anyway", allowedMentions: NO_PINGS });
    });
    const cmd = await h.fake.runCommand("imagine", { prompt: "b" });
    await h.fake.waitFor(() => cmd.original()?.content === "shown anyway");
    const perms = BigInt((cmd.payload as { app_permissions?: string }).app_permissions ?? "0");
    expect(perms & (1n << 10n)).toBe(0n);
    expect(h.errors).toEqual([]);
    expect(h.fake.violations).toEqual([]);
  });

  it("without Send Messages and Attach Files: new messages and uploads answer 403 / 50013, plain edits land", async () => {
    const h = await setup();
    const channel = h.client.channels.cache.get(h.fake.channelId);
    if (!channel?.isSendable()) throw new Error("channel not sendable");
    const sent = await channel.send({ content: "before", allowedMentions: NO_PINGS });
    h.fake.denyBotPermissions(["SEND_MESSAGES", "ATTACH_FILES"]);
    const send = await channel
      .send({ content: "new", allowedMentions: NO_PINGS })
      .catch((e: unknown) => e);
    const upload = await sent
      .edit({ files: [new AttachmentBuilder(png(1, 1), { name: "a.png" })] })
      .catch((e: unknown) => e);
    expect([send, upload].map(apiCode)).toEqual([50013, 50013]);
    await sent.edit({ content: "edited" });
    expect(h.fake.message(sent.id)?.content).toBe("edited");
    h.fake.allowBotPermissions();
    await channel.send({ content: "allowed again", allowedMentions: NO_PINGS });
    expect(h.fake.channelMessages().map((m) => m.content)).toEqual(["edited", "allowed again"]);
    expect(h.fake.violations).toEqual([]);
  });

  it("a deleted channel answers 10003 on channel and interaction routes", async () => {
    const h = await setup();
    let go = false;
    deferred(h, async (i) => {
      await h.fake.waitFor(() => go);
      await i.editReply({ content: "done" }).catch((e: unknown) => h.errors.push(e));
      await i
        .followUp({ content: "private", flags: 64, allowedMentions: NO_PINGS })
        .catch((e: unknown) => h.errors.push(e));
    });
    const cmd = await h.fake.runCommand("imagine", { prompt: "c" });
    await h.fake.waitFor(() => cmd.original()?.content === "working");
    h.fake.deleteChannel();
    await h.fake.waitFor(() => !h.client.channels.cache.has(h.fake.channelId));
    go = true;
    await h.fake.waitFor(() => h.errors.length === 2);
    const post = await h.client.rest
      .post(`/channels/${h.fake.channelId}/messages`, { body: { content: "x" } })
      .catch((e: unknown) => e);
    expect([...h.errors, post].map(apiCode)).toEqual([10003, 10003, 10003]);
    expect(h.fake.violations).toEqual([]);
  });

  it("DMs a member through POST /users/@me/channels, unless the member closed DMs (50007)", async () => {
    const h = await setup();
    const alice = await h.client.users.fetch(h.fake.users.alice?.id ?? "");
    await alice.send({ content: "your result is ready", allowedMentions: NO_PINGS });
    expect(h.fake.dms("alice").map((m) => m.content)).toEqual(["your result is ready"]);
    expect(h.fake.dms("bob")).toEqual([]);
    h.fake.closeDms("alice");
    const refused = await alice.send({ content: "again" }).catch((e: unknown) => e);
    expect(apiCode(refused)).toBe(50007);
    expect((refused as DiscordAPIError).status).toBe(403);
    expect(h.fake.dms("alice")).toHaveLength(1);
    expect(h.fake.violations).toEqual([]);
  });
});

describe("members, roles and channels", () => {
  const INFO = {
    name: "info",
    description: "Who is someone",
    options: [{ type: 6, name: "member", description: "the member", required: true }],
  };

  it("a command from a member with two roles, in a second channel, with a USER option resolved", async () => {
    const ids: Record<string, string> = {};
    const h = await setup(
      {},
      {
        before: (fake) => {
          ids.admins = fake.addRole({ name: "admins", permissions: MANAGE_GUILD });
          ids.artists = fake.addRole({
            name: "artists",
            permissions: PermissionFlagsBits.MentionEveryone,
          });
          fake.addMember("dave", { roles: [ids.admins, ids.artists] });
          fake.addMember("erin", { permissions: ADMINISTRATOR });
          ids.art = fake.addChannel("art");
          fake.setRoles("bob", [ids.artists]);
        },
      },
    );
    const { fake, client } = h;
    const admins = ids.admins ?? "";
    const artists = ids.artists ?? "";
    const art = ids.art ?? "";
    const guild = client.guilds.cache.get(fake.guildId);
    // GUILD_CREATE carried the roles and the channel
    expect(guild?.roles.cache.get(admins)?.permissions.has(PermissionFlagsBits.ManageGuild)).toBe(
      true,
    );
    expect(guild?.roles.everyone.id).toBe(fake.guildId);
    expect(client.channels.cache.get(art)?.isTextBased()).toBe(true);
    expect(guild?.ownerId).toBe(fake.owner.id);
    await client.application?.commands.set([INFO], fake.guildId);

    const seen: Record<string, unknown>[] = [];
    h.on(async (i) => {
      if (i.isChatInputCommand()) {
        const target = i.options.getMember("member");
        seen.push({
          user: i.user.username,
          channel: i.channelId,
          channelName: i.channel && "name" in i.channel ? i.channel.name : undefined,
          roles: i.member instanceof GuildMember ? [...i.member.roles.cache.keys()].sort() : null,
          manageGuild: i.memberPermissions?.has(PermissionFlagsBits.ManageGuild),
          banMembers: i.memberPermissions?.has(PermissionFlagsBits.BanMembers),
          attachFiles: i.appPermissions.has(PermissionFlagsBits.AttachFiles),
          targetId: i.options.getUser("member")?.id,
          targetRoles: target instanceof GuildMember ? [...target.roles.cache.keys()].sort() : null,
          targetIsAdmin:
            target instanceof GuildMember
              ? target.permissions.has(PermissionFlagsBits.Administrator)
              : null,
        });
        await i.reply({
          content: "info",
          components: [row(1, "who:")],
          allowedMentions: NO_PINGS,
        });
      } else if (i.isButton()) {
        seen.push({ button: i.customId, user: i.user.username, channel: i.channelId });
        await i.deferUpdate();
      }
    });

    fake.denyBotPermissions(["ATTACH_FILES"], art);
    const cmd = await fake.runCommand("info", { member: "erin" }, { user: "dave", channel: art });
    await cmd.firstResponse();
    expect(cmd.payload.channel_id).toBe(art);
    expect(cmd.payload.channel).toMatchObject({ id: art, name: "art", type: 0 });
    expect(cmd.payload.member?.roles.sort()).toEqual([admins, artists].sort());
    const erin = fake.users.erin?.id ?? "";
    const data = cmd.payload.data as unknown as {
      options: unknown[];
      resolved: Record<string, Record<string, Record<string, unknown>>>;
    };
    expect(data.options).toEqual([{ type: 6, name: "member", value: erin }]);
    expect(data.resolved.users?.[erin]).toMatchObject({ username: "erin" });
    expect(data.resolved.members?.[erin]).not.toHaveProperty("user");
    expect(data.resolved.members?.[erin]?.permissions).toBe(ALL_PERMISSIONS.toString());
    expect(fake.permissionsOf("erin") & PermissionFlagsBits.Administrator).not.toBe(0n);

    const carol = await fake.runCommand(
      "info",
      { member: fake.users.bob?.id ?? "" },
      { user: "carol" },
    );
    await carol.firstResponse();
    const owner = await fake.runCommand("info", { member: "owner" }, { user: "owner" });
    await owner.firstResponse();
    const [byDave, byCarol, byOwner] = seen;
    expect(byDave).toEqual({
      user: "dave",
      channel: art,
      channelName: "art",
      roles: [admins, artists, fake.guildId].sort(),
      manageGuild: true,
      banMembers: false,
      attachFiles: false,
      targetId: erin,
      targetRoles: [fake.rolesOf("erin")[0], fake.guildId].sort(),
      targetIsAdmin: true,
    });
    expect(byCarol).toMatchObject({
      user: "carol",
      channel: fake.channelId,
      channelName: "general",
      manageGuild: false,
      attachFiles: true,
      targetId: fake.users.bob?.id,
      targetRoles: [artists, fake.guildId].sort(),
      targetIsAdmin: false,
    });
    expect(byOwner).toMatchObject({ user: "owner", manageGuild: true, banMembers: true });

    // the reply is kept with the second channel; a press on it happens there
    const reply = await fake.waitFor(() => cmd.original());
    expect(reply.channelId).toBe(art);
    expect(fake.channelMessages(art).map((m) => m.id)).toEqual([reply.id]);
    expect(fake.channelMessages().map((m) => m.id)).not.toContain(reply.id);
    const press = await fake.pressButton(reply.id, "who:0", { user: "erin" });
    await press.firstResponse();
    expect(press.payload.channel_id).toBe(art);
    expect(press.payload.app_permissions).toBe(
      (BigInt(fake.state.settings.appPermissions) & ~PermissionFlagsBits.AttachFiles).toString(),
    );
    expect(seen.at(-1)).toEqual({ button: "who:0", user: "erin", channel: art });

    // alice, bob and carol stay plain members
    for (const name of ["alice", "bob", "carol"]) {
      expect(fake.permissionsOf(name) & (MANAGE_GUILD | ADMINISTRATOR)).toBe(0n);
    }
    expect(h.errors).toEqual([]);
    expect(fake.violations).toEqual([]);
  });

  it("roles, members and channels added at run time reach discord.js's caches", async () => {
    const h = await setup(
      {},
      { intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMembers] },
    );
    const { fake, client } = h;
    const guild = client.guilds.cache.get(fake.guildId);
    if (!guild) throw new Error("no guild");
    const mods = fake.addRole({ name: "mods", permissions: MANAGE_GUILD });
    await fake.waitFor(() => guild.roles.cache.get(mods), { what: "GUILD_ROLE_CREATE" });
    expect(guild.roles.cache.get(mods)?.name).toBe("mods");
    fake.setRolePermissions(mods, ADMINISTRATOR);
    await fake.waitFor(
      () => guild.roles.cache.get(mods)?.permissions.has(PermissionFlagsBits.Administrator, false),
      { what: "GUILD_ROLE_UPDATE" },
    );

    const frank = fake.addMember("frank");
    await fake.waitFor(() => guild.members.cache.get(frank.id), { what: "GUILD_MEMBER_ADD" });
    fake.setRoles("frank", [mods]);
    await fake.waitFor(() => guild.members.cache.get(frank.id)?.roles.cache.has(mods), {
      what: "GUILD_MEMBER_UPDATE",
    });

    const lab = fake.addChannel("lab");
    await fake.waitFor(() => client.channels.cache.get(lab), { what: "CHANNEL_CREATE" });

    const seen: unknown[] = [];
    h.on(async (i) => {
      if (!i.isChatInputCommand()) return;
      seen.push([i.channelId, i.memberPermissions?.has(PermissionFlagsBits.ManageGuild)]);
      await i.reply({ content: "ok", allowedMentions: NO_PINGS });
    });
    const cmd = await fake.runCommand("whoami", {}, { user: "frank", channel: lab });
    await cmd.firstResponse();
    expect(seen).toEqual([[lab, true]]);
    expect(cmd.payload.member?.roles).toEqual([mods]);
    expect(await guild.members.fetch({ user: frank.id, force: true })).toBeInstanceOf(GuildMember);
    expect((await guild.roles.fetch()).has(mods)).toBe(true);
    expect(fake.channelMessages(lab)).toHaveLength(1);
    expect(h.errors).toEqual([]);
    expect(fake.violations).toEqual([]);
  });

  it("shows roles, members and channels as Discord's OpenAPI document describes them", async () => {
    const fake = await startFakeDiscord();
    try {
      const role = fake.state.role(fake.addRole({ name: "admins", permissions: ADMINISTRATOR }));
      const dave = fake.addMember("dave", { roles: [role.id] });
      const ch = fake.state.channels.get(fake.addChannel("art"));
      for (const r of fake.state.rolePayloads())
        expect(validateBody("GuildRoleResponse", r)).toEqual([]);
      for (const u of [dave, fake.botUser, fake.owner]) {
        expect(validateBody("GuildMemberResponse", fake.state.memberPayload(u))).toEqual([]);
      }
      expect(
        validateBody("GuildChannelResponse", channelPayload(fake.state, ch ?? ({} as never))),
      ).toEqual([]);
      expect(() => fake.addMember("dave")).toThrow(/already/);
      expect(() => fake.setRoles("dave", [fake.botRoleId])).toThrow(/managed/);
      expect(() => fake.addChannel("Not A Name")).toThrow(/channel name/);
    } finally {
      await fake.close();
    }
  });
});

describe("rules and schemas", () => {
  afterAll(() => {});

  it("flags content, custom ids, labels and files", () => {
    const body = {
      content: "x".repeat(2001),
      components: [
        {
          type: 1,
          components: [
            { type: 2, style: 1, custom_id: "same", label: "x".repeat(81) },
            { type: 2, style: 1, custom_id: "same", label: "ok" },
            { type: 2, style: 1, custom_id: "y".repeat(101), label: "ok" },
          ],
        },
      ],
    };
    const files = Array.from({ length: 11 }, (_, n) => ({
      field: `files[${n}]`,
      filename: `${n}.png`,
      contentType: "image/png",
      size: n === 0 ? 11 : 1,
      bytes: new Uint8Array(1),
    }));
    const rules = messageProblems(body, { create: true, files, sizeLimit: 10 }).map((p) => p.rule);
    expect(rules).toEqual(
      expect.arrayContaining([
        "content-too-long",
        "button-label-too-long",
        "custom-id-duplicated",
        "custom-id-too-long",
        "too-many-files",
        "file-too-large",
      ]),
    );
    expect(messageProblems({}, { create: true, files: [], sizeLimit: 10 })[0]?.code).toBe(50006);
    expect(validateBody("IncomingWebhookUpdateRequestPartial", body).map((i) => i.path)).toEqual(
      expect.arrayContaining(["content", "components.0.components.0.label"]),
    );
  });

  it("flags modals against the docs and the spec", () => {
    const modal = remixModal().setTitle("t".repeat(45)).toJSON() as unknown as Record<
      string,
      unknown
    >;
    expect(modalProblems(modal)).toEqual([]);
    expect(validateCallback({ type: 9, data: modal })).toEqual([]);
    const long = { ...modal, title: "t".repeat(46) };
    expect(modalProblems(long).map((p) => p.rule)).toEqual(["modal-title"]);
    expect(validateCallback({ type: 9, data: long }).map((i) => i.path)).toEqual(["data.title"]);
    expect(validateCallback({ type: 3 })[0]?.message).toMatch(/unsupported callback type/);
  });
});
