import Fuse from 'fuse.js';
import type { Entry, Topic, TopicInfo } from '../knowledge/schema';
import { foldMessage, foldText } from './normalise';

/** Commands that work anywhere in a conversation, even in the middle of a topic menu. */
export type Command = 'help' | 'cancel' | 'restart';
/**
 * Courtesies, questions about the bot itself (its name, its maker, whether it is a person), an answer
 * doubted ("is that right?") or acknowledged ("I see"): no fact answers any of them. A doubt and an
 * acknowledgement share "right" with "human rights", which the stemmer cannot tell apart.
 */
export type SmallTalk = 'greeting' | 'thanks' | 'bye' | 'aboutBot' | 'checking' | 'acknowledged';

/** Phrases that may be peeled off an end of a message, and the most words any of them has. */
interface Fillers {
  pattern: RegExp;
  maxWords: number;
}

/**
 * Each phrase is a pattern of whole words. None repeats a part with a space in it, so a phrase has at
 * most as many words as its pattern has spaces, plus one: only that many words at an end are tested.
 */
function fillers(...phrases: string[]): Fillers {
  return { pattern: new RegExp(`^(?:${phrases.join('|')})$`), maxWords: Math.max(...phrases.map((p) => p.split(' ').length)) };
}

/**
 * A folded text's words, split once, with fillers dropped from either end by moving an index. Each drop
 * tests only the few words at that end, so peeling any number of fillers is linear in the text; running
 * a pattern over the whole text until it changed nothing was quadratic: 65 KB of " x" took seconds.
 * The longest filler at an end is dropped, which is what the patterns this replaced matched.
 */
class Peeler {
  private readonly words: string[];
  private first = 0;
  private end: number;

  constructor(folded: string) {
    this.words = folded ? folded.split(' ') : [];
    this.end = this.words.length;
  }

  /** Drops the longest filler that starts the text, if a word follows it. */
  dropLeading(phrases: Fillers): boolean {
    for (let n = Math.min(phrases.maxWords, this.end - this.first - 1); n > 0; n--) {
      if (phrases.pattern.test(this.words.slice(this.first, this.first + n).join(' '))) {
        this.first += n;
        return true;
      }
    }
    return false;
  }

  /** Drops the longest filler that ends the text, if a word comes before it. */
  dropTrailing(phrases: Fillers): boolean {
    for (let n = Math.min(phrases.maxWords, this.end - this.first - 1); n > 0; n--) {
      if (phrases.pattern.test(this.words.slice(this.end - n, this.end).join(' '))) {
        this.end -= n;
        return true;
      }
    }
    return false;
  }

  get text(): string {
    return this.words.slice(this.first, this.end).join(' ');
  }
}

/**
 * Courtesies and fillers around a command or small talk ("ok, start over please", "cheers mate"). They
 * are peeled off both ends before the patterns below, which must then match the whole message: small
 * talk is recognised only when it is all the message says.
 */
const LEADING_FILLERS = fillers(
  'ok(ay)?',
  'oh',
  'um+',
  'er+',
  'so',
  'well',
  'please',
  'pls',
  'plz',
  'mate',
  'bot',
  'then',
  'now',
  'again',
  'just',
  'right',
  'great',
  'lol',
);
const TRAILING_FILLERS = fillers('ok(ay)?', 'please', 'pls', 'plz', 'mate', 'bot', 'then', 'now', 'thanks', 'thank you', 'lol', 'for now', 'x+');

/** The folded message without its fillers, peeled one at a time, from the start while it has any. */
function core(folded: string): string {
  const words = new Peeler(folded);
  while (words.dropLeading(LEADING_FILLERS) || words.dropTrailing(TRAILING_FILLERS));
  return words.text;
}

/** A group matching any of the alternatives, in this order: anyOf('a', 'b c') is '(a|b c)'. */
const anyOf = (...alternatives: string[]) => `(${alternatives.join('|')})`;

