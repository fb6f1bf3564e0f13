/**
 * EMVCo QR Code Specification for Payment Systems, Merchant-Presented Mode (MPM): a strict TLV codec.
 *
 * Pure code: no NestJS, no I/O, no clock. Errors are `InvalidInput` on the field `payload`.
 *
 * Format. A payload is a sequence of data objects, each `ID LL VALUE`:
 * - `ID`: 2 digits; `LL`: 2 digits, the number of characters of `VALUE` (01..99);
 * - IDs 26–51 (merchant account information), 62 (additional data field) and 64 (merchant
 *   information in an alternate language) are templates: their value is itself a TLV sequence;
 * - the payload starts with `000201` (ID 00, payload format indicator "01") and ends with the CRC,
 *   ID 63 with length 04: `6304` + 4 hex digits of CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF,
 *   no reflection, no final XOR) computed over the UTF-8 bytes of everything before the 4 digits,
 *   i.e. up to and including "6304";
 * - an ID appears at most once in the same template (or at the root); nothing follows the CRC.
 *
 * Positions in error messages are 0-based character indexes into the payload (characters are
 * Unicode code points; VietQR payloads are ASCII in practice).
 *
 * Decisions: a lowercase CRC ("6304c15c") is accepted, since the checksum value is the same and
 * some generators emit lowercase hex; `decodeEmvco` reports the CRC in uppercase. The CRC is
 * checked before the structure when the payload ends like a CRC object, so a single corrupted
 * character is reported as a CRC mismatch rather than as whatever structural damage it causes.
 */
import { InvalidInput } from '../../common/errors.js';

/** One parsed data object; `children` is set for templates (26–51, 62, 64 at the root). */
export interface TlvNode {
  id: string;
  value: string;
  children?: TlvNode[];
}

/** Input of `buildTlv`: a primitive value, or a template given as its own data objects. */
export interface TlvField {
  id: string;
  value: string | readonly TlvField[];
}

export interface EmvcoPayload {
  /** Root data objects in payload order, CRC (63) included, templates with `children`. */
  tags: TlvNode[];
  /** The CRC, 4 uppercase hex digits (verified). */
  crc: string;
}

function fail(problem: string): never {
  throw InvalidInput.field('payload', problem);
}

/** CRC-16/CCITT-FALSE over the UTF-8 bytes of `input`, as 4 uppercase hex digits ("123456789" → "29B1"). */
export function crc16CcittFalse(input: string): string {
  let crc = 0xffff;
  for (const byte of new TextEncoder().encode(input)) {
    crc ^= byte << 8;
    for (let bit = 0; bit < 8; bit++) {
      crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
    }
  }
  return crc.toString(16).toUpperCase().padStart(4, '0');
}

/** Root IDs whose value is a nested TLV template: 26–51, 62, 64. */
export function isTemplateId(id: string): boolean {
  const n = Number(id);
  return (n >= 26 && n <= 51) || n === 62 || n === 64;
}

interface Scan {
  chars: string[];
  /** Dotted path of the enclosing template ("" at the root), used in labels such as "tag 62.08". */
  path: string;
  /** Formats a position for messages. */
  at: (pos: number) => string;
  /** Root of a whole payload: templates are nested and tag 63 ends the sequence. */
  root: boolean;
  /** Positions are relative to a template value that `at` already names. */
  relative?: boolean;
}

/** Parses data objects in chars[start, end); returns them and where parsing stopped. */
function scanList(s: Scan, start: number, end: number): { nodes: TlvNode[]; stop: number } {
  const nodes: TlvNode[] = [];
  const seen = new Set<string>();
  let pos = start;
  while (pos < end) {
    const within = s.path && !s.relative ? ` inside tag ${s.path}` : '';
    if (end - pos < 4) {
      fail(`truncated data object ${s.at(pos)}${within}: an id and a length need 4 characters, only ${end - pos} remain`);
    }
    const id = s.chars[pos] + s.chars[pos + 1];
    if (!/^\d\d$/.test(id)) fail(`invalid tag id "${id}" ${s.at(pos)}${within}: expected 2 digits`);
    const label = s.path ? `tag ${s.path}.${id}` : `tag ${id}`;
    const lengthText = s.chars[pos + 2] + s.chars[pos + 3];
    if (!/^\d\d$/.test(lengthText)) fail(`${label} has a non-numeric length "${lengthText}" ${s.at(pos + 2)}`);
    const isCrc = s.root && id === '63';
    if (isCrc && lengthText !== '04') fail(`tag 63 (CRC) must have length 04, found ${lengthText} ${s.at(pos + 2)}`);
    const length = Number(lengthText);
    if (length === 0) fail(`${label} ${s.at(pos)} declares length 00; a value has 1 to 99 characters`);
    const valueStart = pos + 4;
    if (valueStart + length > end) {
      fail(`${label} declares length ${lengthText} but only ${end - valueStart} characters remain ${s.at(valueStart)}`);
    }
    if (seen.has(id)) fail(`duplicate ${label} ${s.at(pos)}`);
    seen.add(id);
    const node: TlvNode = { id, value: s.chars.slice(valueStart, valueStart + length).join('') };
    if (s.root && isTemplateId(id)) {
      node.children = scanList({ ...s, path: id, root: false }, valueStart, valueStart + length).nodes;
    }
    nodes.push(node);
    pos = valueStart + length;
    if (isCrc) break;
  }
  return { nodes, stop: pos };
}

