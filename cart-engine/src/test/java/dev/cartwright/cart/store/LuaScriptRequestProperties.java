package dev.cartwright.cart.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** A script call built with all its arguments at once is, byte for byte, the command built one argument at a time. */
class LuaScriptRequestProperties {

    @Provide
    Arbitrary<List<String>> words() {
        return Arbitraries.oneOf(Arbitraries.strings().ofMinLength(0).ofMaxLength(30),
                Arbitraries.strings().withChars("\u00e9\u20ac\uD83D\uDED2|=, \r\n$*").ofMinLength(0).ofMaxLength(8))
            .list().ofMinSize(0).ofMaxSize(40);
    }

    @Property(tries = 500)
    void theCommandIsTheOneBuiltArgumentByArgument(@ForAll("words") List<String> keys, @ForAll("words") List<String> args) {
        String script = "0123456789abcdef0123456789abcdef01234567";
        Request expected = Request.cmd(Command.EVALSHA).arg(script).arg(keys.size());
        keys.forEach(expected::arg);
        args.forEach(expected::arg);

        Request built = LuaScript.request(Command.EVALSHA, script.getBytes(StandardCharsets.US_ASCII), keys, args);

        assertThat(built.command()).isEqualTo(Command.EVALSHA);
        assertThat(built.toString()).isEqualTo(expected.toString());
    }
}