const COMMANDS: [Command, RegExp][] = [
  [
    'help',
    new RegExp(
      `^${anyOf(
        '(can you )?help( me)?',
        'menu',
        'options',
        'commands',
        'what can (you|i) (do|ask)( you)?( here| about)?',
        'what (do|can) you (do|know|answer)',
        'what do you know about',
        'how does (this|it) work',
        'how do i use (this|you)',
        'who are you',
        'what are you',
        'what can you help( me)? with',
        'what (questions|things) can i ask( you)?',
        'what should i ask',
      )}$`,
    ),
  ],
  ['cancel', /^(cancel( (that|this|it))?|stop( (that|this|it))?|quit|exit|never ?mind|forget (it|that)|leave it|abort)$/],
  [
    'restart',
    new RegExp(
      `^${anyOf(
        '(lets? |can we |could we )?(start|begin) (over|again|afresh|from scratch)',
        'restart',
        'reset',
        '(go )?back to (the )?(start|beginning)',
        'from the (top|start)',
        'new conversation',
      )}$`,
    ),
  ],
];

const THANKS = '(thanks|thank you|thank u|thanx|thx|ty|ta|cheers|much appreciated|appreciate it)';
const BYE = anyOf(
  'bye',
  'goodbye',
  'good bye',
  'bye bye',
  'see (you|ya)( later| soon)?',
  'catch (you|ya)( later| soon)?',
  'cya',
  'later',
  'farewell',
  'ttyl',
  'cheerio',
  'take care',
  'im off',
  '(i )?(gotta|got to|have to|must) go',
  'speak soon',
  'talk (later|soon)',
  'good ?night',
  'night',
  'ciao',
);

const SMALL_TALK: [SmallTalk, RegExp][] = [
  [
    'bye',
    new RegExp(
      `^${anyOf(
        `(${THANKS} )?(and )?${BYE}( ${BYE})?( now)?`,
        `thats? (all|it|everything)( i needed)?( ${THANKS})?( ${BYE})?`,
        'no (more|further) questions',
        'no thanks',
        'nothing else',
        'im (done|finished)',
        'all done',
      )}$`,
    ),
  ],
  [
    'thanks',
    new RegExp(
      `^${anyOf(
        `(great |perfect |brilliant |lovely |cool |nice )?${THANKS}( (a lot|so much|very much|again|loads|a million))?`,
        'many thanks',
        'great',
        'perfect',
        'brilliant',
        'lovely',
        'cool',
        'nice',
        'awesome',
        'got it',
        'understood',
        'that helps',
        '(very )?helpful',
        `(${THANKS} )?(that|this|thats) (was |is )?(very |really |super |so )?(helpful|useful|great|interesting|handy)`,
      )}$`,
    ),
  ],
  [
    'checking',
    new RegExp(
      `^${anyOf(
        '(is|was|are) (that|this|it|that really|this really|it really) (right|correct|true|accurate|so|a fact|still (right|true|the case)|the case|up to date)',
        'which (one )?is (right|correct|true)',
        '(are|r) (you|u) (sure|certain|right)',
        '(you|u) sure',
        'really',
        'seriously',
        'for real',
        'how do (you|u) know( (that|this))?',
        'says who',
        'whats your source',
        'where (does|did) (that|this) come from',
        'where did (you|u) get (that|this)( from)?',
        'can i (check|verify) (that|this)',
      )}$`,
    ),
  ],
  [
    'acknowledged',
    new RegExp(`^${anyOf('that( is)? (right|correct|true)', 'right', 'i see', 'fair enough', 'makes sense', 'ok(ay)?', 'oh ok(ay)?', 'interesting', 'wow')}$`),
  ],
  [
    'greeting',
    new RegExp(
      `^${anyOf(
        anyOf('hi', 'hello', 'hey', 'hiya', 'howdy', 'greetings', 'yo', 'hola', 'good (morning|afternoon|evening)', 'morning', 'afternoon', 'evening') +
          '( there| all| everyone| amnesty| friend)*( how are you( doing)?( today)?)?',
        'how are you( doing)?( today)?',
        'hows? it going',
      )}$`,
    ),
  ],
];

