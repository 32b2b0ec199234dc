// Small steps a member takes, shared by the end-to-end tests.
import type { FakeInteraction, FakeMessage } from "../fakes/index.js";
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
  T = { taskId: string; customId: string; prompt: string; maskBase64: string },
>(world: World, endpoint: string): T[] {
  return proxyCalls(world, endpoint).map((r) => r.body as T);
}

/** What a finished grid shows: Midjourney's nine buttons, then the bot's 🌱 Seed. */
export const GRID_BUTTONS = ["U1", "U2", "U3", "U4", "Reroll", "V1", "V2", "V3", "V4", "Seed"];
