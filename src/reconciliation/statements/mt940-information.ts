/**
 * The `:86:` "information to account owner" of an MT940 transaction, in the three shapes banks
 * write it. Pure.
 *
 * 1. Subfields after a 3- or 4-digit business transaction code, or none (German DK "GVC" layout,
 *    also Polish and Hungarian banks): `166?00GUTSCHRIFT?20EREF+…?21SVWZ+Rechnung 17?32NGUYEN
 *    VAN?33 A`. The marker is `?` (DK), or `>` `~` `<` `^` in other banks' files
 *    (`020>00PRZELEW>20…>32NAME`, `641^00PRZELEW^3010901014^38PL…^20…^32…^62address`,
 *    `0310<00Przelew<20…<27NAME<29address<38PL…<63REF…`), each followed by two digits; subfields
 *    may start new lines and be padded with spaces. `?00` is the booking text, not the memo.
 *    Remittance: `?20`–`?29` (27 characters each: a full one was cut mid-word and is joined to
 *    the next as is) and, in the DK layout only, `?60`–`?63` (with the other markers 60–63 carry
 *    the counterparty's address or the bank's reference). Name: `?32`/`?33` when they hold one,
 *    else `?27`/`?28` (as Polish banks write it; the remittance is then `?20`–`?26`). Account:
 *    `?31`, else `?38` (the Polish layout's IBAN). `?30` (bank code), `?34`, `?10` are not text.
 *    SEPA code words inside the remittance (`EREF+`, `KREF+`, `MREF+`, `CRED+`, `DEBT+`, `SVWZ+`,
 *    `ABWA+`, `ABWE+`): the memo is the `SVWZ+` text when there is one, else the remittance
 *    without the code words.
 * 2. Slash code words (Dutch banks, SEPA era): `/TRTP/SEPA OVERBOEKING/IBAN/NL…/BIC/…/NAME/Le Van
 *    A/REMI/USTD//thanh toan OC7K4M9P2XG/EREF/NOTPROVIDED`: memo from `/REMI/` (without the
 *    `USTD//` or `STRD/…/` lead and the closing `/`), name from `/NAME/`, account from `/IBAN/`
 *    or `/ACCW/`.
 * 3. Free text: the lines joined (SWIFT lines hold 65 characters: a full line was cut by the bank
 *    mid-word and is joined to the next as is; a shorter one ends a word).
 */

export interface Information {
  memo: string;
  counterpartyName?: string;
  counterpartyAccount?: string;
}

/** SWIFT x-character lines are at most 65 long; a full one was wrapped wherever it reached 65. */
const SWIFT_LINE = 65;
/** A DK remittance subfield (?20…?29) holds 27 characters. */
const DK_SUBFIELD = 27;

/** Joins wrapped pieces: without a space after a full piece (cut mid-word), with one otherwise. */
function joinWrapped(pieces: readonly string[], full: number): string {
  let text = '';
  let previousFull = false;
  for (const piece of pieces) {
    const content = piece.trim();
    if (content === '') {
      previousFull = false;
      continue;
    }
    text += text === '' || previousFull ? content : ` ${content}`;
    previousFull = piece.trimEnd().length >= full;
  }
  return text;
}

const DK_START = /^(?:\d{3,4}\s*)?([?>~<^])\d{2}/;
const SEPA_WORD = /(EREF|KREF|MREF|CRED|DEBT|SVWZ|ABWA|ABWE|IBAN|BIC)\+/g;

