package dev.cartwright.checkout.saga;

import dev.cartwright.checkout.carts.RequestKey;
import dev.cartwright.checkout.domain.Checkout;
import dev.cartwright.checkout.domain.CheckoutContents;
import dev.cartwright.checkout.domain.CheckoutProblem;
import dev.cartwright.checkout.domain.CheckoutRefusal;
import dev.cartwright.checkout.domain.CheckoutState;
import dev.cartwright.checkout.domain.CheckoutTotals;
import dev.cartwright.checkout.domain.ConfirmedOrder;
import dev.cartwright.checkout.domain.CustomerProfile;
import dev.cartwright.checkout.domain.FrozenLine;
import dev.cartwright.checkout.domain.PostalAddress;
import dev.cartwright.checkout.domain.SagaStep;
import dev.cartwright.checkout.domain.ShippingOption;
import dev.cartwright.checkout.domain.ShippingQuote;
import dev.cartwright.checkout.domain.StockHold;
import dev.cartwright.checkout.domain.Transition;
import dev.cartwright.checkout.store.CheckoutStore;
import dev.cartwright.cart.Cart;
import dev.cartwright.cart.CartStatus;
import dev.cartwright.cart.CartText;
import dev.cartwright.cart.store.CartStore;
import dev.cartwright.checkout.events.CheckoutEvents;
import dev.cartwright.checkout.neighbours.Neighbours;
import dev.cartwright.service.auth.Caller;
import dev.cartwright.service.call.CallFailure;
import dev.cartwright.service.call.CallOutcome;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns what happens to a checkout between StartCheckout and the end of ConfirmCheckout: freezing the cart, reserving
 * its stock, addresses and shipping, previews, and claiming the checkout for the confirm saga ({@link ConfirmSaga}) —
 * or waiting for the request that claimed it. Answers are domain values or {@link CheckoutProblem}s; the gRPC edge
 * only translates.
 *
 * <p>Ownership: a customer's checkout answers only to that customer (staff, or anyone in development mode); to
 * everyone else it does not exist. A guest cart's checkout answers to whoever holds its unguessable id, as the cart.
 *
 * <p>ConfirmCheckout needs only the checkout id and a payment method: when no shipping address was set, the
 * customer's default address (from the customer neighbour) is used, and when no shipping method was chosen, the
 * cheapest one offered for the address. A guest checkout without an address cannot be confirmed.
 */
public final class CheckoutWorkflow {

    private static final Logger LOG = LoggerFactory.getLogger(CheckoutWorkflow.class);
    private static final int MAX_QUIET_RETRIES = 3;
    /** Between the scoped key and the fingerprint in a checkout's last request (neither ever holds a colon). */
    private static final String KEY_AND_FINGERPRINT = ":";

    /** How long a StartCheckout or ConfirmCheckout idempotency key is kept; after that it may be used again. */
    public static final Duration KEYS_KEPT_FOR = Duration.ofHours(24);

    /** PreviewOrder's answer: the checkout as ConfirmCheckout would confirm it now, and what stands in the way. */
    public record Preview(Checkout checkout, List<FrozenLine> lines, CheckoutTotals totals, Optional<PostalAddress> shippingAddress,
                          Optional<PostalAddress> billingAddress, Optional<ShippingOption> shippingMethod, List<String> issues) {
        public Preview {
            lines = List.copyOf(lines);
            issues = List.copyOf(issues);
        }

        public boolean ready() {
            return issues.isEmpty();
        }
    }

    /** The shipping address and method ConfirmCheckout would use, with the defaults filled in where it can. */
    private record Resolved(Optional<PostalAddress> address, boolean addressDefaulted, List<ShippingOption> methods,
                            Optional<ShippingOption> method, Optional<CheckoutProblem> problem) {
    }

    private final Vertx vertx;
    private final CheckoutStore store;
    private final CartStore carts;
    private final Neighbours neighbours;
    private final CheckoutPricing pricing;
    private final CheckoutEvents events;
    private final ConfirmSaga saga;
    private final SagaSettings settings;
    private final Supplier<String> ids;
    private final Clock clock;
    private final Runnable wakeRelay;

