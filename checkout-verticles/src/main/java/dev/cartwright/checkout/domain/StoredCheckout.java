package dev.cartwright.checkout.domain;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A checkout as {@code checkout_db} holds it: the frozen cart (version, lines, codes, totals), the addresses and
 * shipping choice, the stock reservation, and how far the confirm saga got. Strings the checkout does not have yet
 * are "".
 *
 * @param customerId          "" for a guest cart's checkout
 * @param region              the tax region the totals were computed for
 * @param shippingMethodId    the method chosen, or "" (ConfirmCheckout then takes the cheapest)
 * @param authorizationId     the payment authorization, once the saga obtained one
 * @param sagaStep            the saga step running or last finished, or ""
 * @param sagaRun             which run of the saga the step rows of the current (or last) confirmation belong to
 * @param version             bumped by every change a client makes and by every start or takeover of the saga, which
 *                            therefore fences a runner that lost the checkout
 * @param confirmedOrder      the ConfirmCheckout reply once COMPLETED
 * @param failedStep          the saga step that failed, or ""
 * @param failureStatus       the gRPC status name a failed confirmation answered with, or ""
 */
public record StoredCheckout(
    String checkoutId,
    String cartId,
    String customerId,
    CheckoutState status,
    long cartVersion,
    String currency,
    String region,
    List<FrozenLine> lines,
    List<String> promotionCodes,
    CheckoutTotals totals,
    Optional<PostalAddress> shippingAddress,
    Optional<PostalAddress> billingAddress,
    String shippingMethodId,
    List<ShippingOption> shippingMethods,
    String reservationId,
    Optional<Instant> reservationExpiresAt,
    String paymentMethodId,
    String authorizationId,
    String orderId,
    String failureReason,
    String failedStep,
    String failureStatus,
    List<String> compensatedSteps,
    Optional<ConfirmedOrder> confirmedOrder,
    String sagaStep,
    int sagaRun,
    Optional<Instant> leaseUntil,
    long version,
    String lastRequestKey,
    Instant createdAt,
    Instant updatedAt) {

    public StoredCheckout {
        Objects.requireNonNull(checkoutId, "checkoutId");
        Objects.requireNonNull(cartId, "cartId");
        Objects.requireNonNull(customerId, "customerId");
        Objects.requireNonNull(status, "status");
        lines = List.copyOf(lines);
        promotionCodes = List.copyOf(promotionCodes);
        Objects.requireNonNull(totals, "totals");
        Objects.requireNonNull(shippingAddress, "shippingAddress");
        Objects.requireNonNull(billingAddress, "billingAddress");
        shippingMethods = List.copyOf(shippingMethods);
        compensatedSteps = List.copyOf(compensatedSteps);
        Objects.requireNonNull(reservationExpiresAt, "reservationExpiresAt");
        Objects.requireNonNull(leaseUntil, "leaseUntil");
        Objects.requireNonNull(confirmedOrder, "confirmedOrder");
    }

    /** The shipping method chosen, if it is among those offered. */
    public Optional<ShippingOption> shippingMethod() {
        return shippingMethodId.isEmpty() ? Optional.empty() : ShippingOption.find(shippingMethods, shippingMethodId);
    }

    /** Whether the saga's runner may have stopped: its lease ran out before {@code now}. */
    public boolean leaseLapsed(Instant now) {
        return leaseUntil.isEmpty() || leaseUntil.get().isBefore(now);
    }

    /** True once a confirmation failed for good and its compensations are running (or must be resumed). */
    public boolean compensating() {
        return status == CheckoutState.CONFIRMING && !failedStep.isEmpty();
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    /** A copy with some fields changed: {@code c.toBuilder().status(...).version(...).build()}. */
    public static final class Builder {
        private String checkoutId;
        private String cartId;
        private String customerId;
        private CheckoutState status;
        private long cartVersion;
        private String currency;
        private String region;
        private List<FrozenLine> lines;
        private List<String> promotionCodes;
        private CheckoutTotals totals;
        private Optional<PostalAddress> shippingAddress;
        private Optional<PostalAddress> billingAddress;
        private String shippingMethodId;
        private List<ShippingOption> shippingMethods;
        private String reservationId;
        private Optional<Instant> reservationExpiresAt;
        private String paymentMethodId;
        private String authorizationId;
        private String orderId;
        private String failureReason;
        private String failedStep;
        private String failureStatus;
        private List<String> compensatedSteps;
        private Optional<ConfirmedOrder> confirmedOrder;
        private String sagaStep;
        private int sagaRun;
        private Optional<Instant> leaseUntil;
        private long version;
        private String lastRequestKey;
        private Instant createdAt;
        private Instant updatedAt;

        private Builder(StoredCheckout c) {
            this.checkoutId = c.checkoutId;
            this.cartId = c.cartId;
            this.customerId = c.customerId;
            this.status = c.status;
            this.cartVersion = c.cartVersion;
            this.currency = c.currency;
            this.region = c.region;
            this.lines = c.lines;
            this.promotionCodes = c.promotionCodes;
            this.totals = c.totals;
            this.shippingAddress = c.shippingAddress;
            this.billingAddress = c.billingAddress;
            this.shippingMethodId = c.shippingMethodId;
            this.shippingMethods = c.shippingMethods;
            this.reservationId = c.reservationId;
            this.reservationExpiresAt = c.reservationExpiresAt;
            this.paymentMethodId = c.paymentMethodId;
            this.authorizationId = c.authorizationId;
            this.orderId = c.orderId;
            this.failureReason = c.failureReason;
            this.failedStep = c.failedStep;
            this.failureStatus = c.failureStatus;
            this.compensatedSteps = c.compensatedSteps;
            this.confirmedOrder = c.confirmedOrder;
            this.sagaStep = c.sagaStep;
            this.sagaRun = c.sagaRun;
            this.leaseUntil = c.leaseUntil;
            this.version = c.version;
            this.lastRequestKey = c.lastRequestKey;
            this.createdAt = c.createdAt;
            this.updatedAt = c.updatedAt;
        }

        public Builder checkoutId(String value) {
            this.checkoutId = value;
            return this;
        }

        public Builder cartId(String value) {
            this.cartId = value;
            return this;
        }

        public Builder customerId(String value) {
            this.customerId = value;
            return this;
        }

        public Builder status(CheckoutState value) {
            this.status = value;
            return this;
        }

        public Builder cartVersion(long value) {
            this.cartVersion = value;
            return this;
        }

        public Builder currency(String value) {
            this.currency = value;
            return this;
        }

        public Builder region(String value) {
            this.region = value;
            return this;
        }

        public Builder lines(List<FrozenLine> value) {
            this.lines = value;
            return this;
        }

        public Builder promotionCodes(List<String> value) {
            this.promotionCodes = value;
            return this;
        }

        public Builder totals(CheckoutTotals value) {
            this.totals = value;
            return this;
        }

        public Builder shippingAddress(Optional<PostalAddress> value) {
            this.shippingAddress = value;
            return this;
        }

        public Builder billingAddress(Optional<PostalAddress> value) {
            this.billingAddress = value;
            return this;
        }

        public Builder shippingMethodId(String value) {
            this.shippingMethodId = value;
            return this;
        }

        public Builder shippingMethods(List<ShippingOption> value) {
            this.shippingMethods = value;
            return this;
        }

        public Builder reservationId(String value) {
            this.reservationId = value;
            return this;
        }

        public Builder reservationExpiresAt(Optional<Instant> value) {
            this.reservationExpiresAt = value;
            return this;
        }

        public Builder paymentMethodId(String value) {
            this.paymentMethodId = value;
            return this;
        }

        public Builder authorizationId(String value) {
            this.authorizationId = value;
            return this;
        }

        public Builder orderId(String value) {
            this.orderId = value;
            return this;
        }

        public Builder failureReason(String value) {
            this.failureReason = value;
            return this;
        }

        public Builder failedStep(String value) {
            this.failedStep = value;
            return this;
        }

        public Builder failureStatus(String value) {
            this.failureStatus = value;
            return this;
        }

        public Builder compensatedSteps(List<String> value) {
            this.compensatedSteps = value;
            return this;
        }

        public Builder confirmedOrder(Optional<ConfirmedOrder> value) {
            this.confirmedOrder = value;
            return this;
        }

        public Builder sagaStep(String value) {
            this.sagaStep = value;
            return this;
        }

        public Builder sagaRun(int value) {
            this.sagaRun = value;
            return this;
        }

        public Builder leaseUntil(Optional<Instant> value) {
            this.leaseUntil = value;
            return this;
        }

        public Builder version(long value) {
            this.version = value;
            return this;
        }

        public Builder lastRequestKey(String value) {
            this.lastRequestKey = value;
            return this;
        }

        public Builder createdAt(Instant value) {
            this.createdAt = value;
            return this;
        }

        public Builder updatedAt(Instant value) {
            this.updatedAt = value;
            return this;
        }

        public StoredCheckout build() {
            return new StoredCheckout(checkoutId, cartId, customerId, status, cartVersion, currency, region, lines, promotionCodes,
                totals, shippingAddress, billingAddress, shippingMethodId, shippingMethods, reservationId,
                reservationExpiresAt, paymentMethodId, authorizationId, orderId, failureReason, failedStep,
                failureStatus, compensatedSteps, confirmedOrder, sagaStep, sagaRun, leaseUntil, version,
                lastRequestKey, createdAt, updatedAt);
        }
    }
}
