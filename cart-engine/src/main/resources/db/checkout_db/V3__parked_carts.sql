-- checkout_db: carts the write-behind could not store, set aside so that one bad cart never stops persistence for
-- the others. PostgreSQL refused the row (a CHECK, a value out of range, a missing value) or the cart the change
-- stream carried could not be read. One row per cart, the newest refused version; the write-behind deletes it once a
-- version at least as new is stored. Operators list and replay them on the Checkout Service's admin port
-- (GET /parked-carts, POST /parked-carts/{cart_id}/replay, POST /parked-carts/replay-all) or with
-- `./cartwright parked list|replay <cart_id>|replay-all`.

CREATE TABLE parked_carts (
    cart_id         text        PRIMARY KEY,
    -- The refused version. Until a version at least this new is stored, the cart keeps no idle TTL in Redis.
    version         bigint      NOT NULL CHECK (version >= 0),
    -- The change-stream entry that carried it.
    entry_id        text        NOT NULL,
    -- Why: the database's message, or why the cart could not be read.
    reason          text        NOT NULL,
    -- The SQLSTATE when the database refused the row (e.g. 23514 for a CHECK), NULL otherwise.
    sql_state       text,
    -- The cart as refused, as JSON (header, lines, promotions); NULL when it could not be read.
    cart            jsonb,
    parked_at       timestamptz NOT NULL,
    replay_attempts int         NOT NULL DEFAULT 0 CHECK (replay_attempts >= 0),
    last_replay_at  timestamptz
);

-- Listed oldest first.
CREATE INDEX parked_carts_by_time ON parked_carts (parked_at);