    public CheckoutWorkflow(Vertx vertx, CheckoutStore store, CartStore carts, Neighbours neighbours, CheckoutPricing pricing,
                            CheckoutEvents events, ConfirmSaga saga, SagaSettings settings, Supplier<String> ids, Clock clock,
                            Runnable wakeRelay) {
        this.vertx = vertx;
        this.store = store;
        this.carts = carts;
        this.neighbours = neighbours;
        this.pricing = pricing;
        this.events = events;
        this.saga = saga;
        this.settings = settings;
        this.ids = ids;
        this.clock = clock;
        this.wakeRelay = wakeRelay;
    }

    // ---- StartCheckout -------------------------------------------------------------------------------------------------

    /**
     * Freezes the caller's cart into a new checkout and reserves its stock; the same start again (same idempotency key,
     * or an unchanged cart with an open checkout) answers with the checkout that exists. A key used within
     * {@link #KEYS_KEPT_FOR} for another request (another cart, or ConfirmCheckout) is refused before anything is read
     * or changed.
     */
    public Future<Checkout> start(Caller caller, String cartId, RequestKey key) {
        Instant keptSince = clock.instant().minus(KEYS_KEPT_FOR);
        Future<Optional<Checkout>> earlier = key.key().isEmpty() ? Future.succeededFuture(Optional.empty())
            : store.findKey(key.key(), keptSince).compose(found -> found.isEmpty() ? Future.succeededFuture(Optional.<Checkout>empty())
                : keyedCheckout(key, found.get()));
        return earlier.compose(found -> {
            if (found.isPresent()) {
                return reachable(caller, found.get());
            }
            return cart(caller, cartId).compose(cart -> {
                if (cart.status() != CartStatus.ACTIVE) {
                    return Future.failedFuture(CheckoutProblem.precondition(CheckoutRefusal.CART_NOT_ACTIVE,
                        "cart " + cartId + " is " + cart.status() + "; only an active cart can be checked out"));
                }
                if (cart.lines().isEmpty()) {
                    return Future.failedFuture(CheckoutProblem.precondition(CheckoutRefusal.CART_EMPTY, "cart " + cartId + " is empty"));
                }
                return store.findOpen(cartId, cart.version())
                    .compose(open -> open.isPresent() ? keptFor(key, open.get(), keptSince).compose(c -> reachable(caller, c))
                        : create(cart, key, keptSince).compose(c -> reachable(caller, c)));
            });
        });
    }

    /**
     * The checkout {@code key} answers with now that it is kept for {@code c}: {@code c}, or the checkout an earlier
     * (or concurrent) request with the same key and body made; refused when the key was used for another request.
     */
    private Future<Checkout> keptFor(RequestKey key, Checkout c, Instant keptSince) {
        if (key.key().isEmpty()) {
            return Future.succeededFuture(c);
        }
        return store.rememberKey(key, c.checkoutId(), clock.instant(), keptSince).compose(earlier -> earlier.isEmpty()
            ? Future.succeededFuture(c) : keyedCheckout(key, earlier.get()).map(found -> found.orElse(c)));
    }

    /** The checkout a key was used for, if the request was this one; another request under the key is refused. */
    private Future<Optional<Checkout>> keyedCheckout(RequestKey key, CheckoutStore.KeyedRequest earlier) {
        if (!earlier.fingerprint().equals(key.fingerprint())) {
            return Future.failedFuture(keyReused());
        }
        return store.find(earlier.checkoutId());
    }

    private static CheckoutProblem keyReused() {
        return CheckoutProblem.invalid("idempotency_key", "reused with different parameters");
    }

    /** The key's first request has not left a checkout to answer with (it lost a race, or was forgotten meanwhile). */
    private static CheckoutProblem keyInUse() {
        return CheckoutProblem.aborted("idempotency_key is being used by a concurrent request; try again");
    }

