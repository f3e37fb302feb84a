-- StartCheckout's and ConfirmCheckout's idempotency keys.
--
-- A key belongs to one request: the row keeps the key as the service scopes it to its caller (k- and a digest of
-- the caller and the client's key, so two callers' identical keys are two rows and no client key can be one of the
-- saga's own keys), a fingerprint of the RPC and its body, and the checkout the request started or confirmed. The
-- same key with the same fingerprint answers with that checkout; with another fingerprint it is INVALID_ARGUMENT.
-- A row is small and bounded (a 24-character key, a 22-character fingerprint, an id) and is kept for 24 h: the
-- saga recovery deletes older rows in batches and reports how many are kept (cartwright.checkout.idempotency.keys).
--
-- checkouts.idempotency_key (StartCheckout's raw key, unique per cart and kept forever) is no longer written.

CREATE TABLE checkout_request_keys (
    request_key  text        PRIMARY KEY,
    fingerprint  text        NOT NULL,
    checkout_id  text        NOT NULL,
    created_at   timestamptz NOT NULL
);

CREATE INDEX checkout_request_keys_created_at ON checkout_request_keys (created_at);
