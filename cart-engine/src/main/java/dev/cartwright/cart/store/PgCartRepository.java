package dev.cartwright.cart.store;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import dev.cartwright.cart.Cart;
import dev.cartwright.cart.CartLine;
import dev.cartwright.cart.CartStatus;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable side of carts in checkout_db (tables carts, cart_items, cart_promotions): reads for the read-through
 * and the abandonment sweeper, and the write-behind's batch upsert, which only ever moves a cart's version forward.
 * Instants travel as epoch millis and are converted in SQL with exact integer arithmetic.
 */
public final class PgCartRepository {

    /** A line stored without a category (written by something other than this store) is read as this one. */
    static final String NO_CATEGORY = "uncategorized";

    private static final String MILLIS = "(extract(epoch FROM %s) * 1000)::bigint";
    private static final String INSTANT = "(timestamptz 'epoch' + %s * interval '1 millisecond')";

    private static final String LOAD = "SELECT c.cart_id, COALESCE(c.customer_id, '') AS customer_id, c.status, c.currency,"
        + " COALESCE(c.region, '') AS region, c.version, " + MILLIS.formatted("c.created_at") + " AS created_ms, "
        + MILLIS.formatted("c.updated_at") + " AS updated_ms, COALESCE(c.merged_into, '') AS merged_into,"
        + " COALESCE(c.converted_order_id, '') AS order_id,"
        + " (SELECT COALESCE(json_agg(json_build_array(i.product_id, COALESCE(i.category_id, '" + NO_CATEGORY + "'),"
        + " COALESCE(i.name, ''), i.quantity, i.unit_price_minor::text, " + MILLIS.formatted("i.added_at") + "::text)), '[]'::json)"
        + " FROM cart_items i WHERE i.cart_id = c.cart_id) AS items,"
        + " (SELECT COALESCE(json_agg(json_build_array(p.code, " + MILLIS.formatted("p.applied_at") + "::text)"
        + " ORDER BY p.applied_at, p.code), '[]'::json) FROM cart_promotions p WHERE p.cart_id = c.cart_id) AS promotions"
        + " FROM carts c WHERE c.cart_id = $1";

    private static final String ACTIVE_OF = "SELECT cart_id FROM carts WHERE customer_id = $1 AND status = 'active'";

    private static final String IDLE = "SELECT cart_id FROM carts WHERE status = 'active' AND last_activity_at < "
        + INSTANT.formatted("$1::bigint") + " ORDER BY last_activity_at LIMIT $2";

    // One statement for the headers of the whole batch. Terminal states are written before active ones (ordinality),
    // so a customer's old cart leaves 'active' before the new one enters it (carts_one_active_per_customer).
    private static final String UPSERT_CARTS = "INSERT INTO carts (cart_id, customer_id, status, currency, region, version,"
        + " created_at, updated_at, last_activity_at, abandoned_at, merged_into, converted_order_id)"
        + " SELECT t.cart_id, NULLIF(t.customer_id, ''), t.status, t.currency, NULLIF(t.region, ''), t.version, "
        + INSTANT.formatted("t.created_ms") + ", " + INSTANT.formatted("t.updated_ms") + ", " + INSTANT.formatted("t.updated_ms")
        + ", CASE WHEN t.status = 'abandoned' THEN " + INSTANT.formatted("t.updated_ms") + " END,"
        + " NULLIF(t.merged_into, ''), NULLIF(t.order_id, '')"
        + " FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[], $7::bigint[], $8::bigint[],"
        + " $9::text[], $10::text[]) WITH ORDINALITY"
        + " AS t(cart_id, customer_id, status, currency, region, version, created_ms, updated_ms, merged_into, order_id, ord)"
        + " ORDER BY t.ord"
        + " ON CONFLICT (cart_id) DO UPDATE SET customer_id = excluded.customer_id, status = excluded.status,"
        + " currency = excluded.currency, region = excluded.region, version = excluded.version, updated_at = excluded.updated_at,"
        // Marking a cart merged, converted or abandoned is not the customer's activity.
        + " last_activity_at = CASE WHEN excluded.status = 'active' THEN excluded.last_activity_at ELSE carts.last_activity_at END,"
        + " abandoned_at = excluded.abandoned_at, merged_into = excluded.merged_into, converted_order_id = excluded.converted_order_id"
        + " WHERE carts.version < excluded.version"
        + " RETURNING cart_id";

