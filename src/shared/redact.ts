/**
 * Emails, phone numbers, card numbers and UK postcodes out of text we keep (unanswered questions for
 * curators). Over-redacting a run of digits that only looks like a phone number is acceptable; keeping
 * someone's number is not. Years ("2013"), counts ("3 million", "7,000,000") and short numbers are left
 * alone: a phone number needs a + or 00 prefix, a leading 0 (UK and other trunk-prefixed national
 * numbers), the 3-3-4 grouping of North American numbers, or 11 to 15 digits in one run.
 *
 * Every pattern here runs in linear time on hostile input: adjacent character classes do not overlap,
 * repetition is capped, or a lookbehind stops a failed match from being retried at each position of the
 * same run. tests/redact.test.ts feeds them 64 KB of the inputs that defeat patterns built otherwise.
 */

/**
 * Terminal escape sequences (ECMA-48): CSI "ESC [ params final" (colours, cursor moves), string commands
 * terminated by BEL or ESC \ (OSC 8 hyperlinks, window titles), and two-character escapes. Written here
 * rather than using node:util stripVTControlCharacters, which takes seconds on "ESC" followed by 64 KB
 * of ";?": its parameter classes overlap and backtrack quadratically.
 */
const ESCAPE_SEQUENCE = new RegExp(
  [
    '(?:\\u001b\\[|\\u009b)[0-?]*[ -/]*[@-~]',
    '(?:\\u001b[\\]PX^_]|[\\u0090\\u0098\\u009d-\\u009f])[^\\u0007\\u001b\\u0090\\u0098\\u009c-\\u009f]*(?:\\u0007|\\u001b\\\\|\\u009c)',
    '\\u001b[ -/]*[0-~]',
  ].join('|'),
  'g',
);

/** Line and column breaks become a space rather than nothing, so the words either side stay apart. */
const BREAK = /[\t\n\v\f\r\u0085\u2028\u2029]/g;

/**
 * C0 and C1 controls and Unicode format characters: bidi overrides and isolates (U+202A–202E,
 * U+2066–2069), zero-width characters (U+200B–200F, U+2060, U+FEFF), soft hyphens and the like. They are
 * invisible, so they can disguise what a terminal shows or split a phone number so the patterns miss it.
 */
const INVISIBLE = /[\p{Cc}\p{Cf}]/gu;

/** Text safe to print to a terminal or log: no escape sequences, controls or invisible characters. */
export function stripControls(text: string): string {
  return text.replace(ESCAPE_SEQUENCE, '').replace(BREAK, ' ').replace(INVISIBLE, '');
}

const EMAIL = /(?<![\p{L}\p{N}._%+-])[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,}/gu;

/**
 * Groups of digits joined by single spaces or hyphens, as card numbers are written ("4111 1111 1111 1111",
 * "3782-822463-10005"). Never right after a +: that is a phone number.
 */
const DIGIT_GROUPS = /(?<![\p{N}+])\d+(?:[ -]\d+)*/gu;
const GROUP_SEPARATOR = /([ -])/;
const CARD_DIGITS = { min: 13, max: 19, group: 4 };

/** +44 20 7033 1500, +44 (0)20 7033 1500, 0044-20-7033-1500, +1 (555) 010-0199, +33 1 23 45 67 89 */
const INTERNATIONAL = /(?<![\p{L}\p{N}+])(?:\+|00)\s?[1-9][\d\s().-]{5,24}\d(?!\d)/gu;

/** 447700900123, 33123456789: an international number without its + or 00. Not part of a decimal. */
const BARE_INTERNATIONAL = /(?<![\p{L}\p{N}+.,])[1-9]\d{10,14}(?!\p{N}|[.,]\d)/gu;

/** 020 7033 1500, (020) 7033 1500, 07700 900123, 07700-900-123, 0800 123 456, 02070331500 */
const NATIONAL = /(?<![\p{L}\p{N}+])\(?0\d{2,4}\)?[\s.-]?\d{3,4}[\s.-]?\d{3,4}(?!\d)/gu;

/** (555) 010-0199, 555-010-0199, 555.010.0199, 1-800-555-0199 */
const NORTH_AMERICAN = /(?<![\p{L}\p{N}+])(?:1[\s.-]?)?(?:\(\d{3}\)\s?|\d{3}[\s.-])\d{3}[\s.-]\d{4}(?!\d)/gu;

