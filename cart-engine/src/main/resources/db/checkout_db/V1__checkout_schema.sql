-- checkout_db: the durable side of carts (written behind from Redis), checkouts with their persisted
-- confirm saga, the transactional outbox for checkout events, and consumer de-duplication.
--
-- Conventions: money is bigint minor units next to an ISO 4217 currency; ids are text (minted by the
-- services); every timestamp is timestamptz; status values are the lower-case names of the
-- checkout.v1 enums. Tables are created unqualified: Flyway runs this in the schema it is given.
-- There is deliberately no foreign key from checkouts to carts: a cart row reaches PostgreSQL through
-- the asynchronous write-behind, so a checkout may be stored before its cart is.

-- Carts --------------------------------------------------------------------------------------------

CREATE TABLE carts (
    cart_id            text        PRIMARY KEY,
    -- NULL for a guest cart.
    customer_id        text,
    status             text        NOT NULL CHECK (status IN ('active', 'merged', 'converted', 'abandoned')),
    currency           text        NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    -- Tax region the cart is priced for.
    region             text,
    -- Bumped by every change in Redis; the write-behind only ever moves it forward
    -- (INSERT ... ON CONFLICT DO UPDATE ... WHERE carts.version < excluded.version).
    version            bigint      NOT NULL CHECK (version >= 0),
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    last_activity_at   timestamptz NOT NULL DEFAULT now(),
    abandoned_at       timestamptz,
    -- The cart this one was folded into by MergeCarts.
    merged_into        text,
    converted_order_id text,
    CONSTRAINT carts_merged_has_target CHECK (status <> 'merged' OR merged_into IS NOT NULL),
    CONSTRAINT carts_abandoned_has_time CHECK (status <> 'abandoned' OR abandoned_at IS NOT NULL),
    CONSTRAINT carts_not_merged_into_itself CHECK (merged_into IS NULL OR merged_into <> cart_id)
);

-- A customer has at most one active cart; guests (NULL customer) are not limited.
CREATE UNIQUE INDEX carts_one_active_per_customer ON carts (customer_id)
    WHERE status = 'active' AND customer_id IS NOT NULL;

-- The abandonment sweeper scans active carts idle since before a cut-off.
CREATE INDEX carts_active_by_last_activity ON carts (last_activity_at)
    WHERE status = 'active';

CREATE TABLE cart_items (
    cart_id          text        NOT NULL REFERENCES carts (cart_id) ON DELETE CASCADE,
    product_id       text        NOT NULL,
    category_id      text,
    -- Display name as the catalog gave it when the line was added; NULL when unknown.
    name             text,
    quantity         int         NOT NULL CHECK (quantity BETWEEN 1 AND 999),
    unit_price_minor bigint      NOT NULL CHECK (unit_price_minor >= 0),
    currency         text        NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    added_at         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (cart_id, product_id)
);

CREATE TABLE cart_promotions (
    cart_id    text        NOT NULL REFERENCES carts (cart_id) ON DELETE CASCADE,
    code       text        NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (cart_id, code)
);

-- Checkouts ----------------------------------------------------------------------------------------

CREATE TABLE checkouts (
    checkout_id              text        PRIMARY KEY,
    cart_id                  text        NOT NULL,
    customer_id              text,
    -- The cart version this checkout froze; confirming re-checks it.
    cart_version             bigint      NOT NULL CHECK (cart_version >= 0),
    status                   text        NOT NULL CHECK (status IN ('open', 'confirming', 'completed', 'failed', 'expired')),
    currency                 text        NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    -- Totals as computed when frozen (and again when repriced), in minor units of currency.
    subtotal_minor           bigint      NOT NULL DEFAULT 0 CHECK (subtotal_minor >= 0),
    discount_minor           bigint      NOT NULL DEFAULT 0 CHECK (discount_minor >= 0),
    shipping_minor           bigint      NOT NULL DEFAULT 0 CHECK (shipping_minor >= 0),
    tax_minor                bigint      NOT NULL DEFAULT 0 CHECK (tax_minor >= 0),
    grand_total_minor        bigint      NOT NULL DEFAULT 0 CHECK (grand_total_minor >= 0),
    -- True when prices include tax in the region (tax is then part of the subtotal).
    tax_inclusive            boolean     NOT NULL DEFAULT false,
    -- The frozen lines: product, name, category, quantity, unit price, line totals.
    lines                    jsonb       NOT NULL DEFAULT '[]'::jsonb CHECK (jsonb_typeof(lines) = 'array'),
    shipping_method_id       text,
    shipping_amount_minor    bigint      CHECK (shipping_amount_minor >= 0),
    reservation_id           text,
    reservation_expires_at   timestamptz,
    payment_method_id        text,
    payment_authorization_id text,
    order_id                 text,
    failure_reason           text,
    -- The saga step running or last finished; the detail is in checkout_saga_steps.
    saga_step                text,
    -- Optimistic concurrency: every update is guarded by the version read and bumps it.
    version                  bigint      NOT NULL DEFAULT 0 CHECK (version >= 0),
    -- The key StartCheckout was called with, so a retried start returns the same checkout.
    idempotency_key          text,
    created_at               timestamptz NOT NULL DEFAULT now(),
    updated_at               timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT checkouts_completed_has_order CHECK (status <> 'completed' OR order_id IS NOT NULL)
);

