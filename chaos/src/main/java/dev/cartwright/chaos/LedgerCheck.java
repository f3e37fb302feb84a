package dev.cartwright.chaos;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Compares the {@link Ledger} with what the system holds once the background work has caught up: each cart's hash in
 * Redis, its row and lines in PostgreSQL (the write-behind), and the CloudEvents on the cart events topic (the
 * bridge). Nothing acknowledged may be missing, nothing may be published twice once events are de-duplicated by
 * CloudEvents id, and each cart's events must arrive in version order.
 */
public final class LedgerCheck {

    /**
     * What the comparison found.
     *
     * @param acknowledged  changes in the ledger
     * @param lostRedis     acknowledged changes Redis does not reflect (version behind, or lines differ)
     * @param lostPostgres  acknowledged changes PostgreSQL does not reflect
     * @param lostKafka     acknowledged published changes with no event
     * @param duplicated    events beyond the first for one (cart, version), counted after de-duplication by event id
     * @param outOfOrder    carts whose events (first arrivals) are not in version order
     * @param unexpected    events or stored versions no acknowledged change accounts for
     * @param details       the first few findings, for a failure message
     */
    public record Findings(long acknowledged, long lostRedis, long lostPostgres, long lostKafka, long duplicated, long outOfOrder,
                           long unexpected, List<String> details) {

        public long lost() {
            return lostRedis + lostPostgres + lostKafka;
        }

        public boolean clean() {
            return lost() == 0 && duplicated == 0 && outOfOrder == 0 && unexpected == 0;
        }
    }

    private record Seen(String id, String type, long version) {
    }

    private final Ledger ledger;
    private final String redisHost;
    private final int redisPort;
    private final String redisKeyPrefix;
    private final PgTarget pg;
    private final String kafkaBootstrap;
    private final String topic;

    public LedgerCheck(Ledger ledger, String redisHost, int redisPort, String redisKeyPrefix, PgTarget pg, String kafkaBootstrap,
                       String topic) {
        this.ledger = ledger;
        this.redisHost = redisHost;
        this.redisPort = redisPort;
        this.redisKeyPrefix = redisKeyPrefix;
        this.pg = pg;
        this.kafkaBootstrap = kafkaBootstrap;
        this.topic = topic;
    }

