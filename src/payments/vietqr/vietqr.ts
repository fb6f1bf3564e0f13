/**
 * VietQR: the NAPAS profile of EMVCo MPM (see ./emvco.ts) used by every Vietnamese banking app
 * for NAPAS 247 transfers. Pure code: no NestJS, no I/O, no clock.
 *
 * Layout produced by `encodeVietQr` (the published NAPAS IBFT examples, in ascending id order):
 *
 *   00 "01"                      payload format indicator
 *   01 "11" | "12"               point of initiation: 11 static (no amount), 12 dynamic (amount)
 *   38 template                  merchant account information, NAPAS:
 *      00 "A000000727"             GUID (NAPAS AID)
 *      01 template                 beneficiary organisation:
 *         00 BIN                     6-digit bank BIN (acquirer / beneficiary bank)
 *         01 account or card         up to 19 characters
 *      02 "QRIBFTTA" | "QRIBFTTC"  service: transfer to account / to card
 *   53 "704"                     currency, VND
 *   54 amount                    dynamic only: whole VND as decimal digits, no separators
 *   58 "VN"                      country
 *   59, 60                       merchant name (≤ 25) and city (≤ 15), optional
 *   62 template { 08 purpose }   additional data: purpose of transaction, the transfer memo
 *   63 CRC                       CRC-16/CCITT-FALSE
 *
 * Tag 52 (merchant category code) is omitted: NAPAS's account/card transfer examples
 * (QRIBFTTA/QRIBFTTC) do not carry it; only its merchant-payment (QRPUSH) and cash (QRCASH)
 * examples do. Decoding accepts it and reports it.
 *
 * Limits enforced when encoding (NAPAS QR format v1.5.2: account "ans" up to 19, purpose of
 * transaction "ans" up to 25; EMVCo: amount up to 13 characters, name 25, city 15):
 * - purpose: 1–25 ASCII letters, digits and spaces. NAPAS allows any printable ASCII, but banks
 *   and intermediaries document memos as "no diacritics, no special characters" (api.vietqr.vn:
 *   "tiếng Việt không dấu, không ký tự đặc biệt") and alter punctuation, so none is accepted.
 *   Non-ASCII (Vietnamese with diacritics) is rejected, not transliterated: that is the caller's job.
 * - amount: an integer from 1 to 9 999 999 999 999 VND.
 *
 * Decoding is lenient where real payloads vary (tag order, service code absent in some merchant
 * codes, purpose longer than 25, tag 52 present) and strict on what a payment needs: a valid
 * EMVCo payload with tag 38 carrying GUID A000000727, a 6-digit BIN, an account, tag 01 of 11/12,
 * currency 704, country VN, and, if present, a positive whole VND amount.
 */
import { type FieldProblem, InvalidInput } from '../../common/errors.js';
import { type TlvField, type TlvNode, buildEmvco, decodeEmvco, findTag, parseTlv } from './emvco.js';

/** NAPAS's application identifier, the GUID in sub-tag 00 of tag 38. */
export const NAPAS_GUID = 'A000000727';

/** Transfer to an account (QRIBFTTA) or to a domestic card number (QRIBFTTC). */
export type VietQrService = 'QRIBFTTA' | 'QRIBFTTC';

export const VIETQR_LIMITS = {
  accountMaxLength: 19,
  purposeMaxLength: 25,
  merchantNameMaxLength: 25,
  merchantCityMaxLength: 15,
  amountMaxVnd: 9_999_999_999_999,
} as const;

export interface VietQrInput {
  /** 6-digit NAPAS bank BIN, e.g. "970436" (Vietcombank). */
  bankBin: string;
  /** Account number (1–19 letters/digits), or card number (16–19 digits) with service QRIBFTTC. */
  accountNumber: string;
  /** Present → dynamic QR (tag 01 = 12) with this amount; absent → static (11). */
  amountVnd?: number;
  /** Purpose of transaction (tag 62.08): the transfer memo / payment reference. */
  purpose?: string;
  merchantName?: string;
  merchantCity?: string;
  /** Default QRIBFTTA. */
  service?: VietQrService;
}

export interface VietQrDecoded {
  /** Tag 00, always "01". */
  payloadFormat: string;
  /** Tag 01: 11 static, 12 dynamic. */
  initiationMethod: 'static' | 'dynamic';
  /** Tag 38.00, always A000000727. */
  guid: string;
  /** Tag 38.01.00. */
  bankBin: string;
  /** Tag 38.01.01: account number, card number (QRIBFTTC) or merchant id (QRPUSH). */
  accountNumber: string;
  /** Tag 38.02, e.g. QRIBFTTA, QRIBFTTC, QRPUSH, QRCASH; absent in some merchant codes. */
  serviceCode?: string;
  /** Tag 52, when present. */
  merchantCategoryCode?: string;
  /** Tag 54, whole VND. */
  amountVnd?: number;
  /** Tag 53, "704". */
  currency: string;
  /** Tag 58, "VN". */
  country: string;
  merchantName?: string;
  merchantCity?: string;
  /** Tag 62.08. */
  purpose?: string;
  /** Tag 62.01. */
  billNumber?: string;
  /** Tag 62.05. */
  referenceLabel?: string;
  /** Tag 62.07 (terminal label). */
  terminal?: string;
  /** Tag 63, uppercase, verified. */
  crc: string;
  /** Raw tree: root objects in payload order; templates (and 38.01) with `children`. */
  tags: TlvNode[];
}

