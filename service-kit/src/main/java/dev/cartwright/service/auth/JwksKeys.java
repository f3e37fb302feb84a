package dev.cartwright.service.auth;

import io.micrometer.core.instrument.Gauge;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.math.BigInteger;
import java.net.URI;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the key set of a JWKS issuer: fetched from its URL at start-up, fetched again in the background by the first
 * call after the refresh period (the calls meanwhile keep the set in force), and fetched at once when a token names a
 * key id the set does not have, at most once per {@link #UNKNOWN_KEY_INTERVAL} (or per refresh period, if shorter),
 * so a rotated-in key is accepted on its first use and a stream of made-up key ids costs the issuer one fetch per
 * interval. Every set in force is one immutable {@link JWTAuth} (the maintained vertx-auth-jwt verifier built from the
 * document's keys) swapped whole; a document that fails to load or holds no usable signing key leaves the set in force
 * as it is. Only RSA (RS256/384/512, at least 2048 bits) and EC (ES256/384/512) public keys with {@code use} sig are
 * taken: a symmetric key published in a JWKS would let anyone who can read the document sign tokens.
 */
final class JwksKeys implements KeySet {

    static final Duration UNKNOWN_KEY_INTERVAL = Duration.ofSeconds(30);

    private static final Logger LOG = LoggerFactory.getLogger(JwksKeys.class);
    private static final int MAX_DOCUMENT_BYTES = 1024 * 1024;
    private static final Duration FETCH_TIMEOUT = Duration.ofSeconds(10);
    private static final Map<String, String> CURVES = Map.of("P-256", "secp256r1", "P-384", "secp384r1", "P-521", "secp521r1");
    private static final Map<String, String> CURVE_ALGORITHMS = Map.of("P-256", "ES256", "P-384", "ES384", "P-521", "ES512");
    private static final Set<String> RSA_ALGORITHMS = Set.of("RS256", "RS384", "RS512");

    /** The set in force: its verifier, key ids and when it was fetched. */
    private record Snapshot(JWTAuth auth, List<String> keyIds, Instant fetchedAt) {
    }

    private final Vertx vertx;
    private final HttpClient http;
    private final Context context;
    private final URI url;
    private final Duration refresh;
    private final Duration unknownKeyInterval;
    private final JWTOptions verification;
    private final Clock clock;
    private final AuthMetrics metrics;
    private final AtomicReference<Snapshot> snapshot = new AtomicReference<>();
    private final AtomicReference<Future<Boolean>> inFlight = new AtomicReference<>();
    private volatile Instant lastAttempt = Instant.MIN;
    private final Future<Void> ready;

    JwksKeys(Vertx vertx, AuthConfig.Keys.Jwks jwks, JWTOptions verification, Clock clock, AuthMetrics metrics) {
        this.vertx = vertx;
        this.url = jwks.url();
        this.refresh = jwks.refresh();
        this.unknownKeyInterval = refresh.compareTo(UNKNOWN_KEY_INTERVAL) < 0 ? refresh : UNKNOWN_KEY_INTERVAL;
        this.verification = verification;
        this.clock = clock;
        this.metrics = metrics;
        this.context = vertx.getOrCreateContext();
        this.http = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout((int) FETCH_TIMEOUT.toMillis()));
        Gauge.builder("cartwright.jwks.keys", snapshot, s -> s.get() == null ? 0 : s.get().keyIds().size())
            .description("Signing keys in the JWKS key set in force").register(metrics.registry());
        Gauge.builder("cartwright.jwks.age", snapshot,
                s -> s.get() == null ? Double.NaN : Duration.between(s.get().fetchedAt(), clock.instant()).toMillis() / 1000.0)
            .baseUnit("seconds").description("Time since the JWKS key set in force was fetched").register(metrics.registry());
        this.ready = fetch().compose(loaded -> Future.<Void>succeededFuture(), e -> Future.failedFuture(new IllegalStateException(
            "cannot load the token keys from CARTWRIGHT_JWT_JWKS_URL " + url + ": " + e.getMessage(), e)));
    }

    @Override
    public JWTAuth current() {
        Snapshot in = snapshot.get();
        if (in != null && !clock.instant().isBefore(in.fetchedAt().plus(refresh)) && !clock.instant().isBefore(lastAttempt.plus(
            unknownKeyInterval))) {
            // Due: fetch in the background; this call and those meanwhile use the set in force.
            fetch();
        }
        return in == null ? null : in.auth();
    }

    @Override
    public Future<Void> ready() {
        return ready;
    }

    @Override
    public Future<Boolean> refreshForUnknownKey() {
        Future<Boolean> running = inFlight.get();
        if (running != null) {
            return running;
        }
        if (clock.instant().isBefore(lastAttempt.plus(unknownKeyInterval))) {
            return Future.succeededFuture(false);
        }
        return fetch().otherwise(false);
    }

    /** Fetches the document (one fetch at a time); completes with true once a new set is in force. */
    private Future<Boolean> fetch() {
        Promise<Boolean> promise = Promise.promise();
        if (!inFlight.compareAndSet(null, promise.future())) {
            Future<Boolean> running = inFlight.get();
            return running != null ? running : Future.succeededFuture(false);
        }
        lastAttempt = clock.instant();
        // The exchange runs on one event-loop context: called from another thread (start-up, a test), the response's
        // callbacks would be dispatched later, and a small document could end before its body handler is in place.
        context.runOnContext(v -> exchange(promise));
        return promise.future();
    }

    private void exchange(Promise<Boolean> promise) {
        RequestOptions request = new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(url.toString())
            .setIdleTimeout(FETCH_TIMEOUT.toMillis()).putHeader("accept", "application/json");
        http.request(request)
            .compose(r -> r.send())
            .compose(JwksKeys::body)
            .map(this::load)
            .onComplete(result -> {
                inFlight.set(null);
                if (result.succeeded()) {
                    Snapshot loaded = result.result();
                    snapshot.set(loaded);
                    metrics.fetched(true);
                    LOG.info("event=jwks_loaded url={} keys={} kids={}", url, loaded.keyIds().size(), loaded.keyIds());
                    promise.complete(true);
                } else {
                    metrics.fetched(false);
                    LOG.warn("event=jwks_fetch_failed url={} error=\"{}\" keeping={}", url, result.cause().getMessage(),
                        snapshot.get() == null ? "none" : snapshot.get().keyIds());
                    promise.fail(result.cause());
                }
            });
    }

    private static Future<Buffer> body(HttpClientResponse response) {
        if (response.statusCode() != 200) {
            return Future.failedFuture(new IllegalStateException("answered HTTP " + response.statusCode()));
        }
        Promise<Buffer> done = Promise.promise();
        Buffer body = Buffer.buffer();
        response.handler(chunk -> {
            if (body.length() + chunk.length() > MAX_DOCUMENT_BYTES) {
                done.tryFail("the document is larger than " + MAX_DOCUMENT_BYTES + " bytes");
                response.request().reset();
            } else {
                body.appendBuffer(chunk);
            }
        });
        response.exceptionHandler(done::tryFail);
        response.endHandler(v -> done.tryComplete(body));
        return done.future();
    }

    /** A verifier over the document's usable keys; fails when it has none (the set in force then stays). */
    private Snapshot load(Buffer document) {
        JsonArray keys = new JsonObject(document).getJsonArray("keys");
        if (keys == null) {
            throw new IllegalArgumentException("the document has no \"keys\" array");
        }
        List<JsonObject> usable = new ArrayList<>();
        List<String> keyIds = new ArrayList<>();
        for (Object entry : keys) {
            if (!(entry instanceof JsonObject jwk)) {
                continue;
            }
            String refusal = refusal(jwk);
            if (refusal != null) {
                LOG.warn("event=jwks_key_skipped url={} kid={} reason=\"{}\"", url, jwk.getValue("kid"), refusal);
                continue;
            }
            JsonObject withAlgorithm = jwk.copy();
            withAlgorithm.put("alg", algorithm(jwk));
            usable.add(withAlgorithm);
            keyIds.add(String.valueOf(jwk.getValue("kid", "(no kid)")));
        }
        if (usable.isEmpty()) {
            throw new IllegalArgumentException("the document holds no usable signing key (RSA or EC, use sig)");
        }
        JWTAuth auth = JWTAuth.create(vertx, new JWTAuthOptions().setJwks(usable).setJWTOptions(verification));
        return new Snapshot(auth, List.copyOf(keyIds), clock.instant());
    }

    /** Why a JWK is not taken, or null when it is a usable public signing key. */
    static String refusal(JsonObject jwk) {
        Object use = jwk.getValue("use");
        if (use != null && !"sig".equals(use)) {
            return "use is " + use + ", not sig";
        }
        String kty = String.valueOf(jwk.getValue("kty"));
        String alg = jwk.getValue("alg") instanceof String a ? a : null;
        try {
            switch (kty) {
                case "RSA" -> {
                    if (alg != null && !RSA_ALGORITHMS.contains(alg)) {
                        return "alg " + alg + " is not one of " + RSA_ALGORITHMS;
                    }
                    RSAPublicKey key = (RSAPublicKey) KeyFactory.getInstance("RSA")
                        .generatePublic(new RSAPublicKeySpec(number(jwk, "n"), number(jwk, "e")));
                    if (key.getModulus().bitLength() < 2048) {
                        return "an RSA key of " + key.getModulus().bitLength() + " bits (at least 2048 are needed)";
                    }
                    return null;
                }
                case "EC" -> {
                    String crv = String.valueOf(jwk.getValue("crv"));
                    if (!CURVES.containsKey(crv)) {
                        return "curve " + crv + " is not one of " + CURVES.keySet();
                    }
                    if (alg != null && !alg.equals(CURVE_ALGORITHMS.get(crv))) {
                        return "alg " + alg + " does not go with curve " + crv;
                    }
                    AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
                    parameters.init(new ECGenParameterSpec(CURVES.get(crv)));
                    KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(new ECPoint(number(jwk, "x"), number(jwk, "y")),
                        parameters.getParameterSpec(ECParameterSpec.class)));
                    return null;
                }
                default -> {
                    return "key type " + kty + " is not RSA or EC";
                }
            }
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return "not a valid " + kty + " public key: " + e.getMessage();
        }
    }

    private static String algorithm(JsonObject jwk) {
        if (jwk.getValue("alg") instanceof String alg) {
            return alg;
        }
        return "EC".equals(jwk.getValue("kty")) ? CURVE_ALGORITHMS.get(String.valueOf(jwk.getValue("crv"))) : "RS256";
    }

    private static BigInteger number(JsonObject jwk, String field) {
        if (!(jwk.getValue(field) instanceof String text)) {
            throw new IllegalArgumentException(field + " is missing");
        }
        return new BigInteger(1, Base64.getUrlDecoder().decode(text));
    }
}
