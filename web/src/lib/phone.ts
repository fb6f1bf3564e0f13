/** The server's phone rule (src/common/dto.ts VN_PHONE), after removing spaces, dots, dashes, brackets. */
export const VN_PHONE = /^(?:\+84|0)(?:[35789]\d{8}|2\d{9})$/;

/** A phone number as typed ("0905 123 456") in the form the API stores ("0905123456"). */
export const compactPhone = (text: string): string => text.replace(/[\s.()-]/g, '');
