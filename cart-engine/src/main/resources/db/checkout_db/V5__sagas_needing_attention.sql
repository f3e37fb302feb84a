-- Sagas that need attention.
--
-- A confirmation that has not finished within CARTWRIGHT_SAGA_ATTENTION_AFTER (a neighbour down for long, an
-- outcome that stays unknown) stops being retried automatically and waits for staff: attention_since says since
-- when, attention_reason what the saga last ran into. ConfirmCheckout then answers FAILED_PRECONDITION instead of
-- UNAVAILABLE, so nobody retries forever. `./cartwright sagas retry <checkout_id>` clears the mark and records when,
-- so the bound counts again from there.

ALTER TABLE checkouts
    ADD COLUMN attention_since      timestamptz,
    ADD COLUMN attention_reason     text,
    ADD COLUMN attention_retried_at timestamptz;

CREATE INDEX checkouts_needing_attention ON checkouts (attention_since)
    WHERE attention_since IS NOT NULL;
