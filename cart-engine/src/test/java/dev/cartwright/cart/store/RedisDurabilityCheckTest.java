package dev.cartwright.cart.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.cartwright.cart.store.RedisDurabilityCheck.Mode;
import dev.cartwright.cart.store.RedisDurabilityCheck.Settings;
import dev.cartwright.cart.store.RedisDurabilityCheck.Verdict;
import io.vertx.core.Future;

class RedisDurabilityCheckTest {

    private static Settings settings(String policy, boolean aof, String fsync) {
        return new Settings(policy, aof, Optional.ofNullable(fsync), "CONFIG GET");
    }

    @Test
    void noevictionWithAofAlwaysIsDurableWithNothingToNote() {
        assertThat(RedisDurabilityCheck.judge(settings("noeviction", true, "always")))
            .isEqualTo(new Verdict.Durable(settings("noeviction", true, "always"), java.util.List.of()));
    }

    @Test
    void aofFlushedEverySecondOrByTheSystemIsDurableButNoted() {
        Verdict everysec = RedisDurabilityCheck.judge(settings("noeviction", true, "everysec"));
        assertThat(everysec).isInstanceOf(Verdict.Durable.class);
        assertThat(((Verdict.Durable) everysec).notes()).singleElement().asString().contains("one second");
        Verdict byTheSystem = RedisDurabilityCheck.judge(settings("noeviction", true, "no"));
        assertThat(((Verdict.Durable) byTheSystem).notes()).singleElement().asString().contains("appendfsync always");
        Verdict fromInfo = RedisDurabilityCheck.judge(new Settings("noeviction", true, Optional.empty(), "INFO"));
        assertThat(fromInfo).isInstanceOf(Verdict.Durable.class);
    }

    @Test
    void anEvictingPolicyOrNoAofIsNotDurableAndSaysWhatToSet() {
        Verdict evicting = RedisDurabilityCheck.judge(settings("allkeys-lru", true, "always"));
        assertThat(((Verdict.NotDurable) evicting).problems()).singleElement().asString()
            .contains("allkeys-lru").contains("set maxmemory-policy noeviction");
        Verdict forgetful = RedisDurabilityCheck.judge(settings("noeviction", false, "everysec"));
        assertThat(((Verdict.NotDurable) forgetful).problems()).singleElement().asString().contains("set appendonly yes");
        Verdict both = RedisDurabilityCheck.judge(settings("volatile-ttl", false, "everysec"));
        assertThat(((Verdict.NotDurable) both).problems()).hasSize(2);
    }

    @Test
    void productionRefusesWhatIsNotKnownDurableAndDevelopmentOnlyWarns() {
        Verdict notDurable = RedisDurabilityCheck.judge(settings("allkeys-lru", false, "no"));
        Future<Void> refused = RedisDurabilityCheck.enforce(notDurable, Mode.AUTO, true, "redis://cache:6379");
        assertThat(refused.failed()).isTrue();
        assertThat(refused.cause().getMessage()).contains("production mode (CARTWRIGHT_AUTH_MODE=jwt) refuses to start")
            .contains("redis://cache:6379").contains("maxmemory-policy noeviction").contains("appendonly yes")
            .contains("CARTWRIGHT_REDIS_CHECK=warn");
        assertThat(RedisDurabilityCheck.enforce(notDurable, Mode.AUTO, false, "redis://cache:6379").succeeded()).isTrue();
        assertThat(RedisDurabilityCheck.enforce(notDurable, Mode.WARN, true, "redis://cache:6379").succeeded()).isTrue();

        Verdict unknown = new Verdict.Unknown("Redis refused CONFIG GET (ERR unknown command) and INFO (ERR unknown command)");
        Future<Void> unknownRefused = RedisDurabilityCheck.enforce(unknown, Mode.AUTO, true, "redis://cache:6379");
        assertThat(unknownRefused.cause().getMessage()).contains("refused CONFIG GET").contains("CARTWRIGHT_REDIS_CHECK=skip");
        assertThat(RedisDurabilityCheck.enforce(unknown, Mode.AUTO, false, "redis://cache:6379").succeeded()).isTrue();

        Verdict durable = RedisDurabilityCheck.judge(settings("noeviction", true, "always"));
        assertThat(RedisDurabilityCheck.enforce(durable, Mode.AUTO, true, "redis://cache:6379").succeeded()).isTrue();
    }

    @Test
    void theModeIsReadFromItsNameAndTheAddressLosesItsPassword() {
        assertThat(Mode.parse("auto")).contains(Mode.AUTO);
        assertThat(Mode.parse(" WARN ")).contains(Mode.WARN);
        assertThat(Mode.parse("skip")).contains(Mode.SKIP);
        assertThat(Mode.parse("off")).isEmpty();
        assertThat(RedisDurabilityCheck.displayAddress("redis://user:s3cret@cache:6379/0")).isEqualTo("redis://cache:6379/0");
        assertThat(RedisDurabilityCheck.displayAddress("rediss://:s3cret@cache:6380")).isEqualTo("rediss://cache:6380");
        assertThat(RedisDurabilityCheck.displayAddress("redis://127.0.0.1:6379")).isEqualTo("redis://127.0.0.1:6379");
    }
}
