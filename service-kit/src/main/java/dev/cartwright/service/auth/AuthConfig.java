package dev.cartwright.service.auth;

import dev.cartwright.service.config.BindHost;
import dev.cartwright.service.config.ConfigException;
import dev.cartwright.service.config.ConfigReader;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * How callers are authenticated, read and checked at start-up. {@code CARTWRIGHT_AUTH_MODE} is {@code development}
 * (no authentication; the service then listens on loopback only, see {@link BindHost}) or {@code jwt}. In jwt mode a
 * token must be signed with one of the configured keys and carry {@code exp}, the configured {@code iss}
 * ({@code CARTWRIGHT_JWT_ISSUER}) and the configured {@code aud} ({@code CARTWRIGHT_JWT_AUDIENCE}); both settings are
 * required, so no deployment can accept tokens meant for someone else by leaving them out. The keys are one of:
 * <ul>
 *   <li>{@code CARTWRIGHT_JWT_KEY} with {@code CARTWRIGHT_JWT_ALGORITHM=HS256} (the default): a shared secret of at
 *       least 256 bits (32 bytes), as RFC 7518 requires for HS256;</li>
 *   <li>{@code CARTWRIGHT_JWT_KEY} with {@code CARTWRIGHT_JWT_ALGORITHM=RS256}: the issuer's PEM public key;</li>
 *   <li>{@code CARTWRIGHT_JWT_JWKS_URL}: the issuer's JWKS document (RSA and EC public keys), fetched at start-up and
 *       again every {@code CARTWRIGHT_JWT_JWKS_REFRESH} (5m), and at once (at most every 30s) for a token whose key id
 *       the set does not have, so keys can be rotated without a restart.</li>
 * </ul>
 */
public record AuthConfig(boolean development, Keys keys, String issuer, String audience) {

    /** The smallest HS256 secret accepted, in bytes. */
    public static final int MIN_HMAC_KEY_BYTES = 32;

    /** Where the keys that verify tokens come from. */
    public sealed interface Keys {
        /** Development mode: nothing is verified. */
        record None() implements Keys {
        }

        /** An HS256 shared secret. */
        record SharedSecret(String secret) implements Keys {
            @Override
            public String toString() {
                return "SharedSecret[" + secret.length() + " characters]";
            }
        }

        /** An RS256 public key in PEM form. */
        record PublicKeyPem(String pem) implements Keys {
        }

        /** A JWKS document fetched from {@code url}, fetched again once {@code refresh} has passed. */
        record Jwks(URI url, Duration refresh) implements Keys {
        }
    }

    /** No authentication. */
    public static AuthConfig developmentMode() {
        return new AuthConfig(true, new Keys.None(), "", "");
    }

    public static AuthConfig read(ConfigReader config, String defaultMode) {
        String mode = config.string("CARTWRIGHT_AUTH_MODE", defaultMode);
        boolean development = switch (mode) {
            case "development" -> true;
            case "jwt" -> false;
            default -> throw new ConfigException("CARTWRIGHT_AUTH_MODE", "must be development or jwt, was " + mode);
        };
        if (development) {
            return developmentMode();
        }
        Keys keys = keys(config);
        String issuer = config.string("CARTWRIGHT_JWT_ISSUER", "");
        if (issuer.isEmpty()) {
            throw new ConfigException("CARTWRIGHT_JWT_ISSUER", "is required when CARTWRIGHT_AUTH_MODE=jwt: the iss every token "
                + "must carry (the identity provider's issuer URL)");
        }
        String audience = config.string("CARTWRIGHT_JWT_AUDIENCE", "");
        if (audience.isEmpty()) {
            throw new ConfigException("CARTWRIGHT_JWT_AUDIENCE", "is required when CARTWRIGHT_AUTH_MODE=jwt: the aud every token "
                + "must carry (the name the identity provider gives this API)");
        }
        return new AuthConfig(false, keys, issuer, audience);
    }

    private static Keys keys(ConfigReader config) {
        String key = config.string("CARTWRIGHT_JWT_KEY", "");
        String jwksUrl = config.string("CARTWRIGHT_JWT_JWKS_URL", "");
        if (!key.isEmpty() && !jwksUrl.isEmpty()) {
            throw new ConfigException("CARTWRIGHT_JWT_JWKS_URL", "set either CARTWRIGHT_JWT_KEY or CARTWRIGHT_JWT_JWKS_URL, not both");
        }
        if (!jwksUrl.isEmpty()) {
            Duration refresh = config.duration("CARTWRIGHT_JWT_JWKS_REFRESH", Duration.ofMinutes(5));
            if (refresh.compareTo(Duration.ofSeconds(1)) < 0) {
                throw new ConfigException("CARTWRIGHT_JWT_JWKS_REFRESH", "must be at least 1s, was " + refresh);
            }
            return new Keys.Jwks(jwksUri(jwksUrl), refresh);
        }
        if (key.isEmpty()) {
            throw new ConfigException("CARTWRIGHT_JWT_KEY", "is required when CARTWRIGHT_AUTH_MODE=jwt (or set CARTWRIGHT_JWT_JWKS_URL)");
        }
        String algorithm = config.string("CARTWRIGHT_JWT_ALGORITHM", "HS256");
        return switch (algorithm) {
            case "HS256" -> {
                int bytes = key.getBytes(StandardCharsets.UTF_8).length;
                if (bytes < MIN_HMAC_KEY_BYTES) {
                    throw new ConfigException("CARTWRIGHT_JWT_KEY", "an HS256 key must be at least 256 bits (" + MIN_HMAC_KEY_BYTES
                        + " bytes); this one has " + bytes * 8 + " bits. Generate one with: openssl rand -base64 48");
                }
                yield new Keys.SharedSecret(key);
            }
            case "RS256" -> {
                if (!key.contains("-----BEGIN PUBLIC KEY-----")) {
                    throw new ConfigException("CARTWRIGHT_JWT_KEY", "with CARTWRIGHT_JWT_ALGORITHM=RS256 must be a PEM public key "
                        + "(-----BEGIN PUBLIC KEY-----)");
                }
                yield new Keys.PublicKeyPem(key);
            }
            default -> throw new ConfigException("CARTWRIGHT_JWT_ALGORITHM", "must be HS256 or RS256, was " + algorithm);
        };
    }

    private static URI jwksUri(String raw) {
        URI url;
        try {
            url = new URI(raw);
        } catch (URISyntaxException e) {
            throw new ConfigException("CARTWRIGHT_JWT_JWKS_URL", "is not a URL: " + e.getMessage());
        }
        String scheme = url.getScheme() == null ? "" : url.getScheme();
        if (url.getHost() == null || !(scheme.equals("https") || scheme.equals("http"))) {
            throw new ConfigException("CARTWRIGHT_JWT_JWKS_URL", "must be an https:// URL, was " + raw);
        }
        if (scheme.equals("http") && !BindHost.isLoopback(url.getHost())) {
            // Keys fetched in clear text could be swapped on the way by anyone on the network.
            throw new ConfigException("CARTWRIGHT_JWT_JWKS_URL", "must be https:// (plain http only for a loopback address), was "
                + raw);
        }
        return url;
    }
}
