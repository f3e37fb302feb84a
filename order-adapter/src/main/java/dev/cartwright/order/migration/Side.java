package dev.cartwright.order.migration;

/** The two places a row can live during the migration. */
public enum Side {
    /** order_db, the monolith's database. */
    LEGACY,
    /** checkout_db or return_db, the new services' databases. */
    TARGET;

    public Side other() {
        return this == LEGACY ? TARGET : LEGACY;
    }

    public String databaseName() {
        return this == LEGACY ? "order_db" : "checkout_db/return_db";
    }
}