CREATE INDEX checkouts_by_cart ON checkouts (cart_id);

CREATE UNIQUE INDEX checkouts_start_idempotency ON checkouts (cart_id, idempotency_key)
    WHERE idempotency_key IS NOT NULL;

-- One order per checkout and no order claimed by two checkouts.
CREATE UNIQUE INDEX checkouts_by_order ON checkouts (order_id)
    WHERE order_id IS NOT NULL;

-- The recovery verticle resumes sagas left confirming by a crash, oldest first.
CREATE INDEX checkouts_confirming_by_updated ON checkouts (updated_at)
    WHERE status = 'confirming';

-- Open checkouts whose stock reservation runs out are expired by a sweeper.
CREATE INDEX checkouts_open_by_reservation_expiry ON checkouts (reservation_expires_at)
    WHERE status = 'open';

CREATE TABLE checkout_addresses (
    checkout_id  text NOT NULL REFERENCES checkouts (checkout_id) ON DELETE CASCADE,
    kind         text NOT NULL CHECK (kind IN ('shipping', 'billing')),
    name         text NOT NULL,
    line1        text NOT NULL,
    line2        text,
    city         text NOT NULL,
    region       text,
    -- Not every country has postal codes.
    postal_code  text,
    -- ISO 3166-1 alpha-2.
    country_code text NOT NULL CHECK (country_code ~ '^[A-Z]{2}$'),
    phone        text,
    PRIMARY KEY (checkout_id, kind)
);

-- The confirm saga, recorded before and after every step (and every compensation), so a crash can be
-- resumed from the last recorded step and each outbound call re-sent with the same idempotency key.
CREATE TABLE checkout_saga_steps (
    checkout_id text        NOT NULL REFERENCES checkouts (checkout_id) ON DELETE CASCADE,
    -- e.g. reprice, extend_reservation, authorize_payment, create_order, convert_cart, publish_events,
    -- and compensations such as void_authorization, release_reservation.
    step        text        NOT NULL,
    status      text        NOT NULL CHECK (status IN ('started', 'succeeded', 'failed', 'compensated')),
    attempt     int         NOT NULL DEFAULT 1 CHECK (attempt >= 1),
    -- What the step learned or why it failed (authorization id, decline reason, ...).
    detail      text,
    started_at  timestamptz NOT NULL DEFAULT now(),
    finished_at timestamptz,
    PRIMARY KEY (checkout_id, step, attempt),
    CONSTRAINT saga_step_finished_when_done CHECK ((status = 'started') = (finished_at IS NULL))
);

-- Events -------------------------------------------------------------------------------------------

-- Transactional outbox: written in the same transaction as the change it announces, relayed to Kafka
-- in id order by the relay verticle, which sets published_at once Kafka acknowledged the record.
CREATE TABLE outbox (
    id             bigserial   PRIMARY KEY,
    aggregate_type text        NOT NULL,
    -- The Kafka record key: one aggregate's events stay in order.
    aggregate_id   text        NOT NULL,
    event_type     text        NOT NULL,
    -- The CloudEvent id; consumers de-duplicate on it.
    event_id       uuid        NOT NULL UNIQUE,
    -- The serialized event (protobuf, events.v1).
    payload        bytea       NOT NULL,
    -- Extra CloudEvent attributes and trace context.
    headers        jsonb       NOT NULL DEFAULT '{}'::jsonb,
    created_at     timestamptz NOT NULL DEFAULT now(),
    published_at   timestamptz
);

-- The relay reads only what is still to be published (SELECT ... FOR UPDATE SKIP LOCKED ORDER BY id).
CREATE INDEX outbox_unpublished ON outbox (id)
    WHERE published_at IS NULL;

-- Events a consumer has already handled, written in the same transaction as the handling; a redelivered
-- event finds its row and is skipped. Ids are text: not every producer's event ids are UUIDs.
CREATE TABLE processed_events (
    consumer     text        NOT NULL,
    event_id     text        NOT NULL,
    processed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer, event_id)
);

-- Lets old rows be pruned once no redelivery can reach them.
CREATE INDEX processed_events_by_time ON processed_events (processed_at);
