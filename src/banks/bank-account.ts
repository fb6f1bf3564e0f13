/**
 * Bank account number validation. Pure: no NestJS, no I/O.
 *
 * The number is the beneficiary id that goes into a VietQR payload (tag 38, sub-tag 01, service
 * QRIBFTTA). The rule is digits only, 6 to 19 of them, for these reasons:
 * - vietqr.io's QR generator (POST /v2/generate) documents `accountNo` as "[6 .. 19] characters,
 *   chỉ nhập số": digits only, at least 6, at most 19. Banking apps that read our QR codes are
 *   built against the same NAPAS profile.
 * - 19 is also the longest card number under ISO/IEC 7812. The same VietQR field carries a card
 *   number for QRIBFTTC, so NAPAS sizes it for that.
 * - Account numbers in use are commonly 8 to 15 digits long. Numbers chosen by the customer ("số
 *   đẹp", often a phone number) are usually 10 to 12. A minimum of 6 leaves room for short legacy
 *   numbers but still rejects obvious slips like "123".
 * We do not accept letters. A few banks offer alphanumeric "nickname" aliases, but they are not
 * account numbers, and not every bank resolves them through NAPAS. Any whitespace fails the check,
 * including around the number. A DTO that wants to be lenient trims before calling. The value
 * that passes is exactly the value to store and to put in the QR code.
 */

export const ACCOUNT_NUMBER_MIN_LENGTH = 6;
export const ACCOUNT_NUMBER_MAX_LENGTH = 19;

/** Returns a problem string, or null when the account number is acceptable. */
export function validateAccountNumber(s: string): string | null {
  if (s === '') return 'is required';
  if (!/^[0-9]+$/.test(s)) return 'must contain digits only (0–9), without spaces, dashes or letters';
  if (s.length < ACCOUNT_NUMBER_MIN_LENGTH || s.length > ACCOUNT_NUMBER_MAX_LENGTH) {
    return `must be ${ACCOUNT_NUMBER_MIN_LENGTH}–${ACCOUNT_NUMBER_MAX_LENGTH} digits long (got ${s.length})`;
  }
  return null;
}
