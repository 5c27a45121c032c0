import { botActivity, postedActivity } from './activities';
import { bearer, clientHeaders, JSON_TYPE, postJson, type DraftRequest, type Gen } from './hostileRequest';
import { RawJson } from './jsonText';

/**
 * Text that grows or turns strange under normalisation, case folding and tokenising: compatibility
 * characters that expand (㌖ is eleven letters under NFKC, ﷺ eighteen), stacks of combining marks,
 * ligatures, one enormous word, tens of thousands of one-letter words, controls, bidi overrides, terminal
 * escapes, and digit and @ runs that a phone or email redactor might backtrack on. Lone surrogates are
 * sent as JSON escapes, since no UTF-8 encoder will write them.
 */
function hostileText(g: Gen): { name: string; json: string } {
  const { rng } = g;
  const plain = (name: string, text: string) => ({ name, json: JSON.stringify(text) });
  // "who is the secretary general" in mathematical bold letters.
  const mathematical = '𝐰𝐡𝐨 𝐢𝐬 𝐭𝐡𝐞 𝐬𝐞𝐜𝐫𝐞𝐭𝐚𝐫𝐲 𝐠𝐞𝐧𝐞𝐫𝐚𝐥';
  const makers: (() => { name: string; json: string })[] = [
    () => plain('㌖ × 500', '㌖'.repeat(500)),
    () => {
      const n = rng.int(50, 1500);
      return plain(`㌖ × ${n}`, '㌖'.repeat(n));
    },
    () => plain('ﷺ × 500', 'ﷺ'.repeat(500)),
    () => plain('ligatures', rng.pick(['ﬃ', 'ﬄ', 'ﬀ', 'ǆ', '㍻']).repeat(rng.int(100, 1500))),
    () => plain('combining marks', `a${Array.from({ length: rng.int(100, 3000) }, () => String.fromCharCode(rng.int(0x300, 0x36f))).join('')}`),
    () => plain('zalgo words', Array.from({ length: 200 }, () => `z${String.fromCharCode(rng.int(0x300, 0x36f)).repeat(rng.int(1, 30))}`).join(' ')),
    () => plain('3,000-letter word', rng.letters(3000)),
    () => plain('"z" + " x" × 32,600', `z${' x'.repeat(32_600)}`),
    () => plain('one-letter words', Array.from({ length: rng.int(1000, 8000) }, () => rng.letters(1)).join(' ')),
    () => ({ name: 'lone surrogates', json: `"who is \\ud800 the \\udfff secretary \\udbff\\ud800 general ${'\\ud83d'.repeat(rng.int(1, 500))}"` }),
    () => plain('NUL and controls', `who${'\u0000'.repeat(rng.int(1, 200))}is\u0001\u0007\u0008\u001b\u007f\u0085\u2028\u2029 the secretary general`),
    () => plain('RTL overrides', `\u202ewho is the secretary general\u202c \u2066\u2067\u2068${'\u202e\u202d'.repeat(rng.int(1, 500))}`),
    () =>
      plain(
        'ANSI and OSC-8 escapes',
        `\u001b[2J\u001b[31mwho\u001b[0m \u001b]8;;http://192.0.2.1/\u0007is\u001b]8;;\u0007 \u001b]0;title\u0007 the secretary general`,
      ),
    () => plain('emoji ZWJ sequences', '👩‍👩‍👧‍👦'.repeat(rng.int(100, 2000))),
    () => plain('case-folding expanders', rng.pick(['İ', 'ß', 'ΐ', 'ŉ', 'ﬓ']).repeat(rng.int(500, 4000))),
    () => plain('Hangul that decomposes', '각'.repeat(rng.int(500, 4000))),
    () => plain('fullwidth', 'ｗｈｏ　ｉｓ　ｔｈｅ　ｓｅｃｒｅｔａｒｙ　ｇｅｎｅｒａｌ？'.repeat(rng.int(1, 100))),
    () => plain('mathematical letters', mathematical.repeat(rng.int(1, 200))),
    () => plain('zero-width characters', `who${'\u200b\u200c\u200d\ufeff'.repeat(rng.int(100, 3000))}is`),
    () => plain('digit runs', rng.pick(['0', '+1 ', '(0', '00', '1-', '0.']).repeat(rng.int(1000, 10_000))),
    () => plain('@ runs', rng.pick(['a@', 'a@b.', '@a.co ', 'x.']).repeat(rng.int(1000, 10_000))),
    () => plain('punctuation storm', rng.pick(['?', "'", '-', '…', '"']).repeat(rng.int(1000, 20_000))),
  ];
  return rng.pick(makers)();
}

/** Hostile text longer than this (as JSON) would take a full activity past the body limit. */
const LEAN_ABOVE = 60_000;

export function unicodeText(g: Gen): DraftRequest {
  const { rng } = g;
  const hostile = hostileText(g);
  const json = new RawJson();
  // The canary stands apart from the hostile text, so a log line that keeps any of it is caught.
  const withCanary = json.raw(`${JSON.stringify(`${g.canary()} `).slice(0, -1)}${hostile.json.slice(1)}`);

  if (rng.chance(0.25)) {
    const activity = postedActivity(g);
    const field = rng.pick(['text', 'text', 'value']);
    if (field === 'value') activity.value = { ask: withCanary };
    else activity.text = withCanary;
    return postJson(`direct line ${field}: ${hostile.name}`, '/directline/conversations/{conv}/activities', json.stringify(activity), [
      JSON_TYPE,
      bearer('{convToken}'),
      ...clientHeaders(g),
    ]);
  }
  if (hostile.json.length > LEAN_ABOVE) {
    // Only a lean activity keeps text this long under the 64 KB limit, so it reaches the bot rather than a 413.
    const lean = { type: 'message', channelId: 'emulator', deliveryMode: 'expectReplies', conversation: { id: g.canary() }, text: withCanary };
    return postJson(`text in a lean activity: ${hostile.name}`, '/api/messages', json.stringify(lean), [JSON_TYPE]);
  }
  const activity = botActivity(g);
  const field = rng.pick(['text', 'text', 'text', 'value.ask', 'from.name', 'conversation.id', 'locale', 'value.entryId']);
  if (field === 'text') activity.text = withCanary;
  else if (field === 'value.ask') activity.value = { ask: withCanary };
  else if (field === 'value.entryId') activity.value = { feedback: 'helpful', entryId: withCanary };
  else if (field === 'from.name') (activity.from as Record<string, unknown>).name = withCanary;
  else if (field === 'conversation.id') (activity.conversation as Record<string, unknown>).id = withCanary;
  else activity.locale = withCanary;
  return postJson(`${field}: ${hostile.name}`, '/api/messages', json.stringify(activity), [JSON_TYPE, ...clientHeaders(g)]);
}