    private Future<Checkout> create(Cart cart, RequestKey key, Instant keptSince) {
        String region = pricing.regionFor(Optional.empty(), cart.region());
        CheckoutPricing.Priced priced = pricing.freeze(cart.lines(), cart.promotionCodes(), region);
        String checkoutId = ids.get();
        String reservationId = SagaStep.reservationId(checkoutId);
        return NeighbourAnswers.orProblem(neighbours.reserveStock(reservationId, priced.lines(), settings.reservationTtl()),
                refusal -> CheckoutProblem.precondition(CheckoutRefusal.STOCK_NOT_RESERVED, "cannot reserve stock: " + refusal.message()))
            .compose(reservation -> rates(Optional.empty(), priced.totals(), priced.lines(), cart.currency())
                .compose(methods -> {
                    Instant now = clock.instant();
                    Instant expires = reservation.expiresAt();
                    Optional<String> customer = cart.customerId().isEmpty() ? Optional.empty() : Optional.of(cart.customerId());
                    Checkout.Open c = Checkout.Open.started(new CheckoutContents(checkoutId, cart.cartId(), customer, cart.version(),
                        cart.currency(), region, priced.lines(), cart.promotionCodes(), priced.totals(), Optional.empty(), Optional.empty(),
                        methods, Optional.empty(), reservationId, Optional.of(expires), now), now);
                    return store.insert(c, key, now, keptSince, List.of(events.started(c, now))).compose(inserted -> {
                        if (inserted instanceof CheckoutStore.Inserted.Stored stored) {
                            wakeRelay.run();
                            stored.superseded().forEach(this::releaseQuietly);
                            LOG.info("event=checkout_started checkout={} cart={} cart_version={} grand_total={}", checkoutId,
                                cart.cartId(), cart.version(), priced.totals().grandTotal());
                            return Future.succeededFuture((Checkout) c);
                        }
                        releaseQuietly(reservationId);
                        if (inserted instanceof CheckoutStore.Inserted.CartBusy) {
                            return Future.failedFuture(CheckoutProblem.precondition(CheckoutRefusal.CART_CHECKOUT_UNDERWAY,
                                "cart " + cart.cartId() + " has a checkout being confirmed or completed"));
                        }
                        if (inserted instanceof CheckoutStore.Inserted.AlreadyOpen open) {
                            return store.find(open.checkoutId()).map(Optional::orElseThrow).compose(o -> keptFor(key, o, keptSince));
                        }
                        // AlreadyStarted: the key was kept first by another request.
                        return store.findKey(key.key(), keptSince).compose(earlier -> earlier.isEmpty()
                            ? Future.<Checkout>failedFuture(keyInUse())
                            : keyedCheckout(key, earlier.get()).map(found -> found.orElseThrow(CheckoutWorkflow::keyInUse)));
                    });
                })
                // Nothing is left behind: a start that fails after the reservation gives the stock back.
                .recover(e -> {
                    releaseQuietly(reservationId);
                    return Future.failedFuture(e);
                }));
    }

    private void releaseQuietly(String reservationId) {
        if (reservationId.isEmpty()) {
            return;
        }
        neighbours.releaseReservation(reservationId)
            .onSuccess(outcome -> {
                if (outcome instanceof CallOutcome.Failed<StockHold> failed) {
                    LOG.warn("event=release_failed reservation={} error=\"{}\" (the warehouse lets it expire)", reservationId,
                        failed.failure().describe());
                }
            });
    }

    // ---- reads and changes ---------------------------------------------------------------------------------------------

    public Future<Checkout> get(Caller caller, String checkoutId) {
        return find(caller, checkoutId);
    }

    /** Sets the shipping address; the shipping methods (and the tax region) follow the new destination. */
    public Future<Checkout> updateShippingAddress(Caller caller, String checkoutId, PostalAddress address, OptionalLong expected,
                                                        RequestKey key) {
        return mutate(caller, checkoutId, expected, key, c -> rates(Optional.of(address), c.totals(), c.lines(), c.currency())
            .map(methods -> {
                Optional<ShippingOption> kept = c.contents().shippingMethodId().flatMap(id -> ShippingOption.find(methods, id));
                String region = pricing.regionFor(Optional.of(address), c.region());
                CheckoutPricing.Priced priced = pricing.price(c.lines(), c.promotionCodes(), region,
                    kept.map(ShippingOption::priceMinor).orElse(0L));
                return c.contents().withShipping(Optional.of(address), methods, kept.map(ShippingOption::methodId))
                    .withPricing(region, priced.lines(), priced.totals());
            }), 0);
    }

    public Future<Checkout> updateBillingAddress(Caller caller, String checkoutId, PostalAddress address, OptionalLong expected,
                                                       RequestKey key) {
        return mutate(caller, checkoutId, expected, key,
            c -> Future.succeededFuture(c.contents().withBillingAddress(address)), 0);
    }

