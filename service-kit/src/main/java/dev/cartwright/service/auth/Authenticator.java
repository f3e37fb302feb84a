package dev.cartwright.service.auth;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.StatusException;
import java.util.HashSet;
import java.util.Set;

/**
 * Turns the {@code authorization} metadata of a call into a {@link Caller}. In production a
 * bearer JWT signed with the configured key is required for anything but guest access; the
 * subject is the customer id and a {@code roles} claim containing {@code staff} marks staff.
 * In development mode every call is trusted, which the service announces loudly at start-up.
 */
public final class Authenticator {

    private final JWTAuth jwt;

    private Authenticator(JWTAuth jwt) {
        this.jwt = jwt;
    }

    /** Trusts every caller. */
    public static Authenticator development() {
        return new Authenticator(null);
    }

    /**
     * Verifies tokens with a shared HMAC secret ({@code HS256}), or with a PEM public key
     * ({@code RS256}) when {@code algorithm} says so.
     */
    public static Authenticator jwt(Vertx vertx, AuthConfig config) {
        PubSecKeyOptions key = new PubSecKeyOptions().setAlgorithm(config.algorithm()).setBuffer(config.key());
        JWTOptions options = new JWTOptions();
        if (!config.issuer().isEmpty()) {
            options.setIssuer(config.issuer());
        }
        if (!config.audience().isEmpty()) {
            options.addAudience(config.audience());
        }
        JWTAuth auth = JWTAuth.create(vertx, new JWTAuthOptions().addPubSecKey(key).setJWTOptions(options));
        return new Authenticator(auth);
    }

    public static Authenticator from(Vertx vertx, AuthConfig config) {
        return config.development() ? development() : jwt(vertx, config);
    }

    public boolean isDevelopment() {
        return jwt == null;
    }

    /** Fails with UNAUTHENTICATED when a token is present but not valid. */
    public Future<Caller> authenticate(String authorization) {
        if (jwt == null) {
            return Future.succeededFuture(Caller.developer());
        }
        if (authorization == null || authorization.isBlank()) {
            return Future.succeededFuture(Caller.guest());
        }
        if (!authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Future.failedFuture(new StatusException(GrpcStatus.UNAUTHENTICATED, "authorization must be a Bearer token"));
        }
        return jwt.authenticate(new TokenCredentials(authorization.substring(7).trim()))
            .map(Authenticator::toCaller)
            .recover(e -> Future.failedFuture(new StatusException(GrpcStatus.UNAUTHENTICATED, "invalid token: " + e.getMessage())));
    }

    private static Caller toCaller(User user) {
        String subject = user.principal().getString("sub", "");
        Set<String> roles = new HashSet<>();
        Object claim = user.principal().getValue("roles");
        if (claim instanceof JsonArray array) {
            array.forEach(r -> roles.add(String.valueOf(r)));
        } else if (claim instanceof String s) {
            roles.add(s);
        }
        return new Caller(subject, roles, false);
    }
}
