import { botActivity, deletePath, postedActivity, setPath, wrongValue } from './activities';
import { bearer, clientHeaders, JSON_TYPE, postJson, type DraftRequest, type Gen } from './hostileRequest';

/** Every activity field the server or the bot reads, and some it only passes along. */
const ACTIVITY_FIELDS = [
  'type',
  'id',
  'text',
  'from',
  'from.id',
  'from.name',
  'from.aadObjectId',
  'recipient',
  'recipient.id',
  'conversation',
  'conversation.id',
  'conversation.tenantId',
  'conversation.isGroup',
  'channelData',
  'channelData.tenant',
  'channelData.tenant.id',
  'entities',
  'value',
  'value.ask',
  'value.feedback',
  'value.entryId',
  'attachments',
  'membersAdded',
  'membersRemoved',
  'serviceUrl',
  'deliveryMode',
  'locale',
  'timestamp',
  'localTimestamp',
  'channelId',
  'replyToId',
  'textFormat',
  'name',
  'suggestedActions',
  'relatesTo',
  'callerId',
  'action',
  'speak',
  'inputHint',
  'expiration',
  'importance',
  'label',
  'valueType',
] as const;

/** Fields the bot logs as categories: varied, but never given a canary (see botActivity). */
const LOGGED_AS_CATEGORIES = new Set(['type', 'channelId']);

const DIRECT_LINE_FIELDS = [
  'type',
  'text',
  'textFormat',
  'locale',
  'localTimestamp',
  'localTimezone',
  'name',
  'value',
  'channelData',
  'entities',
  'attachments',
] as const;

const ACTIVITY_TYPES = [
  'message',
  'conversationUpdate',
  'invoke',
  'event',
  'messageReaction',
  'installationUpdate',
  'typing',
  'endOfConversation',
  'deleteUserData',
  'messageUpdate',
  'messageDelete',
  'trace',
  'handoff',
  'command',
  'MESSAGE',
  ' message',
  'message\u0000',
  '\u202emessage',
] as const;

function categoryValue(g: Gen): unknown {
  return g.rng.pick<unknown>([0, true, null, [], {}, '', 'x'.repeat(g.rng.int(1, 5000)), ...ACTIVITY_TYPES]);
}

/**
 * Activities with one to three fields of the wrong type (numbers, arrays, objects, null, booleans, empty
 * and huge strings) or missing, plus the activity types the bot does not expect.
 */
export function wrongTypes(g: Gen): DraftRequest {
  const { rng } = g;
  if (rng.chance(0.25)) {
    const activity = postedActivity(g);
    const field = rng.pick(DIRECT_LINE_FIELDS);
    if (rng.chance(0.2)) deletePath(activity, field);
    else setPath(activity, field, wrongValue(g));
    return postJson(`direct line: ${field} wrong`, '/directline/conversations/{conv}/activities', JSON.stringify(activity), [
      JSON_TYPE,
      bearer('{convToken}'),
      ...clientHeaders(g),
    ]);
  }
  if (rng.chance(0.15)) {
    const type = rng.pick(ACTIVITY_TYPES);
    const activity = botActivity(g, type);
    if (type === 'invoke')
      Object.assign(activity, {
        name: rng.pick(['adaptiveCard/action', 'signin/verifyState', 'composeExtension/query', 'task/fetch', 'healthCheck']),
        value: wrongValue(g),
      });
    if (type === 'conversationUpdate') activity.membersAdded = [{ id: g.canary(), name: g.canary() }];
    return postJson(`type ${JSON.stringify(type)}`, '/api/messages', JSON.stringify(activity), [JSON_TYPE, ...clientHeaders(g)]);
  }
  const activity = botActivity(g, rng.pick(['message', 'message', 'conversationUpdate']));
  const changed: string[] = [];
  for (let i = rng.int(1, 3); i > 0; i -= 1) {
    const field = rng.pick(ACTIVITY_FIELDS);
    if (rng.chance(0.2)) {
      deletePath(activity, field);
      changed.push(`${field} missing`);
    } else {
      setPath(activity, field, LOGGED_AS_CATEGORIES.has(field) ? categoryValue(g) : wrongValue(g));
      changed.push(`${field} wrong`);
    }
  }
  return postJson(changed.join(', '), '/api/messages', JSON.stringify(activity), [JSON_TYPE, ...clientHeaders(g)]);
}
