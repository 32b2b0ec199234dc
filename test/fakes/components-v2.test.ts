// The fake enforces Components V2 as Discord does, and lets tests read what a V2 message
// shows (its Text Displays as `content`, its gallery with `fake.gallery`).
import {
  ActionRowBuilder,
  AttachmentBuilder,
  ButtonBuilder,
  ButtonStyle,
  Client,
  ComponentType,
  DiscordAPIError,
  Events,
  GatewayIntentBits,
  MediaGalleryBuilder,
  MessageFlags,
  type SendableChannels,
  TextDisplayBuilder,
} from "discord.js";
import { PNG } from "pngjs";
import { afterEach, describe, expect, it } from "vitest";
import { type FakeDiscord, startFakeDiscord } from "./index.js";
import { messageProblems } from "./rules.js";
import { validateBody } from "./schema.js";

const NO_PINGS = { parse: [] as [] };
const V2 = MessageFlags.IsComponentsV2;

function png(width: number, height: number): Buffer {
  const image = new PNG({ width, height });
  image.data.fill(120);
  return PNG.sync.write(image);
}

let current: { fake: FakeDiscord; client: Client } | undefined;
afterEach(async () => {
  await current?.client.destroy();
  await current?.fake.close();
  current = undefined;
});

async function channel(): Promise<{ fake: FakeDiscord; channel: SendableChannels }> {
  const fake = await startFakeDiscord();
  const client = new Client({
    intents: [GatewayIntentBits.Guilds],
    rest: { api: fake.apiUrl },
    waitGuildTimeout: 0,
  });
  current = { fake, client };
  const ready = new Promise((resolve) => client.once(Events.ClientReady, resolve));
  await client.login(fake.botToken);
  await ready;
  const ch = client.channels.cache.get(fake.channelId);
  if (!ch?.isSendable()) throw new Error("channel not sendable");
  return { fake, channel: ch };
}

const gallery = (...names: string[]) =>
  new MediaGalleryBuilder().addItems(
    ...names.map(
      (n) => (item: import("discord.js").MediaGalleryItemBuilder) =>
        item.setURL(`attachment://${n}`).setDescription(n),
    ),
  );

const buttons = () =>
  new ActionRowBuilder<ButtonBuilder>().addComponents(
    new ButtonBuilder().setCustomId("u1").setLabel("U1").setStyle(ButtonStyle.Secondary),
  );

const codeOf = (err: unknown) => (err instanceof DiscordAPIError ? err.code : err);