    // A written cart's lines and codes are made what it holds by difference, not by deleting and inserting them all:
    // the rows it no longer holds go, new ones are inserted, and a row is updated only where it differs. A change to
    // one line of a ten-line cart so costs one new row version, not ten deleted and ten inserted (and their index
    // entries, and the dead rows autovacuum must clear).
    private static final String DELETE_GONE_ITEMS = "DELETE FROM cart_items i WHERE i.cart_id = ANY($1::text[])"
        + " AND NOT EXISTS (SELECT 1 FROM unnest($2::text[], $3::text[]) AS kept(cart_id, product_id)"
        + " WHERE kept.cart_id = i.cart_id AND kept.product_id = i.product_id)";
    private static final String DELETE_GONE_PROMOTIONS = "DELETE FROM cart_promotions p WHERE p.cart_id = ANY($1::text[])"
        + " AND NOT EXISTS (SELECT 1 FROM unnest($2::text[], $3::text[]) AS kept(cart_id, code)"
        + " WHERE kept.cart_id = p.cart_id AND kept.code = p.code)";

    private static final String UPSERT_ITEMS = "INSERT INTO cart_items AS i (cart_id, product_id, category_id, name, quantity,"
        + " unit_price_minor, currency, added_at)"
        + " SELECT t.cart_id, t.product_id, t.category_id, NULLIF(t.name, ''), t.quantity, t.price, t.currency, "
        + INSTANT.formatted("t.added_ms")
        + " FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[], $6::bigint[], $7::text[], $8::bigint[])"
        + " AS t(cart_id, product_id, category_id, name, quantity, price, currency, added_ms)"
        + " ON CONFLICT (cart_id, product_id) DO UPDATE SET category_id = excluded.category_id, name = excluded.name,"
        + " quantity = excluded.quantity, unit_price_minor = excluded.unit_price_minor, currency = excluded.currency,"
        + " added_at = excluded.added_at"
        + " WHERE (i.category_id, i.name, i.quantity, i.unit_price_minor, i.currency, i.added_at)"
        + " IS DISTINCT FROM (excluded.category_id, excluded.name, excluded.quantity, excluded.unit_price_minor,"
        + " excluded.currency, excluded.added_at)";

    private static final String UPSERT_PROMOTIONS = "INSERT INTO cart_promotions AS p (cart_id, code, applied_at)"
        + " SELECT t.cart_id, t.code, " + INSTANT.formatted("t.applied_ms")
        + " FROM unnest($1::text[], $2::text[], $3::bigint[]) AS t(cart_id, code, applied_ms)"
        + " ON CONFLICT (cart_id, code) DO UPDATE SET applied_at = excluded.applied_at"
        + " WHERE p.applied_at IS DISTINCT FROM excluded.applied_at";

    // A parked cart (ParkedCarts) leaves the parking once a version at least as new is stored.
    private static final String RELEASE_PARKED = "DELETE FROM parked_carts p USING unnest($1::text[], $2::bigint[]) AS t(cart_id, version)"
        + " WHERE p.cart_id = t.cart_id AND p.version <= t.version";

    /** Terminal states before active ones, so a customer's old cart leaves 'active' before the new one enters it. */
    static final Comparator<StoredCart> ACTIVE_LAST =
        Comparator.comparing(stored -> stored.cart().status() == CartStatus.ACTIVE);

    private static final Logger LOG = LoggerFactory.getLogger(PgCartRepository.class);

    private final Pool pool;
    private final LegacyCarts legacy;

    public PgCartRepository(Pool pool) {
        this(pool, LegacyCarts.NONE);
    }

    /** A repository that keeps {@code legacy}'s copy of every cart it writes current, and looks there for carts it lacks. */
    public PgCartRepository(Pool pool, LegacyCarts legacy) {
        this.pool = pool;
        this.legacy = legacy;
    }

    /**
     * The stored cart with its lines and promotion codes, read in one statement (one snapshot); first brought in from
     * the legacy database if the copy there is newer or the only one. The legacy database out of reach: the stored copy
     * answers, and a cart stored nowhere here is an error (it may exist there), not an absence.
     */
    public Future<Optional<StoredCart>> load(String cartId) {
        if (legacy == LegacyCarts.NONE) {
            return loadStored(cartId);
        }
        return legacy.refresh(cartId).transform(refreshed -> loadStored(cartId).compose(stored -> {
            if (refreshed.failed()) {
                LOG.warn("event=legacy_cart_refresh_failed cart_id={} error=\"{}\"", cartId, refreshed.cause().toString());
                if (stored.isEmpty()) {
                    return Future.failedFuture(refreshed.cause());
                }
            }
            return Future.succeededFuture(stored);
        }));
    }

    private Future<Optional<StoredCart>> loadStored(String cartId) {
        return pool.preparedQuery(LOAD).execute(Tuple.of(cartId)).map(rows -> {
            if (rows.size() == 0) {
                return Optional.empty();
            }
            return Optional.of(toStoredCart(rows.iterator().next()));
        });
    }

    /** Whether every write is to be mirrored into the legacy database now (dual-write on): see {@link LegacyCarts#mirrorsEveryWrite}. */
    public boolean mirrorsEveryWrite() {
        return legacy.mirrorsEveryWrite();
    }

