// Small steps a member takes, shared by the end-to-end tests.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decodeKey } from "../../src/discord/components.js";
import type { CallbackRecord, FakeInteraction, FakeMessage } from "../fakes/index.js";
import { buttonsByLabel, type World } from "./world.js";

/** Waits until the interaction's message shows a finished result (an attachment). */
export function finalResult(
  world: World,
  interaction: FakeInteraction,
  timeoutMs = 20_000,
): Promise<FakeMessage> {
  return world.fake.waitFor(
    () => {
      const m = interaction.original();
      return m && m.attachments.length > 0 && !m.loading ? m : undefined;
    },
    { timeoutMs, what: "a finished result" },
  );
}

/** Waits until the interaction's message says something matching `pattern`. */
export function messageSaying(
  world: World,
  interaction: FakeInteraction,
  pattern: RegExp,
  timeoutMs = 20_000,
): Promise<FakeMessage> {
  return world.fake.waitFor(
    () => {
      const m = interaction.original();
      return m && pattern.test(m.content) ? m : undefined;
    },
    { timeoutMs, what: `a message saying ${pattern}` },
  );
}

/** /imagine to the finished grid. */
export async function imagineGrid(world: World, prompt = "a red fox", user = "alice") {
  const cmd = await world.fake.runCommand("imagine", { prompt }, { user });
  const grid = await finalResult(world, cmd);
  return { cmd, grid };
}

/** Presses the button with this label (or emoji name) on a message. */
export function press(world: World, message: FakeMessage, label: string, user = "alice") {
  const customId = buttonsByLabel(world, message.id).get(label);
  if (!customId) throw new Error(`no button "${label}" on the message`);
  return world.fake.pressButton(message.id, customId, { user });
}

/** The proxy requests for one endpoint. */
export function proxyCalls(world: World, endpoint: string) {
  return world.sim.requests.filter((r) => r.path.endsWith(endpoint));
}

/** The bodies the proxy received on one endpoint, in order. */
export function proxyBodies<
  T = {
    taskId: string;
    customId: string;
    prompt: string;
    maskBase64: string;
    enableRemix?: boolean;
  },
>(world: World, endpoint: string): T[] {
  return proxyCalls(world, endpoint).map((r) => r.body as T);
}

/** What a finished grid shows: Midjourney's nine buttons, then the bot's 🌱 Seed. */
export const GRID_BUTTONS = ["U1", "U2", "U3", "U4", "Reroll", "V1", "V2", "V3", "V4", "Seed"];

/** Waits for `count` finished grids in the channel that were not among `before` (Imagine all). */
export function newGrids(world: World, before: ReadonlySet<string>, count = 4) {
  return world.fake.waitFor(
    () => {
      const fresh = world.fake
        .channelMessages()
        .filter(
          (m) =>
            !before.has(m.id) &&
            m.attachments.length > 0 &&
            world.fake.buttons(m.id).length === GRID_BUTTONS.length,
        );
      return fresh.length >= count ? fresh : undefined;
    },
    { timeoutMs: 30_000, what: `${count} finished grids` },
  );
}

/** The labels (or emoji names) of a message's buttons, in order. */
export const labelsOf = (world: World, message: FakeMessage) => [
  ...buttonsByLabel(world, message.id).keys(),
];

/** Waits until the interaction's message shows a finished result with these many files. */
export function resultWithFiles(world: World, interaction: FakeInteraction, files: number) {
  return world.fake.waitFor(
    () => {
      const m = interaction.original();
      return m && !m.loading && m.attachments.length === files ? m : undefined;
    },
    { what: `a result with ${files} files`, timeoutMs: 20_000 },
  );
}

/** Waits until the interaction's message shows proxy buttons (a result with no grid). */
export function resultWithButtons(
  world: World,
  interaction: FakeInteraction,
): Promise<FakeMessage> {
  return world.fake.waitFor(
    () => {
      const m = interaction.original();
      const proxyButtons = m ? world.fake.buttons(m.id).filter(isProxyButton) : [];
      return m && !m.loading && proxyButtons.length > 0 ? m : undefined;
    },
    { timeoutMs: 20_000, what: "a result with buttons" },
  );
}

/** A refused command's private answer: its reply, or a follow-up after a withdrawn one. */
export function refusalOf(
  world: World,
  cmd: FakeInteraction,
  timeoutMs?: number,
): Promise<FakeMessage> {
  return world.fake.waitFor(
    () =>
      [cmd.original(), ...cmd.followUps()].find(
        (m) => m && !m.deleted && !m.loading && m.content !== "",
      ),
    { what: "the refusal", ...(timeoutMs !== undefined && { timeoutMs }) },
  );
}

/** The proxy task a result message belongs to, from its first proxy button. */
export function taskOf(world: World, message: FakeMessage): string {
  const key = decodeKey(world.fake.buttons(message.id).find(isProxyButton)?.customId ?? "");
  if (key?.type !== "proxy") throw new Error("the message has no proxy button");
  return key.taskId;
}

/** A button of the proxy's (U1, V2, …), as opposed to the bot's own (Cancel, Retry, 🌱). */
function isProxyButton(button: { customId?: string | undefined }): boolean {
  return decodeKey(button.customId ?? "")?.type === "proxy";
}

/** The value a shown modal's prompt input is prefilled with. */
export function prefilled(shown: CallbackRecord): unknown {
  let found: unknown;
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const child of node) visit(child);
      return;
    }
    if (!node || typeof node !== "object") return;
    const c = node as Record<string, unknown>;
    if (c.type === 4 && c.custom_id === "prompt") found = c.value;
    for (const v of Object.values(c)) visit(v);
  };
  visit(shown.body);
  return found;
}

/** The private answer a press got. */
export function answerTo(w: World, click: FakeInteraction): Promise<FakeMessage> {
  return w.fake.waitFor(
    () => {
      const m = click.followUps()[0] ?? click.original();
      return m && !m.loading && m.content !== "" ? m : undefined;
    },
    { what: "the answer to the press" },
  );
}

/** The store is gone: the bot starts again on an empty database file. */
export async function loseTheStore(w: World): Promise<void> {
  await w.app.stop();
  const dir = mkdtempSync(join(tmpdir(), "mjcord-lost-store-"));
  w.config.databaseUrl = `sqlite://${join(dir, "fresh.sqlite")}`;
  await w.restart();
}
