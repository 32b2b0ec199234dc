// Interactions a modified client could send: values the real Discord client never lets a
// member pick (a mode outside the choices, a 100,000-character prompt, a custom_id that is
// not on the message). Built like the fake's own, registered with it, sent over the gateway.
import type { APIApplicationCommandInteractionDataBasicOption, APIInteraction } from "discord.js";
import { FakeInteraction, type FakeMessage } from "../fakes/index.js";
import { context, dispatch } from "../fakes/member.js";
import { toApiMessage } from "../fakes/messages.js";
import {
  buttonInteraction,
  chatInputInteraction,
  type InteractionContext,
} from "../fakes/payloads.js";
import type { InteractionRecord } from "../fakes/state.js";
import type { World } from "./world.js";

const contextOf = (world: World, user: string): InteractionContext =>
  context(world.fake.state, user);

async function send(
  world: World,
  ctx: InteractionContext,
  payload: APIInteraction,
  extra: Partial<InteractionRecord> = {},
): Promise<FakeInteraction> {
  const { fake } = world;
  const record = await dispatch(fake.state, fake.gateway, ctx, payload, extra);
  return new FakeInteraction(fake, record);
}

/** `/name` with string options taken as given: no choice or length check. */
export function forgeCommand(
  world: World,
  name: string,
  values: Record<string, string>,
  user = "alice",
): Promise<FakeInteraction> {
  const command = world.fake.registeredCommands().find((c) => c.name === name);
  if (!command) throw new Error(`/${name} is not registered`);
  const options = Object.entries(values).map(
    ([key, value]) =>
      ({ type: 3, name: key, value }) as APIApplicationCommandInteractionDataBasicOption,
  );
  const ctx = contextOf(world, user);
  const payload = chatInputInteraction(ctx, { id: command.id, name, options, attachments: [] });
  return send(world, ctx, payload, { commandName: name });
}

/** A press of `customId` on `message`, whether or not the message carries that button. */
export function forgePress(
  world: World,
  message: FakeMessage,
  customId: string,
  user = "alice",
): Promise<FakeInteraction> {
  const ctx = contextOf(world, user);
  const current = world.fake.message(message.id) ?? message;
  const payload = buttonInteraction(ctx, toApiMessage(world.fake.state, current), customId);
  return send(world, ctx, payload, { sourceMessageId: message.id });
}
