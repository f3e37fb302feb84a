package dev.cartwright.service.auth;

import dev.cartwright.service.config.ConfigException;
import dev.cartwright.service.config.ConfigReader;

/**
 * How callers are authenticated. {@code CARTWRIGHT_AUTH_MODE} is {@code development} (no
 * authentication) or {@code jwt}; in {@code jwt} mode {@code CARTWRIGHT_JWT_KEY} holds the HMAC
 * secret (or a PEM public key with {@code CARTWRIGHT_JWT_ALGORITHM=RS256}).
 */
public record AuthConfig(boolean development, String algorithm, String key, String issuer, String audience) {

    public static AuthConfig read(ConfigReader config, String defaultMode) {
        String mode = config.string("CARTWRIGHT_AUTH_MODE", defaultMode);
        boolean development = switch (mode) {
            case "development" -> true;
            case "jwt" -> false;
            default -> throw new ConfigException("CARTWRIGHT_AUTH_MODE", "must be development or jwt, was " + mode);
        };
        String key = config.string("CARTWRIGHT_JWT_KEY", "");
        if (!development && key.isEmpty()) {
            throw new ConfigException("CARTWRIGHT_JWT_KEY", "is required when CARTWRIGHT_AUTH_MODE=jwt");
        }
        String algorithm = config.string("CARTWRIGHT_JWT_ALGORITHM", "HS256");
        if (!algorithm.equals("HS256") && !algorithm.equals("RS256")) {
            throw new ConfigException("CARTWRIGHT_JWT_ALGORITHM", "must be HS256 or RS256, was " + algorithm);
        }
        return new AuthConfig(development, algorithm, key,
            config.string("CARTWRIGHT_JWT_ISSUER", ""), config.string("CARTWRIGHT_JWT_AUDIENCE", ""));
    }
}
