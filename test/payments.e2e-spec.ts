// CommonJS packages imported from ESM: the default import is their module.exports.
import jsQrModule from 'jsqr';
import { createServer } from 'node:net';
import pngjs from 'pngjs';
import Stripe from 'stripe';
import { SystemClock } from '../src/common/clock.js';
import { DomainError } from '../src/common/errors.js';
import { APP_CONFIG, type AppConfig } from '../src/config/config.js';
import { StripeGateway, stripeHostOptions } from '../src/payments/card/stripe.gateway.js';
import { crc16CcittFalse } from '../src/payments/vietqr/emvco.js';
import { QrImageService } from '../src/payments/vietqr/qr-image.js';
import { binaryBody, createTestApp, type TestApp } from './harness/app.js';
import { type FakeStripe, signedWebhook, stripeTestUrl } from './harness/fake-stripe.js';

const jsQR = jsQrModule.default;
const { PNG } = pngjs;

/** Real VietQR payloads published in public repositories (the same ones src/payments/vietqr/vietqr.spec.ts cites). */
const REAL = {
  // github.com/subiz/vietqr README.md: VietinBank, 120 000 VND, memo "ung ho lu lut"
  subizReadme:
    '00020101021238570010A00000072701270006970415011300110019324180208QRIBFTTA530370454061200005802VN62170813ung ho lu lut6304C15C',
  // github.com/subiz/vietqr vietqr_test.go: static, no amount
  subizStatic: '00020101021138540010A00000072701240006970423011000999999990208QRIBFTTA53037045802VN6304CBB4',
  // binhnguyenduc/vietqr-ts tests/compliance/napas-dynamic-account.test.ts: NAPAS v1.5.2 dynamic account example
  napasDynamic:
    '00020101021238570010A00000072701270006970403011300110123456780208QRIBFTTA530370454061800005802VN62340107NPS68690819thanh toan don hang63042E2E',
  // trantuan94/vietqrjs vietqrv1.decryptor.spec.ts: NAPAS merchant payment (QRPUSH, MCC, name, city)
  qrPush:
    '00020101021238580010A00000072701300006970403011621129950446040250206QRPUSH52045812530370454061800005802VN5910PHUONG CAC6005HANOI62110307NPS686963047C1B',
};
// giautm/emvqr-go emvqr_test.go: a valid EMVCo payload, but a VNPAY-QR (GUID A000000775 in tag 26)
const VNPAY_QR =
  '00020101021126280010A000000775011001064159995204829953037045802VN5913123VIETNAMESE6005HANOI610610000062290313G7AUTO03 SAPO0708G7AUTO04630458BA';

type Problem = { field: string; problem: string };
const fieldsOf = (body: { details?: Problem[] }) => (body.details ?? []).map((d) => d.field);