/**
 * The recognisers below read a folded message (foldMessage, or a Question's `folded`), so that a message
 * is folded once however many of them read it.
 */
export function recogniseCommand(folded: string): Command | undefined {
  const peeled = core(folded);
  return COMMANDS.find(([, pattern]) => pattern.test(peeled))?.[0];
}

/** What the bot might be taken for, with an article: "a real person", "an AI", "automated". */
const BEING = '(a |an )?(real |live |actual )?(robot|bot|chatbot|chat bot|human|person|machine|computer|ai|human being|alive|automated|someone|anyone|program)';
/** One of them, or a choice of them: "a real person or a bot", "a bot or not". */
const BEINGS = `${BEING}( or (${BEING}|not))*`;

/**
 * The bot asked about itself: what it is called, who made it, whether a person is answering, its age.
 * Read against the whole message, so "who appoints the Secretary General" is never one of these.
 */
const ABOUT_BOT = new RegExp(
  `^(${[
    '(what|whats) (is )?(your|ur) name',
    '(what|how) (should|do|can) i call you',
    '(who|what) (made|built|created|programmed|designed|wrote|owns|runs) (you|u|this( bot| chatbot)?)',
    `(are|r) (you|u) ${BEINGS}`,
    `(am i|are we|is this) (talking|speaking|chatting) (to|with) ${BEINGS}`,
    `is (this|that) ${BEINGS}`,
    'is (there )?(a |anyone |someone )?(real )?(person|human) (there|here)',
    'how old (are you|r u)',
    'whats your age',
  ].join('|')})$`,
);

export function recogniseSmallTalk(folded: string): SmallTalk | undefined {
  const peeled = core(folded);
  if (!peeled) return undefined;
  // Also before peeling: "bot" is a filler at the end ("thanks bot"), but "are you a bot" is about the bot.
  if (ABOUT_BOT.test(peeled) || ABOUT_BOT.test(folded)) return 'aboutBot';
  return SMALL_TALK.find(([, pattern]) => pattern.test(peeled))?.[0];
}

/**
 * Small talk said in several sentences, "Thanks! Is that right?" or "ok. bye": when every sentence is small
 * talk, the last says what the message is. Each sentence is folded (a Question's `foldedSentences`). A
 * request for help among them ("who are you?", "what can you do?") asks about the bot too: "Who are you?
 * Are you a real person or a bot?" is one question about the bot, not a question for the knowledge base.
 */
export function recogniseSmallTalkBySentence(foldedSentences: readonly string[]): SmallTalk | undefined {
  if (foldedSentences.length < 2) return undefined;
  const kinds = foldedSentences.map((folded) => recogniseSmallTalk(folded) ?? (recogniseCommand(folded) === 'help' ? 'aboutBot' : undefined));
  return kinds.every((kind) => kind !== undefined) ? kinds.at(-1) : undefined;
}

/**
 * Questions the page can never answer, whatever words they share with it: the time or date ("what time
 * is it" shares "time" with "an exciting time for Amnesty"), and how the user can do something ("how do I
 * stand for the board?", "can I join?"): the page describes the movement, it gives no instructions.
 */
const UNANSWERABLE: [string, RegExp][] = [
  [
    'asks the time or date, which the bot cannot tell',
    /^(what|whats)( is)?( the)? (time|date|day|year)( is it)?( today| now| please)?$|^what (day|year|month) is it( today)?$/,
  ],
  // "I'd like to know…" and "can I ask…" only frame a question.
  [
    'asks how the user can do something; the page describes the movement and gives no instructions',
    new RegExp(
      `^${anyOf(
        '(how|where|when|what) (do|can|could|should|would|must) i',
        '(can|could|may|should|must) i',
        'do i (need|have) to',
        'how would i',
        'i want to',
        'i would like to',
        'id like to',
      )}\\b(?! (know|understand|ask|find out|learn|hear|check|see)\\b)`,
    ),
  ],
];

