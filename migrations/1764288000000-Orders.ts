import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Checkout and orders: checkouts, orders (one per cooperative), their items (product snapshots),
 * payments (VietQR or card), refunds, the order event log, idempotency keys and processed webhook events.
 */
export class Orders1764288000000 implements MigrationInterface {
  name = 'Orders1764288000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE checkouts (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        payment_method text NOT NULL CHECK (payment_method IN ('vietqr','card')),
        buyer jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);

    await q.query(`
      CREATE TABLE orders (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        code text NOT NULL,
        checkout_id uuid NOT NULL REFERENCES checkouts(id),
        cooperative_id uuid NOT NULL REFERENCES cooperatives(id),
        buyer_name text NOT NULL,
        buyer_phone text NOT NULL,
        buyer_email text,
        buyer_address jsonb NOT NULL,
        total_vnd bigint NOT NULL CHECK (total_vnd > 0),
        status text NOT NULL CHECK (status IN ('pending_payment','paid','processing','shipped','completed','expired','cancelled','refunded')),
        access_token_hash bytea NOT NULL,
        payment_expires_at timestamptz NOT NULL,
        paid_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT orders_code_key UNIQUE (code)
      )`);
    await q.query(`CREATE INDEX orders_checkout_idx ON orders (checkout_id)`);
    await q.query(`CREATE INDEX orders_cooperative_idx ON orders (cooperative_id, created_at DESC, id DESC)`);
    await q.query(`CREATE INDEX orders_cooperative_status_idx ON orders (cooperative_id, status, created_at DESC, id DESC)`);
    // The expiry sweeper reads only pending orders, oldest deadline first.
    await q.query(`CREATE INDEX orders_pending_expiry_idx ON orders (payment_expires_at) WHERE status = 'pending_payment'`);

    await q.query(`
      CREATE TABLE order_items (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        order_id uuid NOT NULL REFERENCES orders(id),
        product_id uuid NOT NULL REFERENCES products(id),
        name text NOT NULL,
        unit text NOT NULL,
        sku text NOT NULL,
        price_vnd bigint NOT NULL CHECK (price_vnd > 0),
        qty integer NOT NULL CHECK (qty > 0),
        line_total_vnd bigint NOT NULL CHECK (line_total_vnd = price_vnd * qty)
      )`);
    await q.query(`CREATE INDEX order_items_order_idx ON order_items (order_id)`);
    await q.query(`CREATE INDEX order_items_product_idx ON order_items (product_id)`);

    await q.query(`
      CREATE TABLE payments (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        order_id uuid NOT NULL REFERENCES orders(id),
        method text NOT NULL CHECK (method IN ('vietqr','card')),
        status text NOT NULL CHECK (status IN ('pending','succeeded','failed','expired','cancelled','refunded','partially_refunded')),
        amount_vnd bigint NOT NULL CHECK (amount_vnd > 0),
        received_vnd bigint NOT NULL DEFAULT 0 CHECK (received_vnd >= 0),
        refunded_vnd bigint NOT NULL DEFAULT 0 CHECK (refunded_vnd >= 0),
        reference text,
        bank_bin text,
        account_number text,
        account_name text,
        qr_payload text,
        stripe_payment_intent_id text,
        stripe_client_secret text,
        failure_message text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT payments_order_key UNIQUE (order_id),
        CONSTRAINT payments_reference_key UNIQUE (reference),
        CONSTRAINT payments_stripe_pi_key UNIQUE (stripe_payment_intent_id),
        CONSTRAINT payments_vietqr_fields CHECK (method <> 'vietqr' OR (reference IS NOT NULL AND qr_payload IS NOT NULL AND account_number IS NOT NULL))
      )`);

    await q.query(`
      CREATE TABLE refunds (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        order_id uuid NOT NULL REFERENCES orders(id),
        payment_id uuid NOT NULL REFERENCES payments(id),
        method text NOT NULL CHECK (method IN ('card','bank_transfer')),
        status text NOT NULL CHECK (status IN ('pending','succeeded','failed','owed')),
        amount_vnd bigint NOT NULL CHECK (amount_vnd > 0),
        reason text,
        stripe_refund_id text,
        created_by text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT refunds_stripe_key UNIQUE (stripe_refund_id)
      )`);
    await q.query(`CREATE INDEX refunds_order_idx ON refunds (order_id, created_at)`);

    await q.query(`
      CREATE TABLE order_events (
        id bigserial PRIMARY KEY,
        order_id uuid NOT NULL REFERENCES orders(id),
        from_status text,
        to_status text NOT NULL,
        actor text NOT NULL,
        reason text,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX order_events_order_idx ON order_events (order_id, id)`);

    await q.query(`
      CREATE TABLE idempotency_keys (
        scope text NOT NULL,
        key text NOT NULL,
        request_hash bytea NOT NULL,
        resource_id uuid,
        response_status integer,
        -- AES-256-GCM sealed with a key derived from the Idempotency-Key itself: only a client that
        -- presents the key again can read it back (checkout responses carry order access tokens).
        response_sealed bytea,
        created_at timestamptz NOT NULL DEFAULT now(),
        completed_at timestamptz,
        PRIMARY KEY (scope, key)
      )`);

    await q.query(`
      CREATE TABLE webhook_events (
        source text NOT NULL,
        event_id text NOT NULL,
        type text NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (source, event_id)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['webhook_events', 'idempotency_keys', 'order_events', 'refunds', 'payments', 'order_items', 'orders', 'checkouts']) {
      await q.query(`DROP TABLE ${t}`);
    }
  }
}
