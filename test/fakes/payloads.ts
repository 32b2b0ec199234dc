/**
 * Interaction payloads as Discord sends them in INTERACTION_CREATE, typed with discord-api-types
 * so nothing discord.js dereferences is missing (entitlements, authorizing_integration_owners,
 * attachment_size_limit, app_permissions, member, and the full `message` of components).
 */
import {
  type APIApplicationCommandInteractionDataBasicOption,
  type APIAttachment,
  type APIChatInputApplicationCommandGuildInteraction,
  type APIGuildTextChannel,
  type APIInteractionDataResolved,
  type APIInteractionGuildMember,
  type APIMessage,
  type APIMessageComponentButtonInteraction,
  type APIMessageComponentSelectMenuInteraction,
  type APIModalSubmissionComponent,
  type APIModalSubmitInteraction,
  type APIUser,
  ApplicationCommandType,
  type ChannelType,
  ComponentType,
  type GuildMemberFlags,
  InteractionContextType,
  InteractionType,
  Locale,
} from "discord.js";

/** Who does what, where: the common part of every interaction payload. */
export interface InteractionContext {
  id: string;
  token: string;
  applicationId: string;
  guildId: string;
  channelId: string;
  /** the channel object as interactions carry it */
  channel: APIGuildTextChannel<ChannelType.GuildText>;
  user: APIUser;
  /** the member's role ids (without @everyone) */
  memberRoles: string[];
  /** the member's permissions in the channel (bitfield string) */
  memberPermissions: string;
  /** the bot's permissions in the channel (bitfield string) */
  appPermissions: string;
  attachmentSizeLimit: number;
  locale?: Locale;
}

/** A guild member object as interactions carry it. */
export function interactionMember(
  user: APIUser,
  permissions: string,
  roles: string[] = [],
): APIInteractionGuildMember {
  const member: APIInteractionGuildMember = {
    user,
    roles,
    joined_at: new Date(Date.UTC(2024, 0, 1)).toISOString(),
    permissions,
    flags: 0 as GuildMemberFlags,
    deaf: false,
    mute: false,
    nick: null,
    avatar: null,
    premium_since: null,
    pending: false,
  };
  return member;
}

function common(ctx: InteractionContext) {
  return {
    id: ctx.id,
    application_id: ctx.applicationId,
    token: ctx.token,
    version: 1 as const,
    guild_id: ctx.guildId,
    guild: { id: ctx.guildId, locale: Locale.EnglishUS, features: [] },
    channel: ctx.channel,
    channel_id: ctx.channelId,
    member: interactionMember(ctx.user, ctx.memberPermissions, ctx.memberRoles),
    app_permissions: ctx.appPermissions,
    locale: ctx.locale ?? Locale.EnglishUS,
    guild_locale: Locale.EnglishUS,
    entitlements: [],
    authorizing_integration_owners: { "0": ctx.guildId },
    context: InteractionContextType.Guild,
    attachment_size_limit: ctx.attachmentSizeLimit,
  };
}

/** A resolved attachments map `{id: attachment}`. */
function resolvedAttachments(attachments: APIAttachment[]): Record<string, APIAttachment> {
  return Object.fromEntries(attachments.map((a) => [a.id, a]));
}

/** A CHAT_INPUT command (type 2) with options and their resolved users, members, roles, channels, attachments. */
export function chatInputInteraction(
  ctx: InteractionContext,
  command: {
    id: string;
    name: string;
    options: APIApplicationCommandInteractionDataBasicOption[];
    attachments: APIAttachment[];
    /** users, members, roles and channels of USER / ROLE / MENTIONABLE / CHANNEL options */
    resolved?: Omit<APIInteractionDataResolved, "attachments">;
  },
): APIChatInputApplicationCommandGuildInteraction {
  const resolved: APIInteractionDataResolved = {
    ...(command.resolved ?? {}),
    ...(command.attachments.length > 0
      ? { attachments: resolvedAttachments(command.attachments) }
      : {}),
  };
  return {
    ...common(ctx),
    type: InteractionType.ApplicationCommand,
    data: {
      id: command.id,
      name: command.name,
      type: ApplicationCommandType.ChatInput,
      guild_id: ctx.guildId,
      ...(command.options.length > 0 ? { options: command.options } : {}),
      ...(Object.keys(resolved).length > 0 ? { resolved } : {}),
    },
  } as APIChatInputApplicationCommandGuildInteraction;
}

/** A button press (type 3, component_type 2) with the full message the button is on. */
export function buttonInteraction(
  ctx: InteractionContext,
  message: APIMessage,
  customId: string,
): APIMessageComponentButtonInteraction {
  return {
    ...common(ctx),
    type: InteractionType.MessageComponent,
    message,
    data: { custom_id: customId, component_type: ComponentType.Button },
  } as APIMessageComponentButtonInteraction;
}

/** A string select choice (type 3, component_type 3) with the full message. */
export function stringSelectInteraction(
  ctx: InteractionContext,
  message: APIMessage,
  customId: string,
  values: string[],
): APIMessageComponentSelectMenuInteraction {
  return {
    ...common(ctx),
    type: InteractionType.MessageComponent,
    message,
    data: { custom_id: customId, component_type: ComponentType.StringSelect, values },
  } as APIMessageComponentSelectMenuInteraction;
}

/** A modal submit (type 5) with its components (Label or legacy form) and resolved uploads. */
export function modalSubmitInteraction(
  ctx: InteractionContext,
  modal: {
    customId: string;
    components: APIModalSubmissionComponent[];
    attachments: APIAttachment[];
    /** the message whose component opened the modal, if any */
    message?: APIMessage;
  },
): APIModalSubmitInteraction {
  return {
    ...common(ctx),
    type: InteractionType.ModalSubmit,
    ...(modal.message ? { message: modal.message } : {}),
    data: {
      custom_id: modal.customId,
      components: modal.components,
      ...(modal.attachments.length > 0
        ? { resolved: { attachments: resolvedAttachments(modal.attachments) } }
        : {}),
    },
  } as APIModalSubmitInteraction;
}