    /** Whether carts here may also be changed in a legacy database (and must be checked against it before use). */
    public boolean followsLegacy() {
        return legacy != LegacyCarts.NONE;
    }

    /**
     * Whether the legacy database holds the cart newer than {@code version}. Out of reach: false, and the copy held
     * here answers (logged), as a read through PostgreSQL does.
     */
    public Future<Boolean> newerInLegacy(String cartId, long version) {
        return legacy.newerThan(cartId, version).recover(e -> {
            LOG.warn("event=legacy_cart_check_failed cart_id={} error=\"{}\"", cartId, e.toString());
            return Future.succeededFuture(false);
        });
    }

    /** The id of the customer's ACTIVE cart as stored (the write-behind may lag behind Redis). */
    public Future<Optional<String>> activeCartIdOf(String customerId) {
        return pool.preparedQuery(ACTIVE_OF).execute(Tuple.of(customerId)).compose(rows -> {
            if (rows.size() == 0) {
                // A customer whose cart still lives only in the legacy database gets it brought in on first touch.
                return legacy.activeCartOf(customerId);
            }
            return Future.succeededFuture(Optional.of(rows.iterator().next().getString("cart_id")));
        });
    }

    /** Ids of up to {@code limit} ACTIVE carts whose last activity is before {@code cutoff}, idlest first. */
    public Future<List<String>> idleActiveCarts(Instant cutoff, int limit) {
        return pool.preparedQuery(IDLE).execute(Tuple.of(cutoff.toEpochMilli(), limit)).map(rows -> {
            List<String> ids = new ArrayList<>(rows.size());
            for (Row row : rows) {
                ids.add(row.getString("cart_id"));
            }
            return ids;
        });
    }

    /**
     * Writes the carts (at most one per cart id) in one transaction: one upsert of all headers, guarded so that a
     * version never moves backwards, then the lines and codes of exactly the carts whose version advanced are made
     * what those carts hold (rows no longer held deleted, new ones inserted, changed ones updated, unchanged ones left
     * as they are), and those carts leave the parked carts if they were parked at that version or an older one.
     * Returns the ids of those carts.
     */
    public Future<Set<String>> upsert(List<StoredCart> carts) {
        if (carts.isEmpty()) {
            return Future.succeededFuture(Set.of());
        }
        List<StoredCart> ordered = new ArrayList<>(carts);
        ordered.sort(ACTIVE_LAST);
        List<String> ids = ordered.stream().map(stored -> stored.cart().cartId()).toList();
        boolean[] copyAfter = new boolean[1];
        return pool.withTransaction(connection -> legacy.beforeWrite(connection, ids)
            .compose(copy -> {
                copyAfter[0] = copy;
                return connection.preparedQuery(UPSERT_CARTS).execute(headers(ordered));
            })
            .compose(rows -> {
                Set<String> advanced = new HashSet<>();
                for (Row row : rows) {
                    advanced.add(row.getString("cart_id"));
                }
                if (advanced.isEmpty()) {
                    return Future.succeededFuture(advanced);
                }
                return replaceContents(connection, ordered, advanced).map(advanced);
            }))
            .compose(advanced -> copyAfter[0] ? legacy.afterCommit(ids).map(advanced) : Future.succeededFuture(advanced));
    }

    private static Future<Void> replaceContents(SqlConnection connection, List<StoredCart> carts, Set<String> advanced) {
        List<StoredCart> written = carts.stream().filter(stored -> advanced.contains(stored.cart().cartId())).toList();
        String[] ids = advanced.toArray(new String[0]);
        Tuple items = items(written);
        Tuple promotions = promotions(written);
        // The kept rows are named by the (cart, product) and (cart, code) columns of the rows about to be written.
        Future<RowSet<Row>> itemsDone = connection.preparedQuery(DELETE_GONE_ITEMS)
            .execute(Tuple.of(ids, items.getValue(0), items.getValue(1)))
            .compose(deleted -> connection.preparedQuery(UPSERT_ITEMS).execute(items));
        Future<RowSet<Row>> promotionsDone = connection.preparedQuery(DELETE_GONE_PROMOTIONS)
            .execute(Tuple.of(ids, promotions.getValue(0), promotions.getValue(1)))
            .compose(deleted -> connection.preparedQuery(UPSERT_PROMOTIONS).execute(promotions));
        String[] parkedIds = new String[written.size()];
        Long[] parkedVersions = new Long[written.size()];
        for (int i = 0; i < written.size(); i++) {
            parkedIds[i] = written.get(i).cart().cartId();
            parkedVersions[i] = written.get(i).cart().version();
        }
        Future<RowSet<Row>> parked = connection.preparedQuery(RELEASE_PARKED)
            .execute(Tuple.tuple().addValue(parkedIds).addValue(parkedVersions));
        return Future.all(itemsDone, promotionsDone, parked).mapEmpty();
    }

