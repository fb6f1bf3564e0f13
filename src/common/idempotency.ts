import { Injectable } from '@nestjs/common';
import { createCipheriv, createDecipheriv, createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { Conflict, InvalidInput } from './errors.js';

/**
 * Idempotency-Key semantics (SPEC "Conventions", after Stripe): a repeat with the same key and body
 * returns the first response; the same key with another body is 409; two concurrent requests with
 * one key do the work once (the second waits on the first's row lock, then replays its response).
 *
 * The claim, the work and the stored response commit in ONE transaction, so a failed request leaves
 * no trace and can be retried with the same key.
 */
export interface StoredResponse<T> {
  status: number;
  body: T;
}

const KEY_RE = /^[\x21-\x7e]{1,255}$/;

export function validateIdempotencyKey(key: string | undefined): string | undefined {
  if (key === undefined) return undefined;
  if (!KEY_RE.test(key)) throw InvalidInput.field('Idempotency-Key', 'must be 1–255 printable ASCII characters without spaces');
  return key;
}

/** Canonical JSON (sorted keys) so that field order does not make two equal bodies differ. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v as object)
      .sort()
      .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

function sealKey(scope: string, key: string): Buffer {
  return createHash('sha256').update(`ocop-idempotency\u0000${scope}\u0000${key}`).digest();
}

export function seal(scope: string, key: string, value: unknown): Buffer {
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', sealKey(scope, key), iv);
  const data = Buffer.concat([c.update(JSON.stringify(value), 'utf8'), c.final()]);
  return Buffer.concat([iv, c.getAuthTag(), data]);
}

export function unseal<T>(scope: string, key: string, sealed: Buffer): T {
  const d = createDecipheriv('aes-256-gcm', sealKey(scope, key), sealed.subarray(0, 12));
  d.setAuthTag(sealed.subarray(12, 28));
  return JSON.parse(Buffer.concat([d.update(sealed.subarray(28)), d.final()]).toString('utf8')) as T;
}

@Injectable()
export class IdempotencyService {
  requestHash(body: unknown): Buffer {
    return createHash('sha256').update(canonicalJson(body)).digest();
  }

  /**
   * Claims (scope, key) in `manager`'s transaction. Returns the stored response when the key was
   * already used with this body; throws Conflict when it was used with another body; returns null when
   * the caller now owns the key and must call `complete` in the same transaction.
   */
  async claim<T>(manager: EntityManager, scope: string, key: string, body: unknown): Promise<StoredResponse<T> | null> {
    const hash = this.requestHash(body);
    const inserted = await manager.query(
      `INSERT INTO idempotency_keys (scope, key, request_hash) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING key`,
      [scope, key, hash],
    );
    if (inserted.length) return null;
    const [row] = await manager.query(`SELECT request_hash, response_status, response_sealed FROM idempotency_keys WHERE scope = $1 AND key = $2`, [scope, key]);
    if (!row || !timingSafeEqual(row.request_hash, hash)) {
      throw new Conflict('This Idempotency-Key was already used with a different request body', 'idempotency_key_reused', [
        { field: 'Idempotency-Key', problem: 'was already used with a different request body' },
      ]);
    }
    return { status: row.response_status, body: unseal<T>(scope, key, row.response_sealed) };
  }

  async complete(manager: EntityManager, scope: string, key: string, resourceId: string | null, response: StoredResponse<unknown>): Promise<void> {
    await manager.query(
      `UPDATE idempotency_keys SET resource_id = $3, response_status = $4, response_sealed = $5, completed_at = now() WHERE scope = $1 AND key = $2`,
      [scope, key, resourceId, response.status, seal(scope, key, response.body)],
    );
  }
}