    /** Chooses one of the offered shipping methods; the totals take its price. */
    public Future<Checkout> selectShippingMethod(Caller caller, String checkoutId, String methodId, OptionalLong expected,
                                                       RequestKey key) {
        return mutate(caller, checkoutId, expected, key, c -> {
            Optional<ShippingOption> method = ShippingOption.find(c.shippingMethods(), methodId);
            if (method.isEmpty()) {
                return Future.failedFuture(CheckoutProblem.precondition(CheckoutRefusal.SHIPPING_METHOD_NOT_OFFERED,
                    "shipping method " + methodId + " is not offered for this checkout; offered: "
                        + c.shippingMethods().stream().map(ShippingOption::methodId).collect(Collectors.joining(", ")))
                    .with("shipping_method_id", methodId));
            }
            CheckoutPricing.Priced priced = pricing.price(c.lines(), c.promotionCodes(), c.region(), method.get().priceMinor());
            return Future.succeededFuture(c.contents().withShipping(c.shippingAddress(), c.shippingMethods(), Optional.of(methodId))
                .withPricing(c.region(), priced.lines(), priced.totals()));
        }, 0);
    }

    /** Reprices the checkout now, with the defaults ConfirmCheckout would fill in, and lists what stands in the way. */
    public Future<Preview> preview(Caller caller, String checkoutId) {
        return find(caller, checkoutId).compose(c -> resolve(c).compose(resolved -> cartIssue(c).map(cartIssue -> {
            List<String> issues = new ArrayList<>();
            if (c.status() != CheckoutState.OPEN) {
                issues.add("checkout is " + c.status());
            }
            resolved.problem().ifPresent(p -> issues.add(p.getMessage()));
            cartIssue.ifPresent(issues::add);
            if (c.status() == CheckoutState.OPEN && c.reservationExpiresAt().map(at -> at.isBefore(clock.instant())).orElse(false)) {
                issues.add("stock reservation expired");
            }
            String region = resolved.addressDefaulted() ? pricing.regionFor(resolved.address(), c.region()) : c.region();
            // A checkout the Order service quoted (or left unquoted) shows the totals that service showed: nothing here
            // reprices it behind the shopper's back.
            CheckoutPricing.Priced priced = fromOrderService(c) ? new CheckoutPricing.Priced(c.lines(), c.totals())
                : pricing.price(c.lines(), c.promotionCodes(), region, resolved.method().map(ShippingOption::priceMinor).orElse(0L));
            return new Preview(c, priced.lines(), priced.totals(), resolved.address(), c.billingAddress().or(resolved::address),
                resolved.method(), issues);
        })));
    }

    private Future<Optional<String>> cartIssue(Checkout c) {
        return carts.find(c.cartId()).transform(ar -> {
            if (ar.failed()) {
                return Future.succeededFuture(Optional.of("cart could not be checked (cart store unavailable)"));
            }
            Optional<Cart> cart = ar.result();
            boolean same = cart.isPresent() && cart.get().status() == CartStatus.ACTIVE && cart.get().version() == c.cartVersion();
            boolean converted = cart.isPresent() && cart.get().status() == CartStatus.CONVERTED && c.status() == CheckoutState.COMPLETED;
            return Future.succeededFuture(same || converted ? Optional.empty() : Optional.of("cart changed since checkout started"));
        });
    }

    // ---- ConfirmCheckout -------------------------------------------------------------------------------------------------

    /** The saga this workflow runs (for the tests' fault drills, in this package). */
    ConfirmSaga saga() {
        return saga;
    }

    /**
     * Confirms the checkout: claims it (OPEN to CONFIRMING, guarded by its version, so exactly one request runs the
     * saga) and runs the saga; a request that finds the saga running waits for its outcome (bounded); a request after
     * the end answers as the end did (the order, or the failure). An idempotency key is kept with the request's
     * fingerprint once the checkout is found: the same key with another request (another checkout, payment method or
     * expected version, or StartCheckout's) is refused and changes nothing.
     */
    public Future<ConfirmedOrder> confirm(Caller caller, String checkoutId, String paymentMethodId, OptionalLong expected,
                                          RequestKey key) {
        long deadline = System.nanoTime() + settings.confirmWait().toNanos();
        if (key.key().isEmpty()) {
            return confirmRound(caller, checkoutId, paymentMethodId, expected, deadline);
        }
        Instant keptSince = clock.instant().minus(KEYS_KEPT_FOR);
        return find(caller, checkoutId)
            .compose(c -> store.rememberKey(key, c.checkoutId(), clock.instant(), keptSince))
            .compose(earlier -> earlier.isPresent() && !earlier.get().fingerprint().equals(key.fingerprint())
                ? Future.<ConfirmedOrder>failedFuture(keyReused()) : confirmRound(caller, checkoutId, paymentMethodId, expected, deadline));
    }

