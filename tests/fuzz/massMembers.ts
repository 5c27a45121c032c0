import { botActivity } from './activities';
import { clientHeaders, JSON_TYPE, postJson, type DraftRequest, type Gen } from './hostileRequest';

const MEMBERS = 4000;

/**
 * One conversationUpdate adding 4,000 members (ids kept short so the body stays under 64 KB; every 200th
 * carries a canary), as distinct people, one person 4,000 times, the bot itself, or people leaving. The
 * bot welcomes each new person, so this is 4,000 replies and a 4,000-entry state record from one request.
 */
export function massMembers(g: Gen): DraftRequest {
  const { rng } = g;
  const member = (i: number) => (i % 200 === 0 ? { id: g.canary() } : { id: i.toString(36) });
  const variants: [string, () => unknown[], string?][] = [
    ['4,000 new members', () => Array.from({ length: MEMBERS }, (_, i) => member(i))],
    ['one member 4,000 times', () => Array.from({ length: MEMBERS }, () => ({ id: 'same' }))],
    ['the bot 4,000 times', () => Array.from({ length: MEMBERS }, () => ({ id: 'bot-1' }))],
    ['4,000 members leaving', () => Array.from({ length: MEMBERS }, (_, i) => member(i)), 'membersRemoved'],
    ['4,000 members on Teams', () => Array.from({ length: MEMBERS }, (_, i) => member(i))],
    ['1,000 members with names', () => Array.from({ length: 1000 }, () => ({ id: g.canary(), name: `x${rng.letters(4)}` }))],
  ];
  const [variant, members, field = 'membersAdded'] = rng.pick(variants);
  const activity = botActivity(g, 'conversationUpdate');
  delete activity.text;
  activity[field] = members();
  if (variant.includes('Teams')) activity.channelId = 'msteams';
  // A few deliver their welcomes to the connector stand-in, one HTTP call each, instead of in the response.
  const expectReplies = rng.chance(0.75);
  if (!expectReplies) delete activity.deliveryMode;
  return postJson(`${variant}${expectReplies ? ', expectReplies' : ', replies to the connector'}`, '/api/messages', JSON.stringify(activity), [
    JSON_TYPE,
    ...clientHeaders(g),
  ]);
}
