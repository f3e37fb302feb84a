-- order_db as the monolithic Order service had it: the cart, checkout and return tables that the split moves into
-- checkout_db and return_db. Kept here so the migration can be built and tested against the real shape; production
-- order_db already has these tables (baseline it, do not run this there).
--
-- The monolith's habits, which the migration has to undo (see order-adapter/README.md, "Column mapping"):
--   * ids are UUID strings in varchar(36) columns, child rows have bigserial surrogate keys;
--   * money is numeric(12,2) in the currency's major unit (12.99), not minor units;
--   * statuses and kinds are upper-case strings, some with other words than the new services use
--     (a checkout is PENDING/PROCESSING, a return PENDING/RECEIVED);
--   * timestamps are "timestamp without time zone" holding UTC wall-clock time;
--   * optional text is NULL where the new schemas use '' (and the other way round);
--   * a checkout's lines are a JSON array with decimal amounts.
-- Tables are created unqualified: Flyway runs this in the schema it is given.

-- Carts ----------------------------------------------------------------------------------------------------------

CREATE TABLE carts (
    id                varchar(36)   PRIMARY KEY,
    customer_id       varchar(64),
    status            varchar(20)   NOT NULL DEFAULT 'ACTIVE',   -- ACTIVE, MERGED, CONVERTED, ABANDONED
    currency_code     char(3)       NOT NULL DEFAULT 'USD',
    region_code       varchar(16),
    version           integer       NOT NULL DEFAULT 1,
    merged_into_id    varchar(36),
    order_id          varchar(64),
    created_at        timestamp     NOT NULL DEFAULT (now() AT TIME ZONE 'UTC'),
    updated_at        timestamp     NOT NULL DEFAULT (now() AT TIME ZONE 'UTC'),
    -- Added late; rows older than the column have NULL here (their updated_at is the last activity).
    last_activity_at  timestamp,
    abandoned_at      timestamp
);

CREATE INDEX idx_carts_customer ON carts (customer_id);

CREATE TABLE cart_items (
    id             bigserial     PRIMARY KEY,
    cart_id        varchar(36)   NOT NULL REFERENCES carts (id),
    product_id     varchar(64)   NOT NULL,
    category_id    varchar(64),
    product_name   varchar(255),
    quantity       integer       NOT NULL,
    unit_price     numeric(12,2) NOT NULL,
    currency_code  char(3)       NOT NULL DEFAULT 'USD',
    created_at     timestamp     NOT NULL DEFAULT (now() AT TIME ZONE 'UTC'),
    CONSTRAINT uq_cart_items_product UNIQUE (cart_id, product_id)
);

CREATE TABLE cart_promotions (
    id              bigserial     PRIMARY KEY,
    cart_id         varchar(36)   NOT NULL REFERENCES carts (id),
    promotion_code  varchar(64)   NOT NULL,
    applied_at      timestamp     NOT NULL DEFAULT (now() AT TIME ZONE 'UTC'),
    CONSTRAINT uq_cart_promotions_code UNIQUE (cart_id, promotion_code)
);

-- Checkouts ------------------------------------------------------------------------------------------------------

CREATE TABLE checkouts (
    id                  varchar(36)   PRIMARY KEY,
    cart_id             varchar(36)   NOT NULL,
    customer_id         varchar(64),
    cart_version        integer       NOT NULL DEFAULT 0,
    status              varchar(20)   NOT NULL DEFAULT 'PENDING',  -- PENDING, PROCESSING, COMPLETED, FAILED, EXPIRED
    currency_code       char(3)       NOT NULL DEFAULT 'USD',
    subtotal            numeric(12,2) NOT NULL DEFAULT 0,
    discount_total      numeric(12,2),
    shipping_cost       numeric(12,2) NOT NULL DEFAULT 0,
    tax_total           numeric(12,2) NOT NULL DEFAULT 0,
    grand_total         numeric(12,2) NOT NULL DEFAULT 0,
    prices_include_tax  boolean       NOT NULL DEFAULT false,
    -- [{"product_id", "product_name", "category_id", "quantity", "unit_price", "line_subtotal", "line_discount",
    --   "order_discount", "tax_amount", "line_total"}], amounts as decimal numbers
    line_items          jsonb,
    shipping_method     varchar(64),
    reservation_id      varchar(64),
    reservation_expires timestamp,
    payment_method_id   varchar(64),
    payment_auth_id     varchar(64),
    order_id            varchar(64),
    failure_reason      text,
    version             integer       NOT NULL DEFAULT 0,
    created_at          timestamp     NOT NULL DEFAULT (now() AT TIME ZONE 'UTC'),
    updated_at          timestamp     NOT NULL DEFAULT (now() AT TIME ZONE 'UTC')
);

CREATE INDEX idx_checkouts_cart ON checkouts (cart_id);

