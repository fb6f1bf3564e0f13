/**
 * BACKGROUND_JOBS decides whether an app instance runs background work (a cluster primary gives it
 * to one worker). Today that is the payment-expiry sweep: with the switch off, an overdue order stays
 * pending; with it on, the sweep expires it on its own timer.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { ManualClock } from '../src/common/clock.js';
import { createTestApp, type TestApp } from './harness/app.js';
import { buyer, createCooperative, createProduct } from './harness/fixtures.js';

async function overdueOrder(t: TestApp, clock: ManualClock): Promise<string> {
  const coop = await createCooperative(t);
  const product = await createProduct(t, coop.key, { stockQty: 5 });
  const res = await t.http.post('/checkout').send({ buyer: buyer(), items: [{ productId: product, qty: 2 }], paymentMethod: 'vietqr' }).expect(201);
  clock.advance(16 * 60_000); // past PAYMENT_TTL_MINUTES (15)
  return res.body.orders[0].id as string;
}

const status = async (t: TestApp, id: string) => (await t.db.query('SELECT status FROM orders WHERE id = $1', [id])).rows[0].status as string;

describe('BACKGROUND_JOBS (e2e)', () => {
  it('off: the instance never sweeps', async () => {
    const clock = new ManualClock(new Date('2026-11-27T03:00:00Z'));
    const t = await createTestApp({ clock, env: { BACKGROUND_JOBS: 'false', ORDER_EXPIRY_SWEEP_SECONDS: '1' } });
    try {
      const id = await overdueOrder(t, clock);
      await sleep(2500); // two and a half sweep intervals
      expect(await status(t, id)).toBe('pending_payment');
    } finally {
      await t.close();
    }
  });

  it('on: the instance expires overdue orders on its own', async () => {
    const clock = new ManualClock(new Date('2026-11-27T03:00:00Z'));
    const t = await createTestApp({ clock, env: { BACKGROUND_JOBS: 'true', ORDER_EXPIRY_SWEEP_SECONDS: '1' } });
    try {
      const id = await overdueOrder(t, clock);
      let s = await status(t, id);
      for (let i = 0; i < 50 && s !== 'expired'; i++) {
        await sleep(100);
        s = await status(t, id);
      }
      expect(s).toBe('expired');
    } finally {
      await t.close();
    }
  });
});
