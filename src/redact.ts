/**
 * Emails and phone numbers out of text we keep (unanswered questions for curators). Over-redacting a
 * run of digits that only looks like a phone number is acceptable; keeping someone's number is not.
 * Years ("2013"), counts ("3 million", "7,000,000") and short numbers are left alone: a phone number
 * needs a + or 00 prefix, a leading 0 (UK and other trunk-prefixed national numbers) or the 3-3-4
 * grouping of North American numbers.
 */

const EMAIL = /(?<![\p{L}\p{N}._%+-])[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,}/gu;

/** +44 20 7033 1500, +44 (0)20 7033 1500, 0044-20-7033-1500, +1 (555) 010-0199, +33 1 23 45 67 89 */
const INTERNATIONAL = /(?<![\p{L}\p{N}+])(?:\+|00)\s?[1-9][\d\s().-]{5,24}\d(?!\d)/gu;

/** 020 7033 1500, (020) 7033 1500, 07700 900123, 07700-900-123, 0800 123 456, 02070331500 */
const NATIONAL = /(?<![\p{L}\p{N}+])\(?0\d{2,4}\)?[\s.-]?\d{3,4}[\s.-]?\d{3,4}(?!\d)/gu;

/** (555) 010-0199, 555-010-0199, 555.010.0199, 1-800-555-0199 */
const NORTH_AMERICAN = /(?<![\p{L}\p{N}+])(?:1[\s.-]?)?(?:\(\d{3}\)\s?|\d{3}[\s.-])\d{3}[\s.-]\d{4}(?!\d)/gu;

const digitCount = (text: string) => text.replace(/\D/g, '').length;

/** International numbers hold 8 to 15 digits; a longer run is still redacted, as it may be two numbers. */
function redactInternational(match: string): string {
  return digitCount(match.replace('(0)', '')) >= 8 ? '[phone]' : match;
}

/** A national number with its trunk 0 has 10 or 11 digits in the UK and most of Europe. */
function redactNational(match: string): string {
  const digits = digitCount(match);
  return digits >= 10 && digits <= 11 ? '[phone]' : match;
}

export function redact(text: string): string {
  return text
    .replace(EMAIL, '[email]')
    .replace(INTERNATIONAL, redactInternational)
    .replace(NATIONAL, redactNational)
    .replace(NORTH_AMERICAN, '[phone]');
}
