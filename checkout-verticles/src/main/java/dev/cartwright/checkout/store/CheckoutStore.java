package dev.cartwright.checkout.store;

import dev.cartwright.checkout.carts.RequestKey;
import dev.cartwright.checkout.contract.CheckoutContract;
import dev.cartwright.checkout.domain.Checkout;
import dev.cartwright.checkout.domain.CheckoutContents;
import dev.cartwright.checkout.domain.CheckoutFailure;
import dev.cartwright.checkout.domain.CheckoutProblem;
import dev.cartwright.checkout.domain.CheckoutRefusal;
import dev.cartwright.checkout.domain.CheckoutState;
import dev.cartwright.checkout.domain.CheckoutTotals;
import dev.cartwright.checkout.domain.ConfirmedOrder;
import dev.cartwright.checkout.domain.FrozenLine;
import dev.cartwright.checkout.domain.PostalAddress;
import dev.cartwright.checkout.domain.Revision;
import dev.cartwright.checkout.domain.SagaRun;
import dev.cartwright.checkout.domain.SagaStep;
import dev.cartwright.checkout.domain.ShippingOption;
import dev.cartwright.checkout.migration.CheckoutMirror;
import dev.cartwright.service.outbox.Outbox;
import dev.cartwright.service.outbox.OutboxEvent;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the checkout tables of {@code checkout_db}: {@code checkouts}, {@code checkout_addresses},
 * {@code checkout_saga_steps}, and appending to {@code outbox} in the same transaction as the change an event
 * announces. Every write is guarded by the version (and status) the writer read, so two writers never both win;
 * a lost guard is a {@code false} result, not an error.
 *
 * <p>PostgreSQL not reachable: the future fails with {@link CheckoutProblem} UNAVAILABLE (checkouts fail fast,
 * never half-done); any other database error is a bug and fails as it is.
 */
public final class CheckoutStore {

    private static final Logger LOG = LoggerFactory.getLogger(CheckoutStore.class);

    /**
     * A frozen line stored without a category (a checkout the Order service started, imported from order_db, whose
     * carts keep none) is read as this one, as the cart store reads such a cart line; pricing needs one.
     */
    static final String NO_CATEGORY = "uncategorized";

    private static final String SELECT = "SELECT c.checkout_id, c.cart_id, COALESCE(c.customer_id, '') AS customer_id, c.status,"
        + " c.cart_version, c.currency, c.region, c.lines, c.promotion_codes, c.subtotal_minor, c.discount_minor,"
        + " c.shipping_minor, c.tax_minor, c.grand_total_minor, c.tax_inclusive, COALESCE(c.shipping_method_id, '') AS shipping_method_id,"
        + " c.shipping_methods, COALESCE(c.reservation_id, '') AS reservation_id, c.reservation_expires_at,"
        + " COALESCE(c.payment_method_id, '') AS payment_method_id, COALESCE(c.payment_authorization_id, '') AS authorization_id,"
        + " COALESCE(c.order_id, '') AS order_id, COALESCE(c.failure_reason, '') AS failure_reason,"
        + " COALESCE(c.failed_step, '') AS failed_step, COALESCE(c.failure_status, '') AS failure_status, c.compensated_steps,"
        + " c.confirmed_order::text AS confirmed_order, COALESCE(c.saga_step, '') AS saga_step, c.saga_run, c.lease_until, c.version,"
        + " COALESCE(c.last_request_key, '') AS last_request_key, c.created_at, c.updated_at,"
        + " s.name AS s_name, s.line1 AS s_line1, s.line2 AS s_line2, s.city AS s_city, s.region AS s_region,"
        + " s.postal_code AS s_postal_code, s.country_code AS s_country_code, s.phone AS s_phone,"
        + " b.name AS b_name, b.line1 AS b_line1, b.line2 AS b_line2, b.city AS b_city, b.region AS b_region,"
        + " b.postal_code AS b_postal_code, b.country_code AS b_country_code, b.phone AS b_phone"
        + " FROM checkouts c"
        + " LEFT JOIN checkout_addresses s ON s.checkout_id = c.checkout_id AND s.kind = 'shipping'"
        + " LEFT JOIN checkout_addresses b ON b.checkout_id = c.checkout_id AND b.kind = 'billing'";

    private static final String INSERT = "INSERT INTO checkouts (checkout_id, cart_id, customer_id, cart_version, status, currency,"
        + " subtotal_minor, discount_minor, shipping_minor, tax_minor, grand_total_minor, tax_inclusive, lines, shipping_method_id,"
        + " shipping_amount_minor, reservation_id, reservation_expires_at, version, idempotency_key, created_at, updated_at, region,"
        + " promotion_codes, shipping_methods, saga_run)"
        + " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $20, $21, $22, $23, 0)";

    private static final String FIND_KEY = "SELECT checkout_id, fingerprint FROM checkout_request_keys WHERE request_key = $1"
        + " AND created_at >= $2";

    /** Keeps a key, taking over one last used before $5; no row back when the key is in use. */
    private static final String REMEMBER_KEY = "INSERT INTO checkout_request_keys (request_key, fingerprint, checkout_id, created_at)"
        + " VALUES ($1, $2, $3, $4) ON CONFLICT (request_key) DO UPDATE SET fingerprint = excluded.fingerprint,"
        + " checkout_id = excluded.checkout_id, created_at = excluded.created_at WHERE checkout_request_keys.created_at < $5"
        + " RETURNING checkout_id";

