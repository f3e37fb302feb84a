package dev.cartwright.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicReference;

/**
 * Evidence that Kafka is started once per test JVM: the first Kafka test class records the cluster it was given,
 * every later one checks it was given the very same one (same object, same bootstrap address).
 */
final class FirstKafkaSeen {

    // Static on purpose: it must outlive test classes to compare what two of them were handed.
    private static final AtomicReference<KafkaInfo> FIRST = new AtomicReference<>();

    private FirstKafkaSeen() {
    }

    static void recordOrCompare(KafkaInfo kafka) {
        FIRST.compareAndSet(null, kafka);
        KafkaInfo first = FIRST.get();
        assertThat(kafka.bootstrapServers()).isEqualTo(first.bootstrapServers());
        assertThat(kafka).isSameAs(first);
    }
}
