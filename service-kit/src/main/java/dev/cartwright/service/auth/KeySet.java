package dev.cartwright.service.auth;

import io.vertx.core.Future;
import io.vertx.ext.auth.jwt.JWTAuth;

/** The keys tokens are verified with: fixed at start-up, or a JWKS document fetched and refreshed ({@link JwksKeys}). */
sealed interface KeySet permits KeySet.Fixed, JwksKeys {

    /** The verifier in force, or null before the first key set has been loaded. */
    JWTAuth current();

    /** Completes once the first key set is loaded; fails when it cannot be. */
    Future<Void> ready();

    /**
     * A token named a key id the set does not have: fetch the set again if that is allowed now (a fetch is not already
     * too recent). Completes with whether a fresh set was loaded.
     */
    Future<Boolean> refreshForUnknownKey();

    /** One key (an HS256 secret or an RS256 public key) given at start-up. */
    record Fixed(JWTAuth auth) implements KeySet {
        @Override
        public JWTAuth current() {
            return auth;
        }

        @Override
        public Future<Void> ready() {
            return Future.succeededFuture();
        }

        @Override
        public Future<Boolean> refreshForUnknownKey() {
            return Future.succeededFuture(false);
        }
    }
}
