package dev.cartwright.checkout.saga;

import dev.cartwright.service.config.ConfigException;
import dev.cartwright.service.config.ConfigReader;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * How checkouts and their confirm saga behave, read once at start-up.
 *
 * @param eventsTopic     the Kafka topic checkout.started, checkout.completed and checkout.failed go to
 * @param reservationTtl  how long the warehouse holds a checkout's stock (renewed when confirming starts)
 * @param lease           how long a saga runner holds a confirming checkout without recording a step; once it lapses,
 *                        a repeated ConfirmCheckout or {@link SagaRecovery} takes over
 * @param retryAfter      how long a saga that must retry a step (after its order exists) waits before the next try
 * @param recoveryEvery   how often {@link SagaRecovery} looks for lapsed sagas
 * @param confirmWait     how long a ConfirmCheckout waits for another request's run of the same saga before
 *                        answering UNAVAILABLE
 * @param confirmPoll     how often a waiting ConfirmCheckout looks at the checkout again
 * @param attentionAfter  how long a confirmation may stay unfinished (parked, retried) before it needs attention: it
 *                        is then no longer retried automatically and ConfirmCheckout answers FAILED_PRECONDITION
 */
public record SagaSettings(String eventsTopic, Duration reservationTtl, Duration lease, Duration retryAfter, Duration recoveryEvery,
                           Duration confirmWait, Duration confirmPoll, Duration attentionAfter) {

    private static final Pattern TOPIC = Pattern.compile("[A-Za-z0-9._-]{1,249}");

    public static SagaSettings read(ConfigReader config) {
        String topic = config.string("CARTWRIGHT_CHECKOUT_EVENTS_TOPIC", "checkout.events");
        if (!TOPIC.matcher(topic).matches()) {
            throw new ConfigException("CARTWRIGHT_CHECKOUT_EVENTS_TOPIC", "not a valid Kafka topic name: " + topic);
        }
        Duration ttl = positive(config, "CARTWRIGHT_CHECKOUT_RESERVATION_TTL", Duration.ofMinutes(15));
        if (ttl.toSeconds() < 1 || ttl.toSeconds() > Integer.MAX_VALUE) {
            throw new ConfigException("CARTWRIGHT_CHECKOUT_RESERVATION_TTL", "must be between 1 second and 68 years, was " + ttl);
        }
        Duration lease = positive(config, "CARTWRIGHT_SAGA_LEASE", Duration.ofSeconds(30));
        Duration retryAfter = positive(config, "CARTWRIGHT_SAGA_RETRY_AFTER", Duration.ofSeconds(5));
        Duration recoveryEvery = positive(config, "CARTWRIGHT_SAGA_RECOVERY_EVERY", Duration.ofSeconds(5));
        Duration confirmWait = positive(config, "CARTWRIGHT_CHECKOUT_CONFIRM_WAIT", Duration.ofSeconds(20));
        Duration confirmPoll = positive(config, "CARTWRIGHT_CHECKOUT_CONFIRM_POLL", Duration.ofMillis(100));
        Duration attentionAfter = positive(config, "CARTWRIGHT_SAGA_ATTENTION_AFTER", Duration.ofMinutes(15));
        return new SagaSettings(topic, ttl, lease, retryAfter, recoveryEvery, confirmWait, confirmPoll, attentionAfter);
    }

    private static Duration positive(ConfigReader config, String key, Duration defaultValue) {
        Duration d = config.duration(key, defaultValue);
        if (d.isZero() || d.isNegative()) {
            throw new ConfigException(key, "must be positive, was " + d);
        }
        return d;
    }
}