function subfieldInformation(raw: string, marker: string): Information {
  const fields = new Map<number, string[]>();
  const re = new RegExp(`\\${marker}(\\d{2})`, 'g');
  const starts = [...raw.matchAll(re)];
  starts.forEach((m, i) => {
    const from = m.index + m[0].length;
    const to = i + 1 < starts.length ? starts[i + 1].index : raw.length;
    const code = Number(m[1]);
    fields.set(code, [...(fields.get(code) ?? []), raw.slice(from, to)]);
  });
  const range = (from: number, to: number): string[] => {
    const out: string[] = [];
    for (let c = from; c <= to; c++) out.push(...(fields.get(c) ?? []));
    return out;
  };
  // A name in ?32/?33 (an empty "<32" some banks write does not count).
  const named32 = range(32, 33).some((t) => t.trim() !== '');
  const dk = marker === '?';
  const remittance = joinWrapped([...range(20, named32 ? 29 : 26), ...(dk ? range(60, 63) : [])], DK_SUBFIELD);
  const words = [...remittance.matchAll(SEPA_WORD)];
  let memo: string;
  if (words.length === 0) memo = remittance;
  else {
    const parts = new Map<string, string>();
    const lead = remittance.slice(0, words[0].index).trim();
    words.forEach((w, i) => {
      const to = i + 1 < words.length ? words[i + 1].index : remittance.length;
      parts.set(w[1], remittance.slice(w.index + w[0].length, to).trim());
    });
    memo =
      parts.get('SVWZ') ??
      [lead, ...[...parts].filter(([k]) => !['IBAN', 'BIC'].includes(k)).map(([, v]) => v)].filter((t) => t !== '').join(' ');
  }
  const info: Information = { memo: memo.trim() };
  const name = joinWrapped(named32 ? range(32, 33) : range(27, 28), DK_SUBFIELD);
  if (name) info.counterpartyName = name;
  const account = (fields.get(31) ?? []).join('').trim() || (fields.get(38) ?? []).join('').trim();
  if (account) info.counterpartyAccount = account;
  return info;
}

/** Slash code words that open a new part of a structured :86: (REMI's own USTD/STRD stay inside it). */
const SLASH_CODES = new Set([
  'TRTP', 'IBAN', 'BIC', 'NAME', 'REMI', 'EREF', 'MARF', 'CSID', 'ORDP', 'BENM', 'ISDT', 'ADDR', 'ULTD', 'ULTC', 'ULTB',
  'PURP', 'RTRN', 'ACCW', 'PREF', 'SUM', 'CNTP', 'OCMT', 'CHGS', 'EXCH', 'BUSP', 'SVCL', 'ID', 'CDTRREFTP', 'CDTRREF',
]);

function slashInformation(raw: string): Information | null {
  const codes = [...raw.matchAll(/\/([A-Z]{2,9})\//g)].filter((m) => SLASH_CODES.has(m[1]));
  if (codes.length === 0 || !codes.some((m) => m[1] === 'REMI' || m[1] === 'NAME' || m[1] === 'EREF' || m[1] === 'TRTP')) return null;
  const parts = new Map<string, string>();
  codes.forEach((m, i) => {
    const from = m.index + m[0].length;
    const to = i + 1 < codes.length ? codes[i + 1].index : raw.length;
    if (!parts.has(m[1])) parts.set(m[1], raw.slice(from, to));
  });
  const clean = (s: string | undefined): string => (s ?? '').replace(/^\/+|\/+$/g, '').trim();
  const remi = clean(parts.get('REMI'))
    .replace(/^USTD\/\/?/, '')
    .replace(/^STRD\/(?:CUR\/)?/, '')
    .replace(/\/+$/, '')
    .trim();
  const info: Information = { memo: remi };
  const name = clean(parts.get('NAME'));
  if (name) info.counterpartyName = name;
  const account = clean(parts.get('IBAN')) || clean(parts.get('ACCW'));
  if (account) info.counterpartyAccount = account;
  return info;
}

/** The :86: lines of one transaction → memo and counterparty. */
export function parseInformation(lines: readonly string[]): Information {
  // Structured layouts: the lines joined (a full 65-character line was cut mid-word), then split by code.
  const raw = lines.reduce((text, line, i) => {
    const piece = line.replace(/\s+$/, '');
    return i === 0 ? piece : text + (lines[i - 1].replace(/\s+$/, '').length >= SWIFT_LINE ? '' : ' ') + piece;
  }, '');
  const dk = DK_START.exec(raw.trimStart());
  if (dk) return subfieldInformation(raw.trimStart(), dk[1]);
  if (raw.trimStart().startsWith('/')) {
    const slash = slashInformation(raw.trim());
    if (slash) return slash;
  }
  return { memo: joinWrapped(lines, SWIFT_LINE) };
}
