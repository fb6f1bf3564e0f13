import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { isUtcInstant } from './dates.js';
import { QueryInt } from './dto.js';
import { InvalidInput } from './errors.js';

/** `?limit=` (default 20, max 100) and an opaque `?cursor=`. */
export class PageQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 20, type: 'integer' })
  @IsOptional()
  @QueryInt()
  @IsInt({ message: 'limit must be a whole number' })
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

/**
 * What one position of a cursor holds: 's' a string, 'n' a finite number, 't' a UTC instant
 * (`Date.toISOString()`, or PostgreSQL's microseconds), 'u' a UUID; '?' allows null. Every value
 * is checked here, before it reaches SQL: a cursor is client input like any other.
 */
export type CursorKind = 's' | 'n' | 't' | 'u' | 's?' | 'n?';

const CURSOR_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function cursorValueOk(v: unknown, kind: CursorKind): boolean {
  if (v === null) return kind.endsWith('?');
  switch (kind[0]) {
    case 'n':
      return typeof v === 'number' && Number.isFinite(v);
    case 't':
      return isUtcInstant(v);
    case 'u':
      return typeof v === 'string' && CURSOR_UUID.test(v);
    default:
      // PostgreSQL text cannot hold NUL.
      return typeof v === 'string' && !v.includes('\u0000');
  }
}

/** Cursors are base64url JSON arrays of the sort key values of the last row (keyset pagination). */
export function encodeCursor(values: CursorValue[]): string {
  return Buffer.from(JSON.stringify(values), 'utf8').toString('base64url');
}

/** Decodes a cursor and checks every value against `kinds`; anything else is a 400 naming `cursor`. */
export function decodeCursor(cursor: string, kinds: CursorKind[]): CursorValue[] {
  const bad = () => InvalidInput.field('cursor', 'is not a valid cursor for this list');
  let parsed: unknown;
  try {
    if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw bad();
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw bad();
  }
  if (!Array.isArray(parsed) || parsed.length !== kinds.length) throw bad();
  if (!parsed.every((v, i) => cursorValueOk(v, kinds[i]))) throw bad();
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