    /**
     * Compares until everything agrees or {@code catchUp} has passed (the write-behind and the bridge may still be
     * working through a backlog), and returns the last comparison.
     */
    public Findings run(Duration catchUp) {
        Map<String, List<Seen>> arrivals = new HashMap<>();
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafkaBootstrap);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        long deadline = System.nanoTime() + catchUp.toNanos();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (PartitionInfo info : consumer.partitionsFor(topic, Duration.ofSeconds(60))) {
                partitions.add(new TopicPartition(topic, info.partition()));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            while (true) {
                long pollUntil = System.nanoTime() + Duration.ofSeconds(2).toNanos();
                while (System.nanoTime() < pollUntil) {
                    for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(250))) {
                        String subject = header(record, "ce_subject");
                        long version = versionOf(record.value());
                        arrivals.computeIfAbsent(subject == null ? record.key() : subject, k -> new ArrayList<>())
                            .add(new Seen(header(record, "ce_id"), header(record, "ce_type"), version));
                    }
                }
                Findings findings = compare(arrivals);
                if (findings.clean() || System.nanoTime() > deadline) {
                    return findings;
                }
            }
        }
    }

    private Findings compare(Map<String, List<Seen>> arrivals) {
        List<String> details = new ArrayList<>();
        long lostRedis = 0;
        long lostPg = 0;
        long lostKafka = 0;
        long duplicated = 0;
        long outOfOrder = 0;
        long unexpected = 0;
        List<String> carts = List.copyOf(ledger.carts());
        Map<String, Stored> redis = readRedis(carts, details);
        Map<String, Stored> postgres = readPostgres(carts, details);
        for (String cart : carts) {
            Ledger.Expected expected = ledger.expected(cart);
            List<Ledger.Entry> entries = ledger.entries(cart);
            long[] r = compareStored("Redis", cart, expected, entries, redis.get(cart), details);
            lostRedis += r[0];
            unexpected += r[1];
            long[] p = compareStored("PostgreSQL", cart, expected, entries, postgres.get(cart), details);
            lostPg += p[0];
            unexpected += p[1];

            // Kafka: first arrival of each event id, in arrival order.
            Map<String, Seen> firstById = new LinkedHashMap<>();
            for (Seen seen : arrivals.getOrDefault(cart, List.of())) {
                firstById.putIfAbsent(seen.id(), seen);
            }
            Map<Long, List<Seen>> byVersion = new TreeMap<>();
            long last = Long.MIN_VALUE;
            boolean ordered = true;
            for (Seen seen : firstById.values()) {
                byVersion.computeIfAbsent(seen.version(), k -> new ArrayList<>()).add(seen);
                if (seen.version() <= last) {
                    ordered = false;
                }
                last = Math.max(last, seen.version());
            }
            if (!ordered) {
                outOfOrder++;
                note(details, "cart " + cart + ": events out of version order: "
                    + firstById.values().stream().map(Seen::version).toList());
            }
            Set<Long> published = new java.util.HashSet<>();
            for (Ledger.Entry entry : entries) {
                if (!Ledger.PUBLISHED.contains(entry.change())) {
                    continue;
                }
                published.add(entry.version());
                List<Seen> events = byVersion.get(entry.version());
                if (events == null) {
                    lostKafka++;
                    note(details, "cart " + cart + ": no event for " + entry.change() + " at version " + entry.version());
                    continue;
                }
                if (events.size() > 1) {
                    duplicated += events.size() - 1;
                    note(details, "cart " + cart + ": " + events.size() + " distinct events for version " + entry.version() + ": "
                        + events);
                }
                if (!entry.change().equals(events.get(0).type())) {
                    unexpected++;
                    note(details, "cart " + cart + ": version " + entry.version() + " was " + entry.change() + " but the event says "
                        + events.get(0).type());
                }
            }
            for (Long version : byVersion.keySet()) {
                if (!published.contains(version)) {
                    unexpected++;
                    note(details, "cart " + cart + ": an event for version " + version + " that no acknowledged change made");
                }
            }
        }
        return new Findings(ledger.acknowledged(), lostRedis, lostPg, lostKafka, duplicated, outOfOrder, unexpected,
            List.copyOf(details));
    }

    /** {lost, unexpected} for one store's copy of one cart. */
    private static long[] compareStored(String store, String cart, Ledger.Expected expected, List<Ledger.Entry> entries, Stored stored,
                                        List<String> details) {
        if (stored == null) {
            note(details, store + " has no cart " + cart + " (ledger: version " + expected.version() + ")");
            return new long[] {entries.size(), 0};
        }
        if (stored.version() < expected.version()) {
            long missing = entries.stream().filter(e -> e.version() > stored.version()).count();
            note(details, store + ": cart " + cart + " at version " + stored.version() + ", ledger at " + expected.version());
            return new long[] {missing, 0};
        }
        if (stored.version() > expected.version()) {
            note(details, store + ": cart " + cart + " at version " + stored.version() + ", beyond the ledger's " + expected.version());
            return new long[] {0, 1};
        }
        if (!stored.lines().equals(expected.lines())) {
            note(details, store + ": cart " + cart + " lines " + stored.lines() + ", ledger " + expected.lines());
            return new long[] {1, 0};
        }
        return new long[] {0, 0};
    }

    private record Stored(long version, Map<String, Integer> lines) {
    }

    private Map<String, Stored> readRedis(List<String> carts, List<String> details) {
        Map<String, Stored> out = new HashMap<>();
        try (Resp resp = new Resp(redisHost, redisPort)) {
            for (String cart : carts) {
                Object reply = resp.command("HGETALL", redisKeyPrefix + "{cart:" + cart + "}");
                if (!(reply instanceof List<?> fields) || fields.isEmpty()) {
                    continue;
                }
                long version = -1;
                Map<String, Integer> lines = new HashMap<>();
                for (int i = 0; i + 1 < fields.size(); i += 2) {
                    String field = (String) fields.get(i);
                    String value = (String) fields.get(i + 1);
                    if (field.equals("v")) {
                        version = Long.parseLong(value);
                    } else if (field.startsWith("l:")) {
                        lines.put(field.substring(2), Integer.parseInt(value.substring(0, value.indexOf('|'))));
                    }
                }
                out.put(cart, new Stored(version, lines));
            }
        } catch (IOException e) {
            note(details, "Redis could not be read: " + e.getMessage());
        }
        return out;
    }

    private Map<String, Stored> readPostgres(List<String> carts, List<String> details) {
        Map<String, Long> versions = new HashMap<>();
        Map<String, Map<String, Integer>> lines = new HashMap<>();
        try (Connection connection = pg.connect()) {
            Array ids = connection.createArrayOf("text", carts.toArray());
            try (PreparedStatement select = connection.prepareStatement("SELECT cart_id, version FROM carts WHERE cart_id = ANY (?)")) {
                select.setArray(1, ids);
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        versions.put(rows.getString(1), rows.getLong(2));
                    }
                }
            }
            try (PreparedStatement select = connection.prepareStatement(
                "SELECT cart_id, product_id, quantity FROM cart_items WHERE cart_id = ANY (?)")) {
                select.setArray(1, ids);
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        lines.computeIfAbsent(rows.getString(1), k -> new HashMap<>()).put(rows.getString(2), rows.getInt(3));
                    }
                }
            }
        } catch (SQLException e) {
            note(details, "PostgreSQL could not be read: " + e.getMessage());
        }
        Map<String, Stored> out = new HashMap<>();
        versions.forEach((cart, version) -> out.put(cart, new Stored(version, lines.getOrDefault(cart, Map.of()))));
        return out;
    }

    private static long versionOf(byte[] value) {
        if (value == null) {
            return -1;
        }
        String json = new String(value, StandardCharsets.UTF_8);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"version\"\\s*:\\s*\"?(-?\\d+)").matcher(json);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    private static String header(ConsumerRecord<?, ?> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static void note(List<String> details, String detail) {
        if (details.size() < 20) {
            details.add(detail);
        }
    }
}
