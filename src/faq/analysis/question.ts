import { countedByQuestion, qualifiersOfPeople } from './counting';
import { followUpCue, PERSONAL_PRONOUNS, type FollowUpCue } from './followUp';
import { NameFinder } from './names';
import { DetailWords } from './detailWords';
import { boundedMessage, clauseWordsOf, foldText, isQuestionWord, tokenize, type SynonymRewriter, type Token } from './normalise';
import { questionType, type QuestionType } from './questionType';
import { sentencesOf } from './sentences';

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

/**
 * Whether a question asks of these stems and nothing more: "who is the Secretary General?" asks only of
 * the Secretary General, where "who appoints the Secretary General?" also asks who appoints.
 */
export function asksOnlyOf(question: Question, stems: ReadonlySet<string>): boolean {
  return question.tokens.every((t) => t.isQuestionWord || TYPE_CUE_WORDS.has(t.word) || stems.has(t.stem));
}

/** Whether a sentence, with its folded form, asks something: a question mark, a question word, or a cue such as "number of". */
function asks(sentence: string, folded: string): boolean {
  return sentence.includes('?') || folded.split(' ').some(isQuestionWord) || questionType(sentence, folded) !== undefined;
}

/** A demonstrative, with or without a noun after it: "is that right?", "what does this board do?". */
const DEMONSTRATIVE = /\b(this|that|these|those)\b/;

/** Whether a sentence leans on what was said before it: a pronoun, a demonstrative or an ellipsis. */
function pointsBack(sentence: string): boolean {
  const folded = foldText(sentence);
  return followUpCue(folded) !== undefined || DEMONSTRATIVE.test(folded);
}

/** Fewer content words than this and a question says too little on its own: "Which is right?". */
const SELF_CONTAINED_WORDS = 2;

/** Whether sentences kept from a message can be read without the rest: they neither lean on it nor say too little. */
function standsAlone(kept: readonly string[], rewriter: SynonymRewriter): boolean {
  return !kept.some(pointsBack) && tokenize(kept.join(' '), rewriter).filter((t) => !t.isQuestionWord).length >= SELF_CONTAINED_WORDS;
}

