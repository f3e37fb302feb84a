package dev.cartwright.checkout.domain;

import java.util.List;
import java.util.Optional;

/**
 * The steps of turning a checkout into an order, in the order they run, each with the compensation that undoes it
 * (if it has one) and the name both are recorded under in {@code checkout_saga_steps}.
 *
 * <p>{@link #RESERVE_STOCK} runs when the checkout starts; ConfirmCheckout runs the rest. {@link #CREATE_ORDER} is the
 * pivot: the order contract has no way to cancel an order, so once it exists the saga only moves forward (the
 * steps after it are retried until they succeed) and never compensates.
 */
public enum SagaStep {

    RESERVE_STOCK("reserve_stock", "release_reservation"),
    REPRICE("reprice", null),
    EXTEND_RESERVATION("extend_reservation", null),
    AUTHORIZE_PAYMENT("authorize_payment", "void_authorization"),
    CREATE_ORDER("create_order", null),
    COMMIT_RESERVATION("commit_reservation", null),
    CAPTURE_PAYMENT("capture_payment", null),
    CONVERT_CART("convert_cart", null),
    COMPLETE("complete", null);

    /** Every step in running order. */
    public static final List<SagaStep> IN_ORDER = List.of(values());

    /** The steps ConfirmCheckout runs, in order (stock was reserved when the checkout started). */
    public static final List<SagaStep> CONFIRM = IN_ORDER.subList(1, IN_ORDER.size());

    private final String wireName;
    private final String compensationName;

    SagaStep(String wireName, String compensationName) {
        this.wireName = wireName;
        this.compensationName = compensationName;
    }

    /** The name the step is recorded under, in events and in failure messages. */
    public String wireName() {
        return wireName;
    }

    /** The name of the step that undoes this one, if any. */
    public Optional<String> compensation() {
        return Optional.ofNullable(compensationName);
    }

    /** After the pivot: the order exists, so this step is only ever retried, never compensated. */
    public boolean afterPivot() {
        return ordinal() > CREATE_ORDER.ordinal();
    }

    /** Whether the step may charge the customer or place the order: its unknown outcome must be resolved, never undone. */
    public boolean actsOnMoney() {
        return this == AUTHORIZE_PAYMENT || this == CREATE_ORDER;
    }

    /** Whether a step before this one may have moved money (an authorization exists once it succeeded). */
    public boolean afterAuthorization() {
        return ordinal() > AUTHORIZE_PAYMENT.ordinal();
    }

    public static Optional<SagaStep> byWireName(String name) {
        for (SagaStep step : values()) {
            if (step.wireName.equals(name)) {
                return Optional.of(step);
            }
        }
        return Optional.empty();
    }

    /** The step undone by the compensation of this name. */
    public static Optional<SagaStep> byCompensation(String name) {
        for (SagaStep step : values()) {
            if (name.equals(step.compensationName)) {
                return Optional.of(step);
            }
        }
        return Optional.empty();
    }

    /**
     * The idempotency key of this step's outbound call for one checkout. Every key is derived from the checkout id
     * alone, so a retried or resumed saga sends exactly the keys the first run sent.
     */
    public String idempotencyKey(String checkoutId) {
        return switch (this) {
            case RESERVE_STOCK, EXTEND_RESERVATION, COMMIT_RESERVATION -> reservationId(checkoutId);
            case AUTHORIZE_PAYMENT -> checkoutId + ":authorize";
            case CREATE_ORDER -> checkoutId;
            case CAPTURE_PAYMENT -> checkoutId + ":capture";
            case CONVERT_CART -> checkoutId + ":convert";
            case REPRICE, COMPLETE -> "";
        };
    }

    /** The warehouse reservation of a checkout: derived from its id, so reserving again holds nothing twice. */
    public static String reservationId(String checkoutId) {
        return "rsv-" + checkoutId;
    }

    /** The key of voiding a checkout's authorization. */
    public static String voidKey(String checkoutId) {
        return checkoutId + ":void";
    }
}
