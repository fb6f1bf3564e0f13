import { canonicalJson, seal, unseal, validateIdempotencyKey } from './idempotency.js';

describe('idempotency helpers', () => {
  it('canonical JSON ignores key order and undefined fields', () => {
    expect(canonicalJson({ b: 1, a: [{ y: 2, x: 1 }], c: undefined })).toBe(canonicalJson({ a: [{ x: 1, y: 2 }], b: 1 }));
    expect(canonicalJson({ a: 1 })).not.toBe(canonicalJson({ a: '1' }));
  });

  it('seals a response so that only the same scope and key open it', () => {
    const sealed = seal('checkout', 'k-1', { token: 'secret' });
    expect(sealed.toString('utf8')).not.toContain('secret');
    expect(unseal('checkout', 'k-1', sealed)).toEqual({ token: 'secret' });
    expect(() => unseal('checkout', 'k-2', sealed)).toThrow();
    expect(() => unseal('refund', 'k-1', sealed)).toThrow();
  });

  it.each(['', 'with space', 'x'.repeat(256), 'naïve'])('rejects key %p naming the header', (k) => {
    expect(() => validateIdempotencyKey(k)).toThrow(expect.objectContaining({ details: [expect.objectContaining({ field: 'Idempotency-Key' })] }));
  });

  it('accepts UUIDs and absent keys', () => {
    expect(validateIdempotencyKey('3f1c1f5e-0b7a-4c55-9a43-6d6c4b8a9f00')).toBe('3f1c1f5e-0b7a-4c55-9a43-6d6c4b8a9f00');
    expect(validateIdempotencyKey(undefined)).toBeUndefined();
  });
});
