/**
 * The way out to the legacy Order service ({@code platform.v1.OrderService}): CreateOrder idempotent by checkout id and
 * GetOrder, behind a circuit breaker with timeouts, answering with an {@link dev.cartwright.order.client.OrderResult}.
 */
package dev.cartwright.order.client;