    /** Takes the cart's slot for a new checkout; the row lock serializes the cart's starts and claims. */
    private static final String TAKE_SLOT = "INSERT INTO checkout_cart_slots (cart_id, checkout_id, updated_at) VALUES ($1, $2, $3)"
        + " ON CONFLICT (cart_id) DO UPDATE SET checkout_id = excluded.checkout_id, updated_at = excluded.updated_at";

    /** Locks the cart's slot and reads which checkout it names (taking it when the cart has none yet). */
    private static final String LOCK_SLOT = "INSERT INTO checkout_cart_slots (cart_id, checkout_id, updated_at) VALUES ($1, $2, $3)"
        + " ON CONFLICT (cart_id) DO UPDATE SET updated_at = checkout_cart_slots.updated_at RETURNING checkout_id";

    private static final String OPEN_AT_VERSION = "SELECT checkout_id FROM checkouts WHERE cart_id = $1 AND cart_version = $2"
        + " AND status = 'open' ORDER BY created_at DESC LIMIT 1";

    /** How many checkouts of the cart other than the given one are being confirmed or completed. */
    private static final String OTHER_BUSY = "SELECT count(*) AS n FROM checkouts WHERE cart_id = $1 AND checkout_id <> $2"
        + " AND status IN ('confirming', 'completed')";

    private static final String UPDATE = "UPDATE checkouts SET status = $3, region = $4, subtotal_minor = $5, discount_minor = $6,"
        + " shipping_minor = $7, tax_minor = $8, grand_total_minor = $9, tax_inclusive = $10, lines = $11, shipping_method_id = $12,"
        + " shipping_amount_minor = $13, shipping_methods = $14, reservation_expires_at = $15, payment_method_id = $16,"
        + " payment_authorization_id = $17, order_id = $18, failure_reason = $19, failed_step = $20, failure_status = $21,"
        + " compensated_steps = $22, confirmed_order = $23::text::jsonb, saga_step = $24, saga_run = $25, lease_until = $26,"
        + " version = $27, last_request_key = $28, updated_at = $29, reservation_id = $31"
        + " WHERE checkout_id = $1 AND version = $2 AND status = $30";

    private static final String UPSERT_ADDRESS = "INSERT INTO checkout_addresses (checkout_id, kind, name, line1, line2, city, region,"
        + " postal_code, country_code, phone) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
        + " ON CONFLICT (checkout_id, kind) DO UPDATE SET name = excluded.name, line1 = excluded.line1, line2 = excluded.line2,"
        + " city = excluded.city, region = excluded.region, postal_code = excluded.postal_code, country_code = excluded.country_code,"
        + " phone = excluded.phone";

    private static final String INSERT_STEP = "INSERT INTO checkout_saga_steps (checkout_id, step, status, attempt, run, detail,"
        + " started_at, finished_at)"
        + " SELECT $1::text, $2::text, $3::text, COALESCE(MAX(attempt), 0) + 1, $4::int, $5::text, $6::timestamptz, $7::timestamptz"
        + " FROM checkout_saga_steps WHERE checkout_id = $1::text AND step = $2::text"
        + " RETURNING attempt";

    private static final String FINISH_STEP = "UPDATE checkout_saga_steps SET status = $4, detail = $5, finished_at = $6"
        + " WHERE checkout_id = $1 AND step = $2 AND attempt = $3";

    private static final String STEPS = "SELECT step, status, attempt, COALESCE(detail, '') AS detail FROM checkout_saga_steps"
        + " WHERE checkout_id = $1 AND run = $2 ORDER BY started_at, attempt";

    private static final String MARK_ATTENTION = "UPDATE checkouts c SET attention_since = $1, version = c.version + 1,"
        + " attention_reason = COALESCE((SELECT s.detail FROM checkout_saga_steps s WHERE s.checkout_id = c.checkout_id"
        + " AND s.run = c.saga_run AND s.status = 'failed' AND s.detail IS NOT NULL ORDER BY s.finished_at DESC NULLS LAST LIMIT 1),"
        + " 'not finished (last step: ' || COALESCE(c.saga_step, 'none') || ')')"
        + " WHERE c.status = 'confirming' AND c.attention_since IS NULL"
        + " AND GREATEST((SELECT min(s.started_at) FROM checkout_saga_steps s WHERE s.checkout_id = c.checkout_id"
        + " AND s.run = c.saga_run AND s.step <> 'reserve_stock'), c.attention_retried_at) < $2"
        + " RETURNING c.checkout_id";

    private static final String ATTENTION = "SELECT checkout_id, cart_id, COALESCE(customer_id, '') AS customer_id,"
        + " COALESCE(saga_step, '') AS saga_step, attention_since, COALESCE(attention_reason, '') AS attention_reason FROM checkouts"
        + " WHERE status = 'confirming' AND attention_since IS NOT NULL";

    /** A confirmation that went past the bound and waits for staff: since when, why, and where its saga stands. */
    public record Attention(String checkoutId, String cartId, String customerId, String sagaStep, Instant since, String reason) {
    }

