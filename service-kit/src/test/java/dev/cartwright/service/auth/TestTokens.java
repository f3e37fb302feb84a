package dev.cartwright.service.auth;

import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs test tokens by hand (HS256, RS256 or unsigned), so a test controls every header field and claim, including the
 * ones a well-behaved issuer would always set.
 */
final class TestTokens {

    static final String ISSUER = "https://id.cartwright.test";
    static final String AUDIENCE = "cartwright-api";

    private TestTokens() {
    }

    /** The claims of a good token for {@code subject}: issuer, audience, expiry ten minutes after {@code now}. */
    static JsonObject claims(String subject, Instant now) {
        return new JsonObject().put("sub", subject).put("iss", ISSUER).put("aud", AUDIENCE).put("iat", now.getEpochSecond())
            .put("exp", now.plusSeconds(600).getEpochSecond());
    }

    static String hs256(String secret, JsonObject claims) {
        String signingInput = part(new JsonObject().put("alg", "HS256").put("typ", "JWT")) + "." + part(claims);
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return signingInput + "." + base64(mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static String rs256(RsaKey key, JsonObject claims) {
        String signingInput = part(new JsonObject().put("alg", "RS256").put("typ", "JWT").put("kid", key.kid())) + "." + part(claims);
        try {
            Signature signature = Signature.getInstance("SHA256withRSA");
            signature.initSign(key.pair().getPrivate());
            signature.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + base64(signature.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code alg: none}: no signature at all. */
    static String unsigned(JsonObject claims) {
        return part(new JsonObject().put("alg", "none").put("typ", "JWT")) + "." + part(claims) + ".";
    }

    /** An RSA key pair with its key id, and its public half as a JWK. */
    record RsaKey(String kid, KeyPair pair) {
        static RsaKey generate(String kid) {
            try {
                KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
                generator.initialize(2048);
                return new RsaKey(kid, generator.generateKeyPair());
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }

        JsonObject jwk() {
            RSAPublicKey publicKey = (RSAPublicKey) pair.getPublic();
            return new JsonObject().put("kty", "RSA").put("kid", kid).put("use", "sig").put("alg", "RS256")
                .put("n", base64(unsigned(publicKey.getModulus()))).put("e", base64(unsigned(publicKey.getPublicExponent())));
        }

        private static byte[] unsigned(BigInteger value) {
            byte[] bytes = value.toByteArray();
            if (bytes.length > 1 && bytes[0] == 0) {
                byte[] trimmed = new byte[bytes.length - 1];
                System.arraycopy(bytes, 1, trimmed, 0, trimmed.length);
                return trimmed;
            }
            return bytes;
        }
    }

    private static String part(JsonObject json) {
        return base64(json.encode().getBytes(StandardCharsets.UTF_8));
    }

    private static String base64(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
