package dev.cartwright.checkout.domain;

import java.util.Objects;

/**
 * What the payment neighbour answered about a payment: the authorization and where it stands. A decline is an answer
 * with {@link Status#DECLINED} and its reason, not a failed call.
 */
public record Authorization(String authorizationId, Status status, String declineReason) {

    /** Where an authorization stands; {@link #wireName()} is the payment contract's name, as logs and messages show it. */
    public enum Status {
        UNSPECIFIED("AUTHORIZATION_STATUS_UNSPECIFIED"),
        AUTHORIZED("AUTHORIZATION_STATUS_AUTHORIZED"),
        DECLINED("AUTHORIZATION_STATUS_DECLINED"),
        CAPTURED("AUTHORIZATION_STATUS_CAPTURED"),
        VOIDED("AUTHORIZATION_STATUS_VOIDED"),
        /** A status newer than this service knows. */
        UNRECOGNIZED("UNRECOGNIZED");

        private final String wireName;

        Status(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }
    }

    public Authorization {
        Objects.requireNonNull(authorizationId, "authorizationId");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(declineReason, "declineReason");
    }

    /** Whether the money is held (or already taken) for the checkout. */
    public boolean holdsMoney() {
        return status == Status.AUTHORIZED || status == Status.CAPTURED;
    }
}