    /** A row of {@code checkout_saga_steps} to write with a change. */
    public record StepRecord(String step, int attempt, String status, String detail, int run, Instant startedAt,
                             Optional<Instant> finishedAt) {

        public StepRecord {
            Objects.requireNonNull(step, "step");
            Objects.requireNonNull(status, "status");
            Objects.requireNonNull(detail, "detail");
            Objects.requireNonNull(startedAt, "startedAt");
            Objects.requireNonNull(finishedAt, "finishedAt");
        }

        /** A new row (the next attempt of {@code step}), already finished with {@code status}. */
        public static StepRecord finishedNow(String step, String status, String detail, int run, Instant at) {
            return new StepRecord(step, 0, status, detail, run, at, Optional.of(at));
        }

        /** The end of a row written as 'started' earlier. */
        public static StepRecord finish(String step, int attempt, String status, String detail, int run, Instant at) {
            return new StepRecord(step, attempt, status, detail, run, at, Optional.of(at));
        }
    }

    /** One row of a saga run as read back. */
    public record StepRow(String step, String status, int attempt, String detail) {
    }

    /** What became of inserting a new checkout. */
    public sealed interface Inserted {
        /** Stored; {@code superseded} are the reservations of older open checkouts of the cart, now EXPIRED. */
        record Stored(List<String> superseded) implements Inserted {
            public Stored {
                superseded = List.copyOf(superseded);
            }
        }

        /** The start's idempotency key was kept first, for another checkout (by an earlier or concurrent request). */
        record AlreadyStarted() implements Inserted {
        }

        /** Another checkout of the cart is being confirmed (or completed): a second one could become a second order. */
        record CartBusy() implements Inserted {
        }

        /** A concurrent start of the same cart version stored {@code checkoutId} first; it is the cart's live checkout. */
        record AlreadyOpen(String checkoutId) implements Inserted {
        }
    }

    /** What became of claiming an open checkout for its confirmation. */
    public sealed interface Claim {
        /** Claimed: the checkout is CONFIRMING now and this caller runs its saga. */
        record Claimed() implements Claim {
        }

        /** Another request changed or claimed the checkout first; nothing was written. */
        record Lost() implements Claim {
        }

        /**
         * The checkout may not be confirmed: {@code refusal} says which way (CHECKOUT_EXPIRED: not the cart's live checkout;
         * CART_CHECKOUT_UNDERWAY: another checkout of the cart is confirming or completed), {@code reason} in a sentence.
         */
        record Refused(CheckoutRefusal refusal, String reason) implements Claim {
        }
    }

    /** Thrown inside a transaction to roll it back with an answer. */
    private static final class Rollback extends RuntimeException {
        final transient Object answer;

        Rollback(Object answer) {
            super("rollback", null, false, false);
            this.answer = answer;
        }
    }

    private final Pool pool;
    private final Outbox outbox;
    private final CheckoutMirror legacy;

    public CheckoutStore(Pool pool, Outbox outbox) {
        this(pool, outbox, CheckoutMirror.NONE);
    }

    /** A store that keeps order_db's copy of every checkout it writes current and imports newer copies from it on read. */
    public CheckoutStore(Pool pool, Outbox outbox, CheckoutMirror legacy) {
        this.pool = pool;
        this.outbox = outbox;
        this.legacy = legacy;
    }

    /**
     * Runs {@code work} in a transaction that first enlists {@code checkoutId} (and then whatever {@code work} adds to the
     * list it is given) for the mirror to order_db, and mirrors them after the commit (see {@link CheckoutMirror}).
     */
    private <T> Future<T> writing(String checkoutId, BiFunction<SqlConnection, List<String>, Future<T>> work) {
        List<String> enlisted = new CopyOnWriteArrayList<>(List.of(checkoutId));
        boolean[] mirrored = new boolean[1];
        return pool.<T>withTransaction(conn -> legacy.enlist(conn, enlisted).compose(on -> {
            mirrored[0] = on;
            return work.apply(conn, enlisted);
        })).compose(value -> mirrored[0] ? legacy.mirror(enlisted).map(value) : Future.succeededFuture(value));
    }

    public Future<Optional<Checkout>> find(String checkoutId) {
        return guard(legacy.refresh(checkoutId).compose(v -> pool.preparedQuery(SELECT + " WHERE c.checkout_id = $1")
            .execute(Tuple.of(checkoutId))
            .map(rows -> first(rows, CheckoutStore::fromRow))));
    }

    /** The request a StartCheckout or ConfirmCheckout key was used for, and the checkout it started or confirmed. */
    public record KeyedRequest(String checkoutId, String fingerprint) {
    }

    /** What {@code requestKey} was used for, if it was used since {@code notBefore}. */
    public Future<Optional<KeyedRequest>> findKey(String requestKey, Instant notBefore) {
        return guard(pool.preparedQuery(FIND_KEY).execute(Tuple.of(requestKey, utc(notBefore)))
            .map(rows -> first(rows, r -> new KeyedRequest(r.getString("checkout_id"), r.getString("fingerprint")))));
    }

    /**
     * Keeps {@code key} as used for {@code checkoutId} (a key last used before {@code notBefore} is taken over); empty
     * when it was kept, else what the key was used for already (by an earlier or concurrent request).
     */
    public Future<Optional<KeyedRequest>> rememberKey(RequestKey key, String checkoutId, Instant now, Instant notBefore) {
        return guard(pool.preparedQuery(REMEMBER_KEY)
            .execute(Tuple.of(key.key(), key.fingerprint(), checkoutId, utc(now), utc(notBefore)))
            .compose(rows -> rows.rowCount() == 1 ? Future.succeededFuture(Optional.<KeyedRequest>empty())
                : findKey(key.key(), notBefore).map(found -> Optional.of(found.orElseThrow(
                    () -> CheckoutProblem.aborted("idempotency_key is being used by a concurrent request; try again"))))));
    }

