/**
 * Reads what an upload check needs from a HEIF/HEIC file's container (ISO-BMFF, ISO/IEC 14496-12
 * and HEIF ISO/IEC 23008-12) without decoding any pixel: whether the file is complete, and the
 * primary image's size. Pure: no I/O, no WebAssembly.
 *
 * This runs before the HEVC decoder is ever started, so a decompression bomb (a small file that
 * claims a huge image) is refused from the numbers in its `ispe` property, and a cut-off upload
 * (the usual interrupted transfer) is refused because a box or an item's data runs past the end.
 *
 * Boxes read: top level (`ftyp`, `meta`, `mdat`, …), `meta` → `pitm` (primary item), `iloc`
 * (where each item's bytes are), `iinf`/`infe` (item types), `iprp` → `ipco` (properties) and
 * `ipma` (which properties belong to which item), and the properties `ispe` (size) and `irot`
 * (rotation in quarter turns, applied by the decoder).
 */

export interface HeifInfo {
  /** Size of the primary image as stored (`ispe`). */
  width: number;
  height: number;
  /** Quarter turns (counter-clockwise) the decoder applies (`irot`), 0 … 3. */
  rotation: number;
  /** Item type of the primary image: `hvc1` (HEVC), `grid` (tiles, as iPhones write), `av01`, … */
  itemType: string;
}

export class HeifContainerError extends Error {
  constructor(
    message: string,
    /** true when the data simply stops early (an incomplete upload). */
    readonly truncated = false,
  ) {
    super(message);
    this.name = 'HeifContainerError';
  }
}

interface Box {
  type: string;
  /** First byte of the payload (after the header). */
  start: number;
  /** One past the last byte. */
  end: number;
}

class Reader {
  constructor(private readonly b: Uint8Array) {}
  u8(at: number): number {
    this.need(at, 1);
    return this.b[at];
  }
  u16(at: number): number {
    this.need(at, 2);
    return (this.b[at] << 8) | this.b[at + 1];
  }
  u32(at: number): number {
    this.need(at, 4);
    return ((this.b[at] << 24) >>> 0) + (this.b[at + 1] << 16) + (this.b[at + 2] << 8) + this.b[at + 3];
  }
  /** Big-endian unsigned of 0, 4 or 8 bytes (iloc fields); above 2^53 is refused. */
  uint(at: number, size: number): number {
    if (size === 0) return 0;
    if (size === 4) return this.u32(at);
    if (size === 8) {
      const hi = this.u32(at);
      if (hi >= 0x200000) throw new HeifContainerError('an offset in the file is out of range');
      return hi * 2 ** 32 + this.u32(at + 4);
    }
    throw new HeifContainerError(`unsupported field size ${size} in iloc`);
  }
  fourcc(at: number): string {
    this.need(at, 4);
    return String.fromCharCode(this.b[at], this.b[at + 1], this.b[at + 2], this.b[at + 3]);
  }
  private need(at: number, n: number): void {
    if (at + n > this.b.length) throw new HeifContainerError('the file ends inside its header', true);
  }
}

/** The boxes between `from` and `to`; a box running past `to` is an error (truncated at top level). */
function boxes(r: Reader, from: number, to: number, fileLength: number): Box[] {
  const out: Box[] = [];
  let at = from;
  while (at < to) {
    if (to - at < 8) throw new HeifContainerError('a box header is cut off', to === fileLength);
    let size = r.u32(at);
    const type = r.fourcc(at + 4);
    let header = 8;
    if (size === 1) {
      size = r.uint(at + 8, 8);
      header = 16;
    } else if (size === 0) {
      size = to - at; // runs to the end of the enclosing space
    }
    if (size < header) throw new HeifContainerError(`box "${printable(type)}" has an impossible size ${size}`);
    if (at + size > to) {
      throw new HeifContainerError(`box "${printable(type)}" needs ${at + size - to} more bytes than the ${to === fileLength ? 'file' : 'enclosing box'} has`, to === fileLength);
    }
    out.push({ type, start: at + header, end: at + size });
    at += size;
  }
  return out;
}

function child(list: Box[], type: string): Box | undefined {
  return list.find((b) => b.type === type);
}

function printable(s: string): string {
  return s.replace(/[^\x20-\x7e]/g, '?');
}

