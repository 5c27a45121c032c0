import { expect } from 'chai';
import { redact, stripControls } from '../src/shared/redact';

/** One test per case: the input comes out as expected. */
function itRedacts(cases: readonly [string, string][]): void {
  for (const [input, expected] of cases) it(`redacts ${JSON.stringify(input)}`, () => expect(redact(input)).to.equal(expected));
}

/** One test per input: it comes out unchanged. */
function itKeeps(inputs: readonly string[]): void {
  for (const input of inputs) it(`keeps ${JSON.stringify(input)}`, () => expect(redact(input)).to.equal(input));
}

/** Anything a terminal or a bidi-aware viewer would act on rather than show. */
// Control characters are what this pattern finds.
// eslint-disable-next-line no-control-regex
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/u;

describe('stripControls', () => {
  const strips: [string, string, string][] = [
    ['ANSI colours', 'who \u001b[1;31mfunds\u001b[0m amnesty', 'who funds amnesty'],
    ['an OSC 8 hyperlink ended by BEL', 'see \u001b]8;;http://evil.example\u0007click\u001b]8;;\u0007 here', 'see click here'],
    ['an OSC 8 hyperlink ended by ESC \\', 'see \u001b]8;;http://evil.example\u001b\\click\u001b]8;;\u001b\\ here', 'see click here'],
    ['a window title', '\u001b]0;owned\u0007hello', 'hello'],
    ['a single-byte CSI (C1)', 'a\u009b2Jb', 'ab'],
    ['a cursor move and a reset', '\u001b[2A\u001bcok', 'ok'],
    ['NUL, BEL, DEL and C1 controls', 'a\u0000b\u0007c\u007fd\u0090e\u009ff', 'abcdef'],
    ['bidi overrides and isolates', 'pay \u202eredro\u202c \u2066x\u2069 \u2067y\u2068z', 'pay redro x yz'],
    ['zero-width characters and the BOM', '\ufeff07\u200b700\u200c 900\u200d123\u200e\u200f', '07700 900123'],
    ['line breaks and tabs, as spaces so words stay apart', 'who\nfunds\r\namnesty\tnow\u2028ok\u0085x', 'who funds  amnesty now ok x'],
  ];
  for (const [what, input, expected] of strips) {
    it(`strips ${what}`, () => {
      expect(stripControls(input)).to.equal(expected);
      expect(stripControls(input)).to.not.match(UNPRINTABLE);
    });
  }

  it('keeps printable text as it is', () => {
    const text = 'Qui finance Amnesty ? ¿Quién? 谁资助国际特赦组织 👍 [email] «ok» 10 000 €';
    expect(stripControls(text)).to.equal(text);
  });

  it('leaves no escape character behind when a sequence is cut short', () => {
    expect(stripControls('a\u001b[31')).to.equal('a31');
    expect(stripControls('a\u001b]8;;http://x')).to.equal('a8;;http://x');
  });
});

describe('redact: compatibility forms and hidden characters', () => {
  const redacts: [string, string][] = [
    ['ｊｏｈｎ＠ｅｘａｍｐｌｅ．ｃｏｍ', '[email]'],
    ['mail ｊｏ.ｓｍｉｔｈ＠ｅｘａｍｐｌｅ．ｏｒｇ now', 'mail [email] now'],
    ['ring ０７７００ ９００１２３', 'ring [phone]'],
    ['＋４４ ２０ ７０３３ １５００', '[phone]'],
    ['call 0770\u200b0900123', 'call [phone]'],
    ['call 07700\u202e900123', 'call [phone]'],
    ['mail jo\u00ad@example.org', 'mail [email]'],
    ['\u001b[31m07700 900123\u001b[0m', '[phone]'],
  ];
  itRedacts(redacts);
});