CREATE TABLE checkout_addresses (
    id             bigserial     PRIMARY KEY,
    checkout_id    varchar(36)   NOT NULL REFERENCES checkouts (id),
    address_type   varchar(10)   NOT NULL,   -- SHIPPING, BILLING
    full_name      varchar(255)  NOT NULL,
    address_line1  varchar(255)  NOT NULL,
    address_line2  varchar(255),
    city           varchar(128)  NOT NULL,
    state          varchar(64),
    zip_code       varchar(16),
    country        varchar(2)    NOT NULL,   -- sometimes lower case
    phone          varchar(32),
    CONSTRAINT uq_checkout_addresses_type UNIQUE (checkout_id, address_type)
);

-- Returns --------------------------------------------------------------------------------------------------------

CREATE TABLE return_requests (
    id                varchar(36)   PRIMARY KEY,
    order_id          varchar(64)   NOT NULL,
    customer_id       varchar(64)   NOT NULL,
    -- PENDING, APPROVED, REJECTED, RECEIVED, REFUNDED, COMPLETED, CANCELLED
    status            varchar(20)   NOT NULL DEFAULT 'PENDING',
    return_type       varchar(20)   NOT NULL DEFAULT 'REFUND',     -- REFUND, EXCHANGE, STORE_CREDIT
    rejection_reason  text,
    customer_note     text,
    currency_code     char(3)       NOT NULL DEFAULT 'USD',
    refund_estimate   numeric(12,2),
    version           integer       NOT NULL DEFAULT 1,
    created_at        timestamp     NOT NULL DEFAULT (now() AT TIME ZONE 'UTC'),
    updated_at        timestamp     NOT NULL DEFAULT (now() AT TIME ZONE 'UTC')
);

CREATE INDEX idx_return_requests_order ON return_requests (order_id);
CREATE INDEX idx_return_requests_customer ON return_requests (customer_id);

CREATE TABLE return_items (
    id                   bigserial     PRIMARY KEY,
    return_request_id    varchar(36)   NOT NULL REFERENCES return_requests (id),
    order_item_id        varchar(64)   NOT NULL,
    product_id           varchar(64)   NOT NULL,
    category_id          varchar(64),
    quantity             integer       NOT NULL,
    -- DAMAGED, DEFECTIVE, WRONG_ITEM, NOT_AS_DESCRIBED, CHANGED_MIND, OTHER
    reason               varchar(32)   NOT NULL,
    reason_note          text,
    exchange_product_id  varchar(64),
    quantity_received    integer       NOT NULL DEFAULT 0,
    item_condition       varchar(32),
    inspection_passed    boolean,
    refund_amount        numeric(12,2),
    restocking_fee       numeric(12,2),
    CONSTRAINT uq_return_items_order_item UNIQUE (return_request_id, order_item_id)
);

CREATE TABLE return_status_history (
    id                 bigserial     PRIMARY KEY,
    return_request_id  varchar(36)   NOT NULL REFERENCES return_requests (id),
    from_status        varchar(20),
    to_status          varchar(20)   NOT NULL,
    changed_by         varchar(64),
    comment            text,
    created_at         timestamp     NOT NULL DEFAULT (now() AT TIME ZONE 'UTC')
);

CREATE INDEX idx_return_status_history_return ON return_status_history (return_request_id, id);

CREATE TABLE return_refunds (
    id                 varchar(36)   PRIMARY KEY,
    return_request_id  varchar(36)   NOT NULL REFERENCES return_requests (id),
    order_id           varchar(64)   NOT NULL,
    refund_type        varchar(20)   NOT NULL DEFAULT 'REFUND',    -- REFUND, STORE_CREDIT, EXCHANGE
    status             varchar(20)   NOT NULL DEFAULT 'PENDING',   -- PENDING, COMPLETED, FAILED
    amount             numeric(12,2) NOT NULL,
    shipping_refund    numeric(12,2),
    currency_code      char(3)       NOT NULL DEFAULT 'USD',
    idempotency_key    varchar(128)  NOT NULL,
    payment_refund_id  varchar(64),
    exchange_order_id  varchar(64),
    attempts           integer       NOT NULL DEFAULT 0,
    last_error         text,
    created_at         timestamp     NOT NULL DEFAULT (now() AT TIME ZONE 'UTC'),
    completed_at       timestamp,
    CONSTRAINT uq_return_refunds_return UNIQUE (return_request_id),
    CONSTRAINT uq_return_refunds_key UNIQUE (idempotency_key)
);

CREATE TABLE return_shipping (
    id                 bigserial     PRIMARY KEY,
    return_request_id  varchar(36)   NOT NULL REFERENCES return_requests (id),
    carrier            varchar(32)   NOT NULL,
    tracking_number    varchar(64)   NOT NULL,
    label_url          text,
    created_at         timestamp     NOT NULL DEFAULT (now() AT TIME ZONE 'UTC'),
    CONSTRAINT uq_return_shipping_return UNIQUE (return_request_id)
);
