-- return_db: returns, their items, status history, refunds and labels; the transactional outbox; de-duplication of
-- consumed events; and the local projection of delivered (and shipped) orders that eligibility is decided from.

-- ---- Order projection (from order.shipped / order.delivered, or the Order service as a fallback) ---------------

CREATE TABLE order_projection (
    order_id          text PRIMARY KEY,
    customer_id       text        NOT NULL,
    -- "shipped" or "delivered" (a delivered order never goes back to shipped)
    status            text        NOT NULL,
    currency          text        NOT NULL,
    shipping_minor    bigint      NOT NULL DEFAULT 0 CHECK (shipping_minor >= 0),
    grand_total_minor bigint      NOT NULL CHECK (grand_total_minor >= 0),
    payment_reference text        NOT NULL DEFAULT '',
    shipped_at        timestamptz,
    delivered_at      timestamptz,
    -- "event" (Kafka) or "order_service" (fetched through GetOrder when no event had arrived)
    source            text        NOT NULL,
    updated_at        timestamptz NOT NULL
);

CREATE TABLE order_projection_items (
    order_id         text   NOT NULL REFERENCES order_projection (order_id) ON DELETE CASCADE,
    order_item_id    text   NOT NULL,
    product_id       text   NOT NULL,
    category_id      text   NOT NULL DEFAULT '',
    quantity         int    NOT NULL CHECK (quantity > 0),
    unit_price_minor bigint NOT NULL,
    -- line and allocated order discounts on the whole line
    discount_minor   bigint NOT NULL DEFAULT 0,
    tax_minor        bigint NOT NULL DEFAULT 0,
    -- what the customer paid for the whole line
    total_minor      bigint NOT NULL CHECK (total_minor >= 0),
    PRIMARY KEY (order_id, order_item_id)
);

-- Consumed events, so a redelivered event changes nothing; written in the same transaction as the projection.
CREATE TABLE processed_events (
    event_id     text PRIMARY KEY,
    event_type   text        NOT NULL,
    processed_at timestamptz NOT NULL
);

-- ---- Returns ------------------------------------------------------------------------------------------------

CREATE TABLE return_requests (
    return_id        text PRIMARY KEY,
    order_id         text        NOT NULL,
    customer_id      text        NOT NULL,
    status           text        NOT NULL CHECK (status IN
                         ('requested', 'approved', 'rejected', 'items_received', 'refunded', 'completed', 'cancelled')),
    resolution       text        NOT NULL CHECK (resolution IN ('refund', 'exchange', 'store_credit')),
    rejection_reason text        NOT NULL DEFAULT '',
    note             text        NOT NULL DEFAULT '',
    -- the client's key for a retried CreateReturnRequest (per customer)
    idempotency_key  text,
    currency         text        NOT NULL,
    -- what the refund would be for the units asked for, as quoted when the return was made (the refund itself is
    -- computed again from the units received when it is created)
    refund_estimate_minor bigint NOT NULL DEFAULT 0,
    -- every change bumps it; updates are guarded by it
    version          bigint      NOT NULL,
    created_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL,
    UNIQUE (customer_id, idempotency_key)
);

CREATE INDEX return_requests_by_customer ON return_requests (customer_id, created_at DESC, return_id DESC);
CREATE INDEX return_requests_by_order ON return_requests (order_id, created_at DESC, return_id DESC);