function rootScan(payload: string): Scan {
  return { chars: Array.from(payload), path: '', at: (pos) => `at position ${pos}`, root: true };
}

/**
 * Strict TLV parser. Without `template`, parses a whole payload (or a prefix of one): templates
 * 26–51, 62 and 64 get `children`, and tag 63 must be the last object. With `template` (the dotted
 * path of the template the value belongs to, e.g. "38.01"), parses that value as a flat TLV list
 * and reports positions relative to it. Throws `InvalidInput` on any malformation.
 */
export function parseTlv(payload: string, template?: string): TlvNode[] {
  if (typeof payload !== 'string') return fail('must be a string');
  const scan: Scan = template
    ? {
        chars: Array.from(payload),
        path: template,
        at: (pos) => `at position ${pos} of the value of tag ${template}`,
        root: false,
        relative: true,
      }
    : rootScan(payload);
  const { nodes, stop } = scanList(scan, 0, scan.chars.length);
  if (stop < scan.chars.length) trailing(scan, stop);
  return nodes;
}

function trailing(s: Scan, stop: number): never {
  const extra = s.chars.length - stop;
  return fail(`${extra} trailing character${extra === 1 ? '' : 's'} after the CRC (tag 63) ${s.at(stop)}`);
}

/** Serialises data objects (templates recursively). Lengths count characters; values must be 1–99 long. */
export function buildTlv(fields: readonly TlvField[]): string {
  return fields
    .map(({ id, value }) => {
      if (!/^\d\d$/.test(id)) fail(`tag id "${id}" must be 2 digits`);
      const text = typeof value === 'string' ? value : buildTlv(value);
      const length = Array.from(text).length;
      if (length < 1 || length > 99) fail(`tag ${id} value must have 1 to 99 characters, has ${length}`);
      return id + String(length).padStart(2, '0') + text;
    })
    .join('');
}

/** Serialises root data objects and appends the CRC object "6304XXXX". `fields` must not contain 63. */
export function buildEmvco(fields: readonly TlvField[]): string {
  if (fields.some((f) => f.id === '63')) fail('tag 63 (CRC) is appended by buildEmvco; do not pass it');
  const body = buildTlv(fields) + '6304';
  return body + crc16CcittFalse(body);
}

/**
 * Decodes and verifies any EMVCo MPM payload: starts with 000201; well-formed TLV at every level
 * (numeric ids and lengths, lengths that fit exactly, no duplicate ids); ends with tag 63 of
 * length 04 and nothing after it; CRC matches (hex compared case-insensitively).
 */
export function decodeEmvco(payload: string): EmvcoPayload {
  if (typeof payload !== 'string' || payload.length === 0) return fail('must be a non-empty string');
  if (!payload.startsWith('000201')) {
    fail(`must start with "000201" (tag 00, payload format indicator 01), found "${payload.slice(0, 6)}"`);
  }
  const scan = rootScan(payload);
  const n = scan.chars.length;
  // CRC first, when the payload ends like a CRC object.
  const tail = scan.chars.slice(Math.max(0, n - 8)).join('');
  if (n >= 8 && tail.startsWith('6304')) verifyCrc(scan.chars.slice(0, n - 4).join(''), tail.slice(4));
  const { nodes, stop } = scanList(scan, 0, n);
  const last = nodes[nodes.length - 1];
  if (last?.id !== '63') return fail('missing CRC: the payload must end with tag 63 ("6304" followed by 4 hex digits)');
  if (stop < n) trailing(scan, stop);
  // Reached only if the tail was "6304XXXX", so the CRC was verified above.
  return { tags: nodes, crc: last.value.toUpperCase() };
}

function verifyCrc(covered: string, found: string): void {
  if (!/^[0-9A-Fa-f]{4}$/.test(found)) fail(`CRC (tag 63) "${found}" is not 4 hexadecimal digits`);
  const expected = crc16CcittFalse(covered);
  if (found.toUpperCase() !== expected) fail(`CRC mismatch: expected ${expected}, found ${found}`);
}

/** Finds a data object by path of ids, e.g. findTag(tags, '62', '08'). */
export function findTag(nodes: readonly TlvNode[] | undefined, ...path: string[]): TlvNode | undefined {
  let current: TlvNode | undefined;
  let level = nodes;
  for (const id of path) {
    current = level?.find((node) => node.id === id);
    if (!current) return undefined;
    level = current.children;
  }
  return current;
}
