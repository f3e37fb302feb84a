-- The order_db migration's own bookkeeping, kept in each new database (checkout_db, return_db) next to the tables it
-- fills, so that a chunk's rows and its checkpoint commit in one transaction. Applied by the migration tool (and by a
-- service that uses the DualWriter) with its own Flyway history table, order_migration_history, so it never mixes
-- with the service's own migrations.

-- How far a pass of a copying step got: the last root id of the last chunk committed. A pass that reached the end has
-- finished_at set; the next run of the step starts a new pass from the beginning.
CREATE TABLE migration_checkpoints (
    step          text        NOT NULL,   -- backfill (order_db -> new) or backfill_to_legacy (new -> order_db)
    table_name    text        NOT NULL,   -- the aggregate's root table: carts, checkouts, return_requests
    last_key      text,                   -- NULL before the first chunk of a pass
    chunks        bigint      NOT NULL DEFAULT 0,
    rows_written  bigint      NOT NULL DEFAULT 0,
    pass          int         NOT NULL DEFAULT 1,
    started_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL,
    finished_at   timestamptz,
    PRIMARY KEY (step, table_name)
);

-- Aggregates a copying step could not carry over (a value that does not convert, a row the new schema's constraints
-- refuse), one row per aggregate and step, with the latest reason. Fix the data and run the step again.
CREATE TABLE migration_rejects (
    step         text        NOT NULL,
    table_name   text        NOT NULL,
    root_key     text        NOT NULL,
    reason       text        NOT NULL,
    recorded_at  timestamptz NOT NULL,
    PRIMARY KEY (step, table_name, root_key)
);

-- Aggregates written in this database whose copy in order_db is not yet known to be current (dual-write). A row is
-- added in the same transaction as the service's write (generation bumped on every write) and removed once the
-- mirror copied that generation; attempts and last_error say why a mirror is still pending.
CREATE TABLE legacy_mirror_queue (
    aggregate        text        NOT NULL,   -- cart, checkout, return
    aggregate_id     text        NOT NULL,
    generation       bigint      NOT NULL DEFAULT 1,
    enqueued_at      timestamptz NOT NULL,
    attempts         int         NOT NULL DEFAULT 0,
    last_error       text,
    last_attempt_at  timestamptz,
    PRIMARY KEY (aggregate, aggregate_id)
);

CREATE INDEX legacy_mirror_queue_by_age ON legacy_mirror_queue (enqueued_at);

-- Every verify run: whether it was clean and, if not, which chunks (key ranges) differed. Cleanup requires a clean,
-- recent run for every aggregate it renames away.
CREATE TABLE migration_verify_runs (
    id                 bigserial   PRIMARY KEY,
    table_name         text        NOT NULL,
    started_at         timestamptz NOT NULL,
    finished_at        timestamptz NOT NULL,
    chunks             int         NOT NULL,
    legacy_rows        bigint      NOT NULL,
    target_rows        bigint      NOT NULL,
    mismatched_chunks  int         NOT NULL,
    clean              boolean     NOT NULL,
    report             jsonb       NOT NULL
);

CREATE INDEX migration_verify_runs_latest ON migration_verify_runs (table_name, id DESC);