    /** Forgets up to {@code limit} keys used before {@code cutoff}; how many. */
    public Future<Integer> forgetKeysUsedBefore(Instant cutoff, int limit) {
        return guard(pool.preparedQuery("DELETE FROM checkout_request_keys WHERE request_key IN (SELECT request_key"
                + " FROM checkout_request_keys WHERE created_at < $1 LIMIT $2 FOR UPDATE SKIP LOCKED)")
            .execute(Tuple.of(utc(cutoff), limit)).map(RowSet::rowCount));
    }

    /** How many StartCheckout and ConfirmCheckout keys are kept now. */
    public Future<Long> countKeys() {
        return count("SELECT count(*) AS n FROM checkout_request_keys");
    }

    /** The cart's open checkout that froze {@code cartVersion}, if there is one (the newest). */
    public Future<Optional<Checkout>> findOpen(String cartId, long cartVersion) {
        return guard(pool.preparedQuery(SELECT + " WHERE c.cart_id = $1 AND c.cart_version = $2 AND c.status = 'open'"
                + " ORDER BY c.created_at DESC LIMIT 1")
            .execute(Tuple.of(cartId, cartVersion))
            .map(rows -> first(rows, CheckoutStore::fromRow)));
    }

    /**
     * Stores a new checkout with its reservation step and {@code events}, in one transaction; older open checkouts
     * of the same cart become EXPIRED in it (a cart has one open checkout; theirs are the reservations to release).
     * With a {@code key}, the key is kept for the checkout in the same transaction (see {@link #rememberKey}); when it
     * is in use already nothing is stored and the answer is {@link Inserted.AlreadyStarted}.
     */
    public Future<Inserted> insert(Checkout.Open c, RequestKey key, Instant now, Instant keysNotBefore, List<OutboxEvent> events) {
        // checkouts.idempotency_key stays NULL: checkout_request_keys keeps keys, for a day.
        Tuple row = Tuple.tuple()
            .addString(c.checkoutId()).addString(c.cartId()).addString(c.customerId().orElse(null))
            .addLong(c.cartVersion()).addString(c.status().dbName()).addString(c.currency())
            .addLong(c.totals().subtotal()).addLong(c.totals().discount()).addLong(c.totals().shipping()).addLong(c.totals().tax())
            .addLong(c.totals().grandTotal()).addBoolean(c.totals().taxInclusive()).addValue(linesJson(c.lines()))
            .addString(c.contents().shippingMethodId().orElse(null))
            .addValue(c.shippingMethod().map(ShippingOption::priceMinor).orElse(null))
            .addString(c.reservationId()).addValue(c.reservationExpiresAt().map(CheckoutStore::utc).orElse(null))
            .addLong(c.version()).addString(null).addValue(utc(now))
            .addString(c.region()).addValue(new JsonArray(new ArrayList<Object>(c.promotionCodes())))
            .addValue(methodsJson(c.shippingMethods()));
        // The slot first: its row lock makes a concurrent start of the same cart wait for this one, and then see it.
        return guard(writing(c.checkoutId(), (conn, enlisted) -> conn.preparedQuery(TAKE_SLOT)
                .execute(Tuple.of(c.cartId(), c.checkoutId(), utc(now)))
                .compose(slot -> conn.preparedQuery(OPEN_AT_VERSION).execute(Tuple.of(c.cartId(), c.cartVersion())))
                .compose(open -> {
                    if (open.size() > 0) {
                        return Future.failedFuture(new Rollback(new Inserted.AlreadyOpen(open.iterator().next().getString("checkout_id"))));
                    }
                    // The new checkout is not stored yet: every busy checkout of the cart is another one.
                    return conn.preparedQuery(OTHER_BUSY).execute(Tuple.of(c.cartId(), c.checkoutId()));
                })
                .compose(busy -> busy.iterator().next().getLong("n") > 0 ? Future.failedFuture(new Rollback(new Inserted.CartBusy()))
                    : conn.preparedQuery("UPDATE checkouts SET status = 'expired', version = version + 1, updated_at = $2"
                        + " WHERE cart_id = $1 AND status = 'open'"
                        + " RETURNING COALESCE(reservation_id, '') AS reservation_id, checkout_id")
                    .execute(Tuple.of(c.cartId(), utc(now))))
                .compose(expired -> {
                    List<String> superseded = new ArrayList<>();
                    List<String> expiredIds = new ArrayList<>();
                    expired.forEach(r -> {
                        superseded.add(r.getString("reservation_id"));
                        expiredIds.add(r.getString("checkout_id"));
                    });
                    // The checkouts expired here changed too: order_db must see them expire.
                    enlisted.addAll(expiredIds);
                    return legacy.enlist(conn, expiredIds).compose(x -> conn.preparedQuery(INSERT).execute(row))
                        .compose(v -> key.key().isEmpty() ? Future.succeededFuture()
                            : conn.preparedQuery(REMEMBER_KEY).execute(Tuple.of(key.key(), key.fingerprint(), c.checkoutId(), utc(now),
                                utc(keysNotBefore))).compose(kept -> kept.rowCount() == 1 ? Future.succeededFuture()
                                : Future.failedFuture(new Rollback(new Inserted.AlreadyStarted()))))
                        .compose(v -> conn.preparedQuery(INSERT_STEP).execute(Tuple.of(c.checkoutId(), SagaStep.RESERVE_STOCK.wireName(),
                            "succeeded", 1, c.reservationId(), utc(now), utc(now))))
                        .compose(v -> outbox.append(conn, events))
                        .map(v -> (Inserted) new Inserted.Stored(superseded));
                }))
            .recover(e -> {
                if (e instanceof Rollback rollback) {
                    return Future.succeededFuture((Inserted) rollback.answer);
                }
                if (e instanceof PgException pg && "23505".equals(pg.getSqlState()) && String.valueOf(pg.getConstraint())
                    .equals("checkout_request_keys_pkey")) {
                    return Future.succeededFuture(new Inserted.AlreadyStarted());
                }
                return Future.failedFuture(e);
            }));
    }

