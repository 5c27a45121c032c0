import { countedByQuestion, qualifiersOfPeople } from './counting';
import { followUpCue, PERSONAL_PRONOUNS, type FollowUpCue } from './followUp';
import { NameFinder } from './names';
import { boundedMessage, clauseWordsOf, foldText, tokenize, type SynonymRewriter, type Token } from './normalise';
import { mayAskType, questionType, type QuestionType } from './questionType';

/** Words that only say what kind of answer is wanted: "how many?", "since when?", "how often?", "what year?". */
const TYPE_CUE_WORDS: ReadonlySet<string> = new Set([
  'many',
  'much',
  'often',
  'long',
  'frequently',
  'regularly',
  'soon',
  'since',
  'year',
  'years',
  'date',
  'time',
  'number',
  'percentage',
  'percent',
  'proportion',
  'share',
  'fraction',
  'big',
  'large',
  'come',
  'reason',
  'far',
]);

/** Sentences as ICU splits them: the platform's segmenter rather than a rule of our own for abbreviations and quotes. */
const SENTENCES = new Intl.Segmenter('en', { granularity: 'sentence' });

/** Whether a sentence asks something: it ends in a question mark or has a word that can start a question. */
function asks(sentence: string): boolean {
  return sentence.includes('?') || foldText(sentence).split(' ').some(mayAskType);
}

/**
 * The sentences a detail is read from. In "I'm a new volunteer. Who turns up to the ICM?" the first
 * sentence says who is asking, not what: a detail word there ("volunteer") is not asked about. So when
 * some sentences of a message ask and others do not, only those that ask are read for details, unless
 * one of them points back at the others: in "I read about the Secretary General's pay. Is it public?"
 * the "it" asks about the pay.
 */
function askingPart(text: string): string {
  const sentences = Array.from(SENTENCES.segment(text), (s) => s.segment);
  const asking = sentences.filter(asks);
  if (asking.length === 0 || asking.length === sentences.length || asking.some((sentence) => followUpCue(foldText(sentence)))) return text;
  return asking.join(' ');
}

/**
 * A message as every stage after analysis reads it, worked out once per message: the search, the
 * follow-up reading and the decision read this, never the raw text. Frozen, so no stage can change what
 * another reads.
 */
export interface Question {
  /** What the bot reads of the message: boundedMessage's cut. */
  readonly text: string;
  /** `text` folded (foldText). */
  readonly folded: string;
  /** The folded words in order, stop words kept and synonyms rewritten: what word order is read from. */
  readonly clauseWords: readonly string[];
  /** Its content words, each once, stemmed; question words marked. */
  readonly tokens: readonly Token[];
  /** What kind of thing it asks for, if it says. */
  readonly type?: QuestionType;
  /** The kind of question, when that is all it asks, of nothing it names: "how many?", "since when?", "why?". */
  readonly bareType?: QuestionType;
  /** How it leans on the previous answer: a pronoun, an ellipsis, or not at all. */
  readonly cue?: FollowUpCue;
  /**
   * A personal pronoun and, besides question words, at most one word, its verb: "who appoints them?",
   * "how often do they meet?". On its own such a message does not say what it asks about.
   */
  readonly pronounAndVerb: boolean;
  /**
   * The places, organisations and issues it names, by the knowledge base's name groups ("name:Thailand"),
   * and the years and large counts in it ("number:2013"); a small number is more often part of the
   * question ("which 2 countries").
   */
  readonly namesAndNumbers: readonly string[];
  /** The stems of its words that ask for a particular detail ("old", "earn"), from the knowledge base's list. */
  readonly details: readonly string[];
  /** What a "how many" question counts ("staff"); empty for people in general or any other question. */
  readonly counted: readonly string[];
  /** What qualifies the people a "how many" question counts ("homeless"). */
  readonly peopleQualifiers: readonly string[];
}

/** Turns a message into its Question, with the knowledge base's synonyms and acronyms. */
export class Analyser {
  constructor(
    private readonly rewriter: SynonymRewriter,
    private readonly names: NameFinder = new NameFinder([]),
    private readonly detailStems: ReadonlySet<string> = new Set(),
  ) {}

  analyse(message: string): Question {
    const text = boundedMessage(message);
    const folded = foldText(text);
    const tokens = tokenize(text, this.rewriter);
    const type = questionType(text, folded);
    const asked = tokens.filter((t) => !t.isQuestionWord && !TYPE_CUE_WORDS.has(t.word));
    const clauseWords = clauseWordsOf(text, this.rewriter);
    const clause = clauseWords.join(' ');
    const askingText = this.detailStems.size === 0 ? text : askingPart(text);
    const askingTokens = askingText === text ? tokens : tokenize(askingText, this.rewriter);
    const namesAndNumbers = new Set<string>();
    for (const group of this.names.find(text, folded)) namesAndNumbers.add(`name:${this.names.label(group)}`);
    for (const number of folded.match(/\d{3,}/g) ?? []) namesAndNumbers.add(`number:${number}`);
    return Object.freeze({
      text,
      folded,
      clauseWords: Object.freeze(clauseWords),
      tokens: Object.freeze(tokens.map((t) => Object.freeze(t))),
      type,
      bareType: tokens.length > 0 && asked.length === 0 ? type : undefined,
      cue: followUpCue(folded),
      pronounAndVerb: asked.length <= 1 && clauseWords.some((word) => PERSONAL_PRONOUNS.has(word)),
      namesAndNumbers: Object.freeze([...namesAndNumbers]),
      details: Object.freeze(askingTokens.filter((t) => this.detailStems.has(t.stem)).map((t) => t.stem)),
      counted: Object.freeze(type === 'quantity' ? countedByQuestion(clause) : []),
      peopleQualifiers: Object.freeze(type === 'quantity' ? qualifiersOfPeople(clause) : []),
    });
  }
}
