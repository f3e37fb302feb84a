-- One live checkout per cart, held by the database.
--
-- Two StartCheckout calls racing on one cart could each see no open checkout and insert one, and two confirmations
-- of those would become two orders and two charges. A cart's live checkout is therefore the one its slot names:
-- a start takes the slot (and expires the older open checkouts) and a confirmation claims a checkout only while the
-- slot names it. Both lock the slot row first, so starts and claims of one cart are serialized by PostgreSQL.
--
-- A slot rather than a unique index over checkouts: the backfill copies the Order service's historic checkouts,
-- several of them open or processing for one cart, and those must stay as they were.

CREATE TABLE checkout_cart_slots (
    cart_id     text        PRIMARY KEY,
    -- The cart's live checkout: the only one that may be confirmed.
    checkout_id text        NOT NULL UNIQUE,
    updated_at  timestamptz NOT NULL DEFAULT now()
);

-- Checkouts already live when this runs keep their place: the one confirming, else the newest open one.
INSERT INTO checkout_cart_slots (cart_id, checkout_id, updated_at)
SELECT DISTINCT ON (cart_id) cart_id, checkout_id, updated_at
FROM checkouts
WHERE status IN ('open', 'confirming')
ORDER BY cart_id, (status = 'confirming') DESC, created_at DESC;