describe("Components V2 in the fake", () => {
  it("a V2 message: its text, its gallery of its attachments, resolved as Discord answers", async () => {
    const { fake, channel: ch } = await channel();
    const sent = await ch.send({
      flags: V2,
      components: [
        new TextDisplayBuilder().setContent("**two pictures**"),
        gallery("a.png", "b.png"),
        buttons(),
      ],
      files: [
        new AttachmentBuilder(png(2, 2), { name: "a.png" }),
        new AttachmentBuilder(png(3, 3), { name: "b.png" }),
      ],
      allowedMentions: NO_PINGS,
    });
    expect(fake.isComponentsV2(sent.id)).toBe(true);
    expect(fake.message(sent.id)?.content).toBe("**two pictures**");
    const items = fake.gallery(sent.id);
    expect(items.map((i) => [i.url, i.description, i.attachment?.filename])).toEqual([
      ["attachment://a.png", "a.png", "a.png"],
      ["attachment://b.png", "b.png", "b.png"],
    ]);
    expect(fake.buttons(sent.id).map((b) => b.label)).toEqual(["U1"]);
    // discord.js reads it back as Discord shows it: no content, the media at CDN URLs.
    expect(sent.content).toBe("");
    const shown = sent.components[1];
    expect(shown?.type).toBe(ComponentType.MediaGallery);
    const urls =
      shown?.type === ComponentType.MediaGallery ? shown.items.map((i) => i.media.url) : [];
    expect(urls).toEqual(items.map((i) => i.attachment?.url));
    expect(fake.violations).toEqual([]);
  });

  it("refuses content with the flag, and a gallery naming a file the message lacks", async () => {
    const { fake, channel: ch } = await channel();
    const withContent = ch.send({
      flags: V2,
      content: "words",
      components: [new TextDisplayBuilder().setContent("text")],
      allowedMentions: NO_PINGS,
    });
    await expect(withContent).rejects.toSatisfy((e) => codeOf(e) === 50035);
    const unknown = ch.send({
      flags: V2,
      components: [gallery("missing.png")],
      files: [new AttachmentBuilder(png(2, 2), { name: "a.png" })],
      allowedMentions: NO_PINGS,
    });
    await expect(unknown).rejects.toSatisfy((e) => codeOf(e) === 50035);
    expect(fake.violations.map((v) => v.rule)).toEqual([
      "components-v2-content",
      "unknown-attachment-reference",
    ]);
  });

  it("adding the flag on an edit clears content and embeds; the flag cannot be removed", async () => {
    const { fake, channel: ch } = await channel();
    const plain = await ch.send({
      content: "🎨 50%",
      embeds: [{ image: { url: "https://example.com/p.webp" } }],
      allowedMentions: NO_PINGS,
    });
    // Adding the flag while the content and embed stay: refused.
    await expect(
      plain.edit({ flags: V2, components: [new TextDisplayBuilder().setContent("done")] }),
    ).rejects.toSatisfy((e) => codeOf(e) === 50035);
    expect(fake.violations.map((v) => v.rule)).toEqual([
      "components-v2-content",
      "components-v2-content",
    ]);
    // With content and embeds set to null: upgraded.
    await plain.edit({
      flags: V2,
      content: null,
      embeds: [],
      components: [new TextDisplayBuilder().setContent("done"), gallery("a.png")],
      files: [new AttachmentBuilder(png(2, 2), { name: "a.png" })],
    });
    expect(fake.isComponentsV2(plain.id)).toBe(true);
    expect(fake.message(plain.id)?.content).toBe("done");
    expect(fake.gallery(plain.id)[0]?.attachment?.filename).toBe("a.png");
    // Dropping the flag again: refused, and the message stays as it was.
    const rest = (current as { client: Client }).client.rest;
    await expect(
      rest.patch(`/channels/${fake.channelId}/messages/${plain.id}`, {
        body: { flags: 0, content: "plain again", components: [] },
      }),
    ).rejects.toSatisfy((e) => codeOf(e) === 50035);
    expect(fake.violations.map((v) => v.rule)).toContain("components-v2-flag-removed");
    expect(fake.message(plain.id)?.content).toBe("done");
  });

  it("rules: 40 components, 1 to 10 gallery items, 4000 characters of text", () => {
    const check = { create: true, files: [], sizeLimit: 10 };
    const text = (n: number) => ({ type: 10, content: "x".repeat(n) });
    const items = (n: number) =>
      Array.from({ length: n }, (_, i) => ({ media: { url: `https://x.test/${i}.png` } }));
    const rules = (components: unknown[]) =>
      messageProblems({ flags: V2, components }, check).map((p) => p.rule);
    expect(rules(Array.from({ length: 41 }, () => text(1)))).toEqual(["too-many-components"]);
    expect(rules([{ type: 12, items: items(11) }])).toEqual(["media-gallery-items"]);
    expect(rules([{ type: 12, items: [] }])).toEqual(["media-gallery-items"]);
    expect(rules([text(2000), text(2001)])).toEqual(["components-v2-text-too-long"]);
    expect(rules([text(10), { type: 12, items: items(10) }])).toEqual([]);
    // Without the flag, V2 components are refused.
    expect(messageProblems({ components: [text(3)] }, check).map((p) => p.rule)).toEqual([
      "components-v2-without-flag",
    ]);
    // The OpenAPI document agrees on the gallery's size and takes attachment:// URLs.
    const body = (n: number) => ({
      flags: V2,
      components: [
        { type: 12, items: [...items(n - 1), { media: { url: "attachment://a.png" } }] },
      ],
    });
    expect(validateBody("MessageCreateRequest", body(10))).toEqual([]);
    expect(validateBody("MessageCreateRequest", body(11)).map((i) => i.path)).toEqual([
      "components.0.items",
    ]);
  });
});
