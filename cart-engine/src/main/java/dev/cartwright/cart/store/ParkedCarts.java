package dev.cartwright.cart.store;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

/**
 * The carts the write-behind set aside because it could not store them (table {@code parked_carts}, migration V3):
 * parking one (only ever moving its refused version forward), reading them for an operator, recording a replay that
 * failed again, and releasing one once a version at least as new is stored. The write-behind releases parked carts by
 * itself as it stores newer versions ({@link PgCartRepository#upsert}).
 */
public final class ParkedCarts {

    /**
     * A cart to set aside.
     *
     * @param sqlState the SQLSTATE of the database's refusal, empty when the cart could not be read at all
     * @param cart the cart as refused, empty when it could not be read
     */
    public record Parking(String cartId, long version, String entryId, String reason, Optional<String> sqlState,
                          Optional<StoredCart> cart) {

        public Parking {
            Objects.requireNonNull(cartId, "cartId");
            Objects.requireNonNull(entryId, "entryId");
            // PostgreSQL's text takes no NUL character, and a reason may quote the value that was refused.
            reason = Objects.requireNonNull(reason, "reason").replace('\u0000', ' ');
            Objects.requireNonNull(sqlState, "sqlState");
            Objects.requireNonNull(cart, "cart");
        }

        /** The same parking without the cart's JSON, saying why in the reason. */
        public Parking withoutCart(String why) {
            return new Parking(cartId, version, entryId, reason + " (" + why + ")", sqlState, Optional.empty());
        }
    }

    /**
     * A parked cart as an operator sees it.
     *
     * @param cart the cart as refused, as JSON; empty when it could not be read
     * @param storedVersion the version checkout_db holds now, if any (at least {@code version}: the parking is stale)
     */
    public record ParkedCart(String cartId, long version, String entryId, String reason, Optional<String> sqlState,
                             Optional<JsonObject> cart, Instant parkedAt, int replayAttempts, Optional<Instant> lastReplayAt,
                             OptionalLong storedVersion) {
    }

    private static final String MILLIS = "(extract(epoch FROM %s) * 1000)::bigint";
    private static final String INSTANT = "(timestamptz 'epoch' + %s * interval '1 millisecond')";

    private static final String PARK = "INSERT INTO parked_carts (cart_id, version, entry_id, reason, sql_state, cart, parked_at)"
        + " VALUES ($1, $2, $3, $4, $5, $6::jsonb, " + INSTANT.formatted("$7::bigint") + ")"
        + " ON CONFLICT (cart_id) DO UPDATE SET version = excluded.version, entry_id = excluded.entry_id, reason = excluded.reason,"
        + " sql_state = excluded.sql_state, cart = excluded.cart, parked_at = excluded.parked_at"
        + " WHERE parked_carts.version <= excluded.version";

    private static final String SELECT = "SELECT p.cart_id, p.version, p.entry_id, p.reason, p.sql_state, p.cart, "
        + MILLIS.formatted("p.parked_at") + " AS parked_ms, p.replay_attempts, " + MILLIS.formatted("p.last_replay_at")
        + " AS last_replay_ms, c.version AS stored_version FROM parked_carts p LEFT JOIN carts c ON c.cart_id = p.cart_id";

    private static final String LIST = SELECT + " ORDER BY p.parked_at, p.cart_id LIMIT $1";
    private static final String FIND = SELECT + " WHERE p.cart_id = $1";
    private static final String RELEASE = "DELETE FROM parked_carts WHERE cart_id = $1 AND version <= $2";
    private static final String REFUSED_AGAIN = "UPDATE parked_carts SET replay_attempts = replay_attempts + 1, last_replay_at = "
        + INSTANT.formatted("$2::bigint") + ", reason = $3, sql_state = $4 WHERE cart_id = $1";
    private static final String COUNT = "SELECT count(*) AS parked FROM parked_carts";

    private final Pool pool;

    public ParkedCarts(Pool pool) {
        this.pool = pool;
    }

    /** Sets the carts aside (a cart already parked at a newer version keeps that one). */
    public Future<Void> park(List<Parking> carts, Instant at) {
        if (carts.isEmpty()) {
            return Future.succeededFuture();
        }
        List<Tuple> rows = new ArrayList<>(carts.size());
        for (Parking parking : carts) {
            rows.add(Tuple.of(parking.cartId(), parking.version(), parking.entryId(), parking.reason(), parking.sqlState().orElse(null),
                parking.cart().map(StoredCartJson::encode).orElse(null), at.toEpochMilli()));
        }
        return pool.preparedQuery(PARK).executeBatch(rows).mapEmpty();
    }

    /** Up to {@code limit} parked carts, oldest first. */
    public Future<List<ParkedCart>> list(int limit) {
        return pool.preparedQuery(LIST).execute(Tuple.of(limit)).map(rows -> {
            List<ParkedCart> out = new ArrayList<>(rows.size());
            for (Row row : rows) {
                out.add(parkedCart(row));
            }
            return out;
        });
    }

    public Future<Optional<ParkedCart>> find(String cartId) {
        return pool.preparedQuery(FIND).execute(Tuple.of(cartId))
            .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(parkedCart(rows.iterator().next())));
    }

    /** Deletes the parked cart if its parked version is at most {@code storedVersion}; true when it went. */
    public Future<Boolean> release(String cartId, long storedVersion) {
        return pool.preparedQuery(RELEASE).execute(Tuple.of(cartId, storedVersion)).map(rows -> rows.rowCount() > 0);
    }

    /** Records a replay that was refused again, with the new reason. */
    public Future<Void> refusedAgain(String cartId, String reason, Optional<String> sqlState, Instant at) {
        return pool.preparedQuery(REFUSED_AGAIN).execute(Tuple.of(cartId, at.toEpochMilli(), reason.replace('\u0000', ' '),
            sqlState.orElse(null))).mapEmpty();
    }

    public Future<Long> count() {
        return pool.query(COUNT).execute().map(rows -> rows.iterator().next().getLong("parked"));
    }

    private static ParkedCart parkedCart(Row row) {
        Object cart = row.getValue("cart");
        Optional<JsonObject> json = cart == null ? Optional.empty()
            : Optional.of(cart instanceof JsonObject object ? object : new JsonObject(String.valueOf(cart)));
        Long lastReplay = row.getLong("last_replay_ms");
        Long stored = row.getLong("stored_version");
        return new ParkedCart(row.getString("cart_id"), row.getLong("version"), row.getString("entry_id"), row.getString("reason"),
            Optional.ofNullable(row.getString("sql_state")), json, Instant.ofEpochMilli(row.getLong("parked_ms")),
            row.getInteger("replay_attempts"), Optional.ofNullable(lastReplay).map(Instant::ofEpochMilli),
            stored == null ? OptionalLong.empty() : OptionalLong.of(stored));
    }
}