/** Why a message is one the page can never answer, or undefined. */
export function recogniseUnanswerable(folded: string): string | undefined {
  const peeled = core(folded);
  return UNANSWERABLE.find(([, pattern]) => pattern.test(peeled))?.[0];
}

/** Words around a topic name that only say "I want that topic". */
const TOPIC_FILLERS = fillers(
  '(can you |could you )?tell me( more)? about',
  'what can you tell me about',
  'what do you (have|know) (on|about)',
  'what have you got (on|about)',
  '(have you got |do you have )?anything (on|about)',
  '(can|could) we (talk|chat) about',
  '(i want|i would like|id like|i wanna) to (know|hear|learn) (more )?about',
  'what about',
  'how about',
  'more (on|about)',
  'info(rmation)? (on|about)',
  'questions? (on|about)',
  'lets? talk( about)?',
  'talk about',
  'show me',
  'learn about',
  'about',
  'topic',
  '(the )?(section|part) (on|about)',
  '(give me |can i have |id like )?(an |the )?(overview|summary|intro|introduction) (of|on|to)',
  'overview',
);
const TOPIC_TAILS = fillers(
  'please',
  'pls',
  'plz',
  'info(rmation)?',
  'stuff',
  'questions',
  'topic',
  'section',
  'things',
  'details',
  'menu',
  'options',
  'overview',
  'side of things',
  '(at|in|of|for) amnesty( international)?',
);
const ARTICLES = fillers('the', 'amnesty', 'amnestys', 'its');

/** How far a typed topic name may be from the real one, as fuse.js scores it: "govenance", "membrship", "ofices". */
const TOPIC_NAME_TOLERANCE = 0.25;

/** The folded message without what surrounds a topic name: a tail, a filler and an article a round, until a round drops none. */
function topicName(folded: string): string {
  const words = new Peeler(folded);
  for (;;) {
    // All three are tried every round, in this order: the order decides what is left of "about info".
    const tail = words.dropTrailing(TOPIC_TAILS);
    const filler = words.dropLeading(TOPIC_FILLERS);
    const article = words.dropLeading(ARTICLES);
    if (!tail && !filler && !article) return words.text;
  }
}

/**
 * "governance", "tell me about membership", "offices please", "membrship stuff": a request for a topic's
 * menu, not a question. Names are compared whole, and fuse.js forgives a typo in them: short strings
 * against a short list, where it is strong.
 */
export function recogniseTopicRequest(folded: string, topics: readonly TopicInfo[]): Topic | undefined {
  const name = topicName(folded);
  if (!name) return undefined;
  // "members and supporters", "accountability and governance": names of one topic, joined.
  if (name.includes(' and ')) {
    const parts = name.split(' and ').map((part) => recogniseTopicName(part.replace(/^the /, ''), topics));
    return parts.every((topic) => topic && topic === parts[0]) ? parts[0] : undefined;
  }
  return recogniseTopicName(name, topics);
}

function recogniseTopicName(name: string, topics: readonly TopicInfo[]): Topic | undefined {
  const { names, oneWordNames } = topicNames(topics);
  const exact = names.find((n) => n.name === name);
  if (exact) return exact.topic;
  // Only single words are forgiven: a typo in a long alias is more likely a different question.
  if (name.includes(' ') || name.length < 5) return undefined;
  return oneWordNames.search(name)[0]?.item.topic;
}

interface TopicName {
  topic: Topic;
  name: string;
}

const namesByTopics = new WeakMap<readonly TopicInfo[], { names: TopicName[]; oneWordNames: Fuse<TopicName> }>();

function topicNames(topics: readonly TopicInfo[]): { names: TopicName[]; oneWordNames: Fuse<TopicName> } {
  let cached = namesByTopics.get(topics);
  if (!cached) {
    const names = topics.flatMap((t) => [t.topic, t.label, ...t.aliases].map((n) => ({ topic: t.topic, name: foldText(n) })));
    const oneWordNames = new Fuse(
      names.filter((n) => !n.name.includes(' ')),
      { keys: ['name'], threshold: TOPIC_NAME_TOLERANCE },
    );
    cached = { names, oneWordNames };
    namesByTopics.set(topics, cached);
  }
  return cached;
}

