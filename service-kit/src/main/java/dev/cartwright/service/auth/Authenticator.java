package dev.cartwright.service.auth;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.NoSuchKeyIdException;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.time.Clock;
import java.util.HashSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the {@code authorization} metadata of a call into a {@link Caller}. In jwt mode a bearer token is verified by
 * vertx-auth-jwt against the configured keys ({@link AuthConfig}): its signature (with the configured algorithm's keys
 * only, so {@code alg: none} and a token signed for another key type are refused), its expiry, its issuer and its
 * audience, and then it must carry {@code exp}, {@code iss}, {@code aud} and a subject: a token missing any of them is
 * UNAUTHENTICATED, whatever signed it. The subject is the customer id and a {@code roles} claim containing
 * {@code staff} marks staff; no token at all is a guest. In development mode every call is trusted, which the service
 * announces loudly at start-up (and only on loopback, see {@code BindHost}).
 */
public final class Authenticator {

    private static final Logger LOG = LoggerFactory.getLogger(Authenticator.class);

    private final KeySet keys;
    private final AuthConfig config;
    private final AuthMetrics metrics;

    private Authenticator(KeySet keys, AuthConfig config, AuthMetrics metrics) {
        this.keys = keys;
        this.config = config;
        this.metrics = metrics;
    }

    /** Trusts every caller. */
    public static Authenticator development() {
        return new Authenticator(null, AuthConfig.developmentMode(), new AuthMetrics(new SimpleMeterRegistry()));
    }

    public static Authenticator from(Vertx vertx, AuthConfig config) {
        return from(vertx, config, new SimpleMeterRegistry());
    }

    /**
     * The authenticator {@code config} asks for, its meters in {@code registry}. With a JWKS URL the first fetch starts
     * here; {@link #ready()} says when it is done (the gRPC endpoint waits for it before it listens).
     */
    public static Authenticator from(Vertx vertx, AuthConfig config, MeterRegistry registry) {
        AuthMetrics metrics = new AuthMetrics(registry);
        JWTOptions verification = new JWTOptions().setIssuer(config.issuer()).addAudience(config.audience());
        // Java 17: no pattern switch yet; the sealed Keys has exactly these four.
        AuthConfig.Keys source = config.keys();
        KeySet keys;
        if (source instanceof AuthConfig.Keys.SharedSecret secret) {
            keys = fixed(vertx, "HS256", secret.secret(), verification);
        } else if (source instanceof AuthConfig.Keys.PublicKeyPem pem) {
            keys = fixed(vertx, "RS256", pem.pem(), verification);
        } else if (source instanceof AuthConfig.Keys.Jwks jwks) {
            keys = new JwksKeys(vertx, jwks, verification, Clock.systemUTC(), metrics);
        } else {
            keys = null;
        }
        return new Authenticator(keys, config, metrics);
    }

    private static KeySet fixed(Vertx vertx, String algorithm, String key, JWTOptions verification) {
        PubSecKeyOptions options = new PubSecKeyOptions().setAlgorithm(algorithm).setBuffer(key);
        return new KeySet.Fixed(JWTAuth.create(vertx, new JWTAuthOptions().addPubSecKey(options).setJWTOptions(verification)));
    }

    public boolean isDevelopment() {
        return keys == null;
    }

    /** Completes once the keys are loaded (at once unless they come from a JWKS URL); fails when they cannot be. */
    public Future<Void> ready() {
        return keys == null ? Future.succeededFuture() : keys.ready();
    }

    /** Fails with UNAUTHENTICATED when a token is present but not valid. */
    public Future<Caller> authenticate(String authorization) {
        if (keys == null) {
            return Future.succeededFuture(Caller.developer());
        }
        if (authorization == null || authorization.isBlank()) {
            return Future.succeededFuture(Caller.guest());
        }
        if (!authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return rejected("not_bearer", "authorization must be a Bearer token");
        }
        return verify(authorization.substring(7).trim(), true);
    }

    private Future<Caller> verify(String token, boolean mayRefresh) {
        JWTAuth verifier = keys.current();
        if (verifier == null) {
            return rejected("keys_unavailable", "the token keys are not loaded");
        }
        Future<User> verified;
        try {
            verified = verifier.authenticate(new TokenCredentials(token));
        } catch (RuntimeException e) {
            // A malformed claim (an exp that is not a number, ...) can throw instead of failing the future.
            verified = Future.failedFuture(e);
        }
        return verified.transform(result -> {
            if (result.succeeded()) {
                return caller(claims(result.result()));
            }
            Throwable cause = result.cause();
            if (cause instanceof NoSuchKeyIdException) {
                if (mayRefresh) {
                    return keys.refreshForUnknownKey().compose(loaded -> loaded ? verify(token, false)
                        : rejected("unknown_key", "invalid token: " + cause.getMessage()));
                }
                return rejected("unknown_key", "invalid token: " + cause.getMessage());
            }
            return rejected("invalid_token", "invalid token: " + cause.getMessage());
        });
    }

    /**
     * Every claim of a verified token. vertx-auth-jwt keeps the decoded payload as the user's {@code accessToken}
     * attribute and moves exp, iat and nbf out of the principal, so the payload is read from there.
     */
    private static JsonObject claims(User user) {
        if (user.attributes().getValue("accessToken") instanceof JsonObject payload) {
            return payload;
        }
        JsonObject merged = user.principal().copy();
        for (String name : new String[] {"exp", "iat", "nbf"}) {
            if (user.attributes().containsKey(name)) {
                merged.put(name, user.attributes().getValue(name));
            }
        }
        return merged;
    }

    /** The caller of a verified token, once the claims every token must carry are there. */
    private Future<Caller> caller(JsonObject claims) {
        if (!(claims.getValue("exp") instanceof Number)) {
            return rejected("missing_claim", "invalid token: no exp");
        }
        if (!config.issuer().equals(claims.getValue("iss"))) {
            return rejected("missing_claim", "invalid token: iss is not " + config.issuer());
        }
        Object audience = claims.getValue("aud");
        boolean forUs = config.audience().equals(audience) || (audience instanceof JsonArray list && list.contains(config.audience()));
        if (!forUs) {
            return rejected("missing_claim", "invalid token: aud does not name " + config.audience());
        }
        if (!(claims.getValue("sub") instanceof String subject) || subject.isBlank()) {
            return rejected("missing_claim", "invalid token: no sub");
        }
        Set<String> roles = new HashSet<>();
        Object claim = claims.getValue("roles");
        if (claim instanceof JsonArray array) {
            array.forEach(r -> roles.add(String.valueOf(r)));
        } else if (claim instanceof String s) {
            roles.add(s);
        }
        return Future.succeededFuture(new Caller(subject, roles, false));
    }

    private <T> Future<T> rejected(String reason, String message) {
        metrics.rejected(reason);
        LOG.debug("event=auth_rejected reason={} message=\"{}\"", reason, message);
        return Future.failedFuture(new TokenRejected(reason, message));
    }
}