const PRINTABLE_ASCII = /^[\x20-\x7e]+$/;

/** First character outside `allowed`, with its index, for a precise problem message. */
function firstBad(text: string, allowed: RegExp): { char: string; index: number } | undefined {
  const chars = Array.from(text);
  const index = chars.findIndex((c) => !allowed.test(c));
  return index < 0 ? undefined : { char: chars[index], index };
}

function checkText(
  problems: FieldProblem[],
  field: string,
  value: unknown,
  maxLength: number,
  allowed: RegExp,
  allowedText: string,
): void {
  if (value === undefined) return;
  if (typeof value !== 'string') {
    problems.push({ field, problem: 'must be a string' });
    return;
  }
  const length = Array.from(value).length;
  if (length < 1 || length > maxLength) {
    problems.push({ field, problem: `must have 1 to ${maxLength} characters, has ${length}` });
    return;
  }
  if (value.trim() === '') {
    problems.push({ field, problem: 'must not be blank' });
    return;
  }
  const nonAscii = firstBad(value, /[\x00-\x7f]/);
  if (nonAscii) {
    problems.push({
      field,
      problem: `must be ASCII: ${JSON.stringify(nonAscii.char)} at index ${nonAscii.index} is not (remove Vietnamese diacritics first)`,
    });
    return;
  }
  const bad = firstBad(value, allowed);
  if (bad) problems.push({ field, problem: `${JSON.stringify(bad.char)} at index ${bad.index} is not allowed: use ${allowedText}` });
}

function validate(input: VietQrInput): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const service = input.service ?? 'QRIBFTTA';
  if (service !== 'QRIBFTTA' && service !== 'QRIBFTTC') {
    problems.push({ field: 'service', problem: 'must be QRIBFTTA (to account) or QRIBFTTC (to card)' });
  }
  if (typeof input.bankBin !== 'string' || !/^\d{6}$/.test(input.bankBin)) {
    problems.push({ field: 'bankBin', problem: 'must be exactly 6 digits (the NAPAS bank BIN, e.g. 970436)' });
  }
  const account = input.accountNumber;
  if (service === 'QRIBFTTC') {
    if (typeof account !== 'string' || !/^\d{16,19}$/.test(account)) {
      problems.push({ field: 'accountNumber', problem: 'a card number must be 16 to 19 digits' });
    }
  } else if (typeof account !== 'string' || !/^[A-Za-z0-9]{1,19}$/.test(account)) {
    problems.push({ field: 'accountNumber', problem: 'must be 1 to 19 letters or digits, without spaces or punctuation' });
  }
  const amount = input.amountVnd;
  if (amount !== undefined) {
    if (typeof amount !== 'number' || !Number.isInteger(amount)) {
      problems.push({ field: 'amountVnd', problem: 'must be a whole number of VND' });
    } else if (amount < 1 || amount > VIETQR_LIMITS.amountMaxVnd) {
      problems.push({ field: 'amountVnd', problem: `must be between 1 and ${VIETQR_LIMITS.amountMaxVnd} VND` });
    }
  }
  checkText(problems, 'purpose', input.purpose, VIETQR_LIMITS.purposeMaxLength, /[A-Za-z0-9 ]/, 'only letters A-Z, digits and spaces');
  checkText(problems, 'merchantName', input.merchantName, VIETQR_LIMITS.merchantNameMaxLength, PRINTABLE_ASCII, 'printable ASCII');
  checkText(problems, 'merchantCity', input.merchantCity, VIETQR_LIMITS.merchantCityMaxLength, PRINTABLE_ASCII, 'printable ASCII');
  return problems;
}