    private static Tuple headers(List<StoredCart> carts) {
        int n = carts.size();
        String[] ids = new String[n];
        String[] customers = new String[n];
        String[] statuses = new String[n];
        String[] currencies = new String[n];
        String[] regions = new String[n];
        Long[] versions = new Long[n];
        Long[] created = new Long[n];
        Long[] updated = new Long[n];
        String[] mergedInto = new String[n];
        String[] orders = new String[n];
        for (int i = 0; i < n; i++) {
            Cart cart = carts.get(i).cart();
            ids[i] = cart.cartId();
            customers[i] = cart.customerId();
            statuses[i] = cart.status().name().toLowerCase(Locale.ROOT);
            currencies[i] = cart.currency();
            regions[i] = cart.region();
            versions[i] = cart.version();
            created[i] = cart.createdAt().toEpochMilli();
            updated[i] = cart.updatedAt().toEpochMilli();
            mergedInto[i] = cart.mergedInto();
            orders[i] = carts.get(i).convertedOrderId();
        }
        return Tuple.of(ids, customers, statuses, currencies, regions, versions, created, updated, mergedInto, orders);
    }

    private static Tuple items(List<StoredCart> carts) {
        List<String> ids = new ArrayList<>();
        List<String> products = new ArrayList<>();
        List<String> categories = new ArrayList<>();
        List<String> names = new ArrayList<>();
        List<Integer> quantities = new ArrayList<>();
        List<Long> prices = new ArrayList<>();
        List<String> currencies = new ArrayList<>();
        List<Long> added = new ArrayList<>();
        for (StoredCart stored : carts) {
            Cart cart = stored.cart();
            for (CartLine line : cart.lines()) {
                ids.add(cart.cartId());
                products.add(line.productId());
                categories.add(line.categoryId());
                names.add(line.name());
                quantities.add(line.quantity());
                prices.add(line.unitPriceMinor());
                currencies.add(cart.currency());
                added.add(line.addedAt().toEpochMilli());
            }
        }
        return Tuple.of(ids.toArray(new String[0]), products.toArray(new String[0]), categories.toArray(new String[0]),
            names.toArray(new String[0]), quantities.toArray(new Integer[0]), prices.toArray(new Long[0]),
            currencies.toArray(new String[0]), added.toArray(new Long[0]));
    }

    private static Tuple promotions(List<StoredCart> carts) {
        List<String> ids = new ArrayList<>();
        List<String> codes = new ArrayList<>();
        List<Long> applied = new ArrayList<>();
        for (StoredCart stored : carts) {
            List<String> cartCodes = stored.cart().promotionCodes();
            for (int i = 0; i < cartCodes.size(); i++) {
                ids.add(stored.cart().cartId());
                codes.add(cartCodes.get(i));
                applied.add(stored.promotionsAppliedAt().get(i).toEpochMilli());
            }
        }
        return Tuple.of(ids.toArray(new String[0]), codes.toArray(new String[0]), applied.toArray(new Long[0]));
    }

    private static StoredCart toStoredCart(Row row) {
        List<CartLine> lines = new ArrayList<>();
        for (Object item : jsonArray(row.getValue("items"))) {
            JsonArray line = (JsonArray) item;
            lines.add(new CartLine(line.getString(0), line.getString(1), line.getString(2), line.getInteger(3),
                Long.parseLong(line.getString(4)), Instant.ofEpochMilli(Long.parseLong(line.getString(5)))));
        }
        lines.sort(Comparator.comparing(CartLine::addedAt).thenComparing(CartLine::productId));
        List<String> codes = new ArrayList<>();
        List<Instant> applied = new ArrayList<>();
        for (Object item : jsonArray(row.getValue("promotions"))) {
            JsonArray promotion = (JsonArray) item;
            codes.add(promotion.getString(0));
            applied.add(Instant.ofEpochMilli(Long.parseLong(promotion.getString(1))));
        }
        Cart cart = new Cart(
            row.getString("cart_id"),
            row.getString("customer_id"),
            CartStatus.valueOf(row.getString("status").toUpperCase(Locale.ROOT)),
            row.getString("currency"),
            row.getString("region"),
            lines,
            codes,
            row.getLong("version"),
            Instant.ofEpochMilli(row.getLong("created_ms")),
            Instant.ofEpochMilli(row.getLong("updated_ms")),
            row.getString("merged_into"));
        return new StoredCart(cart, applied, row.getString("order_id"));
    }

    private static JsonArray jsonArray(Object value) {
        if (value instanceof JsonArray array) {
            return array;
        }
        return new JsonArray(String.valueOf(value));
    }
}