/**
 * Places in an offered list said in words, from the first. A "did you mean" offers three; a topic menu offers
 * the topic's questions, a dozen or so, and a longer list is picked by its digits ("13").
 */
const CARDINALS = ['one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve'];
const ORDINALS = ['first', 'second', 'third', 'fourth', 'fifth', 'sixth', 'seventh', 'eighth', 'ninth', 'tenth', 'eleventh', 'twelfth'];

/** The place in a list that a reply names, from 1: "2", "2nd", "two" or "second". */
function placeNamed(picked: string): number | undefined {
  const digits = /^(\d{1,3})(st|nd|rd|th)?$/.exec(picked);
  if (digits) return Number(digits[1]);
  const word = Math.max(CARDINALS.indexOf(picked), ORDINALS.indexOf(picked));
  return word >= 0 ? word + 1 : undefined;
}
const NONE = new RegExp(
  `^${anyOf(
    'none( of (these|those|them|the above))?',
    'neither( of (these|those|them))?',
    'no',
    'nope',
    'not (these|those|them|any of (these|those|them))',
    'something else',
    'none of the above',
  )}$`,
);

/**
 * After a "did you mean" or a topic menu, a reply that picks one of the offered questions: its number ("2"),
 * its ordinal ("the second one"), its label or question, or "none of these". undefined for anything else,
 * which is then read as a new message.
 */
export function recogniseOfferPick(folded: string, offered: readonly Entry[]): Entry | 'none' | undefined {
  const picked = core(folded)
    .replace(/^(the |number |option |no )/, '')
    .replace(/ (one|please)$/, '');
  if (NONE.test(picked)) return 'none';
  const place = placeNamed(picked);
  if (place !== undefined) return offered[place - 1];
  return offered.find((e) => foldText(e.label) === picked || foldText(e.question) === picked);
}

/** Who someone may ask for instead of the bot. */
const A_PERSON = `(a |an |some |one |the |your )?(real |actual |live )?${anyOf(
  'human',
  'human being',
  'person',
  'people',
  'someone',
  'somebody',
  'agent',
  'operator',
  'member of staff',
  'staff',
  'team',
  'supporter care( team)?',
  'support( team)?',
)}`;
/**
 * Asking for a person rather than the bot: "can I talk to a human", "speak to someone", "contact amnesty".
 * Read against the whole message, so "how do members contact their section" stays a question.
 */
const PERSON_REQUEST = new RegExp(
  `^(${[
    `((can|could|may) i |i (want|would like|d like|need) to |id like to |let me |please let me )?(talk|speak|chat) (to|with) ${A_PERSON}( please| now)?`,
    `(i want|i need|id like|i would like|get me|put me through to|transfer me to) ${A_PERSON}( please| now)?`,
    `((how )?(can|do|could) i )?(contact|email|phone|call|reach|get in touch with) (amnesty|amnesty international|you|${A_PERSON})( please)?`,
    `ask ${A_PERSON}`,
    `(human|real person|agent|operator)( please)?`,
  ].join('|')})$`,
);

export function recognisePersonRequest(text: string): boolean {
  return PERSON_REQUEST.test(foldMessage(text));
}

/**
 * An administrator's "use this channel for questions", said in the Teams channel that is to take them, or
 * "stop using this channel for questions", said there to stop them.
 */
const EXPERTS_SETUP = /^(please )?use this channel for (supporters? |supporters )?questions( please)?$/;
const EXPERTS_STOP = /^(please )?(stop using|dont use|do not use) this channel for (supporters? |supporters )?questions( please)?$/;

export function recogniseExpertsSetup(text: string): 'use' | 'stop' | undefined {
  const folded = foldMessage(text);
  if (EXPERTS_SETUP.test(folded)) return 'use';
  return EXPERTS_STOP.test(folded) ? 'stop' : undefined;
}