/** Words with which writers speak of themselves, as foldText spells them ("I'm" is "im"). */
const FIRST_PERSON: ReadonlySet<string> = new Set(['i', 'im', 'ive', 'id', 'ill', 'me', 'my', 'we', 'us', 'our']);
/** "I" or "we" contracted, as typed: folded, "we're" is "were", which is not the writer. */
const FIRST_PERSON_CONTRACTED = /^(i|we)['’]/i;

/**
 * An indirect question's own clause. In "I'm a new member and wonder how often the ICM meets" the writer
 * speaks of themselves and then asks "how often the ICM meets": a sentence whose first question word
 * follows such words is cut there. A relative "who" is not cut ("The Secretary General, who heads the
 * Secretariat, …"): nothing before it speaks of the writer.
 */
function indirectQuestion(sentence: string): string {
  let aboutWriter = false;
  for (const word of sentence.matchAll(/\S+/g)) {
    const folded = foldText(word[0]);
    if (folded.split(' ').some(isQuestionWord)) return aboutWriter ? sentence.slice(word.index) : sentence;
    if (FIRST_PERSON.has(folded) || FIRST_PERSON_CONTRACTED.test(word[0])) aboutWriter = true;
  }
  return sentence;
}

/**
 * The question with what the writer says of themselves before an indirect question cut away, if that
 * changes it and it neither leans on what was cut nor says too little alone.
 */
function withoutWriter(question: readonly string[], rewriter: SynonymRewriter): string | undefined {
  const direct = question.map(indirectQuestion);
  return direct.some((sentence, i) => sentence !== question[i]) && standsAlone(direct, rewriter) ? direct.join(' ') : undefined;
}

/** What comes before and after the first "or" of a text, if it has one. */
function sidesOfOr(text: string): [string, string] | undefined {
  const or = /\bor\b/i.exec(text);
  return or ? [text.slice(0, or.index), text.slice(or.index + or[0].length)] : undefined;
}

/**
 * The two sides of a choice, "Is Amnesty a charity, a company, or a membership organisation?": the text
 * before its first "or" and after it, each kept only if it names enough to stand alone, with its word next
 * to the "or" (its last word before it, or the first after it): what that side offers as the answer.
 */
function optionsOf(question: string, rewriter: SynonymRewriter): { text: string; offered: Token }[] {
  const sides = sidesOfOr(question);
  if (!sides) return [];
  const [before, after] = sides;
  const content = (side: string) => tokenize(side, rewriter).filter((t) => !t.isQuestionWord);
  const options = [
    { text: before, offered: content(before).at(-1) },
    { text: after, offered: content(after)[0] },
  ];
  return options.flatMap(({ text, offered }) => (offered && standsAlone([text], rewriter) ? [{ text, offered }] : []));
}

/**
 * What of a message is the question. In "I'm a new volunteer. Who turns up to the ICM?" the first
 * sentence says who is asking, not what: its words are neither asked about nor evidence against an
 * answer. So when some sentences ask and others do not, the asking ones are the question, unless they
 * lean on the others ("I read about the Secretary General's pay. Is it public?") or say too little alone
 * ("My friend says the council meets every year. Which is right?"): then the whole message is.
 */
function askingPart(sentences: readonly string[], asking: readonly boolean[], rewriter: SynonymRewriter): readonly string[] {
  const kept = sentences.filter((_, i) => asking[i]);
  return kept.length > 0 && kept.length < sentences.length && standsAlone(kept, rewriter) ? kept : sentences;
}

/**
 * Which part of a message a Question reads: all of it, the sentences that ask (askingPart), those without
 * what the writer says of themselves, or one side of an "or".
 */
export type Reading = 'whole' | 'asking part' | 'without the writer' | 'one option';

/**
 * A message as every stage after analysis reads it, worked out once per message: the search, the
 * follow-up reading and the decision read this, never the raw text. Frozen, so no stage can change what
 * another reads.
 */
export interface Question {
  /** What the bot reads of the message: boundedMessage's cut. */
  readonly whole: string;
  /** What of it is read as the question (`reading` says which part): every field below but the names and numbers is read from this. */
  readonly text: string;
  /** Which part of the message `text` is. */
  readonly reading: Reading;
  /**
   * Narrower readings of the question, to try in order where it was not answered: without what the writer
   * says of themselves before an indirect question ("I'm a new member and wonder how often the ICM meets"
   * asks "how often the ICM meets"), then each side of an "or" ("Is Amnesty a charity or a membership
   * organisation?"), as one option is enough for an answer. Words cut away can hold the subject ("I've
   * heard Amnesty UK is a national section; how many others are there?"), so the decision takes one only
   * where it answers with the entry the whole question came nearest to.
   */
  readonly readings: readonly Question[];
  /**
   * For one side of an "or", its word next to the "or": what that side offers as the answer ("monthly" in
   * "does the board meet monthly or weekly?"). An entry without it does not answer that side.
   */
  readonly offered?: Token;
  /** `text` folded (foldText). */
  readonly folded: string;
  /** The whole message's sentences, each folded: "Thanks! Is that right?" is small talk in each. */
  readonly foldedSentences: readonly string[];
  /**
   * The last sentence, folded, when there are others and none of them asks anything: remarks before a
   * request of the bot itself ("Hi, I'm new here. What can you do?").
   */
  readonly afterRemarks?: string;
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
   * The places, organisations and issues the whole message names, by the knowledge base's name groups
   * ("name:Thailand"), and the years and large counts in it ("number:2013"): a place named in a remark
   * still says where the question is about ("I live in France. Is there an office here?"). A small
   * number is more often part of the question ("which 2 countries").
   */
  readonly namesAndNumbers: readonly string[];
  /** The stems of its words that ask for a particular detail ("old", "earn"), from the knowledge base's list. */
  readonly details: readonly string[];
  /**
   * The two sides of an "or" ("paid staff or volunteers?"), before and after it; empty without one. A
   * question that offers alternatives is answered by an entry that says either.
   */
  readonly orSides: readonly OrSide[];
  /** What a "how many" question counts ("staff"); empty for people in general or any other question. */
  readonly counted: readonly string[];
  /** What qualifies the people a "how many" question counts ("homeless"). */
  readonly peopleQualifiers: readonly string[];
}

/** One side of an "or": the details it asks for, and the stems of its words. */
export interface OrSide {
  readonly details: readonly string[];
  readonly stems: readonly string[];
}

/** Turns a message into its Question, with the knowledge base's synonyms and acronyms. */
export class Analyser {
  constructor(
    private readonly rewriter: SynonymRewriter,
    private readonly names: NameFinder = new NameFinder([]),
    private readonly detailWords: DetailWords = new DetailWords(),
  ) {}

  analyse(message: string): Question {
    const whole = boundedMessage(message);
    const sentences = sentencesOf(whole);
    // Every reading is of the same message, and small talk is read from its sentences: folded once.
    const foldedSentences = Object.freeze(sentences.map(foldText));
    const asking = foldedSentences.map((folded, i) => asks(sentences[i] ?? '', folded));
    const question = askingPart(sentences, asking, this.rewriter);
    const text = question === sentences ? whole : question.join(' ');
    const afterRemarks = sentences.length > 1 && !asking.slice(0, -1).some(Boolean) ? foldedSentences.at(-1) : undefined;
    const cut = withoutWriter(question, this.rewriter);
    const readings: Question[] = [];
    if (cut !== undefined) readings.push(this.read(whole, foldedSentences, cut, afterRemarks, 'without the writer'));
    for (const { text: option, offered } of optionsOf(cut ?? text, this.rewriter)) {
      readings.push(this.read(whole, foldedSentences, option, afterRemarks, 'one option', { offered }));
    }
    return this.read(whole, foldedSentences, text, afterRemarks, text === whole ? 'whole' : 'asking part', { readings });
  }

  /** The sides of the first "or" of `text`, or none without one. */
  private orSides(text: string): OrSide[] {
    return (sidesOfOr(text) ?? []).map((side) => {
      const tokens = tokenize(side, this.rewriter).filter((t) => !t.isQuestionWord);
      return Object.freeze({
        details: Object.freeze(tokens.filter((t) => this.detailWords.asks(t)).map((t) => t.stem)),
        stems: Object.freeze(tokens.map((t) => t.stem)),
      });
    });
  }

  /** The Question that reads `text` as what `whole`, whose sentences folded are `foldedSentences`, asks. */
  private read(
    whole: string,
    foldedSentences: readonly string[],
    text: string,
    afterRemarks: string | undefined,
    reading: Reading,
    { readings = [], offered }: { readings?: readonly Question[]; offered?: Token } = {},
  ): Question {
    const folded = foldText(text);
    const tokens = tokenize(text, this.rewriter);
    const type = questionType(text, folded);
    const asked = tokens.filter((t) => !t.isQuestionWord && !TYPE_CUE_WORDS.has(t.word));
    const clauseWords = clauseWordsOf(text, this.rewriter);
    const clause = clauseWords.join(' ');
    const wholeFolded = whole === text ? folded : foldText(whole);
    const namesAndNumbers = new Set<string>();
    for (const group of this.names.find(whole, wholeFolded)) namesAndNumbers.add(`name:${this.names.label(group)}`);
    for (const number of wholeFolded.match(/\d{3,}/g) ?? []) namesAndNumbers.add(`number:${number}`);
    return Object.freeze({
      whole,
      text,
      reading,
      readings: Object.freeze(readings),
      ...(offered ? { offered: Object.freeze(offered) } : {}),
      folded,
      foldedSentences,
      ...(afterRemarks === undefined ? {} : { afterRemarks }),
      clauseWords: Object.freeze(clauseWords),
      tokens: Object.freeze(tokens.map((t) => Object.freeze(t))),
      type,
      bareType: tokens.length > 0 && asked.length === 0 ? type : undefined,
      cue: followUpCue(folded),
      pronounAndVerb: asked.length <= 1 && clauseWords.some((word) => PERSONAL_PRONOUNS.has(word)),
      namesAndNumbers: Object.freeze([...namesAndNumbers]),
      details: Object.freeze(tokens.filter((t) => this.detailWords.asks(t)).map((t) => t.stem)),
      orSides: Object.freeze(this.orSides(text)),
      counted: Object.freeze(type === 'quantity' ? countedByQuestion(clause) : []),
      peopleQualifiers: Object.freeze(type === 'quantity' ? qualifiersOfPeople(clause) : []),
    });
  }
}