/**
 * SW1A 1AA, EC1R 0DW, M1 1AE, B33 8TH, CR2 6XH, DN55 1PT, GIR 0AA, any case, with or without the space.
 * The letter sets are Royal Mail's, which keeps "A4 2pm" and the like out. An outward code alone ("SW1")
 * names a district, not a home, and is kept.
 */
const POSTCODE = /(?<![\p{L}\p{N}])(?:GIR ?0AA|[A-PR-UWYZ](?:\d\d?|[A-HK-Y]\d[\dABEHMNPRV-Y]?|\d[A-HJKPS-UW]) ?\d[ABD-HJLNP-UW-Z]{2})(?![\p{L}\p{N}])/giu;

const digitCount = (text: string) => text.replace(/\D/g, '').length;

/** The checksum every payment card number carries. Five lines are not worth a dependency. */
function passesLuhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    const doubled = Number(digits[digits.length - 1 - i]) * (i % 2 ? 2 : 1);
    sum += doubled > 9 ? doubled - 9 : doubled;
  }
  return sum % 10 === 0;
}

/**
 * Index in `parts` of the last group of the longest card number that starts at group `start`. Card
 * numbers never start with 0, which keeps "0044 20 …" and "07700 …" for the phone patterns. They are
 * printed in groups of 4 to 6 digits, only the last one shorter, which keeps lists ("1 2 3 … 15") and
 * spaced counts ("10 000 000 000 000") from passing the Luhn check by chance.
 */
function cardEnd(parts: readonly string[], start: number): number | undefined {
  if (parts[start]?.startsWith('0') !== false) return undefined;
  let digits = '';
  let end: number | undefined;
  for (let i = start; i < parts.length; i += 2) {
    const group = parts[i] ?? '';
    if (digits.length + group.length > CARD_DIGITS.max) break;
    digits += group;
    if (digits.length >= CARD_DIGITS.min && passesLuhn(digits)) end = i;
    if (group.length < CARD_DIGITS.group) break;
  }
  return end;
}

/**
 * Card numbers among a run of digit groups. The run may hold more than the card ("4111 1111 1111 1111
 * 12 27" with its expiry), so every group is tried as a start; each try reads at most 19 digits.
 */
function redactCards(run: string): string {
  const parts = run.split(GROUP_SEPARATOR); // groups at even indexes, their separators between
  const out: string[] = [];
  for (let i = 0; i < parts.length; i += 2) {
    const end = cardEnd(parts, i);
    out.push(end === undefined ? (parts[i] ?? '') : '[card]', parts[(end ?? i) + 1] ?? '');
    if (end !== undefined) i = end;
  }
  return out.join('');
}

/** International numbers hold 8 to 15 digits; a longer run is still redacted, as it may be two numbers. */
function redactInternational(match: string): string {
  return digitCount(match.replace('(0)', '')) >= 8 ? '[phone]' : match;
}

/** A national number with its trunk 0 has 10 or 11 digits in the UK and most of Europe. */
function redactNational(match: string): string {
  const digits = digitCount(match);
  return digits >= 10 && digits <= 11 ? '[phone]' : match;
}

/**
 * Compatibility forms are folded first (NFKC), so full-width "ｊｏｈｎ＠ｅｘａｍｐｌｅ．ｃｏｍ" and "０７７００"
 * read as the ASCII the patterns know. Numbers marked as phones by a +, 00 or trunk 0 go first, as a card
 * never starts that way, and a run of phone numbers ("020 7033 1500 07700 900123") may hold 13 digits
 * that pass the Luhn check by chance. Cards then go before the unmarked phone patterns, so a 13 to 15
 * digit card number is named as a card.
 */
export function redact(text: string): string {
  return stripControls(text.normalize('NFKC'))
    .replace(EMAIL, '[email]')
    .replace(INTERNATIONAL, redactInternational)
    .replace(NATIONAL, redactNational)
    .replace(DIGIT_GROUPS, redactCards)
    .replace(BARE_INTERNATIONAL, '[phone]')
    .replace(NORTH_AMERICAN, '[phone]')
    .replace(POSTCODE, '[postcode]');
}
