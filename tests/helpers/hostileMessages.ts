/**
 * Messages that once stalled or killed the bot, and other shapes a hostile client can send: characters
 * that fold into many letters, fillers by the thousand, 64 KB of one thing. tests/textBounds.test.ts
 * asserts what the stages make of them; `npm run bench:decide` times them.
 */
export const HOSTILE_MESSAGES: readonly (readonly [shape: string, text: string])[] = [
  ['500 × "㌖" (six letters each once decomposed)', '㌖'.repeat(500)],
  ['500 × "ﷺ" (eighteen characters each once decomposed)', '\uFDFA'.repeat(500)],
  ['"z" and 32,600 × " x"', `z${' x'.repeat(32_600)}`],
  ['"governance z" and 32,600 × " x"', `governance z${' x'.repeat(32_600)}`],
  ['64 KB of one letter', 'a'.repeat(65_536)],
  ['64 KB of spaces', ' '.repeat(65_536)],
  ['64 KB of "+0"', '+0'.repeat(32_768)],
  ['deep punctuation', `${'(['.repeat(16_384)}${'])'.repeat(16_384)}`],
  ['a letter and 10,000 combining marks', `e${'\u0301'.repeat(10_000)}`],
  ['right-to-left overrides', '\u202Ehelp\u202C\u202Dplease\u202C'.repeat(5_000)],
  ['emoji ZWJ sequences', '👩‍👩‍👧‍👦'.repeat(6_000)],
  ['lone surrogates', '\uD800a\uDC00'.repeat(20_000)],
  ['NUL and control characters', '\u0000\u0001\u001b[31m\u007f\u0085\u009b'.repeat(8_000)],
  ['a command and 9,000 × " please"', `help${' please'.repeat(9_000)}`],
  ['20,000 × "ok " and a command', `${'ok '.repeat(20_000)}help`],
  ['4,000 × "tell me about " and a topic', `${'tell me about '.repeat(4_000)}governance`],
  // The readings: sentences, the sides of an "or", and the writer's words before an indirect question.
  ['16,000 one-word sentences and a question', `${'Hi. '.repeat(16_000)}Who elects the board?`],
  ['"or" between 10,000 words', `${'board or '.repeat(10_000)}council?`],
  ['20,000 × "I wonder who "', 'I wonder who '.repeat(20_000)],
];
