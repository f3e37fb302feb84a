/**
 * The checkout in the shop's words, free of any framework: its states as types ({@link dev.cartwright.checkout.domain.Checkout},
 * each with the fields it has, moving by {@link dev.cartwright.checkout.domain.Transition}s; {@link
 * dev.cartwright.checkout.domain.CheckoutState} is the stored name), the frozen lines and totals, addresses and shipping
 * choices, what the neighbours answer (a stock hold, an authorization, shipping quotes, the placed order) and the
 * confirmed order, the steps of the confirm saga
 * ({@link dev.cartwright.checkout.domain.SagaStep}) and the rules of what a failed step leads to
 * ({@link dev.cartwright.checkout.domain.SagaPlan}, pure functions), and the answers a checkout request can get
 * ({@link dev.cartwright.checkout.domain.CheckoutProblem}, {@link dev.cartwright.checkout.domain.StepFailure}). It
 * imports nothing but the JDK; the saga, the store and the gRPC edge depend on it, never the other way
 * ({@code CheckoutLayersTest}).
 */
package dev.cartwright.checkout.domain;
