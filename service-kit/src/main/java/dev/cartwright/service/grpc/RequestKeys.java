package dev.cartwright.service.grpc;

import com.google.protobuf.MessageLite;
import dev.cartwright.service.auth.Caller;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * Owns what a client's idempotency key becomes inside a service. The key is scoped to the caller (two customers, or a
 * customer and a member of staff, sending the same key are two requests) and digested into {@code k-} and 22
 * characters of base64url: a short key of bounded size that never contains ':', so it can never be one of the keys
 * a service derives for its own steps ({@code <checkout>:convert}, {@code <checkout>:authorize}, ...). The
 * fingerprint of a request (its RPC and body, digested the same way) is stored with the key, so the same key with
 * another request is told apart from a retry.
 */
public final class RequestKeys {

    private static final int DIGEST_CHARS = 22;

    private RequestKeys() {
    }

    /** "" for no key; otherwise the caller's key as a service stores it. */
    public static String scoped(Caller caller, String clientKey) {
        if (clientKey.isEmpty()) {
            return clientKey;
        }
        String scope = (caller.development() ? "dev:" : "sub:") + caller.subject();
        return "k-" + digest(scope.getBytes(StandardCharsets.UTF_8), clientKey.getBytes(StandardCharsets.UTF_8));
    }

    /** The digest of one request: the RPC's name and the request's serialized fields (the key among them). */
    public static String fingerprint(String method, MessageLite request) {
        return digest(method.getBytes(StandardCharsets.UTF_8), request.toByteArray());
    }

    private static String digest(byte[] first, byte[] second) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(first);
            sha.update((byte) 0);
            sha.update(second);
            return Base64.getUrlEncoder().withoutPadding().encodeToString(sha.digest()).substring(0, DIGEST_CHARS);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