    /**
     * Claims an OPEN checkout for its confirmation: writes {@code claimed} (CONFIRMING) if the checkout is still at
     * {@code expectedVersion}, is its cart's live checkout (the slot names it), and no other checkout of the cart is
     * confirming or completed. The cart's slot is locked first, so a concurrent start of the cart waits for the claim.
     */
    public Future<Claim> claim(Checkout.Confirming claimed, long expectedVersion) {
        Instant now = claimed.updatedAt();
        return guard(writing(claimed.checkoutId(), (conn, more) -> conn.preparedQuery(LOCK_SLOT)
                .execute(Tuple.of(claimed.cartId(), claimed.checkoutId(), utc(now)))
                .compose(slot -> {
                    String live = slot.iterator().next().getString("checkout_id");
                    if (!claimed.checkoutId().equals(live)) {
                        return Future.failedFuture(new Rollback(new Claim.Refused(CheckoutRefusal.CHECKOUT_EXPIRED,
                            "checkout " + claimed.checkoutId() + " is no longer its cart's current checkout (" + live + " replaced it)")));
                    }
                    return conn.preparedQuery(OTHER_BUSY).execute(Tuple.of(claimed.cartId(), claimed.checkoutId()));
                })
                .compose(busy -> busy.iterator().next().getLong("n") > 0
                    ? Future.failedFuture(new Rollback(new Claim.Refused(CheckoutRefusal.CART_CHECKOUT_UNDERWAY, "cart " + claimed.cartId()
                        + " has another checkout being confirmed or completed")))
                    : update(conn, claimed, expectedVersion, CheckoutState.OPEN))
                .compose(updated -> updated ? addresses(conn, claimed).map(v -> (Claim) new Claim.Claimed())
                    : Future.failedFuture(new Rollback(new Claim.Lost()))))
            .recover(e -> e instanceof Rollback rollback ? Future.succeededFuture((Claim) rollback.answer) : Future.failedFuture(e)));
    }

    /**
     * Writes {@code after} over the checkout if it is still at {@code expectedVersion} and {@code expectedStatus}, with
     * its addresses, {@code steps} and {@code events}, in one transaction. False when the guard did not hold (someone
     * else changed or took the checkout); then nothing was written.
     */
    public Future<Boolean> save(Checkout after, long expectedVersion, CheckoutState expectedStatus, List<StepRecord> steps,
                                List<OutboxEvent> events) {
        return guard(writing(after.checkoutId(), (conn, more) -> update(conn, after, expectedVersion, expectedStatus).compose(updated -> {
            if (!updated) {
                return Future.succeededFuture(false);
            }
            return addresses(conn, after).compose(v -> writeSteps(conn, after.checkoutId(), steps, 0))
                .compose(v -> outbox.append(conn, events)).map(true);
        })));
    }

    /**
     * Records that {@code step} starts, together with {@code after} (the saga step and the renewed lease), if the
     * runner still holds the checkout at {@code fence}. The attempt number of the new row, or empty when fenced off.
     */
    public Future<Optional<Integer>> beginStep(Checkout.Underway after, long fence, String step, Instant now) {
        return guard(writing(after.checkoutId(), (conn, more) -> update(conn, after, fence, CheckoutState.CONFIRMING).compose(updated -> {
            if (!updated) {
                return Future.succeededFuture(Optional.<Integer>empty());
            }
            return conn.preparedQuery(INSERT_STEP).execute(Tuple.of(after.checkoutId(), step, "started", after.run().number(), null,
                    utc(now), null))
                .map(rows -> Optional.of(rows.iterator().next().getInteger("attempt")));
        })));
    }

    /** The step rows of one run of a checkout's saga, oldest first. */
    public Future<List<StepRow>> steps(String checkoutId, int run) {
        return guard(pool.preparedQuery(STEPS).execute(Tuple.of(checkoutId, run))
            .map(rows -> all(rows, r -> new StepRow(r.getString("step"), r.getString("status"), r.getInteger("attempt"),
                r.getString("detail")))));
    }

    /** Up to {@code limit} confirming checkouts whose runner's lease ran out before {@code now}, oldest lease first. */
    public Future<List<String>> lapsedConfirmations(Instant now, int limit) {
        return guard(pool.preparedQuery("SELECT checkout_id FROM checkouts WHERE status = 'confirming'"
                + " AND attention_since IS NULL AND (lease_until IS NULL OR lease_until < $1) ORDER BY lease_until NULLS FIRST LIMIT $2")
            .execute(Tuple.of(utc(now), limit))
            .map(rows -> all(rows, r -> r.getString("checkout_id"))));
    }

    /**
     * Marks the confirming checkouts whose saga run started (or was last retried by staff) before {@code now - bound} as
     * needing attention, bumping their version so a runner still holding one stops; returns their ids.
     */
    public Future<List<String>> markNeedingAttention(Instant now, java.time.Duration bound) {
        return guard(pool.preparedQuery(MARK_ATTENTION).execute(Tuple.of(utc(now), utc(now.minus(bound))))
            .map(rows -> all(rows, r -> r.getString("checkout_id"))));
    }

