/**
 * Checkouts and the confirm saga that turns one into an order: the use cases ({@link
 * dev.cartwright.checkout.saga.CheckoutWorkflow}), the runner ({@link dev.cartwright.checkout.saga.ConfirmSaga}) and
 * recovery. The checkout's states, steps and rules are {@code checkout.domain}; its rows are
 * {@code checkout.store}; gRPC statuses are made only at {@code checkout.api}.
 *
 * <h2>Neighbours answer with values</h2>
 * Every call to a neighbour goes through service-kit's guarded-call policy ({@link dev.cartwright.checkout.neighbours.Neighbours};
 * CreateOrder through order-adapter's Order service client) and answers a {@link dev.cartwright.service.call.CallOutcome}
 * of the checkout's own values (a stock hold, an authorization, shipping quotes, the placed order): the answer, a
 * refusal, unavailable (it cannot have acted) or an unknown outcome (it may have acted). No contract message and no gRPC
 * type reaches this package ({@code CheckoutLayersTest}). The saga turns a failure into a
 * {@link dev.cartwright.checkout.domain.StepFailure} (Refused, Unavailable, Unknown) and a request's answer into a
 * {@link dev.cartwright.checkout.domain.CheckoutProblem}.
 *
 * <h2>A checkout's life</h2>
 * StartCheckout ({@link dev.cartwright.checkout.saga.CheckoutWorkflow#start}) freezes the cart (version, lines at the
 * unit prices the cart holds, promotion codes, totals from the pricing core) into a {@code checkouts} row, reserves
 * the stock at the warehouse under the reservation id {@code rsv-<checkout id>} for
 * {@code CARTWRIGHT_CHECKOUT_RESERVATION_TTL}, fetches the shipping methods, and writes {@code checkout.started} to
 * the outbox in the same transaction as the row. Addresses and the shipping method change only while the checkout is
 * OPEN, each change guarded by the checkout's version. The tax region follows the shipping address when the tax table
 * knows it ("US-CA", "DE"), else it stays the cart's.
 *
 * <h2>ConfirmCheckout</h2>
 * The plan's ConfirmCheckout sends only the checkout id and a payment method. When no shipping address was set, the
 * customer's default address (customer neighbour) is used; when no shipping method was chosen, the cheapest offered
 * for the address (ties: the faster). A guest checkout without an address is refused (FAILED_PRECONDITION).
 *
 * <p>The request that moves the checkout from OPEN to CONFIRMING (a version-guarded update) runs the saga; a
 * concurrent or repeated request waits for its outcome (polling the row every {@code CARTWRIGHT_CHECKOUT_CONFIRM_POLL},
 * at most {@code CARTWRIGHT_CHECKOUT_CONFIRM_WAIT}); a request after the end answers as the end did. The steps
 * ({@link dev.cartwright.checkout.domain.SagaStep}), each recorded in {@code checkout_saga_steps} before and after it
 * runs, and the idempotency key each outbound call carries:
 * <ol>
 *   <li>{@code reserve_stock} (at start): ReserveStock, reservation {@code rsv-<id>}; undone by
 *       {@code release_reservation}</li>
 *   <li>{@code reprice}: the cart must still be ACTIVE at the frozen version ("cart changed" otherwise); totals
 *       recomputed now with the shipping price</li>
 *   <li>{@code extend_reservation}: ExtendReservation of {@code rsv-<id>}</li>
 *   <li>{@code authorize_payment}: AuthorizePayment, key {@code <id>:authorize}; undone by
 *       {@code void_authorization} (key {@code <id>:void})</li>
 *   <li>{@code create_order}: CreateOrder, key {@code <id>}, one item per line with its paid amounts — the pivot</li>
 *   <li>{@code commit_reservation}: CommitReservation of {@code rsv-<id>} to the order</li>
 *   <li>{@code capture_payment}: CapturePayment, key {@code <id>:capture}</li>
 *   <li>{@code convert_cart}: {@code MarkConverted(order, checkout)} in the cart store, key {@code <id>:convert} (the cart's
 *       change stream publishes {@code cart.converted})</li>
 *   <li>{@code complete}: COMPLETED with the order and {@code checkout.completed} in one transaction</li>
 * </ol>
 * What a failure leads to is {@link dev.cartwright.checkout.domain.SagaPlan}'s rule: a refusal up to the pivot (or an
 * outage once a payment is authorized) undoes the earlier steps newest first and ends FAILED with
 * {@code checkout.failed}; an outage before any payment reopens the checkout (nothing was charged, UNAVAILABLE); any
 * failure after the pivot is retried forward, never undone, because the order contract cannot cancel an order.
 * A call of authorize_payment or create_order that got no definite answer (a timeout, a reset stream) may have
 * been carried out: the step is in doubt and parked, never undone or reopened, and resolved by repeating the call
 * with the same key (a repeated ConfirmCheckout or the recovery verticle); an outage on a later attempt of the same
 * step keeps it parked (within one call, the guarded call already keeps a call unknown when an earlier attempt was).
 *
 * <h2>One live checkout per cart</h2>
 * {@code checkout_cart_slots} names each cart's live checkout. StartCheckout takes the slot (older open checkouts
 * become EXPIRED; a concurrent start of the same cart version gets the checkout that won) and the claim OPEN to
 * CONFIRMING requires the slot to name the checkout and no other checkout of the cart to be confirming or completed.
 * Both lock the slot row first, so PostgreSQL serializes them per cart.
 *
 * <h2>Crashes</h2>
 * The runner renews a lease ({@code CARTWRIGHT_SAGA_LEASE}) with every step. {@link dev.cartwright.checkout.saga.SagaRecovery}
 * takes over CONFIRMING checkouts whose lease lapsed (bumping the version, which fences off a runner that was only
 * slow) and resumes them from the last succeeded step with the same keys, or finishes their compensations.
 */
package dev.cartwright.checkout.saga;
