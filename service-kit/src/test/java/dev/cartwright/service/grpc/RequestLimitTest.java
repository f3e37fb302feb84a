package dev.cartwright.service.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cartwright.service.config.ConfigException;
import dev.cartwright.service.config.ConfigReader;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.grpc.common.GrpcStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RequestLimitTest {

    @Test
    void admitsUpToTheLimitAndShedsTheRest() {
        RequestLimit limit = RequestLimit.of(2);

        RequestLimit.Admission first = limit.tryEnter();
        RequestLimit.Admission second = limit.tryEnter();

        assertThat(first).isNotNull();
        assertThat(second).isNotNull();
        assertThat(limit.tryEnter()).isNull();
        assertThat(limit.shed()).isEqualTo(1);
        assertThat(limit.inFlight()).isEqualTo(2);

        first.leave();
        assertThat(limit.tryEnter()).as("a place given back is taken again").isNotNull();
    }

    @Test
    void aCallLeavesOnceHoweverOftenItsEndIsReported() {
        RequestLimit limit = RequestLimit.of(3);
        RequestLimit.Admission call = limit.tryEnter();
        limit.tryEnter();

        call.leave();
        call.leave();

        assertThat(limit.inFlight()).isEqualTo(1);
    }

    @Test
    void theRefusalIsUnavailableOverloadedWithARetryDelayAndNamesTheSetting() {
        RpcError error = RequestLimit.of(7).overloaded();

        assertThat(error.status()).isEqualTo(GrpcStatus.UNAVAILABLE);
        assertThat(error.toStatus().getMessage()).contains("7 calls").contains(RequestLimit.SETTING).contains("changed nothing");
        assertThat(error.toStatus().getDetailsList()).anyMatch(any -> any.is(com.google.rpc.RetryInfo.class));
        assertThat(error.toStatus().getDetailsList()).anyMatch(any -> any.is(com.google.rpc.ErrorInfo.class));
    }

    @Test
    void theSettingIsReadAndCheckedWithItsName() {
        assertThat(RequestLimit.setting(ConfigReader.from(Map.of()))).isEqualTo(RequestLimit.DEFAULT);
        assertThat(RequestLimit.setting(ConfigReader.from(Map.of(RequestLimit.SETTING, "100")))).isEqualTo(100);
        assertThatThrownBy(() -> RequestLimit.setting(ConfigReader.from(Map.of(RequestLimit.SETTING, "0"))))
            .isInstanceOf(ConfigException.class).hasMessageContaining(RequestLimit.SETTING);
        assertThatThrownBy(() -> RequestLimit.of(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theMetersShowCallsInFlightTheLimitAndCallsShed() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        RequestLimit limit = RequestLimit.of(1).bindTo(registry, "checkout");
        limit.tryEnter();
        limit.tryEnter();

        assertThat(registry.get("cartwright_requests_in_flight").tag("service", "checkout").gauge().value()).isEqualTo(1);
        assertThat(registry.get("cartwright_requests_in_flight_limit").gauge().value()).isEqualTo(1);
        assertThat(registry.get("cartwright_requests_shed").functionCounter().count()).isEqualTo(1);
    }

    /** Event loops enter and leave at once: the calls in flight never pass the limit, and all places come back. */
    @Test
    void concurrentCallsNeverPassTheLimit() throws Exception {
        int max = 8;
        RequestLimit limit = RequestLimit.of(max);
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger mostInside = new AtomicInteger();
        AtomicInteger admitted = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            Thread thread = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                for (int i = 0; i < 50_000; i++) {
                    RequestLimit.Admission call = limit.tryEnter();
                    if (call != null) {
                        admitted.incrementAndGet();
                        mostInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
                        inside.decrementAndGet();
                        call.leave();
                    }
                }
            });
            thread.start();
            threads.add(thread);
        }
        start.countDown();
        for (Thread thread : threads) {
            thread.join();
        }

        assertThat(mostInside.get()).isLessThanOrEqualTo(max);
        assertThat(limit.inFlight()).isZero();
        assertThat(admitted.get() + limit.shed()).isEqualTo(8 * 50_000);
    }
}