describe('redact: card numbers', () => {
  const redacts: [string, string][] = [
    ['4111 1111 1111 1111', '[card]'],
    ['4111-1111-1111-1111', '[card]'],
    ['my card is 4111111111111111, thanks', 'my card is [card], thanks'],
    ['5555 5555 5555 4444', '[card]'],
    ['3782 822463 10005', '[card]'],
    ['378282246310005', '[card]'],
    ['3056 930902 5904', '[card]'],
    ['4222222222222', '[card]'],
    ['6271 7012 2559 4200 004', '[card]'],
    ['card 4111 1111 1111 1111 12 27 cvv 123', 'card [card] 12 27 cvv 123'],
    ['expires 12 27, card 4111 1111 1111 1111', 'expires 12 27, card [card]'],
    ['4111 1111 1111 1111 and 5105 1051 0510 5100', '[card] and [card]'],
    ['ｃａｒｄ ４１１１ １１１１ １１１１ １１１１', 'card [card]'],
  ];
  itRedacts(redacts);

  const keeps = [
    '4111 1111 1111 1112',
    '4111111111111112',
    'tickets 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16',
    '10 000 000 000 000 supporters',
    'the years 2013 2014 2015 2016 2017',
  ];
  for (const input of keeps) {
    it(`keeps ${JSON.stringify(input)}, which fails the Luhn check or is not grouped like a card`, () => expect(redact(input)).to.equal(input));
  }

  it('leaves a 13-digit run that fails the Luhn check to the phone patterns', () => {
    expect(redact('4222222222223')).to.equal('[phone]');
  });
});

describe('redact: UK postcodes', () => {
  const postcodes = ['SW1A 1AA', 'sw1a1aa', 'EC1R 0DW', 'M1 1AE', 'B33 8TH', 'CR2 6XH', 'DN55 1PT', 'GIR 0AA', 'w1a 0ax'];
  for (const postcode of postcodes) {
    it(`redacts ${JSON.stringify(postcode)}`, () =>
      expect(redact(`I live at 1 High St, London ${postcode}, UK`)).to.equal('I live at 1 High St, London [postcode], UK'));
  }

  const keeps = ['offices in SW1 and EC1', 'print it on A4 2pm tomorrow', 'the M25 motorway', 'SW1A1AAB', 'B33 8THE'];
  itKeeps(keeps);
});

describe('redact: international numbers without + or 00', () => {
  const redacts: [string, string][] = [
    ['447700900123', '[phone]'],
    ['call 33123456789 please', 'call [phone] please'],
    ['15550100199', '[phone]'],
    ['my number is 4915112345670.', 'my number is [phone].'],
  ];
  itRedacts(redacts);

  const keeps = ['3 million', '325,000 members', '7,000,000 people', 'pi is 3.14159265358979', '1234567890', '1234567890123456'];
  itKeeps(keeps);
});

describe('redact: hostile input', () => {
  // Each of these would make a backtracking pattern take minutes; the runner's timeout catches that.
  const kb64 = 64 * 1024;
  const fill = (unit: string) => unit.repeat(Math.ceil(kb64 / unit.length)).slice(0, kb64);
  const unchanged: [string, string][] = [
    ['digits and spaces', fill('0 1 2 3 4 5 6 7 8 9 ')],
    ['one long number', fill('1234567890')],
    ['"+0" repeated', fill('+0')],
    ['"a@" repeated', fill('a@')],
    ['"1-" × 30000', '1-'.repeat(30000)],
    ['a dotted local part and a hyphenated domain', `${'a.'.repeat(16000)}@${'b-'.repeat(16000)}`],
    ['an endless domain', `x@${'a.'.repeat(30000)}`],
    ['"(0" repeated', fill('(0')],
  ];
  for (const [what, input] of unchanged) {
    it(`returns ${what} (${input.length} chars) as it was`, () => expect(redact(input)).to.equal(input));
  }

  it('redacts every number in "00 1 " repeated, each a + and 00 prefix with 8 digits or more', () => {
    expect(redact('00 1 '.repeat(13000))).to.match(/^(\[phone\] )+$/);
  });

  it('strips unterminated escape sequences from 64 KB of them', () => {
    // "ESC ;" is a whole two-character escape, so the first ";" goes with the ESC.
    expect(redact(`\u001b${';?'.repeat(30000)}`)).to.equal(`?${';?'.repeat(29999)}`);
    expect(redact(fill('\u001b]'))).to.equal('');
    expect(redact(`\u001b]8;;${'a'.repeat(kb64)}`)).to.equal(`8;;${'a'.repeat(kb64)}`);
    expect(redact(`\u001b[${'1;'.repeat(30000)}`)).to.equal('1;'.repeat(30000));
  });

  it('redacts every card in 60 KB of them', () => {
    expect(redact('4111 1111 1111 1111, '.repeat(3000))).to.equal('[card], '.repeat(3000));
  });

  it('redacts every postcode in 60 KB of them', () => {
    expect(redact('SW1A 1AA '.repeat(7000))).to.equal('[postcode] '.repeat(7000));
  });
});