    private Future<ConfirmedOrder> confirmRound(Caller caller, String checkoutId, String paymentMethodId, OptionalLong expected,
                                                long deadline) {
        return find(caller, checkoutId).compose(c -> {
            if (c instanceof Checkout.Completed completed) {
                return saga.completedOrder(completed);
            }
            if (c instanceof Checkout.Failed failed) {
                return Future.failedFuture(failed.failure().problem());
            }
            if (c instanceof Checkout.Expired) {
                return Future.failedFuture(CheckoutProblem.precondition(CheckoutRefusal.CHECKOUT_EXPIRED, "checkout " + checkoutId
                    + " expired: a newer checkout of its cart replaced it"));
            }
            if (c instanceof Checkout.Underway underway) {
                return store.attention(checkoutId).compose(attention -> {
                    if (attention.isPresent()) {
                        return Future.failedFuture(needsAttention(attention.get()));
                    }
                    if (underway.leaseLapsed(clock.instant())) {
                        return takeOver(underway).compose(claimed -> claimed.isPresent()
                            ? runOrWait(claimed.get(), caller, paymentMethodId, expected, deadline)
                            : waitFor(caller, checkoutId, paymentMethodId, expected, deadline));
                    }
                    return waitFor(caller, checkoutId, paymentMethodId, expected, deadline);
                });
            }
            if (expected.isPresent() && expected.getAsLong() != c.version()) {
                return Future.failedFuture(stale(expected.getAsLong(), c.version()));
            }
            return claim(c, paymentMethodId).compose(claimed -> claimed.isPresent()
                ? runOrWait(claimed.get(), caller, paymentMethodId, expected, deadline)
                : confirmRound(caller, checkoutId, paymentMethodId, OptionalLong.empty(), deadline));
        });
    }

    /** The answer for a confirmation that waits for staff: definite, so no client retries it forever. */
    private static CheckoutProblem needsAttention(CheckoutStore.Attention attention) {
        return CheckoutProblem.precondition(CheckoutRefusal.CHECKOUT_NEEDS_ATTENTION, "checkout " + attention.checkoutId()
            + " needs attention: its confirmation has not finished since " + attention.since() + " (" + attention.reason()
            + "); it is neither confirmed nor undone automatically and staff are resolving it");
    }

    private Future<ConfirmedOrder> runOrWait(Checkout.Underway claimed, Caller caller, String paymentMethodId, OptionalLong expected,
                                             long deadline) {
        return saga.run(claimed).recover(e -> e instanceof ConfirmSaga.Superseded
            ? waitFor(caller, claimed.checkoutId(), paymentMethodId, expected, deadline) : Future.failedFuture(e));
    }

    private Future<ConfirmedOrder> waitFor(Caller caller, String checkoutId, String paymentMethodId, OptionalLong expected, long deadline) {
        if (System.nanoTime() > deadline) {
            return Future.failedFuture(CheckoutProblem.unavailable("checkout " + checkoutId + " is still being confirmed by another"
                + " request; retry ConfirmCheckout to get its outcome"));
        }
        Promise<ConfirmedOrder> later = Promise.promise();
        vertx.setTimer(settings.confirmPoll().toMillis(),
            id -> confirmRound(caller, checkoutId, paymentMethodId, OptionalLong.empty(), deadline).onComplete(later));
        return later.future();
    }

    /**
     * OPEN to CONFIRMING with the defaults filled in; empty when another request changed or claimed it first. Refused
     * (FAILED_PRECONDITION) when it is not its cart's live checkout or another checkout of the cart is confirming.
     */
    Future<Optional<Checkout.Underway>> claim(Checkout c, String paymentMethodId) {
        return resolve(c).compose(resolved -> {
            if (resolved.problem().isPresent()) {
                return Future.failedFuture(resolved.problem().get());
            }
            Instant now = clock.instant();
            String region = resolved.addressDefaulted() ? pricing.regionFor(resolved.address(), c.region()) : c.region();
            CheckoutContents contents = c.contents()
                .withShipping(resolved.address(), resolved.methods(), resolved.method().map(ShippingOption::methodId))
                .withPricing(region, c.lines(), c.totals());
            Transition<Checkout.Confirming> move = c.claim(paymentMethodId, contents, now.plus(settings.lease()), now);
            if (move instanceof Transition.Refused<Checkout.Confirming> refused) {
                return Future.failedFuture(CheckoutProblem.notOpen(refused.current(), refused.message()));
            }
            Checkout.Confirming claimed = ((Transition.Moved<Checkout.Confirming>) move).to();
            return store.claim(claimed, c.version()).compose(claim -> {
                if (claim instanceof CheckoutStore.Claim.Refused refusal) {
                    return Future.failedFuture(CheckoutProblem.precondition(refusal.refusal(), refusal.reason()));
                }
                return Future.succeededFuture(claim instanceof CheckoutStore.Claim.Claimed ? Optional.<Checkout.Underway>of(claimed)
                    : Optional.<Checkout.Underway>empty());
            });
        });
    }

