package dev.cartwright.order.migration;

import java.util.List;
import java.util.Locale;

/**
 * What the migration moves as one unit: a root row and its children, all keyed by the root's id. Chunks are ranges of
 * root ids, a chunk moves whole aggregates in one transaction, and the dual-write mirror copies one aggregate at a
 * time, so no reader ever sees a cart without its items on either side.
 */
public enum Aggregate {

    /** A cart with its items and promotions, into checkout_db. */
    CART(TargetDatabase.CHECKOUT, List.of(LegacyMappings.CARTS, LegacyMappings.CART_ITEMS, LegacyMappings.CART_PROMOTIONS)),
    /** A checkout with its addresses, into checkout_db. */
    CHECKOUT(TargetDatabase.CHECKOUT, List.of(LegacyMappings.CHECKOUTS, LegacyMappings.CHECKOUT_ADDRESSES)),
    /** A return with its items, history, refund and label, into return_db. */
    RETURN(TargetDatabase.RETURN, List.of(LegacyMappings.RETURN_REQUESTS, LegacyMappings.RETURN_ITEMS,
        LegacyMappings.RETURN_STATUS_HISTORY, LegacyMappings.RETURN_REFUNDS, LegacyMappings.RETURN_SHIPPING));

    /** The two new databases. */
    public enum TargetDatabase {
        CHECKOUT, RETURN
    }

    private final TargetDatabase database;
    private final List<TableMapping> tables;

    Aggregate(TargetDatabase database, List<TableMapping> tables) {
        this.database = database;
        this.tables = tables;
    }

    public TargetDatabase database() {
        return database;
    }

    /** Root first, then children in the order they are written (and deleted in reverse). */
    List<TableMapping> tables() {
        return tables;
    }

    TableMapping root() {
        return tables.get(0);
    }

    /** The root table's name, which also names the aggregate in checkpoints and reports (carts, checkouts, return_requests). */
    public String rootTable() {
        return root().name();
    }

    /** Lower-case name: cart, checkout, return. */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The legacy table names of this aggregate, root first. */
    public List<String> legacyTables() {
        return tables.stream().map(t -> t.legacy().table()).toList();
    }

    /** By lower-case name or root table. */
    public static Aggregate parse(String text) {
        for (Aggregate aggregate : values()) {
            if (aggregate.key().equals(text) || aggregate.rootTable().equals(text)) {
                return aggregate;
            }
        }
        throw new IllegalArgumentException("unknown aggregate '" + text + "': cart, checkout or return");
    }
}
