import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { InvalidInput } from './errors.js';

/** `?limit=` (default 20, max 100) and an opaque `?cursor=`. */
export class PageQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;

  @ApiPropertyOptional({ description: 'Opaque cursor from a previous page (nextCursor)' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  cursor?: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export function pageSchema(itemRef: string): Record<string, unknown> {
  return {
    type: 'object',
    required: ['items', 'nextCursor'],
    properties: { items: { type: 'array', items: { $ref: `#/components/schemas/${itemRef}` } }, nextCursor: { type: 'string', nullable: true } },
  };
}

export class PageMeta {
  @ApiProperty({ nullable: true, type: String })
  nextCursor!: string | null;
}

type CursorValue = string | number | null;

/** Cursors are base64url JSON arrays of the sort key values of the last row (keyset pagination). */
export function encodeCursor(values: CursorValue[]): string {
  return Buffer.from(JSON.stringify(values), 'utf8').toString('base64url');
}

/**
 * Decodes a cursor and checks its shape against `kinds` ('s' string, 'n' number, 'n?' nullable number);
 * anything else is a 400 naming `cursor`.
 */
export function decodeCursor(cursor: string, kinds: Array<'s' | 'n' | 'n?' | 's?'>): CursorValue[] {
  const bad = () => InvalidInput.field('cursor', 'is not a valid cursor for this list');
  let parsed: unknown;
  try {
    if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw bad();
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw bad();
  }
  if (!Array.isArray(parsed) || parsed.length !== kinds.length) throw bad();
  parsed.forEach((v, i) => {
    const k = kinds[i];
    const nullable = k.endsWith('?');
    if (v === null && nullable) return;
    if (k.startsWith('s') && typeof v !== 'string') throw bad();
    if (k.startsWith('n') && (typeof v !== 'number' || !Number.isFinite(v))) throw bad();
  });
  return parsed as CursorValue[];
}

export function pageLimit(limit?: number): number {
  return limit ?? 20;
}

/** Given `limit + 1` rows, returns the page and the cursor of its last row when more exist. */
export function toPage<R, T>(rows: R[], limit: number, map: (r: R) => T, cursorOf: (r: R) => CursorValue[]): Page<T> {
  const more = rows.length > limit;
  const pageRows = more ? rows.slice(0, limit) : rows;
  return {
    items: pageRows.map(map),
    nextCursor: more ? encodeCursor(cursorOf(pageRows[pageRows.length - 1])) : null,
  };
}