    /** Takes over a CONFIRMING checkout whose runner's lease lapsed; empty when someone else took it first. */
    private Future<Optional<Checkout.Underway>> takeOver(Checkout.Underway c) {
        Instant now = clock.instant();
        Checkout.Underway claimed = c.takenOver(now.plus(settings.lease()), now);
        return store.save(claimed, c.version(), CheckoutState.CONFIRMING, List.of(), List.of()).map(saved -> {
            if (saved) {
                LOG.info("event=saga_taken_over checkout={} step={} run={}", c.checkoutId(), c.run().step().orElse(""), c.run().number());
            }
            return saved ? Optional.of(claimed) : Optional.<Checkout.Underway>empty();
        });
    }

    /**
     * Resumes a saga whose runner's lease lapsed (for {@link SagaRecovery}): takes it over and runs it to its end. An
     * empty result when there was nothing to resume (finished meanwhile, or taken by someone else).
     */
    public Future<Optional<ConfirmedOrder>> resumeLapsed(String checkoutId) {
        return store.find(checkoutId).compose(found -> {
            if (found.isEmpty() || !(found.get() instanceof Checkout.Underway underway) || !underway.leaseLapsed(clock.instant())) {
                return Future.succeededFuture(Optional.empty());
            }
            return store.attention(checkoutId).compose(attention -> {
                if (attention.isPresent()) {
                    return Future.succeededFuture(Optional.<ConfirmedOrder>empty());
                }
                return takeOver(underway).compose(claimed -> claimed.isEmpty() ? Future.succeededFuture(Optional.<ConfirmedOrder>empty())
                    : saga.run(claimed.get()).map(Optional::of));
            });
        });
    }

    /** Whether the checkout's totals are the Order service's (imported from order_db), quoted or left unquoted there. */
    private static boolean fromOrderService(Checkout c) {
        return c.contents().quotedByOrderService() || c.contents().unquotedFromOrderService();
    }

    /** The address and method ConfirmCheckout would use now, or why it cannot. */
    private Future<Resolved> resolve(Checkout c) {
        if (c.contents().quotedByOrderService()) {
            return Future.succeededFuture(orderServiceQuote(c));
        }
        if (c.contents().unquotedFromOrderService()) {
            return Future.succeededFuture(new Resolved(c.shippingAddress(), false, c.shippingMethods(), Optional.empty(),
                Optional.of(quoteIncomplete(c, "the Order service quoted no shipping for it"))));
        }
        if (c.shippingAddress().isPresent()) {
            return Future.succeededFuture(withMethod(c.shippingAddress(), false, c.shippingMethods(), c.contents().shippingMethodId()));
        }
        if (c.customerId().isEmpty()) {
            return Future.succeededFuture(new Resolved(Optional.empty(), false, c.shippingMethods(), Optional.empty(),
                Optional.of(CheckoutProblem.precondition(CheckoutRefusal.SHIPPING_ADDRESS_REQUIRED,
                    "shipping address missing: set one with UpdateShippingAddress"))));
        }
        String customerId = c.customerId().get();
        return neighbours.customer(customerId).compose(outcome -> {
            if (outcome instanceof CallOutcome.Failed<CustomerProfile> failed) {
                CheckoutProblem problem = failed.failure() instanceof CallFailure.Refused
                    ? CheckoutProblem.precondition(CheckoutRefusal.SHIPPING_ADDRESS_REQUIRED,
                        "shipping address missing (customer " + customerId + " is unknown to the customer service)")
                    : CheckoutProblem.unavailable("shipping address missing and the customer's default address cannot be read now ("
                        + failed.failure().describe() + ")");
                return Future.succeededFuture(new Resolved(Optional.empty(), false, c.shippingMethods(), Optional.empty(),
                    Optional.of(problem)));
            }
            Optional<PostalAddress> home = defaultAddress(((CallOutcome.Answered<CustomerProfile>) outcome).value());
            if (home.isEmpty()) {
                return Future.succeededFuture(new Resolved(Optional.empty(), false, c.shippingMethods(), Optional.empty(),
                    Optional.of(CheckoutProblem.precondition(CheckoutRefusal.SHIPPING_ADDRESS_REQUIRED,
                        "shipping address missing: customer " + customerId + " has no default address"))));
            }
            return rates(home, c.totals(), c.lines(), c.currency())
                .map(methods -> withMethod(home, true, methods, c.contents().shippingMethodId()));
        });
    }

