import { expect } from 'chai';
import { roleOf } from '../src/faq/analysis/roles';
import { decider, entry } from './helpers/bot';

const role = (clause: string, subject: string, verb: string) =>
  roleOf(
    clause.split(' '),
    (w) => w === subject,
    (w) => w.startsWith(verb),
  );

describe('who does what to whom', () => {
  it('reads the subject as acting before an active verb, and as acted on after it', () => {
    expect(role('who does it appoint', 'it', 'appoint')).to.equal('agent');
    expect(role('does the board appoint the secretary general', 'board', 'appoint')).to.equal('agent');
    expect(role('who appoints it', 'it', 'appoint')).to.equal('patient');
    expect(role('who picks the board', 'board', 'picks')).to.equal('patient');
  });

  it('reads passives, "by" and other prepositions', () => {
    expect(role('how is the board chosen', 'board', 'chosen')).to.equal('patient');
    expect(role('how does it get chosen', 'it', 'chosen')).to.equal('patient');
    expect(role('is the secretary general appointed by the board', 'board', 'appointed')).to.equal('agent');
    expect(role('is the board elected at the meeting', 'meeting', 'elected')).to.equal(undefined);
    expect(role('who is the secretary general', 'board', 'appoint')).to.equal(undefined);
  });

  it('reads "who does it appoint?" and "who appoints it?" after the International Board differently', () => {
    // The entry answered, or offered first where the model is less sure: the role decides which.
    const answer = (text: string) => {
      const decision = decider.decide(text, { lastEntry: entry('international-board') });
      return decision.kind === 'answer' ? decision.entry.id : decision.kind === 'clarify' ? decision.options[0]!.id : decision.kind;
    };
    expect(answer('who does it appoint?')).to.equal('secretary-general-appointment');
    expect(answer('who appoints it?')).to.equal('board-election');
    expect(answer('how does it get chosen?')).to.equal('board-election');
  });
});
