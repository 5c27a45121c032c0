import { expect } from 'chai';
import type { CurationRecord } from '../src/storage/curationLog';
import { deciderReader, foldQuestion, NEAREST } from '../src/curation/inbox';
import { buildReport, formatReport, type CurationReport } from '../src/tools/report';
import { decider } from './helpers/bot';

/** What a terminal would act on rather than print: C0 and C1 controls, bidi overrides and isolates. */
// Control characters are what this pattern finds.
// eslint-disable-next-line no-control-regex
const UNPRINTABLE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/u;

const at = (day: number) => new Date(Date.UTC(2026, 2, day));
const unanswered = (question: string, day = 1): CurationRecord => ({ kind: 'unanswered', question, at: at(day) });

const COLOURED = 'who \u001b[1;31mfunds\u001b[0m amnesty?';
const HYPERLINKED = 'who funds \u001b]8;;http://evil.example\u0007amnesty\u001b]8;;\u0007';
const DISGUISED = 'who\u200b funds\u202e amnesty\u0007';

describe('report: text from users reaches the terminal inert', () => {
  it('folds escape sequences, controls and invisible characters away', () => {
    for (const question of [COLOURED, HYPERLINKED, DISGUISED]) expect(foldQuestion(question)).to.equal('who funds amnesty');
  });

  it('counts questions that differ only by escape sequences together', () => {
    const report = buildReport([unanswered('Who funds Amnesty?', 1), unanswered(COLOURED, 2), unanswered(HYPERLINKED, 3), unanswered(DISGUISED, 4)]);
    expect(report.unanswered.map((row) => [row.question, row.count])).to.deep.equal([['who funds amnesty', 4]]);
  });

  it('prints no escape sequence, control or bidi override, and no hidden link target', () => {
    const text = formatReport(
      buildReport([unanswered(COLOURED), unanswered(`${HYPERLINKED} now`), unanswered('\u009b2Jcleared \u001b]0;title\u001b\\ screen')]),
    );
    expect(text).to.not.match(UNPRINTABLE);
    expect(text).to.not.include('evil.example');
    expect(text).to.include('who funds amnesty now').and.include('cleared screen');
  });

  it('strips a report it did not build, as a report read from elsewhere may not have been folded', () => {
    const report: CurationReport = {
      records: 2,
      unanswered: [
        {
          question: `red \u001b[31malert\u001b[0m\n1  2026-01-01  forged row`,
          count: 1,
          lastAsked: at(1),
          wordings: 1,
          nearest: [{ entryId: 'icm\u001b[8m-role', probability: 0.2 }],
        },
      ],
      leastHelpful: [{ entryId: 'icm\u001b[8m-frequency', helpful: 0, unhelpful: 1, shareHelpful: 0 }],
      suggestions: [{ question: 'who \u001b[1mpays\u001b[0m the board?', answer: 'Board members are\u202e volunteers.', at: at(2) }],
    };
    const text = formatReport(report);
    expect(text).to.not.match(UNPRINTABLE);
    expect(text)
      .to.include('red alert 1  2026-01-01  forged row')
      .and.match(/icm-frequency\s+0\s+1\s+0%/)
      .and.include('icm-role 20%');
    expect(text).to.include('Q: who pays the board?').and.include('A: Board members are volunteers.');
  });
});

describe('report: unanswered questions as the bot reads them', () => {
  const reader = deciderReader(decider);

  it('counts wordings the bot reads as one question together, under the one asked most, with the entries it nearly gave', () => {
    const report = buildReport(
      [
        unanswered('Who funds Amnesty?', 1),
        unanswered('who funds amnesty', 2),
        unanswered('Amnesty: who funds it', 3),
        unanswered('how many people work at the secretariat', 4),
      ],
      20,
      reader,
    );
    expect(report.unanswered.map((row) => [row.question, row.count, row.wordings])).to.deep.equal([
      ['who funds amnesty', 3, 2],
      ['how many people work at the secretariat', 1, 1],
    ]);
    const nearest = report.unanswered[1]?.nearest ?? [];
    expect(nearest.length).to.be.within(1, NEAREST);
    expect(nearest.every((n) => decider.entry(n.entryId) !== undefined)).to.equal(true);
    expect(nearest.every((n, i) => n.probability > 0 && n.probability <= (nearest[i - 1]?.probability ?? 1))).to.equal(true);
    expect(formatReport(report))
      .to.match(/who funds amnesty \(\+1 wordings\)/)
      .and.match(/nearest entries/);
  });

  it('keeps apart questions that differ in what they ask', () => {
    const report = buildReport([unanswered('who funds amnesty'), unanswered('who founded amnesty')], 20, reader);
    expect(report.unanswered.map((row) => [row.question, row.count])).to.deep.equal([
      ['who founded amnesty', 1],
      ['who funds amnesty', 1],
    ]);
  });
});

describe("report: experts' answers suggested for the knowledge base", () => {
  it('lists them newest first, each with its question and answer', () => {
    const suggestion = (question: string, answer: string, day: number): CurationRecord => ({ kind: 'suggestion', question, answer, at: at(day) });
    const report = buildReport([
      suggestion('Are board members paid?', 'No, they are volunteers.', 1),
      unanswered('who funds amnesty', 2),
      suggestion('When is the next ICM?', 'In 2015.', 3),
    ]);
    expect(report.suggestions.map((row) => row.question)).to.deep.equal(['When is the next ICM?', 'Are board members paid?']);
    const text = formatReport(report);
    expect(text).to.match(/Experts' answers suggested for the knowledge base\n\n2026-03-03 {2}Q: When is the next ICM\?\n\s+A: In 2015\./);
  });
});