    /**
     * A checkout the Order service quoted (imported from order_db with its shipping method, shipping cost, tax and grand
     * total) is confirmed at that quote, the price its shopper was shown before the rollout moved them here: its address,
     * its shipping at the quoted cost, no rates asked of the shipping service. A quote that cannot be confirmed as it
     * stands is refused, never repriced.
     */
    private static Resolved orderServiceQuote(Checkout c) {
        Optional<ShippingOption> quoted = c.contents().quotedShipping();
        if (c.shippingAddress().isEmpty()) {
            return new Resolved(c.shippingAddress(), false, c.shippingMethods(), Optional.empty(),
                Optional.of(quoteIncomplete(c, "the Order service quoted shipping for it without a shipping address")));
        }
        CheckoutTotals t = c.totals();
        if (!t.addsUp()) {
            return new Resolved(c.shippingAddress(), false, c.shippingMethods(), Optional.empty(),
                Optional.of(quoteIncomplete(c, "the totals the Order service stored for it do not add up (subtotal " + t.subtotal()
                    + ", discount " + t.discount() + ", shipping " + t.shipping() + ", tax " + t.tax() + ", grand total "
                    + t.grandTotal() + ")")));
        }
        return new Resolved(c.shippingAddress(), false, c.shippingMethods(), quoted, Optional.empty());
    }

    private static CheckoutProblem quoteIncomplete(Checkout c, String why) {
        return CheckoutProblem.precondition(CheckoutRefusal.ORDER_SERVICE_QUOTE_INCOMPLETE, "checkout " + c.checkoutId()
            + " was started on the Order service and " + why + "; it is not repriced here unseen: set the shipping address"
            + " (UpdateShippingAddress) to have shipping and tax quoted by this service, then confirm");
    }

    private static Resolved withMethod(Optional<PostalAddress> address, boolean defaulted, List<ShippingOption> methods,
                                       Optional<String> chosen) {
        Optional<ShippingOption> method = chosen.flatMap(id -> ShippingOption.find(methods, id));
        if (method.isEmpty()) {
            method = ShippingOption.cheapest(methods);
        }
        Optional<CheckoutProblem> problem = method.isPresent() ? Optional.empty()
            : Optional.of(CheckoutProblem.precondition(CheckoutRefusal.NO_SHIPPING_METHOD,
                "no shipping method is offered for this address"));
        return new Resolved(address, defaulted, methods, method, problem);
    }

    private static Optional<PostalAddress> defaultAddress(CustomerProfile customer) {
        if (customer.defaultAddress().isEmpty()) {
            return Optional.empty();
        }
        PostalAddress a = customer.defaultAddress().get();
        if (a.line1().isEmpty() || a.city().isEmpty() || a.countryCode().length() != 2) {
            return Optional.empty();
        }
        return Optional.of(a.name().isEmpty() ? a.withName(customer.name()) : a);
    }

    // ---- shared steps ------------------------------------------------------------------------------------------------

    private Future<List<ShippingOption>> rates(Optional<PostalAddress> destination, CheckoutTotals totals, List<FrozenLine> lines,
                                               String currency) {
        return NeighbourAnswers.orProblem(neighbours.shippingRates(destination, Math.max(0, totals.subtotal() - totals.discount()),
                    currency, lines),
                refusal -> CheckoutProblem.precondition(CheckoutRefusal.NO_SHIPPING_METHOD,
                    "no shipping rates for this destination: " + refusal.message()))
            .map(quotes -> {
                List<ShippingOption> methods = new ArrayList<>();
                for (ShippingQuote quote : quotes) {
                    if (!quote.currency().equals(currency) || quote.priceMinor() < 0) {
                        continue;
                    }
                    methods.add(new ShippingOption(quote.methodId(), quote.name(), quote.priceMinor(), currency, quote.estimatedDays()));
                }
                return methods;
            });
    }