CREATE TABLE return_items (
    return_id               text    NOT NULL REFERENCES return_requests (return_id),
    order_item_id           text    NOT NULL,
    product_id              text    NOT NULL,
    category_id             text    NOT NULL DEFAULT '',
    quantity                int     NOT NULL CHECK (quantity > 0),
    reason                  text    NOT NULL CHECK (reason IN
                                ('damaged', 'defective', 'wrong_item', 'not_as_described', 'changed_mind', 'other')),
    note                    text    NOT NULL DEFAULT '',
    exchange_product_id     text    NOT NULL DEFAULT '',
    quantity_received       int     NOT NULL DEFAULT 0 CHECK (quantity_received >= 0 AND quantity_received <= quantity),
    condition               text    NOT NULL DEFAULT '',
    passed_inspection       boolean NOT NULL DEFAULT false,
    -- fixed when the refund is created: this line's share, and the restocking fee kept from it
    refund_amount_minor     bigint,
    restocking_fee_minor    bigint,
    -- restocking at the warehouse of units that passed inspection: none, pending (to be sent), done
    restock_status          text    NOT NULL DEFAULT 'none' CHECK (restock_status IN ('none', 'pending', 'done')),
    restock_attempts        int     NOT NULL DEFAULT 0,
    restock_last_error      text    NOT NULL DEFAULT '',
    restock_next_attempt_at timestamptz,
    PRIMARY KEY (return_id, order_item_id)
);

CREATE INDEX return_items_restock_due ON return_items (restock_next_attempt_at) WHERE restock_status = 'pending';

CREATE TABLE return_status_history (
    id          bigserial PRIMARY KEY,
    return_id   text        NOT NULL REFERENCES return_requests (return_id),
    -- null when the return was created
    from_status text,
    to_status   text        NOT NULL,
    actor       text        NOT NULL,
    reason      text        NOT NULL DEFAULT '',
    at          timestamptz NOT NULL
);

CREATE INDEX return_status_history_by_return ON return_status_history (return_id, id);

-- How a return is settled: money back (kind refund), store credit, or a replacement order (exchange). One per return;
-- the idempotency key ("{return_id}:refund", ":store_credit", ":exchange") is what makes ProcessRefund idempotent.
CREATE TABLE return_refunds (
    refund_id         text PRIMARY KEY,
    return_id         text        NOT NULL UNIQUE REFERENCES return_requests (return_id),
    order_id          text        NOT NULL,
    kind              text        NOT NULL CHECK (kind IN ('refund', 'store_credit', 'exchange')),
    status            text        NOT NULL CHECK (status IN ('pending', 'completed', 'failed')),
    amount_minor      bigint      NOT NULL CHECK (amount_minor >= 0),
    -- the part of amount_minor that is the order's original shipping (refunded at most once per order)
    shipping_minor    bigint      NOT NULL DEFAULT 0 CHECK (shipping_minor >= 0),
    currency          text        NOT NULL,
    idempotency_key   text        NOT NULL UNIQUE,
    payment_refund_id text        NOT NULL DEFAULT '',
    exchange_order_id text        NOT NULL DEFAULT '',
    attempts          int         NOT NULL DEFAULT 0,
    last_error        text        NOT NULL DEFAULT '',
    next_attempt_at   timestamptz,
    created_at        timestamptz NOT NULL,
    completed_at      timestamptz
);

CREATE INDEX return_refunds_due ON return_refunds (next_attempt_at) WHERE status = 'pending';
CREATE INDEX return_refunds_by_order ON return_refunds (order_id);

CREATE TABLE return_shipping (
    return_id       text PRIMARY KEY REFERENCES return_requests (return_id),
    carrier         text        NOT NULL,
    tracking_number text        NOT NULL,
    label_url       text        NOT NULL DEFAULT '',
    created_at      timestamptz NOT NULL
);

-- ---- Transactional outbox (relayed to Kafka by dev.cartwright.service.outbox.OutboxRelay) ----------------------

CREATE TABLE outbox (
    id           bigserial PRIMARY KEY,
    event_id     uuid        NOT NULL UNIQUE,
    aggregate_id text        NOT NULL,
    event_type   text        NOT NULL,
    payload      jsonb       NOT NULL,
    created_at   timestamptz NOT NULL,
    published_at timestamptz
);

CREATE INDEX outbox_unpublished ON outbox (id) WHERE published_at IS NULL;
CREATE INDEX outbox_unpublished_by_aggregate ON outbox (aggregate_id, id) WHERE published_at IS NULL;
