package dev.cartwright.service.kafka;

import dev.cartwright.service.config.ConfigReader;

/**
 * How the topics a service publishes to are made: with {@code partitions} partitions (records keyed by their
 * aggregate's id, so one cart's, checkout's or return's events stay in one partition, in order) and
 * {@code replication} replicas, by the service itself at start-up when they are missing, never by the broker's
 * auto-creation. With {@code create} off the service leaves the topics to the operator and only reports what it finds.
 *
 * <p>Read from {@code CARTWRIGHT_KAFKA_TOPIC_PARTITIONS} (6), {@code CARTWRIGHT_KAFKA_TOPIC_REPLICATION} (1) and
 * {@code CARTWRIGHT_KAFKA_CREATE_TOPICS} (true).
 */
public record TopicSettings(int partitions, short replication, boolean create) {

    public TopicSettings {
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be at least 1: " + partitions);
        }
        if (replication < 1) {
            throw new IllegalArgumentException("replication must be at least 1: " + replication);
        }
    }

    public static TopicSettings read(ConfigReader config) {
        int partitions = config.integer("CARTWRIGHT_KAFKA_TOPIC_PARTITIONS", 6, 1, 10_000);
        int replication = config.integer("CARTWRIGHT_KAFKA_TOPIC_REPLICATION", 1, 1, Short.MAX_VALUE);
        return new TopicSettings(partitions, (short) replication, config.bool("CARTWRIGHT_KAFKA_CREATE_TOPICS", true));
    }
}