export function readHeifContainer(data: Uint8Array): HeifInfo {
  const r = new Reader(data);
  const len = data.length;
  const top = boxes(r, 0, len, len);
  if (top[0]?.type !== 'ftyp') throw new HeifContainerError('the file does not start with an ftyp box');
  const meta = child(top, 'meta');
  if (!meta) throw new HeifContainerError('the file has no meta box (no still image)', !child(top, 'mdat'));
  // meta is a FullBox: 4 bytes of version and flags before its children.
  const inMeta = boxes(r, meta.start + 4, meta.end, len);

  const pitm = child(inMeta, 'pitm');
  if (!pitm) throw new HeifContainerError('the file names no primary image (pitm)');
  const primary = r.u8(pitm.start) === 0 ? r.u16(pitm.start + 4) : r.u32(pitm.start + 4);

  const itemType = readItemType(r, child(inMeta, 'iinf'), primary, len);
  checkItemLocations(r, child(inMeta, 'iloc'), len);

  const iprp = child(inMeta, 'iprp');
  if (!iprp) throw new HeifContainerError('the file has no image properties (iprp)');
  const inIprp = boxes(r, iprp.start, iprp.end, len);
  const ipco = child(inIprp, 'ipco');
  if (!ipco) throw new HeifContainerError('the file has no image properties (ipco)');
  const props = boxes(r, ipco.start, ipco.end, len);
  const assoc = new Set<number>();
  for (const ipma of inIprp.filter((b) => b.type === 'ipma')) for (const i of associations(r, ipma, primary)) assoc.add(i);

  let size: { width: number; height: number } | null = null;
  let rotation = 0;
  for (const index of assoc) {
    const p = props[index - 1];
    if (!p) throw new HeifContainerError(`property ${index} of the primary image does not exist`);
    if (p.type === 'ispe') size = { width: r.u32(p.start + 4), height: r.u32(p.start + 8) };
    if (p.type === 'irot') rotation = r.u8(p.start) & 3;
  }
  if (!size) throw new HeifContainerError('the primary image has no size (ispe)');
  if (size.width < 1 || size.height < 1) throw new HeifContainerError(`the primary image claims an impossible size ${size.width}×${size.height}`);
  return { ...size, rotation, itemType };
}

function readItemType(r: Reader, iinf: Box | undefined, itemId: number, len: number): string {
  if (!iinf) throw new HeifContainerError('the file has no item list (iinf)');
  const version = r.u8(iinf.start);
  const first = iinf.start + 4 + (version === 0 ? 2 : 4);
  for (const infe of boxes(r, first, iinf.end, len)) {
    if (infe.type !== 'infe') continue;
    const v = r.u8(infe.start);
    if (v < 2) continue; // versions 0 and 1 carry no item type
    const id = v === 2 ? r.u16(infe.start + 4) : r.u32(infe.start + 4);
    if (id !== itemId) continue;
    const typeAt = infe.start + 4 + (v === 2 ? 2 : 4) + 2;
    return r.fourcc(typeAt);
  }
  throw new HeifContainerError(`the primary image (item ${itemId}) is not in the item list`);
}

/** Every item stored by file offset (construction method 0) must lie inside the file. */
function checkItemLocations(r: Reader, iloc: Box | undefined, len: number): void {
  if (!iloc) throw new HeifContainerError('the file has no item locations (iloc)');
  const version = r.u8(iloc.start);
  if (version > 2) throw new HeifContainerError(`unsupported iloc version ${version}`);
  let at = iloc.start + 4;
  const sizes = r.u16(at);
  at += 2;
  const offsetSize = sizes >> 12;
  const lengthSize = (sizes >> 8) & 15;
  const baseOffsetSize = (sizes >> 4) & 15;
  const indexSize = version === 1 || version === 2 ? sizes & 15 : 0;
  const itemCount = version < 2 ? r.u16(at) : r.u32(at);
  at += version < 2 ? 2 : 4;
  for (let i = 0; i < itemCount; i++) {
    const itemId = version < 2 ? r.u16(at) : r.u32(at);
    at += version < 2 ? 2 : 4;
    let method = 0;
    if (version === 1 || version === 2) {
      method = r.u16(at) & 15;
      at += 2;
    }
    at += 2; // data_reference_index
    const base = r.uint(at, baseOffsetSize);
    at += baseOffsetSize;
    const extents = r.u16(at);
    at += 2;
    for (let e = 0; e < extents; e++) {
      at += indexSize;
      const offset = r.uint(at, offsetSize);
      at += offsetSize;
      const length = r.uint(at, lengthSize);
      at += lengthSize;
      if (method === 0 && base + offset + length > len) {
        throw new HeifContainerError(`the data of item ${itemId} runs ${base + offset + length - len} bytes past the end of the file`, true);
      }
    }
    if (at > iloc.end) throw new HeifContainerError('the item locations (iloc) run past their box');
  }
}

/** Property indexes (1-based into ipco) associated with `itemId` in one ipma box. */
function associations(r: Reader, ipma: Box, itemId: number): number[] {
  const version = r.u8(ipma.start);
  const flags = r.u8(ipma.start + 3);
  let at = ipma.start + 4;
  const count = r.u32(at);
  at += 4;
  const out: number[] = [];
  for (let i = 0; i < count && at < ipma.end; i++) {
    const id = version < 1 ? r.u16(at) : r.u32(at);
    at += version < 1 ? 2 : 4;
    const n = r.u8(at);
    at += 1;
    for (let k = 0; k < n; k++) {
      const index = flags & 1 ? r.u16(at) & 0x7fff : r.u8(at) & 0x7f;
      at += flags & 1 ? 2 : 1;
      if (id === itemId && index > 0) out.push(index);
    }
  }
  return out;
}