    /** The change {@code change} makes to an open checkout, written if nobody changed it meanwhile. */
    /**
     * Applies a client's change to an open checkout. A keyed change is remembered as the checkout's last request
     * ({@link #lastRequest}): the same key with the same request again answers with the checkout as it is, the same key
     * with another request is refused, and nothing is changed either way.
     */
    private Future<Checkout> mutate(Caller caller, String checkoutId, OptionalLong expected, RequestKey key,
                                   Function<Checkout.Open, Future<CheckoutContents>> change, int attempt) {
        Optional<String> stamp = lastRequest(key);
        return find(caller, checkoutId).compose(c -> {
            Optional<String> last = c.revision().lastRequestKey();
            if (stamp.isPresent() && last.equals(stamp)) {
                return Future.succeededFuture(c);
            }
            if (stamp.isPresent() && last.isPresent() && last.get().startsWith(key.key() + KEY_AND_FINGERPRINT)) {
                return Future.failedFuture(keyReused());
            }
            Transition<Checkout.Open> changeable = c.changeable();
            if (changeable instanceof Transition.Refused<Checkout.Open> refused) {
                return Future.failedFuture(CheckoutProblem.notOpen(refused.current(), refused.message()));
            }
            if (expected.isPresent() && expected.getAsLong() != c.version()) {
                return Future.failedFuture(stale(expected.getAsLong(), c.version()));
            }
            Checkout.Open open = ((Transition.Moved<Checkout.Open>) changeable).to();
            return change.apply(open).compose(contents -> {
                Checkout.Open after = open.edited(contents, stamp, clock.instant());
                return store.save(after, c.version(), CheckoutState.OPEN, List.of(), List.of()).compose(saved -> {
                    if (saved) {
                        return Future.succeededFuture((Checkout) after);
                    }
                    if (expected.isPresent() || attempt >= MAX_QUIET_RETRIES) {
                        return Future.failedFuture(CheckoutProblem.aborted("checkout " + checkoutId + " changed concurrently; read it"
                            + " again and retry"));
                    }
                    return mutate(caller, checkoutId, expected, key, change, attempt + 1);
                });
            });
        });
    }

    /** What a checkout keeps of the last keyed change made to it: the caller's scoped key and the request's fingerprint. */
    private static Optional<String> lastRequest(RequestKey key) {
        return key.key().isEmpty() ? Optional.empty() : Optional.of(key.key() + KEY_AND_FINGERPRINT + key.fingerprint());
    }

    Future<Checkout> find(Caller caller, String checkoutId) {
        if (!CartText.isCartId(checkoutId)) {
            return Future.failedFuture(CheckoutProblem.notFound(checkoutId));
        }
        return store.find(checkoutId).compose(found -> found.isEmpty() ? Future.failedFuture(CheckoutProblem.notFound(checkoutId))
            : reachable(caller, found.get()));
    }

    private static Future<Checkout> reachable(Caller caller, Checkout c) {
        if (c.customerId().isPresent() && !caller.mayActFor(c.customerId().get())) {
            return Future.failedFuture(CheckoutProblem.notFound(c.checkoutId()));
        }
        return Future.succeededFuture(c);
    }

    private Future<Cart> cart(Caller caller, String cartId) {
        CheckoutProblem notFound = CheckoutProblem.cartNotFound(cartId);
        if (!CartText.isCartId(cartId)) {
            return Future.failedFuture(notFound);
        }
        return carts.find(cartId).transform(ar -> {
            if (ar.failed()) {
                return Future.failedFuture(CheckoutProblem.unavailable("cart store unavailable: " + ar.cause().getMessage()));
            }
            Optional<Cart> cart = ar.result();
            if (cart.isEmpty() || (!cart.get().customerId().isEmpty() && !caller.mayActFor(cart.get().customerId()))) {
                return Future.failedFuture(notFound);
            }
            return Future.succeededFuture(cart.get());
        });
    }

    private static CheckoutProblem stale(long expected, long current) {
        return CheckoutProblem.aborted("stale version: expected " + expected + ", current " + current);
    }
}
