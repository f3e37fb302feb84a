package dev.cartwright.checkout.carts;

import dev.cartwright.cart.Cart;
import dev.cartwright.cart.Refusal;
import dev.cartwright.pricing.PricingSnapshot;
import dev.cartwright.pricing.RejectionReason;
import dev.cartwright.pricing.Totals;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * What a cart command came to: the cart priced, or the one reason it was not, as a value. The edge turns a
 * {@link Failure} into a status by its {@link Kind} alone, with the failure's message; nothing here knows of a
 * transport.
 */
public sealed interface CartOutcome {

    /** The cart after the command, with its totals and the pricing snapshot they were computed from. */
    record Priced(Cart cart, Totals totals, PricingSnapshot pricing) implements CartOutcome {
        public Priced {
            Objects.requireNonNull(cart, "cart");
            Objects.requireNonNull(totals, "totals");
            Objects.requireNonNull(pricing, "pricing");
        }
    }

    /** The kinds of "no" a client can be given, each with one meaning for what it should do next. */
    enum Kind {
        /** The request itself is wrong; sending it again will not help. */
        INVALID,
        /** The caller may not act for the customer it named. */
        NOT_PERMITTED,
        /** No such cart or product, or not one this caller may see. */
        NOT_FOUND,
        /** The cart or product is not in a state that allows the change. */
        WRONG_STATE,
        /** The cart changed since the version the caller expected. */
        STALE,
        /** The cart store did not answer; nothing is known to have changed and the request may be sent again. */
        UNAVAILABLE
    }

    /** Every outcome but a priced cart. */
    sealed interface Failure extends CartOutcome {
        Kind kind();

        /** What the client is told, naming the field or the thing at fault. */
        String message();
    }

    /** A field whose value cannot be served here, named. */
    record Invalid(String field, String problem) implements Failure {
        @Override
        public Kind kind() {
            return Kind.INVALID;
        }

        @Override
        public String message() {
            return field + " " + problem;
        }
    }

    /** The request names a customer the caller is not (and the caller is not staff). */
    record NotTheCustomer() implements Failure {
        @Override
        public Kind kind() {
            return Kind.NOT_PERMITTED;
        }

        @Override
        public String message() {
            return "customer_id is not the signed-in customer";
        }
    }

    /** No such cart, or another customer's: the two are not told apart, so nothing leaks. */
    record CartNotFound(String cartId) implements Failure {
        @Override
        public Kind kind() {
            return Kind.NOT_FOUND;
        }

        @Override
        public String message() {
            return cartId.isEmpty() ? "cart not found" : "cart " + cartId + " not found";
        }
    }

    /** The product has no price in the catalogue. */
    record ProductNotFound(String productId) implements Failure {
        @Override
        public Kind kind() {
            return Kind.NOT_FOUND;
        }

        @Override
        public String message() {
            return "product " + productId + " not found";
        }
    }

    /** The catalog marks the product as not for sale. */
    record NotSellable(String productId) implements Failure {
        @Override
        public Kind kind() {
            return Kind.WRONG_STATE;
        }

        @Override
        public String message() {
            return "product " + productId + " is not sellable";
        }
    }

    /** The warehouse last said fewer units are available than the line would hold. */
    record OutOfStock(String productId, int available, int asked) implements Failure {
        @Override
        public Kind kind() {
            return Kind.WRONG_STATE;
        }

        @Override
        public String message() {
            return "product " + productId + " is out of stock: " + available + " available, " + asked + " asked for";
        }
    }

    /** The promotion's rules do not let it on this cart now. */
    record PromotionRejected(String code, RejectionReason reason) implements Failure {
        @Override
        public Kind kind() {
            return Kind.WRONG_STATE;
        }

        @Override
        public String message() {
            return "promotion " + code + " cannot be applied: " + reason.name();
        }
    }

    /** The cart is at another version than the one the caller expected; nothing was written. */
    record StaleVersion(OptionalLong expected, long current) implements Failure {
        @Override
        public Kind kind() {
            return Kind.STALE;
        }

        @Override
        public String message() {
            return "stale version: expected " + (expected.isPresent() ? Long.toString(expected.getAsLong()) : "none")
                + ", current " + current;
        }
    }

    /** The cart's own rules refused the change; nothing was written. */
    record Refused(Refusal reason, String detail) implements Failure {
        @Override
        public Kind kind() {
            return reason == Refusal.KEY_REUSED || reason == Refusal.QUANTITY_LIMIT ? Kind.INVALID : Kind.WRONG_STATE;
        }

        @Override
        public String message() {
            String named = reason.name() + (detail.isEmpty() ? "" : ": " + detail);
            return switch (reason) {
                case KEY_REUSED -> "idempotency_key reused with different parameters";
                case QUANTITY_LIMIT -> "quantity " + named;
                case LINE_LIMIT, NOT_ACTIVE, NO_SUCH_LINE, PROMOTION_ALREADY_APPLIED, PROMOTION_NOT_APPLIED, CURRENCY_MISMATCH -> named;
            };
        }
    }

    /** Redis or PostgreSQL did not answer. */
    record StoreUnavailable(String cause) implements Failure {
        @Override
        public Kind kind() {
            return Kind.UNAVAILABLE;
        }

        @Override
        public String message() {
            return "cart store unavailable: " + cause;
        }
    }
}
