// Interactions a modified client could send: values the real Discord client never lets a
// member pick (a mode outside the choices, a 100,000-character prompt, a custom_id that is
// not on the message). Built like the fake's own, registered with it, sent over the gateway.
import type { APIApplicationCommandInteractionDataBasicOption, APIInteraction } from "discord.js";
import { interactionToken, snowflake } from "../fakes/ids.js";
import { FakeInteraction, type FakeMessage } from "../fakes/index.js";
import { toApiMessage } from "../fakes/messages.js";
import {
  buttonInteraction,
  chatInputInteraction,
  type InteractionContext,
} from "../fakes/payloads.js";
import type { InteractionRecord } from "../fakes/state.js";
import type { World } from "./world.js";

function contextOf(world: World, user: string): InteractionContext {
  const { state } = world.fake;
  return {
    id: snowflake(),
    token: interactionToken(),
    applicationId: state.applicationId,
    guildId: state.guildId,
    channelId: state.channelId,
    channelName: state.channels.get(state.channelId)?.name ?? "general",
    user: state.user(user),
    memberPermissions: state.memberPermissions,
    appPermissions: state.settings.appPermissions,
    attachmentSizeLimit: state.settings.attachmentSizeLimit,
  };
}

async function send(
  world: World,
  ctx: InteractionContext,
  payload: APIInteraction,
  extra: Partial<InteractionRecord> = {},
): Promise<FakeInteraction> {
  const { fake } = world;
  await fake.waitForClient();
  const record: InteractionRecord = {
    id: ctx.id,
    token: ctx.token,
    type: payload.type,
    payload,
    userId: ctx.user.id,
    channelId: ctx.channelId,
    dispatchedAt: Date.now(),
    expiredByHand: false,
    answered50027: false,
    deadlineMissed: false,
    attempts: [],
    followUpIds: [],
    ...extra,
  };
  fake.state.interactions.set(record.id, record);
  fake.state.byToken.set(record.token, record);
  if (fake.dispatch("INTERACTION_CREATE", payload) === 0) throw new Error("no client logged in");
  fake.state.changed();
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
