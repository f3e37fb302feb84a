package dev.cartwright.checkout.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cartwright.service.grpc.RpcError;
import io.vertx.grpc.common.GrpcStatus;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * The id and idempotency key checks, written by hand because every call runs them, accept exactly what the
 * documented patterns accept.
 */
class RequestChecksProperties {

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._:-]{1,64}");
    private static final Pattern IDEMPOTENCY_KEY = Pattern.compile("[A-Za-z0-9._:-]{0,128}");

    @Provide
    Arbitrary<String> candidates() {
        Arbitrary<String> allowed = Arbitraries.strings().withChars("azAZ09._:-").ofMaxLength(140);
        Arbitrary<String> mixed = Arbitraries.strings().withChars("azAZ09._:-/@` |{\u00e9\u0000").ofMaxLength(140);
        return Arbitraries.frequencyOf(Tuple.of(3, allowed), Tuple.of(2, mixed))
            .edgeCases(config -> config.add("").add("a".repeat(64)).add("a".repeat(65)).add("k".repeat(128)).add("k".repeat(129)));
    }

    private static boolean accepted(Runnable check) {
        try {
            check.run();
            return true;
        } catch (RpcError e) {
            assertThat(e.status()).isEqualTo(GrpcStatus.INVALID_ARGUMENT);
            return false;
        }
    }

    @Property(tries = 2000)
    void idsMatchTheirPattern(@ForAll("candidates") String candidate) {
        assertThat(accepted(() -> RequestChecks.id("cart_id", candidate))).isEqualTo(ID.matcher(candidate).matches());
    }

    @Property(tries = 2000)
    void idempotencyKeysMatchTheirPattern(@ForAll("candidates") String candidate) {
        assertThat(accepted(() -> RequestChecks.idempotencyKey("idempotency_key", candidate)))
            .isEqualTo(IDEMPOTENCY_KEY.matcher(candidate).matches());
    }
}
