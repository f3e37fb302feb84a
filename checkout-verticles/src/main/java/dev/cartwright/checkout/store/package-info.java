/**
 * The checkout tables of {@code checkout_db} ({@link dev.cartwright.checkout.store.CheckoutStore}): checkouts, their
 * addresses, the saga's step rows and the outbox, every write guarded by the version its writer read. SQL and
 * PostgreSQL's error codes stay here.
 */
package dev.cartwright.checkout.store;