/** Builds a VietQR payload; throws `InvalidInput` listing every invalid field. */
export function encodeVietQr(input: VietQrInput): string {
  const problems = validate(input);
  if (problems.length > 0) throw new InvalidInput(problems);
  const dynamic = input.amountVnd !== undefined;
  const fields: TlvField[] = [
    { id: '00', value: '01' },
    { id: '01', value: dynamic ? '12' : '11' },
    {
      id: '38',
      value: [
        { id: '00', value: NAPAS_GUID },
        {
          id: '01',
          value: [
            { id: '00', value: input.bankBin },
            { id: '01', value: input.accountNumber },
          ],
        },
        { id: '02', value: input.service ?? 'QRIBFTTA' },
      ],
    },
    { id: '53', value: '704' },
  ];
  if (dynamic) fields.push({ id: '54', value: String(input.amountVnd) });
  fields.push({ id: '58', value: 'VN' });
  if (input.merchantName !== undefined) fields.push({ id: '59', value: input.merchantName });
  if (input.merchantCity !== undefined) fields.push({ id: '60', value: input.merchantCity });
  if (input.purpose !== undefined) fields.push({ id: '62', value: [{ id: '08', value: input.purpose }] });
  return buildEmvco(fields);
}

function fail(problem: string): never {
  throw InvalidInput.field('payload', problem);
}

/**
 * Decodes a VietQR payload: EMVCo checks (structure, CRC) then the NAPAS profile. A valid EMVCo
 * payload of another scheme is rejected with the merchant-account GUIDs it does carry.
 */
export function decodeVietQr(payload: string): VietQrDecoded {
  const { tags: rawTags, crc } = decodeEmvco(payload);
  const napas = findTag(rawTags, '38');
  if (findTag(napas?.children, '00')?.value !== NAPAS_GUID) {
    const found = rawTags
      .filter((t) => Number(t.id) >= 26 && Number(t.id) <= 51)
      .map((t) => `${t.id} (GUID ${findTag(t.children, '00')?.value ?? 'none'})`);
    fail(
      `not a VietQR: no tag 38 (merchant account information) with NAPAS GUID ${NAPAS_GUID}; ` +
        (found.length ? `merchant account templates found: ${found.join(', ')}` : 'no merchant account template found'),
    );
  }
  const beneficiary = findTag(napas?.children, '01');
  if (!beneficiary) return fail('tag 38.01 (beneficiary organisation: BIN and account) is missing');
  const beneficiaryChildren = parseTlv(beneficiary.value, '38.01');
  const bankBin = findTag(beneficiaryChildren, '00')?.value;
  if (bankBin === undefined || !/^\d{6}$/.test(bankBin)) {
    fail(`tag 38.01.00 (bank BIN) must be 6 digits, found ${bankBin === undefined ? 'none' : `"${bankBin}"`}`);
  }
  const accountNumber = findTag(beneficiaryChildren, '01')?.value;
  if (accountNumber === undefined) fail('tag 38.01.01 (account number) is missing');

  const method = findTag(rawTags, '01')?.value;
  if (method !== '11' && method !== '12') {
    fail(
      `tag 01 (point of initiation method) must be 11 (static) or 12 (dynamic), found ${method === undefined ? 'none' : `"${method}"`}`,
    );
  }
  const currency = findTag(rawTags, '53')?.value;
  if (currency !== '704') fail(`tag 53 (currency) must be 704 (VND), found ${currency === undefined ? 'none' : `"${currency}"`}`);
  const country = findTag(rawTags, '58')?.value;
  if (country !== 'VN') fail(`tag 58 (country) must be VN, found ${country === undefined ? 'none' : `"${country}"`}`);

  const amountText = findTag(rawTags, '54')?.value;
  let amountVnd: number | undefined;
  if (amountText !== undefined) {
    if (!/^\d+(\.0*)?$/.test(amountText)) fail(`tag 54 (amount) "${amountText}" is not a whole number of VND`);
    if (amountText.length > 13) fail(`tag 54 (amount) "${amountText}" has more than 13 characters`);
    amountVnd = Number.parseInt(amountText, 10);
    if (amountVnd <= 0) fail(`tag 54 (amount) must be greater than 0, found "${amountText}"`);
  }

  // The raw tree, with the NAPAS beneficiary template (38.01) expanded too.
  const tags = rawTags.map((t) =>
    t !== napas
      ? t
      : { ...t, children: (t.children ?? []).map((c) => (c === beneficiary ? { ...c, children: beneficiaryChildren } : c)) },
  );
  const optional = (...path: string[]) => findTag(rawTags, ...path)?.value;
  return {
    payloadFormat: findTag(rawTags, '00')?.value ?? '01',
    initiationMethod: method === '12' ? 'dynamic' : 'static',
    guid: NAPAS_GUID,
    bankBin,
    accountNumber,
    ...definedOnly({
      serviceCode: optional('38', '02'),
      merchantCategoryCode: optional('52'),
      amountVnd,
    }),
    currency,
    country,
    ...definedOnly({
      merchantName: optional('59'),
      merchantCity: optional('60'),
      purpose: optional('62', '08'),
      billNumber: optional('62', '01'),
      referenceLabel: optional('62', '05'),
      terminal: optional('62', '07'),
    }),
    crc,
    tags,
  };
}

/** Drops undefined entries, so absent optional fields are absent keys. */
function definedOnly<T extends object>(fields: T): Partial<T> {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as Partial<T>;
}
