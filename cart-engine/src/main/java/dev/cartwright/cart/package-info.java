/**
 * The cart domain: {@link dev.cartwright.cart.Cart} and its lines, the changes a cart takes
 * ({@link dev.cartwright.cart.CartCommand}, wrapped in a {@link dev.cartwright.cart.Mutation} with an optional
 * expected version and idempotency key) and what became of them ({@link dev.cartwright.cart.MutationResult}:
 * applied, not found, stale version, refused for a {@link dev.cartwright.cart.Refusal}). Plain Java: no transport,
 * no store; the rules that depend on a cart's state are applied atomically by the store
 * ({@code dev.cartwright.cart.store}).
 */
package dev.cartwright.cart;
