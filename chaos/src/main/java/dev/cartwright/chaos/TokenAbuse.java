package dev.cartwright.chaos;

import dev.cartwright.proto.checkout.v1.AddItemRequest;
import dev.cartwright.proto.checkout.v1.Cart;
import dev.cartwright.proto.checkout.v1.CartServiceGrpcClient;
import dev.cartwright.proto.checkout.v1.ClearCartRequest;
import dev.cartwright.proto.checkout.v1.CreateCartRequest;
import dev.cartwright.proto.checkout.v1.GetCartRequest;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Bad credentials against a service in jwt mode: expired tokens, the wrong audience or issuer, {@code alg: none}, the
 * wrong key, no expiry, garbage, and valid tokens of another customer, each used to create, read and change one
 * customer's cart. None may succeed, and the cart must not change.
 */
public final class TokenAbuse {

    public static final String ISSUER = "https://issuer.chaos.test";
    public static final String AUDIENCE = "cartwright-checkout";

    /**
     * @param attempts   calls made with bad credentials
     * @param successes  of them answered OK (a defect each)
     * @param outcomes   answers by case and status
     * @param stateMoved whether the victim cart's version moved
     * @param failures   the successful abuses, for a failure message
     */
    public record Result(long attempts, long successes, Map<String, Long> outcomes, boolean stateMoved, List<String> failures) {
        public boolean clean() {
            return successes == 0 && !stateMoved;
        }
    }

    private TokenAbuse() {
    }

    /** The service settings of jwt mode with this HS256 key. */
    public static Map<String, String> settings(String key) {
        return Map.of("CARTWRIGHT_AUTH_MODE", "jwt", "CARTWRIGHT_JWT_KEY", key, "CARTWRIGHT_JWT_ISSUER", ISSUER,
            "CARTWRIGHT_JWT_AUDIENCE", AUDIENCE);
    }

    public static Result run(ChaosRig rig, String key, String runId) {
        long now = System.currentTimeMillis() / 1000;
        String victim = "victim-" + runId;
        String other = "other-" + runId;
        String good = token("HS256", claims(victim, ISSUER, AUDIENCE, now + 600), key);
        Calls.Reply<Cart> created = rig.calls.call(CartServiceGrpcClient.CreateCart, CreateCartRequest.newBuilder()
            .setCustomerId(victim).build(), good);
        if (!created.ok()) {
            throw new IllegalStateException("a valid token could not create a cart: " + created.status() + " " + created.message());
        }
        String cartId = created.body().getCartId();
        Calls.Reply<Cart> filled = rig.calls.call(CartServiceGrpcClient.AddItem, AddItemRequest.newBuilder().setCartId(cartId)
            .setProductId("456").setQuantity(1).build(), good);
        if (!filled.ok()) {
            throw new IllegalStateException("a valid token could not add to its cart: " + filled.status() + " " + filled.message());
        }
        long version = filled.body().getVersion();

        Map<String, String> bad = new LinkedHashMap<>();
        bad.put("expired", token("HS256", claims(victim, ISSUER, AUDIENCE, now - 3600), key));
        bad.put("wrong audience", token("HS256", claims(victim, ISSUER, "someone-else", now + 600), key));
        bad.put("wrong issuer", token("HS256", claims(victim, "https://evil.test", AUDIENCE, now + 600), key));
        bad.put("no expiry", token("HS256", "{\"sub\":\"" + victim + "\",\"iss\":\"" + ISSUER + "\",\"aud\":\"" + AUDIENCE + "\"}", key));
        bad.put("alg none", unsigned("none", claims(victim, ISSUER, AUDIENCE, now + 600)));
        bad.put("alg None", unsigned("None", claims(victim, ISSUER, AUDIENCE, now + 600)));
        bad.put("wrong key", token("HS256", claims(victim, ISSUER, AUDIENCE, now + 600), key + "-but-not-quite"));
        bad.put("garbage", "not.a.token");
        bad.put("empty", "");
        bad.put("other customer", token("HS256", claims(other, ISSUER, AUDIENCE, now + 600), key));

        Map<String, Function<String, Calls.Reply<Cart>>> actions = new LinkedHashMap<>();
        actions.put("read the cart", t -> rig.calls.call(CartServiceGrpcClient.GetCart, GetCartRequest.newBuilder().setCartId(cartId)
            .build(), t));
        actions.put("add to the cart", t -> rig.calls.call(CartServiceGrpcClient.AddItem, AddItemRequest.newBuilder().setCartId(cartId)
            .setProductId("456").setQuantity(1).build(), t));
        actions.put("clear the cart", t -> rig.calls.call(CartServiceGrpcClient.ClearCart, ClearCartRequest.newBuilder()
            .setCartId(cartId).build(), t));
        actions.put("create a cart for the customer", t -> rig.calls.call(CartServiceGrpcClient.CreateCart,
            CreateCartRequest.newBuilder().setCustomerId(victim).build(), t));

        Map<String, Long> outcomes = new HashMap<>();
        List<String> failures = new ArrayList<>();
        long attempts = 0;
        long successes = 0;
        for (Map.Entry<String, String> token : bad.entrySet()) {
            for (Map.Entry<String, Function<String, Calls.Reply<Cart>>> action : actions.entrySet()) {
                Calls.Reply<Cart> reply = action.getValue().apply(token.getValue());
                attempts++;
                outcomes.merge(token.getKey() + ": " + (reply.status() == null ? "no status" : reply.status().name()), 1L, Long::sum);
                if (reply.ok()) {
                    successes++;
                    failures.add(action.getKey() + " with " + token.getKey() + " token succeeded");
                }
            }
        }
        Calls.Reply<Cart> after = rig.calls.call(CartServiceGrpcClient.GetCart, GetCartRequest.newBuilder().setCartId(cartId).build(),
            good);
        boolean moved = !after.ok() || after.body().getVersion() != version;
        return new Result(attempts, successes, outcomes, moved, failures);
    }

    private static String claims(String subject, String issuer, String audience, long exp) {
        return "{\"sub\":\"" + subject + "\",\"iss\":\"" + issuer + "\",\"aud\":\"" + audience + "\",\"exp\":" + exp + ",\"iat\":"
            + (exp - 600) + "}";
    }

    private static String b64(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    private static String unsigned(String alg, String claims) {
        return b64("{\"alg\":\"" + alg + "\",\"typ\":\"JWT\"}") + "." + b64(claims) + ".";
    }

    /** An HS256 token signed with {@code key}. */
    public static String token(String alg, String claims, String key) {
        String signingInput = b64("{\"alg\":\"" + alg + "\",\"typ\":\"JWT\"}") + "." + b64(claims);
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            byte[] signature = mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(signature);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