function scan(png: Buffer): { data: string; version: number; width: number; height: number } {
  const image = PNG.sync.read(png);
  const code = jsQR(new Uint8ClampedArray(image.data), image.width, image.height);
  if (!code) throw new Error('jsQR found no QR code in the image');
  return { data: code.data, version: code.version, width: image.width, height: image.height };
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as import('node:net').AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function domainError(run: () => Promise<unknown>): Promise<DomainError> {
  try {
    await run();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a DomainError, nothing was thrown');
}

describe('payments (e2e)', () => {
  let t: TestApp;
  let stripeApi: Awaited<ReturnType<typeof stripeTestUrl>>;
  /** The in-process fake (undefined when STRIPE_MOCK_URL points at stripe-mock, which is stateless). */
  let fake: FakeStripe | undefined;
  let gateway: StripeGateway;

  beforeAll(async () => {
    stripeApi = await stripeTestUrl();
    fake = stripeApi.fake;
    t = await createTestApp({ env: { STRIPE_API_BASE: stripeApi.url } });
    gateway = t.app.get(StripeGateway);
  });
  afterAll(async () => {
    await t.close();
    await stripeApi.close();
  });

  describe('POST /vietqr/decode', () => {
    it.each([
      ['subiz/vietqr README (dynamic, VietinBank)', REAL.subizReadme, { initiationMethod: 'dynamic', bankBin: '970415', accountNumber: '0011001932418', amountVnd: 120000, purpose: 'ung ho lu lut', serviceCode: 'QRIBFTTA', crc: 'C15C' }],
      ['subiz/vietqr static', REAL.subizStatic, { initiationMethod: 'static', bankBin: '970423', accountNumber: '0099999999', crc: 'CBB4' }],
      ['NAPAS v1.5.2 dynamic account', REAL.napasDynamic, { bankBin: '970403', accountNumber: '0011012345678', amountVnd: 180000, billNumber: 'NPS6869', purpose: 'thanh toan don hang', crc: '2E2E' }],
      ['NAPAS QRPUSH merchant payment', REAL.qrPush, { serviceCode: 'QRPUSH', merchantCategoryCode: '5812', merchantName: 'PHUONG CAC', merchantCity: 'HANOI', amountVnd: 180000, crc: '7C1B' }],
    ])('decodes %s', async (_name, payload, expected) => {
      const res = await t.http.post('/vietqr/decode').send({ payload }).expect(200);
      expect(res.body).toMatchObject({ payloadFormat: '01', guid: 'A000000727', currency: '704', country: 'VN', ...expected });
      expect(res.body.tags.map((tag: { id: string }) => tag.id)).toContain('38');
      if (!('amountVnd' in expected)) expect(res.body).not.toHaveProperty('amountVnd');
    });

    it('ignores whitespace around the payload (copied from a scanner app)', async () => {
      const res = await t.http.post('/vietqr/decode').send({ payload: `  ${REAL.subizStatic}\n` }).expect(200);
      expect(res.body.crc).toBe('CBB4');
    });

    it('400 naming payload with the CRC reason when one character is corrupted', async () => {
      const corrupted = REAL.subizReadme.replace('lu lut', 'lu lot');
      const expected = crc16CcittFalse(corrupted.slice(0, -4));
      const res = await t.http.post('/vietqr/decode').send({ payload: corrupted }).expect(400);
      expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request', details: [{ field: 'payload', problem: `CRC mismatch: expected ${expected}, found C15C` }] });
    });

    it('400 "not a VietQR" for a valid EMVCo payload of another scheme (VNPAY-QR)', async () => {
      const res = await t.http.post('/vietqr/decode').send({ payload: VNPAY_QR }).expect(400);
      expect(res.body.details).toEqual([
        {
          field: 'payload',
          problem: 'not a VietQR: no tag 38 (merchant account information) with NAPAS GUID A000000727; merchant account templates found: 26 (GUID A000000775)',
        },
      ]);
    });

    it.each([
      ['a missing field', {}, [{ field: 'payload', problem: 'payload is required' }]],
      ['a number', { payload: 12345 }, [{ field: 'payload', problem: 'payload must be a string' }]],
      ['an empty string', { payload: '  ' }, [{ field: 'payload', problem: 'payload must have 1 to 512 characters, has 0' }]],
      ['more than 512 characters', { payload: '0'.repeat(513) }, [{ field: 'payload', problem: 'payload must have 1 to 512 characters, has 513' }]],
      ['an unknown field', { payload: REAL.subizStatic, extra: 1 }, [{ field: 'extra', problem: 'is not an allowed field' }]],
    ])('400 for %s, one problem per field', async (_name, body, details) => {
      const res = await t.http.post('/vietqr/decode').send(body).expect(400);
      expect(res.body.details).toEqual(details);
    });

    it('400 for a body that is not JSON', async () => {
      const malformed = await t.http.post('/vietqr/decode').set('Content-Type', 'application/json').send('{"payload":').expect(400);
      expect(malformed.body.details).toEqual([{ field: 'body', problem: 'is not valid JSON' }]);
      const text = await t.http.post('/vietqr/decode').set('Content-Type', 'text/plain').send(REAL.subizStatic).expect(400);
      expect(fieldsOf(text.body)).toContain('payload');
    });
  });

  describe('POST /vietqr/encode', () => {
    it('builds a dynamic VietQR that decodes back to the same fields, with a working image URL', async () => {
      const input = { bankBin: '970436', accountNumber: '1023456789', amountVnd: 1943000, purpose: 'OCOP7K3M9Q', merchantName: 'HTX CHE TAN CUONG', merchantCity: 'THAI NGUYEN' };
      const enc = await t.http.post('/vietqr/encode').send(input).expect(200);
      expect(enc.body.payload).toMatch(/^000201010212/);
      expect(enc.body.qrImageUrl).toBe(`http://localhost:3000/vietqr/qr.png?payload=${encodeURIComponent(enc.body.payload)}`);
      const dec = await t.http.post('/vietqr/decode').send({ payload: enc.body.payload }).expect(200);
      expect(dec.body).toMatchObject({ ...input, initiationMethod: 'dynamic', serviceCode: 'QRIBFTTA' });

      const path = new URL(enc.body.qrImageUrl).pathname + new URL(enc.body.qrImageUrl).search;
      const img = await t.http.get(path).buffer(true).parse(binaryBody).expect(200);
      expect(scan(img.body as Buffer).data).toBe(enc.body.payload);
    });

    it('builds a static VietQR without an amount, and a card transfer (QRIBFTTC)', async () => {
      const stat = await t.http.post('/vietqr/encode').send({ bankBin: '970423', accountNumber: '0099999999' }).expect(200);
      expect(stat.body.payload).toBe(REAL.subizStatic); // byte for byte the published static example
      const card = await t.http.post('/vietqr/encode').send({ bankBin: '970403', accountNumber: '9704031101234567', service: 'QRIBFTTC' }).expect(200);
      const dec = await t.http.post('/vietqr/decode').send({ payload: card.body.payload }).expect(200);
      expect(dec.body).toMatchObject({ initiationMethod: 'static', serviceCode: 'QRIBFTTC', accountNumber: '9704031101234567' });
      expect(dec.body).not.toHaveProperty('amountVnd');
    });

    it('treats null optional fields as absent', async () => {
      const res = await t.http.post('/vietqr/encode').send({ bankBin: '970423', accountNumber: '0099999999', amountVnd: null, purpose: null }).expect(200);
      expect(res.body.payload).toBe(REAL.subizStatic);
    });

    it('400 naming every invalid field at once, in the codec\'s words', async () => {
      const res = await t.http
        .post('/vietqr/encode')
        .send({ bankBin: '97043', accountNumber: '0011-0019', amountVnd: 0, purpose: 'ủng hộ', merchantName: 'N'.repeat(26), merchantCity: 'C'.repeat(16), service: 'QRPUSH' })
        .expect(400);
      expect(res.body.details).toEqual(
        expect.arrayContaining([
          { field: 'bankBin', problem: 'must be exactly 6 digits (the NAPAS bank BIN, e.g. 970436)' },
          { field: 'accountNumber', problem: 'must be 1 to 19 letters or digits, without spaces or punctuation' },
          { field: 'amountVnd', problem: 'must be between 1 and 9999999999999 VND' },
          { field: 'purpose', problem: 'must be ASCII: "ủ" at index 0 is not (remove Vietnamese diacritics first)' },
          { field: 'merchantName', problem: 'must have 1 to 25 characters, has 26' },
          { field: 'merchantCity', problem: 'must have 1 to 15 characters, has 16' },
          { field: 'service', problem: 'service must be QRIBFTTA (to account) or QRIBFTTC (to card)' },
        ]),
      );
      expect(res.body.details).toHaveLength(7);
    });

    it.each([
      ['required fields missing', {}, [{ field: 'bankBin', problem: 'bankBin is required' }, { field: 'accountNumber', problem: 'accountNumber is required' }]],
      ['an amount sent as a string', { bankBin: '970436', accountNumber: '1023456789', amountVnd: '50000' }, [{ field: 'amountVnd', problem: 'must be a whole number of VND' }]],
      ['a fractional amount', { bankBin: '970436', accountNumber: '1023456789', amountVnd: 1000.5 }, [{ field: 'amountVnd', problem: 'must be a whole number of VND' }]],
      ['a memo with punctuation', { bankBin: '970436', accountNumber: '1023456789', purpose: 'DH#12' }, [{ field: 'purpose', problem: '"#" at index 2 is not allowed: use only letters A-Z, digits and spaces' }]],
      ['a card service with an account number', { bankBin: '970436', accountNumber: '1023456789', service: 'QRIBFTTC' }, [{ field: 'accountNumber', problem: 'a card number must be 16 to 19 digits' }]],
      ['an unknown field', { bankBin: '970436', accountNumber: '1023456789', memo: 'x' }, [{ field: 'memo', problem: 'is not an allowed field' }]],
    ])('400 for %s', async (_name, body, details) => {
      const res = await t.http.post('/vietqr/encode').send(body).expect(400);
      expect(res.body.details).toEqual(details);
    });
  });

  describe('GET /vietqr/qr.png and qr.svg', () => {
    const pngPath = (payload: string, extra = '') => `/vietqr/qr.png?payload=${encodeURIComponent(payload)}${extra}`;

    it('renders a PNG that scans back to the payload: error correction M, 4-module quiet zone, 8 px per module', async () => {
      const res = await t.http.get(pngPath(REAL.napasDynamic)).buffer(true).parse(binaryBody).expect(200);
      expect(res.headers['content-type']).toBe('image/png');
      expect(res.headers['cache-control']).toBe('private, max-age=300');
      expect(res.headers.etag).toMatch(/^"[A-Za-z0-9_-]{43}"$/); // strong (no W/), SHA-256 in base64url
      const qr = scan(res.body as Buffer);
      expect(qr.data).toBe(REAL.napasDynamic);
      const modules = 17 + 4 * qr.version;
      expect(qr.width).toBe((modules + 2 * 4) * 8);
      expect(qr.height).toBe(qr.width);

      const small = await t.http.get(pngPath(REAL.napasDynamic, '&scale=4')).buffer(true).parse(binaryBody).expect(200);
      expect(scan(small.body as Buffer)).toMatchObject({ data: REAL.napasDynamic, width: (modules + 8) * 4 });
      expect(small.headers.etag).not.toBe(res.headers.etag);
    });

    it('answers 304 without a body when If-None-Match holds the ETag (weak comparison), 200 otherwise', async () => {
      const first = await t.http.get(pngPath(REAL.subizReadme)).buffer(true).parse(binaryBody).expect(200);
      const etag = first.headers.etag as string;
      const again = await t.http.get(pngPath(REAL.subizReadme)).set('If-None-Match', etag).expect(304);
      expect(again.headers.etag).toBe(etag);
      expect(again.headers['cache-control']).toBe('private, max-age=300');
      expect(again.text ?? '').toBe('');
      await t.http.get(pngPath(REAL.subizReadme)).set('If-None-Match', `"other", W/${etag}`).expect(304);
      await t.http.get(pngPath(REAL.subizReadme)).set('If-None-Match', '"something-else"').expect(200);
      const repeat = await t.http.get(pngPath(REAL.subizReadme)).buffer(true).parse(binaryBody).expect(200);
      expect(repeat.headers.etag).toBe(etag);
      expect(Buffer.compare(repeat.body as Buffer, first.body as Buffer)).toBe(0);
    });

    it('renders SVG with its own content type and ETag', async () => {
      const png = await t.http.get(pngPath(REAL.qrPush)).buffer(true).parse(binaryBody).expect(200);
      const res = await t.http.get(`/vietqr/qr.svg?payload=${encodeURIComponent(REAL.qrPush)}`).buffer(true).parse(binaryBody).expect(200);
      expect(res.headers['content-type']).toBe('image/svg+xml; charset=utf-8');
      expect(res.headers.etag).toMatch(/^"[A-Za-z0-9_-]{43}"$/);
      expect(res.headers.etag).not.toBe(png.headers.etag);
      const svg = (res.body as Buffer).toString('utf8');
      expect(svg).toMatch(/^<svg[^>]+xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
      expect(svg).toContain('<path');
      await t.http.get(`/vietqr/qr.svg?payload=${encodeURIComponent(REAL.qrPush)}`).set('If-None-Match', res.headers.etag as string).expect(304);
    });

    it.each([
      ['a corrupted payload', pngPath(REAL.subizReadme.replace('lu lut', 'lu lot')), 'payload', /^CRC mismatch/],
      ['a VNPAY-QR', pngPath(VNPAY_QR), 'payload', /^not a VietQR/],
      ['plain text', pngPath('https://example.com/phishing'), 'payload', /must start with "000201"/],
      ['a payload over 512 characters', pngPath('0'.repeat(513)), 'payload', /512/],
      ['no payload', '/vietqr/qr.png', 'payload', /./],
      ['a scale of 0', pngPath(REAL.subizStatic, '&scale=0'), 'scale', /^scale must be a whole number from 1 to 16$/],
      ['a scale of 17', pngPath(REAL.subizStatic, '&scale=17'), 'scale', /^scale must be a whole number from 1 to 16$/],
      ['a scale that is not a number', pngPath(REAL.subizStatic, '&scale=big'), 'scale', /^scale must be a whole number from 1 to 16$/],
    ])('400 for %s, and nothing drawn', async (_name, path, field, problem) => {
      const res = await t.http.get(path).expect(400);
      expect(res.headers['content-type']).toMatch(/application\/json/);
      expect(res.body.details).toEqual([{ field, problem: expect.stringMatching(problem) }]);
    });

    it('caches renders: the same payload is drawn once (LRU, bounded)', async () => {
      const qr = t.app.get(QrImageService);
      const payload = REAL.qrPush;
      const a = await qr.png(payload);
      const b = await qr.png(payload);
      expect(b).toBe(a); // the same Buffer: served from the cache
      expect(qr.etag(payload, 'png')).toBe(qr.etag(payload, 'png'));
      expect(qr.etag(payload, 'png')).not.toBe(qr.etag(payload, 'svg'));
      expect(qr.etag(payload, 'png')).not.toBe(qr.etag(payload, 'png', { scale: 4 }));
      const before = qr.cacheSize;
      for (let i = 0; i < 600; i++) await qr.svg(`${payload}#${i}`); // any string renders through the service
      expect(qr.cacheSize).toBeLessThanOrEqual(500);
      expect(qr.cacheSize).toBeGreaterThanOrEqual(Math.min(500, before));
    });
  });

  describe('StripeGateway (card payments)', () => {
    const order = (amountVnd: number, orderId = 'ord-0001') => ({ orderId, amountVnd, description: `Đơn hàng ${orderId}`, metadata: { checkoutId: 'chk-1' } });
    /** Stripe.js would confirm in the browser; tests confirm through the SDK against the same API. */
    const browser = () => new Stripe('sk_test_123', { ...stripeHostOptions(stripeApi.url), maxNetworkRetries: 0 });

    it('creates a VND PaymentIntent: amount = VND exactly (zero-decimal), card only, orderId in metadata, our idempotency key', async () => {
      const pi = await gateway.createPaymentIntent(order(1_943_000), 'test:create:1');
      expect(pi).toMatchObject({ status: 'requires_payment_method', amountVnd: 1_943_000, currency: 'vnd', amountReceivedVnd: 0, latestChargeId: null });
      expect(pi.id).toMatch(/^pi_/);
      expect(pi.clientSecret).toMatch(/_secret_/);
      expect(pi.metadata).toMatchObject({ orderId: 'ord-0001', checkoutId: 'chk-1' });
      if (fake) {
        const stored = fake.paymentIntents.get(pi.id)!;
        expect(stored).toMatchObject({ object: 'payment_intent', amount: 1_943_000, currency: 'vnd', allowed_payment_method_types: ['card'], livemode: false, description: 'Đơn hàng ord-0001' });
        expect(pi.clientSecret.startsWith(`${pi.id}_secret_`)).toBe(true);
        const sent = fake.requests.filter((r) => r.method === 'POST' && r.path === '/v1/payment_intents').at(-1)!;
        expect(sent.idempotencyKey).toBe('test:create:1');
        expect(sent.params).toMatchObject({ amount: '1943000', currency: 'vnd', metadata: { orderId: 'ord-0001' } });
      }
    });

    it('an idempotent repeat returns the same PaymentIntent; another key makes another one', async () => {
      const first = await gateway.createPaymentIntent(order(250_000, 'ord-idem'), 'test:idem:1');
      const count = fake?.paymentIntents.size;
      const repeat = await gateway.createPaymentIntent(order(250_000, 'ord-idem'), 'test:idem:1');
      expect(repeat.id).toBe(first.id);
      expect(repeat.clientSecret).toBe(first.clientSecret);
      if (fake) {
        expect(fake.paymentIntents.size).toBe(count);
        const other = await gateway.createPaymentIntent(order(250_000, 'ord-idem'), 'test:idem:2');
        expect(other.id).not.toBe(first.id);
        // Same key, different body: 409 (Stripe answers 400 idempotency_error).
        const e = await domainError(() => gateway.createPaymentIntent(order(260_000, 'ord-idem'), 'test:idem:1'));
        expect(e).toMatchObject({ kind: 'conflict', code: 'idempotency_key_reused' });
      }
    });

    it('retrieves, then refunds a paid PaymentIntent (partially, idempotently, never more than was paid)', async () => {
      const created = await gateway.createPaymentIntent(order(500_000, 'ord-refund'), 'test:refund:pi');
      const read = await gateway.retrievePaymentIntent(created.id);
      expect(read.id).toBe(created.id);
      if (!fake) return; // stripe-mock is stateless: no confirm → succeeded, no refundable state
      expect(read).toMatchObject({ status: 'requires_payment_method', amountVnd: 500_000, currency: 'vnd', metadata: { orderId: 'ord-refund' } });

      const notPaid = await domainError(() => gateway.createRefund({ paymentIntentId: created.id, amountVnd: 1000 }, 'test:refund:early'));
      expect(notPaid).toMatchObject({ kind: 'conflict', code: 'charge_not_refundable' });

      await browser().paymentIntents.confirm(created.id, { payment_method: 'pm_card_visa' });
      const paid = await gateway.retrievePaymentIntent(created.id);
      expect(paid).toMatchObject({ status: 'succeeded', amountReceivedVnd: 500_000 });
      expect(paid.latestChargeId).toMatch(/^ch_/);

      const refund = await gateway.createRefund({ paymentIntentId: created.id, amountVnd: 200_000, reason: 'requested_by_customer', metadata: { orderId: 'ord-refund' } }, 'test:refund:1');
      expect(refund).toEqual({ id: expect.stringMatching(/^re_/), status: 'succeeded', amountVnd: 200_000, paymentIntentId: created.id });
      expect(fake.refunds.get(refund.id)).toMatchObject({ object: 'refund', amount: 200_000, currency: 'vnd', charge: paid.latestChargeId, reason: 'requested_by_customer', metadata: { orderId: 'ord-refund' } });
      const again = await gateway.createRefund({ paymentIntentId: created.id, amountVnd: 200_000, reason: 'requested_by_customer', metadata: { orderId: 'ord-refund' } }, 'test:refund:1');
      expect(again.id).toBe(refund.id);

      const tooMuch = await domainError(() => gateway.createRefund({ paymentIntentId: created.id, amountVnd: 300_001 }, 'test:refund:2'));
      expect(tooMuch).toMatchObject({ kind: 'invalid', details: [{ field: 'amountVnd', problem: 'Refund amount (₫300,001) is greater than unrefunded amount on charge (₫300,000)' }] });
      const rest = await gateway.createRefund({ paymentIntentId: created.id, amountVnd: 300_000 }, 'test:refund:3');
      expect(rest.amountVnd).toBe(300_000);
      const done = await domainError(() => gateway.createRefund({ paymentIntentId: created.id, amountVnd: 1 }, 'test:refund:4'));
      expect(done).toMatchObject({ kind: 'conflict', code: 'charge_already_refunded' });

      const cannotCancel = await domainError(() => gateway.cancelPaymentIntent(created.id));
      expect(cannotCancel).toMatchObject({ kind: 'conflict', code: 'payment_intent_unexpected_state' });
    });

    it('cancels an unpaid PaymentIntent', async () => {
      const created = await gateway.createPaymentIntent(order(120_000, 'ord-cancel'), 'test:cancel:pi');
      const canceled = await gateway.cancelPaymentIntent(created.id);
      expect(canceled.id).toBe(created.id);
      if (fake) expect(canceled.status).toBe('canceled');
    });

    it('a declined card is a 409 with Stripe\'s message', async () => {
      if (!fake) return;
      const created = await gateway.createPaymentIntent(order(99_000, 'ord-declined'), 'test:declined:pi');
      await expect(browser().paymentIntents.confirm(created.id, { payment_method: 'pm_card_chargeDeclined' })).rejects.toMatchObject({ type: 'StripeCardError', code: 'card_declined' });
      expect(await gateway.retrievePaymentIntent(created.id)).toMatchObject({ status: 'requires_payment_method' });
    });

    it('maps Stripe\'s answers: unknown object → 404, rejected parameter → 400 naming our field', async () => {
      if (fake) {
        expect(await domainError(() => gateway.retrievePaymentIntent('pi_doesnotexist'))).toMatchObject({ kind: 'not_found' });
        const huge = await domainError(() => gateway.createPaymentIntent(order(100_000_000), 'test:huge'));
        expect(huge).toMatchObject({ kind: 'invalid', details: [{ field: 'amountVnd', problem: 'Amount must be no more than ₫99,999,999' }] });
      }
    });

    it('rejects bad input before calling Stripe', async () => {
      const before = fake?.requests.length;
      for (const amountVnd of [0, -1, 1000.5, Number.NaN]) {
        expect(await domainError(() => gateway.createPaymentIntent(order(amountVnd), 'test:bad'))).toMatchObject({ kind: 'invalid', details: [{ field: 'amountVnd' }] });
      }
      expect(await domainError(() => gateway.createPaymentIntent(order(1000), ''))).toMatchObject({ details: [{ field: 'idempotencyKey' }] });
      expect(await domainError(() => gateway.retrievePaymentIntent('../v1/refunds'))).toMatchObject({ details: [{ field: 'paymentIntentId' }] });
      expect(await domainError(() => gateway.createRefund({ paymentIntentId: 'ch_123', amountVnd: 1 }, 'k'))).toMatchObject({ details: [{ field: 'paymentIntentId' }] });
      expect(fake?.requests.length).toBe(before);
    });

    it('Stripe answering 5xx → Unavailable (503) after the SDK\'s retries, with one idempotency key throughout', async () => {
      if (!fake) return;
      fake.setOutage(500);
      try {
        const before = fake.requests.length;
        const e = await domainError(() => gateway.createPaymentIntent(order(10_000, 'ord-outage'), 'test:outage'));
        expect(e).toMatchObject({ kind: 'unavailable' });
        expect(e.message).toMatch(/^Card payments are unavailable: Stripe failed to create the PaymentIntent \(HTTP 500\)/);
        const attempts = fake.requests.slice(before);
        expect(attempts).toHaveLength(3); // 1 + maxNetworkRetries 2
        expect(new Set(attempts.map((r) => r.idempotencyKey))).toEqual(new Set(['test:outage']));
      } finally {
        fake.setOutage(null);
      }
      // After the outage, the same key creates the PaymentIntent (nothing was saved under it).
      expect((await gateway.createPaymentIntent(order(10_000, 'ord-outage'), 'test:outage')).amountVnd).toBe(10_000);
    });

    it('a wrong API key → Unavailable (an operator problem, not the buyer\'s)', async () => {
      if (!fake) return;
      const config = t.app.get<AppConfig>(APP_CONFIG);
      const misconfigured = new StripeGateway({ ...config, stripeApiKey: 'sk_live_not_for_tests' }, new SystemClock());
      const e = await domainError(() => misconfigured.retrievePaymentIntent('pi_123'));
      expect(e).toMatchObject({ kind: 'unavailable' });
      expect(e.message).toMatch(/refused the platform's credentials/);
    });

    it('Stripe unreachable → the app still boots, and card operations are Unavailable (503)', async () => {
      const down = await createTestApp({ env: { STRIPE_API_BASE: `http://127.0.0.1:${await closedPort()}` } });
      try {
        const e = await domainError(() => down.app.get(StripeGateway).createPaymentIntent(order(10_000), 'test:down'));
        expect(e).toMatchObject({ kind: 'unavailable', code: 'unavailable' });
        expect(e.message).toMatch(/^Card payments are unavailable: could not reach Stripe to create the PaymentIntent/);
        await down.http.get('/health/live').expect(200);
      } finally {
        await down.close();
      }
    });

    it('refuses a STRIPE_API_BASE with a path (the SDK would silently drop it)', () => {
      expect(() => stripeHostOptions('http://localhost:12111/stripe')).toThrow(/scheme, host and port only/);
      expect(stripeHostOptions('http://localhost:12111/')).toEqual({ protocol: 'http', host: 'localhost', port: 12111 });
      expect(stripeHostOptions('https://stripe.internal')).toEqual({ protocol: 'https', host: 'stripe.internal', port: 443 });
      expect(stripeHostOptions(undefined)).toEqual({});
    });
  });

  describe('POST /webhooks/stripe', () => {
    const piEvent = async (type: 'payment_intent.succeeded' | 'payment_intent.payment_failed') => {
      const pi = await gateway.createPaymentIntent({ orderId: 'ord-webhook', amountVnd: 350_000, description: 'webhook test' }, `test:webhook:${type}:${Math.random()}`);
      if (fake) return fake.paymentIntentEvent(pi.id, type);
      return { id: `evt_${Date.now()}`, object: 'event', type, created: Math.floor(Date.now() / 1000), livemode: false, data: { object: { id: pi.id, object: 'payment_intent', amount: 350_000, currency: 'vnd' } } };
    };
    const deliver = (body: string, header?: string, contentType = 'application/json') => {
      const req = t.http.post('/webhooks/stripe').set('Content-Type', contentType);
      return (header === undefined ? req : req.set('Stripe-Signature', header)).send(body);
    };

    it('delivers a correctly signed event to the handler registered for its type', async () => {
      const received: Stripe.PaymentIntentSucceededEvent[] = [];
      const off = gateway.onEvent('payment_intent.succeeded', async (event) => {
        received.push(event);
      });
      try {
        const event = await piEvent('payment_intent.succeeded');
        const { body, header } = signedWebhook(event);
        const res = await deliver(body, header).expect(200);
        expect(res.body).toEqual({ received: true, eventId: event.id, type: 'payment_intent.succeeded', handled: true });
        expect(received).toHaveLength(1);
        expect(received[0]).toEqual(JSON.parse(body));
        expect(received[0].data.object).toMatchObject({ object: 'payment_intent', amount: 350_000, currency: 'vnd' });
      } finally {
        off();
      }
    });

    it('acknowledges (200) and ignores an event type nobody handles', async () => {
      const event = fake ? fake.event('customer.created', { id: 'cus_123', object: 'customer' } as Stripe.Customer) : { id: 'evt_x', object: 'event', type: 'customer.created', data: { object: {} } };
      const { body, header } = signedWebhook(event);
      const res = await deliver(body, header).expect(200);
      expect(res.body).toMatchObject({ received: true, type: 'customer.created', handled: false });
    });

    it('answers 500 when a handler fails, so Stripe redelivers; the redelivery succeeds once the handler does', async () => {
      let fail = true;
      const seen: string[] = [];
      const off = gateway.onEvent('payment_intent.payment_failed', async (event) => {
        seen.push(event.id);
        if (fail) throw new Error('database unavailable');
      });
      try {
        const { body, header } = signedWebhook(await piEvent('payment_intent.payment_failed'));
        const res = await deliver(body, header).expect(500);
        expect(res.body).toMatchObject({ statusCode: 500, error: 'Internal Server Error' });
        expect(res.body.message).toMatch(/^Handling payment_intent\.payment_failed evt_\w+ failed; Stripe will redeliver it$/);
        fail = false;
        await deliver(body, header).expect(200);
        expect(seen).toHaveLength(2);
        expect(seen[0]).toBe(seen[1]);
      } finally {
        off();
      }
    });

    it.each<[string, (body: string, header: string) => [string, string | undefined], string]>([
      ['a missing Stripe-Signature header', (body) => [body, undefined], 'header is missing'],
      ['an empty Stripe-Signature header', (body) => [body, ''], 'header is missing'],
      ['a signature made with another secret', (body) => [body, signedWebhook(JSON.parse(body), { secret: 'whsec_attacker' }).header], 'does not match the body (wrong signing secret, or the body was altered)'],
      ['an altered body', (body, header) => [body.replace('350000', '3500'), header], 'does not match the body (wrong signing secret, or the body was altered)'],
      ['a malformed header', (body) => [body, 'sha256=abc'], 'is malformed: expected t=<timestamp>,v1=<signature>'],
      ['a delivery signed 10 minutes ago (replay)', (body) => [body, signedWebhook(JSON.parse(body), { timestamp: Math.floor(Date.now() / 1000) - 600 }).header], 'is older than 300 seconds (replayed or delayed delivery)'],
    ])('400 naming Stripe-Signature for %s, and no handler runs', async (_name, tamper, problem) => {
      const calls: string[] = [];
      const off = gateway.onEvent('payment_intent.succeeded', async (event) => {
        calls.push(event.id);
      });
      try {
        const signed = signedWebhook(await piEvent('payment_intent.succeeded'));
        expect(signed.body).toContain('350000');
        const [body, header] = tamper(signed.body, signed.header);
        const res = await deliver(body, header).expect(400);
        expect(res.body).toMatchObject({ statusCode: 400, details: [{ field: 'Stripe-Signature', problem }] });
        expect(calls).toEqual([]);
      } finally {
        off();
      }
    });

    it('400 when the body is not the raw JSON event (wrong content type)', async () => {
      const { body, header } = signedWebhook(await piEvent('payment_intent.succeeded'));
      const res = await deliver(body, header, 'text/plain').expect(400);
      expect(fieldsOf(res.body)).toEqual(['body']);
    });
  });

  it('documents the endpoints in OpenAPI', async () => {
    const doc = (await t.http.get('/docs-json').expect(200)).body;
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/vietqr/decode', '/vietqr/encode', '/vietqr/qr.png', '/vietqr/qr.svg', '/webhooks/stripe']));
    expect(doc.components.schemas).toHaveProperty('VietQrDecodedDto');
    expect(doc.components.schemas).toHaveProperty('EncodeVietQrDto');
    expect(doc.components.schemas.EncodeVietQrDto.required).toEqual(expect.arrayContaining(['bankBin', 'accountNumber']));
    expect(doc.paths['/vietqr/qr.png'].get.responses['200'].content).toHaveProperty('image/png');
  });
});
