import { CardFactory, MessageFactory, type Activity } from 'botbuilder';
import { AuthenticationConstants, ClaimsIdentity, type BotFrameworkAuthentication } from 'botframework-connector';
import type { Messenger, OutgoingMessage } from '../handoff/messenger';
import { addressSchema, type Address } from '../handoff/ticket';
import { BoundedConnectorFactory } from './adapter';

function toActivity(address: Address, message: OutgoingMessage): Partial<Activity> {
  const activity = message.card ? MessageFactory.attachment(CardFactory.adaptiveCard(message.card)) : MessageFactory.text(message.text ?? '');
  if (message.summary) activity.summary = message.summary;
  // The Connector routes on these, as it would for a reply; Teams needs the tenant on proactive messages.
  activity.channelId = address.channelId;
  activity.serviceUrl = address.serviceUrl;
  activity.from = { id: address.bot.id, name: '' };
  activity.conversation = {
    id: address.conversation.id,
    isGroup: false,
    conversationType: address.conversation.conversationType ?? '',
    name: '',
    ...(address.conversation.tenantId ? { tenantId: address.conversation.tenantId } : {}),
  };
  if (address.conversation.tenantId) activity.channelData = { tenant: { id: address.conversation.tenantId } };
  return activity;
}

/**
 * Proactive messages straight through the Bot Connector's REST client, with the same credentials and the
 * same bounded calls as replies: what CloudAdapter.continueConversationAsync does, without a turn that
 * would run the bot's whole middleware to send one message. Anonymous (no MicrosoftAppId) sends no token,
 * which only the local stand-ins accept.
 */
export function connectorMessenger(authentication: BotFrameworkAuthentication, appId: string | undefined): Messenger {
  const client = async (serviceUrl: string) => {
    const claims = new ClaimsIdentity([
      { type: AuthenticationConstants.AudienceClaim, value: appId ?? '' },
      { type: AuthenticationConstants.AppIdClaim, value: appId ?? '' },
    ]);
    const factory = new BoundedConnectorFactory(authentication.createConnectorFactory(claims));
    // No audience: the factory uses the channel scope of its configuration, as continueConversationAsync does.
    return factory.create(serviceUrl);
  };
  return {
    async send(address, message) {
      const connector = await client(address.serviceUrl);
      const response = await connector.conversations.sendToConversation(address.conversation.id, toActivity(address, message));
      return response.id || undefined;
    },
    async update(address, activityId, message) {
      const connector = await client(address.serviceUrl);
      await connector.conversations.updateActivity(address.conversation.id, activityId, { ...toActivity(address, message), id: activityId });
    },
  };
}

/**
 * Where a proactive message to this activity's conversation goes: the conversation reference without
 * anyone's name. Undefined if the channel sent ids too long to keep.
 */
export function addressOf(activity: Activity): Address | undefined {
  const channelData = activity.channelData as { tenant?: { id?: unknown } } | undefined;
  const tenantId = activity.conversation?.tenantId ?? (typeof channelData?.tenant?.id === 'string' ? channelData.tenant.id : undefined);
  const parsed = addressSchema.safeParse({
    channelId: activity.channelId,
    serviceUrl: activity.serviceUrl,
    conversation: { id: activity.conversation?.id, conversationType: activity.conversation?.conversationType, tenantId },
    bot: { id: activity.recipient?.id },
  });
  return parsed.success ? parsed.data : undefined;
}
