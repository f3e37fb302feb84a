-- The checkout side of checkout_db, as the Checkout Service's confirm saga uses it.
--
-- 1. The outbox takes the shape the shared outbox writer and relay (service-kit) read and write: the payload is
--    the event's JSON (protobuf JSON of an events.v1 message), and rows name no aggregate type (they are all
--    checkouts). Nothing wrote to this table before this version, so the conversion moves no data.
-- 2. Checkouts remember what repricing needs (tax region, promotion codes), the shipping methods offered, the
--    confirmed order as it was answered, how a failed saga ended, and who runs the saga now: the run number
--    (bumped by every start or takeover, it fences a runner that lost the checkout) and the lease (a runner
--    renews it with every step; once it lapses, a retry or the recovery verticle may take over).

ALTER TABLE outbox ALTER COLUMN aggregate_type SET DEFAULT 'checkout';
ALTER TABLE outbox ALTER COLUMN payload TYPE jsonb USING convert_from(payload, 'UTF8')::jsonb;

-- Lets a relay check cheaply whether an aggregate has older rows still waiting.
CREATE INDEX outbox_unpublished_by_aggregate ON outbox (aggregate_id, id)
    WHERE published_at IS NULL;

ALTER TABLE checkouts
    -- The tax region the frozen totals were computed for (the cart's, or the shipping address's when known).
    ADD COLUMN region            text        NOT NULL DEFAULT '',
    -- The cart's promotion codes when frozen, in the order they were applied.
    ADD COLUMN promotion_codes   jsonb       NOT NULL DEFAULT '[]'::jsonb CHECK (jsonb_typeof(promotion_codes) = 'array'),
    -- The shipping methods offered for the current destination: id, name, price, estimated days.
    ADD COLUMN shipping_methods  jsonb       NOT NULL DEFAULT '[]'::jsonb CHECK (jsonb_typeof(shipping_methods) = 'array'),
    -- The order ConfirmCheckout answered with (checkout.v1.Order as protobuf JSON); a retry answers it again.
    ADD COLUMN confirmed_order   jsonb,
    -- For a failed checkout: the step that failed and the gRPC status its reply carried (e.g. FAILED_PRECONDITION).
    ADD COLUMN failed_step       text,
    ADD COLUMN failure_status    text,
    -- The steps whose compensation ran, in the order they ran.
    ADD COLUMN compensated_steps jsonb       NOT NULL DEFAULT '[]'::jsonb CHECK (jsonb_typeof(compensated_steps) = 'array'),
    ADD COLUMN saga_run          int         NOT NULL DEFAULT 0 CHECK (saga_run >= 0),
    ADD COLUMN lease_until       timestamptz,
    -- The idempotency key of the last change applied, so its retry changes nothing.
    ADD COLUMN last_request_key  text;

-- The recovery verticle looks for confirming checkouts whose lease lapsed.
CREATE INDEX checkouts_confirming_by_lease ON checkouts (lease_until)
    WHERE status = 'confirming';

-- Which run of the saga a step row belongs to (a checkout reopened after an outage runs again).
ALTER TABLE checkout_saga_steps
    ADD COLUMN run int NOT NULL DEFAULT 1 CHECK (run >= 1);