    /** Up to {@code limit} confirmations needing attention, longest waiting first. */
    public Future<List<Attention>> needingAttention(int limit) {
        return guard(pool.preparedQuery(ATTENTION + " ORDER BY attention_since LIMIT $1").execute(Tuple.of(limit))
            .map(rows -> all(rows, CheckoutStore::attention)));
    }

    /** The checkout's attention mark, when it needs attention. */
    public Future<Optional<Attention>> attention(String checkoutId) {
        return guard(pool.preparedQuery(ATTENTION + " AND checkout_id = $1").execute(Tuple.of(checkoutId))
            .map(rows -> first(rows, CheckoutStore::attention)));
    }

    /**
     * Hands a confirmation needing attention back to the recovery verticle: the mark is cleared, the lease lapsed, and
     * the bound counts again from {@code now}. False when the checkout does not need attention.
     */
    public Future<Boolean> retryAttention(String checkoutId, Instant now) {
        return guard(pool.preparedQuery("UPDATE checkouts SET attention_since = NULL, attention_reason = NULL,"
                + " attention_retried_at = $2, lease_until = NULL, version = version + 1, updated_at = $2"
                + " WHERE checkout_id = $1 AND status = 'confirming' AND attention_since IS NOT NULL")
            .execute(Tuple.of(checkoutId, utc(now))).map(rows -> rows.rowCount() == 1));
    }

    /** How many confirmations need attention now. */
    public Future<Long> countNeedingAttention() {
        return count("SELECT count(*) AS n FROM checkouts WHERE status = 'confirming' AND attention_since IS NOT NULL");
    }

    private Future<Long> count(String sql) {
        return guard(pool.query(sql).execute().map(rows -> rows.iterator().next().getLong("n")));
    }

    private static <T> Optional<T> first(RowSet<Row> rows, Function<Row, T> read) {
        return rows.size() == 0 ? Optional.empty() : Optional.of(read.apply(rows.iterator().next()));
    }

    private static <T> List<T> all(RowSet<Row> rows, Function<Row, T> read) {
        List<T> out = new ArrayList<>(rows.size());
        rows.forEach(r -> out.add(read.apply(r)));
        return out;
    }

    private static Attention attention(Row r) {
        return new Attention(r.getString("checkout_id"), r.getString("cart_id"), r.getString("customer_id"), r.getString("saga_step"),
            r.getOffsetDateTime("attention_since").toInstant(), r.getString("attention_reason"));
    }

    /** How many checkouts are CONFIRMING now. */
    public Future<Long> countConfirming() {
        return count("SELECT count(*) AS n FROM checkouts WHERE status = 'confirming'");
    }

    private static Future<Boolean> update(SqlConnection conn, Checkout c, long expectedVersion, CheckoutState expectedStatus) {
        SagaColumns saga = SagaColumns.of(c);
        Tuple t = Tuple.tuple()
            .addString(c.checkoutId()).addLong(expectedVersion).addString(c.status().dbName()).addString(c.region())
            .addLong(c.totals().subtotal()).addLong(c.totals().discount()).addLong(c.totals().shipping()).addLong(c.totals().tax())
            .addLong(c.totals().grandTotal()).addBoolean(c.totals().taxInclusive()).addValue(linesJson(c.lines()))
            .addString(c.contents().shippingMethodId().orElse(null))
            .addValue(c.shippingMethod().map(ShippingOption::priceMinor).orElse(null))
            .addValue(methodsJson(c.shippingMethods())).addValue(c.reservationExpiresAt().map(CheckoutStore::utc).orElse(null))
            .addString(saga.paymentMethodId()).addString(saga.authorizationId()).addString(saga.orderId())
            .addString(saga.failureReason()).addString(saga.failedStep()).addString(saga.failureStatus())
            .addValue(new JsonArray(new ArrayList<Object>(saga.compensated()))).addString(saga.confirmedOrder())
            .addString(saga.step()).addInteger(saga.run()).addValue(saga.leaseUntil())
            .addLong(c.version()).addString(c.revision().lastRequestKey().orElse(null)).addValue(utc(c.updatedAt()))
            .addString(expectedStatus.dbName())
            // A checkout the Order service started gets its reservation only when this service confirms it.
            .addString(c.reservationId().isEmpty() ? null : c.reservationId());
        return conn.preparedQuery(UPDATE).execute(t).map(rows -> rows.rowCount() == 1);
    }

