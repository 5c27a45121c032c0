import { botActivity, postedActivity } from './activities';
import { bearer, clientHeaders, JSON_TYPE, postJson, type DraftRequest, type Gen } from './hostileRequest';
import { nested, RawJson, type NestShape } from './jsonText';

/** Where depth is hidden: each place keeps the fields the server checks valid, so the depth gets past validation. */
const BOT_FRAMEWORK_PLACES = [
  'recipient',
  'from',
  'value',
  'channelData',
  'entities',
  'conversation',
  'attachments',
  'membersAdded',
  'suggestedActions',
] as const;
const DIRECT_LINE_PLACES = ['value', 'channelData', 'entities'] as const;

/**
 * Objects and arrays nested 1,000 to 10,000 deep inside the fields the bot copies into its replies or
 * state. (A `recipient` 6,000 deep once made restify's logger write the whole body.)
 */
export function deepNesting(g: Gen): DraftRequest {
  const { rng } = g;
  const depth = rng.int(1000, 10_000);
  const shape = rng.pick<NestShape>(['objects', 'arrays', 'mixed']);
  const deep = nested(depth, shape, JSON.stringify(g.canary()));
  const json = new RawJson();

  if (rng.chance(0.2)) {
    const place = rng.pick(DIRECT_LINE_PLACES);
    const activity = postedActivity(g);
    activity[place] =
      place === 'entities'
        ? [{ type: 'mention', mentioned: json.raw(deep) }]
        : place === 'channelData'
          ? { clientActivityID: g.canary(), x: json.raw(deep) }
          : json.raw(deep);
    return postJson(`direct line: ${place} ${shape} ${depth} deep`, '/directline/conversations/{conv}/activities', json.stringify(activity), [
      JSON_TYPE,
      bearer('{convToken}'),
      ...clientHeaders(g),
    ]);
  }

  const place = rng.pick(BOT_FRAMEWORK_PLACES);
  const activity = botActivity(g, place === 'membersAdded' ? 'conversationUpdate' : rng.pick(['message', 'message', 'event', 'invoke']));
  const wrapped: Record<(typeof BOT_FRAMEWORK_PLACES)[number], () => unknown> = {
    recipient: () => ({ id: 'bot-1', name: json.raw(deep) }),
    from: () => ({ id: g.canary(), properties: json.raw(deep) }),
    value: () => json.raw(deep),
    channelData: () => ({ tenant: { id: g.canary() }, x: json.raw(deep) }),
    entities: () => [{ type: 'mention', mentioned: { id: 'bot-1', name: json.raw(deep) }, text: '<at>Bot</at>' }],
    conversation: () => ({ id: g.canary(), properties: json.raw(deep) }),
    attachments: () => [{ contentType: 'application/vnd.microsoft.card.adaptive', content: json.raw(deep) }],
    membersAdded: () => [{ id: g.canary(), properties: json.raw(deep) }],
    suggestedActions: () => ({ to: [], actions: json.raw(deep) }),
  };
  activity[place] = wrapped[place]();
  return postJson(`${place} ${shape} ${depth} deep`, '/api/messages', json.stringify(activity), [JSON_TYPE, ...clientHeaders(g)]);
}