    /** The columns of the saga's part of a checkout row, NULL where the state has no such thing. */
    private record SagaColumns(String paymentMethodId, String authorizationId, String orderId, String failureReason, String failedStep,
                               String failureStatus, List<String> compensated, String confirmedOrder, String step, int run,
                               OffsetDateTime leaseUntil) {

        static SagaColumns of(Checkout c) {
            if (c instanceof Checkout.Open open) {
                return ofRun(open.lastRun(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
            }
            if (c instanceof Checkout.Expired expired) {
                return ofRun(expired.lastRun(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
            }
            if (c instanceof Checkout.Confirming confirming) {
                return ofRun(Optional.of(confirming.run()), confirming.authorizationId(), confirming.orderId(), Optional.empty(),
                    Optional.empty());
            }
            if (c instanceof Checkout.Compensating compensating) {
                return ofRun(Optional.of(compensating.run()), compensating.authorizationId(), Optional.empty(),
                    Optional.of(compensating.failure()), Optional.empty());
            }
            if (c instanceof Checkout.Completed completed) {
                return ofRun(Optional.of(completed.run()), completed.authorizationId(), Optional.of(completed.orderId()), Optional.empty(),
                    completed.reply().map(CheckoutContract::orderJson));
            }
            Checkout.Failed failed = (Checkout.Failed) c;
            return ofRun(Optional.of(failed.run()), failed.authorizationId(), Optional.empty(), Optional.of(failed.failure()),
                Optional.empty());
        }

        private static SagaColumns ofRun(Optional<SagaRun> run, Optional<String> authorizationId, Optional<String> orderId,
                                         Optional<CheckoutFailure> failure, Optional<String> confirmedOrder) {
            return new SagaColumns(run.map(SagaRun::paymentMethodId).map(CheckoutStore::blankToNull).orElse(null),
                authorizationId.orElse(null), orderId.map(CheckoutStore::blankToNull).orElse(null),
                failure.map(CheckoutFailure::reason).map(CheckoutStore::blankToNull).orElse(null),
                failure.flatMap(CheckoutFailure::step).orElse(null), failure.map(f -> f.kind().name()).orElse(null),
                failure.map(CheckoutFailure::compensated).orElse(List.of()), confirmedOrder.orElse(null),
                run.flatMap(SagaRun::step).orElse(null), run.map(SagaRun::number).orElse(0),
                run.flatMap(SagaRun::leaseUntil).map(CheckoutStore::utc).orElse(null));
        }
    }

    private static Future<Void> addresses(SqlConnection conn, Checkout c) {
        List<Tuple> rows = new ArrayList<>();
        c.shippingAddress().ifPresent(a -> rows.add(addressRow(c.checkoutId(), "shipping", a)));
        c.billingAddress().ifPresent(a -> rows.add(addressRow(c.checkoutId(), "billing", a)));
        if (rows.isEmpty()) {
            return Future.succeededFuture();
        }
        return conn.preparedQuery(UPSERT_ADDRESS).executeBatch(rows).mapEmpty();
    }

    private static Tuple addressRow(String checkoutId, String kind, PostalAddress a) {
        return Tuple.tuple().addString(checkoutId).addString(kind).addString(a.name()).addString(a.line1())
            .addString(a.line2().orElse(null)).addString(a.city()).addString(a.region().orElse(null))
            .addString(a.postalCode().orElse(null)).addString(a.countryCode()).addString(a.phone().orElse(null));
    }

    private static Future<Void> writeSteps(SqlConnection conn, String checkoutId, List<StepRecord> steps, int index) {
        if (index >= steps.size()) {
            return Future.succeededFuture();
        }
        StepRecord s = steps.get(index);
        Future<?> written;
        if (s.attempt() == 0) {
            written = conn.preparedQuery(INSERT_STEP).execute(Tuple.of(checkoutId, s.step(), s.status(), s.run(), blankToNull(s.detail()),
                utc(s.startedAt()), s.finishedAt().map(CheckoutStore::utc).orElse(null)));
        } else {
            written = conn.preparedQuery(FINISH_STEP).execute(Tuple.of(checkoutId, s.step(), s.attempt(), s.status(),
                blankToNull(s.detail()), s.finishedAt().map(CheckoutStore::utc).orElse(null)));
        }
        return written.compose(v -> writeSteps(conn, checkoutId, steps, index + 1));
    }

    // ---- mapping --------------------------------------------------------------------------------------------------

    static JsonArray linesJson(List<FrozenLine> lines) {
        JsonArray out = new JsonArray();
        for (FrozenLine l : lines) {
            out.add(new JsonObject().put("product_id", l.productId()).put("name", l.name()).put("category_id", l.categoryId())
                .put("quantity", l.quantity()).put("unit_price", l.unitPrice()).put("subtotal", l.subtotal())
                .put("line_discount", l.lineDiscount()).put("order_discount", l.orderDiscount()).put("tax", l.tax())
                .put("total", l.total()));
        }
        return out;
    }

    static List<FrozenLine> lines(JsonArray json) {
        List<FrozenLine> out = new ArrayList<>();
        for (int i = 0; i < json.size(); i++) {
            JsonObject l = json.getJsonObject(i);
            String category = l.getString("category_id", "");
            out.add(new FrozenLine(l.getString("product_id"), l.getString("name", ""), category.isBlank() ? NO_CATEGORY : category,
                l.getInteger("quantity"), l.getLong("unit_price"), l.getLong("subtotal"), l.getLong("line_discount"),
                l.getLong("order_discount"), l.getLong("tax"), l.getLong("total")));
        }
        return out;
    }

    static JsonArray methodsJson(List<ShippingOption> methods) {
        JsonArray out = new JsonArray();
        for (ShippingOption m : methods) {
            out.add(new JsonObject().put("id", m.methodId()).put("name", m.name()).put("price", m.priceMinor())
                .put("currency", m.currency()).put("days", m.estimatedDays()));
        }
        return out;
    }

    static List<ShippingOption> methods(JsonArray json) {
        List<ShippingOption> out = new ArrayList<>();
        for (int i = 0; i < json.size(); i++) {
            JsonObject m = json.getJsonObject(i);
            out.add(new ShippingOption(m.getString("id"), m.getString("name", ""), m.getLong("price"), m.getString("currency"),
                m.getInteger("days", 0)));
        }
        return out;
    }

    private static Checkout fromRow(Row r) {
        List<FrozenLine> lines = lines(jsonArray(r.getValue("lines")));
        int items = 0;
        for (FrozenLine l : lines) {
            items = Math.addExact(items, l.quantity());
        }
        CheckoutTotals totals = new CheckoutTotals(r.getLong("subtotal_minor"), r.getLong("discount_minor"), r.getLong("shipping_minor"),
            r.getLong("tax_minor"), r.getLong("grand_total_minor"), r.getBoolean("tax_inclusive"), items);
        String checkoutId = r.getString("checkout_id");
        CheckoutContents contents = new CheckoutContents(checkoutId, r.getString("cart_id"), present(r.getString("customer_id")),
            r.getLong("cart_version"), r.getString("currency"), r.getString("region"), lines,
            strings(jsonArray(r.getValue("promotion_codes"))),
            totals, address(r, "s_"), address(r, "b_"), methods(jsonArray(r.getValue("shipping_methods"))),
            present(r.getString("shipping_method_id")), r.getString("reservation_id"), instant(r, "reservation_expires_at"),
            instant(r, "created_at").orElseThrow());
        Revision revision = new Revision(r.getLong("version"), present(r.getString("last_request_key")),
            instant(r, "updated_at").orElseThrow());
        SagaRun run = new SagaRun(r.getInteger("saga_run"), r.getString("payment_method_id"), present(r.getString("saga_step")),
            instant(r, "lease_until"));
        // A checkout that never ran a saga here has no run (one from order_db may still name a payment method).
        Optional<SagaRun> lastRun = run.number() > 0 || !run.paymentMethodId().isEmpty() || run.step().isPresent()
            ? Optional.of(run) : Optional.empty();
        Optional<String> authorizationId = present(r.getString("authorization_id"));
        Optional<String> failedStep = present(r.getString("failed_step"));
        CheckoutFailure failure = new CheckoutFailure(failedStep, r.getString("failure_reason"),
            CheckoutProblem.Kind.UNAVAILABLE.name().equals(r.getString("failure_status")) ? CheckoutProblem.Kind.UNAVAILABLE
                : CheckoutProblem.Kind.FAILED_PRECONDITION,
            strings(jsonArray(r.getValue("compensated_steps"))));
        return switch (CheckoutState.fromDb(r.getString("status"))) {
            case OPEN -> new Checkout.Open(contents, revision, lastRun);
            case EXPIRED -> new Checkout.Expired(contents, revision, lastRun);
            case CONFIRMING -> failedStep.isPresent() ? new Checkout.Compensating(contents, revision, run, authorizationId, failure)
                : new Checkout.Confirming(contents, revision, run, authorizationId, present(r.getString("order_id")));
            case COMPLETED -> new Checkout.Completed(contents, revision, run, authorizationId, r.getString("order_id"),
                confirmedOrder(checkoutId, r.getString("confirmed_order")));
            case FAILED -> new Checkout.Failed(contents, revision, run, authorizationId, failure);
        };
    }

    private static Optional<String> present(String value) {
        return value == null || value.isEmpty() ? Optional.empty() : Optional.of(value);
    }

    /** The stored reply; one that cannot be read is left out (and logged) so that the checkout itself can still be read. */
    private static Optional<ConfirmedOrder> confirmedOrder(String checkoutId, String json) {
        if (json == null) {
            return Optional.empty();
        }
        Optional<ConfirmedOrder> order = CheckoutContract.parseOrderJson(json);
        if (order.isEmpty()) {
            LOG.warn("event=unreadable_confirmed_order checkout={}", checkoutId);
        }
        return order;
    }

    private static Optional<PostalAddress> address(Row r, String prefix) {
        String name = r.getString(prefix + "name");
        if (name == null) {
            return Optional.empty();
        }
        return Optional.of(PostalAddress.of(name, r.getString(prefix + "line1"), r.getString(prefix + "line2"),
            r.getString(prefix + "city"), r.getString(prefix + "region"), r.getString(prefix + "postal_code"),
            r.getString(prefix + "country_code"), r.getString(prefix + "phone")));
    }

    private static List<String> strings(JsonArray json) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < json.size(); i++) {
            out.add(json.getString(i));
        }
        return out;
    }

    private static JsonArray jsonArray(Object value) {
        if (value instanceof JsonArray array) {
            return array;
        }
        return value == null ? new JsonArray() : new JsonArray(String.valueOf(value));
    }

    private static Optional<Instant> instant(Row r, String column) {
        OffsetDateTime at = r.getOffsetDateTime(column);
        return at == null ? Optional.empty() : Optional.of(at.toInstant());
    }

    static OffsetDateTime utc(Instant at) {
        return at.atOffset(ZoneOffset.UTC);
    }

    private static String blankToNull(String value) {
        return value == null || value.isEmpty() ? null : value;
    }

    /** Store failures that mean "PostgreSQL is not there" become UNAVAILABLE; SQL errors are bugs and stay as they are. */
    static <T> Future<T> guard(Future<T> call) {
        return call.recover(e -> {
            if (e instanceof CheckoutProblem) {
                return Future.failedFuture(e);
            }
            if (e instanceof PgException pg) {
                String state = String.valueOf(pg.getSqlState());
                if (!state.startsWith("08") && !state.startsWith("57")) {
                    return Future.failedFuture(e);
                }
            }
            return Future.failedFuture(CheckoutProblem.unavailable("checkout database unavailable: " + e.getMessage()));
        });
    }
}
