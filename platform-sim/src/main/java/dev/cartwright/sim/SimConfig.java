package dev.cartwright.sim;

import java.time.Clock;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Everything the platform simulator is started with. {@link #defaults()} suits tests (quiet, no Kafka, nothing
 * delivered on its own), {@link #local(Clock)} suits {@code ./cartwright start}, and {@link #fromEnvironment} reads
 * {@code CARTWRIGHT_SIM_*} on top of the local defaults.
 *
 * @param host           address every server binds to
 * @param basePort       admin HTTP port; simulator i listens on basePort + its offset (catalog +1 ... customer +8);
 *                       0 = every server on a free ephemeral port
 * @param ports          per-simulator port overrides (0 = ephemeral)
 * @param adminPort      admin port override, or {@link #FROM_BASE}
 * @param seed           seeds the catalogue and the knobs' random failures
 * @param productCount   catalogue size
 * @param kafkaBootstrap Kafka bootstrap servers for events; empty = events are not published
 * @param topics         where events go
 * @param autoDeliver    ship and deliver every new order at once (publishing order.shipped and order.delivered)
 * @param demoOrder      at start-up, create one delivered order for customer "123" with two items
 * @param idBase         ids handed out start after this number ("ord-&lt;idBase+1&gt;")
 * @param knobs          each simulator's knobs at start-up (missing = {@link Knobs#NONE})
 * @param clock          the simulators' time
 * @param eventIds       CloudEvent ids
 */
public record SimConfig(
    String host,
    int basePort,
    Map<SimService, Integer> ports,
    int adminPort,
    long seed,
    int productCount,
    String kafkaBootstrap,
    SimTopics topics,
    boolean autoDeliver,
    boolean demoOrder,
    long idBase,
    Map<SimService, Knobs> knobs,
    Clock clock,
    Supplier<String> eventIds) {

    public static final int FROM_BASE = -1;
    public static final int DEFAULT_BASE_PORT = 9100;
    public static final long DEFAULT_SEED = 42L;
    public static final int DEFAULT_PRODUCT_COUNT = 5000;
    public static final String DEMO_CUSTOMER = "123";

    public SimConfig {
        Objects.requireNonNull(host, "host");
        checkPort("basePort", basePort);
        if (basePort > 65535 - SimService.values().length) {
            throw new IllegalArgumentException("basePort " + basePort + " leaves no room for the simulators' ports");
        }
        ports = Map.copyOf(ports);
        ports.forEach((service, port) -> checkPort(service.key() + " port", port));
        if (adminPort != FROM_BASE) {
            checkPort("adminPort", adminPort);
        }
        if (productCount < 1 || productCount > 1_000_000) {
            throw new IllegalArgumentException("productCount must be within 1..1000000, was " + productCount);
        }
        Objects.requireNonNull(kafkaBootstrap, "kafkaBootstrap");
        Objects.requireNonNull(topics, "topics");
        if (idBase < 0) {
            throw new IllegalArgumentException("idBase must be >= 0, was " + idBase);
        }
        knobs = Map.copyOf(knobs);
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(eventIds, "eventIds");
    }

    /** For tests: ports 9100..9108, seed 42, 5000 products, no Kafka, no auto-delivery, no demo order, ids from 1. */
    public static SimConfig defaults() {
        return new SimConfig("127.0.0.1", DEFAULT_BASE_PORT, Map.of(), FROM_BASE, DEFAULT_SEED, DEFAULT_PRODUCT_COUNT, "",
            SimTopics.DEFAULTS, false, false, 0L, Map.of(), Clock.systemUTC(), () -> UUID.randomUUID().toString());
    }

    /**
     * For local runs: like {@link #defaults()} with auto-delivery and the demo order on, and ids starting after the
     * current time in milliseconds, so a restarted simulator does not reuse order ids a database already holds.
     */
    public static SimConfig local(Clock clock) {
        return defaults().withClock(clock).withAutoDeliver(true).withDemoOrder(true).withIdBase(clock.millis());
    }

    /**
     * The local configuration with these environment variables applied (all optional):
     * <ul>
     *   <li>{@code CARTWRIGHT_SIM_HOST}, {@code CARTWRIGHT_SIM_BASE_PORT}, {@code CARTWRIGHT_SIM_ADMIN_PORT},
     *       {@code CARTWRIGHT_SIM_<SERVICE>_PORT} (SERVICE = CATALOG, PRICING, PROMOTION, WAREHOUSE, PAYMENT,
     *       SHIPPING, ORDER, CUSTOMER)</li>
     *   <li>{@code CARTWRIGHT_SIM_SEED}, {@code CARTWRIGHT_SIM_PRODUCT_COUNT}, {@code CARTWRIGHT_SIM_ID_BASE}</li>
     *   <li>{@code CARTWRIGHT_KAFKA_BOOTSTRAP} (or {@code CARTWRIGHT_SIM_KAFKA_BOOTSTRAP}, which wins),
     *       {@code CARTWRIGHT_SIM_ORDER_TOPIC}, {@code CARTWRIGHT_SIM_PRICING_TOPIC}, {@code CARTWRIGHT_SIM_WAREHOUSE_TOPIC}</li>
     *   <li>{@code CARTWRIGHT_SIM_AUTO_DELIVER}, {@code CARTWRIGHT_SIM_DEMO_ORDER} (true/false)</li>
     *   <li>knobs at start-up: {@code CARTWRIGHT_SIM_LATENCY_MS} and {@code CARTWRIGHT_SIM_ERROR_RATE} for every
     *       simulator, {@code CARTWRIGHT_SIM_<SERVICE>_LATENCY_MS}, {@code _ERROR_RATE}, {@code _DOWN} for one,
     *       {@code CARTWRIGHT_SIM_PAYMENT_DECLINE_ALL}, {@code CARTWRIGHT_SIM_WAREHOUSE_OUT_OF_STOCK} (ids, comma
     *       separated)</li>
     * </ul>
     *
     * @throws IllegalArgumentException naming the variable whose value is not usable
     */
    public static SimConfig fromEnvironment(Map<String, String> env, Clock clock) {
        SimConfig config = local(clock);
        EnvReader read = new EnvReader(env);
        config = config.withHost(read.string("CARTWRIGHT_SIM_HOST", config.host()))
            .withBasePort(read.integer("CARTWRIGHT_SIM_BASE_PORT", config.basePort(), 0, 65535 - SimService.values().length))
            .withAdminPort(read.integer("CARTWRIGHT_SIM_ADMIN_PORT", config.adminPort(), FROM_BASE, 65535))
            .withSeed(read.longValue("CARTWRIGHT_SIM_SEED", config.seed()))
            .withProductCount(read.integer("CARTWRIGHT_SIM_PRODUCT_COUNT", config.productCount(), 1, 1_000_000))
            .withIdBase(read.longValue("CARTWRIGHT_SIM_ID_BASE", config.idBase()))
            .withKafkaBootstrap(read.string("CARTWRIGHT_SIM_KAFKA_BOOTSTRAP", read.string("CARTWRIGHT_KAFKA_BOOTSTRAP", "")))
            .withTopics(new SimTopics(
                read.string("CARTWRIGHT_SIM_ORDER_TOPIC", SimTopics.DEFAULT_ORDER_EVENTS),
                read.string("CARTWRIGHT_SIM_PRICING_TOPIC", SimTopics.DEFAULT_PRICING_EVENTS),
                read.string("CARTWRIGHT_SIM_WAREHOUSE_TOPIC", SimTopics.DEFAULT_WAREHOUSE_EVENTS)))
            .withAutoDeliver(read.bool("CARTWRIGHT_SIM_AUTO_DELIVER", config.autoDeliver()))
            .withDemoOrder(read.bool("CARTWRIGHT_SIM_DEMO_ORDER", config.demoOrder()));
        Map<SimService, Integer> ports = new EnumMap<>(SimService.class);
        Map<SimService, Knobs> knobs = new EnumMap<>(SimService.class);
        long latency = read.longValue("CARTWRIGHT_SIM_LATENCY_MS", 0L);
        double errorRate = read.rate("CARTWRIGHT_SIM_ERROR_RATE", 0.0);
        for (SimService service : SimService.values()) {
            String prefix = "CARTWRIGHT_SIM_" + service.name() + "_";
            if (env.containsKey(prefix + "PORT")) {
                ports.put(service, read.integer(prefix + "PORT", 0, 0, 65535));
            }
            Knobs k = Knobs.NONE
                .withLatencyMs(read.longValue(prefix + "LATENCY_MS", latency))
                .withErrorRate(read.rate(prefix + "ERROR_RATE", errorRate))
                .withDown(read.bool(prefix + "DOWN", false));
            if (service == SimService.PAYMENT) {
                k = k.withDeclineAll(read.bool(prefix + "DECLINE_ALL", false));
            }
            if (service == SimService.WAREHOUSE) {
                k = k.withOutOfStock(read.idList(prefix + "OUT_OF_STOCK"));
            }
            if (!k.equals(Knobs.NONE)) {
                knobs.put(service, k);
            }
        }
        return config.withPorts(ports).withKnobs(knobs);
    }

    /** The port a simulator is asked to listen on (0 = any free port). */
    public int portFor(SimService service) {
        Integer override = ports.get(service);
        if (override != null) {
            return override;
        }
        return basePort == 0 ? 0 : basePort + service.portOffset();
    }

    /** The port the admin HTTP endpoint is asked to listen on (0 = any free port). */
    public int adminPortToUse() {
        return adminPort != FROM_BASE ? adminPort : basePort;
    }

    /** A simulator's knobs at start-up. */
    public Knobs knobsFor(SimService service) {
        return knobs.getOrDefault(service, Knobs.NONE);
    }

    public boolean kafkaEnabled() {
        return !kafkaBootstrap.isBlank();
    }

    public SimConfig withHost(String value) {
        return new SimConfig(value, basePort, ports, adminPort, seed, productCount, kafkaBootstrap, topics, autoDeliver, demoOrder, idBase,
            knobs, clock, eventIds);
    }

    public SimConfig withBasePort(int value) {
        return new SimConfig(host, value, ports, adminPort, seed, productCount, kafkaBootstrap, topics, autoDeliver, demoOrder, idBase,
            knobs, clock, eventIds);
    }

    public SimConfig withPorts(Map<SimService, Integer> value) {
        return new SimConfig(host, basePort, value, adminPort, seed, productCount, kafkaBootstrap, topics, autoDeliver, demoOrder, idBase,
            knobs, clock, eventIds);
    }

    public SimConfig withAdminPort(int value) {
        return new SimConfig(host, basePort, ports, value, seed, productCount, kafkaBootstrap, topics, autoDeliver, demoOrder, idBase,
            knobs, clock, eventIds);
    }

    public SimConfig withSeed(long value) {
        return new SimConfig(host, basePort, ports, adminPort, value, productCount, kafkaBootstrap, topics, autoDeliver, demoOrder, idBase,
            knobs, clock, eventIds);
    }

    public SimConfig withProductCount(int value) {
        return new SimConfig(host, basePort, ports, adminPort, seed, value, kafkaBootstrap, topics, autoDeliver, demoOrder, idBase,
            knobs, clock, eventIds);
    }

    public SimConfig withKafkaBootstrap(String value) {
        return new SimConfig(host, basePort, ports, adminPort, seed, productCount, value, topics, autoDeliver, demoOrder, idBase,
            knobs, clock, eventIds);
    }

    public SimConfig withTopics(SimTopics value) {
        return new SimConfig(host, basePort, ports, adminPort, seed, productCount, kafkaBootstrap, value, autoDeliver, demoOrder, idBase,
            knobs, clock, eventIds);
    }

    public SimConfig withAutoDeliver(boolean value) {
        return new SimConfig(host, basePort, ports, adminPort, seed, productCount, kafkaBootstrap, topics, value, demoOrder, idBase,
            knobs, clock, eventIds);
    }

    public SimConfig withDemoOrder(boolean value) {
        return new SimConfig(host, basePort, ports, adminPort, seed, productCount, kafkaBootstrap, topics, autoDeliver, value, idBase,
            knobs, clock, eventIds);
    }

    public SimConfig withIdBase(long value) {
        return new SimConfig(host, basePort, ports, adminPort, seed, productCount, kafkaBootstrap, topics, autoDeliver, demoOrder, value,
            knobs, clock, eventIds);
    }

    public SimConfig withKnobs(Map<SimService, Knobs> value) {
        return new SimConfig(host, basePort, ports, adminPort, seed, productCount, kafkaBootstrap, topics, autoDeliver, demoOrder, idBase,
            value, clock, eventIds);
    }

    /** This configuration with one simulator's start-up knobs replaced. */
    public SimConfig withKnobs(SimService service, Knobs value) {
        Map<SimService, Knobs> all = new EnumMap<>(SimService.class);
        all.putAll(knobs);
        all.put(service, value);
        return withKnobs(all);
    }

    public SimConfig withClock(Clock value) {
        return new SimConfig(host, basePort, ports, adminPort, seed, productCount, kafkaBootstrap, topics, autoDeliver, demoOrder, idBase,
            knobs, value, eventIds);
    }

    public SimConfig withEventIds(Supplier<String> value) {
        return new SimConfig(host, basePort, ports, adminPort, seed, productCount, kafkaBootstrap, topics, autoDeliver, demoOrder, idBase,
            knobs, clock, value);
    }

    private static void checkPort(String name, int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(name + " must be within 0..65535, was " + port);
        }
    }

    /** Reads typed values from the environment; a bad value is reported with the variable's name. */
    private record EnvReader(Map<String, String> env) {

        String string(String key, String fallback) {
            String value = env.get(key);
            return value == null || value.isBlank() ? fallback : value.trim();
        }

        int integer(String key, int fallback, int min, int max) {
            String value = string(key, null);
            if (value == null) {
                return fallback;
            }
            int parsed;
            try {
                parsed = Integer.parseInt(value);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(key + ": not a whole number: " + value, e);
            }
            if (parsed < min || parsed > max) {
                throw new IllegalArgumentException(key + ": must be within " + min + ".." + max + ", was " + value);
            }
            return parsed;
        }

        long longValue(String key, long fallback) {
            String value = string(key, null);
            if (value == null) {
                return fallback;
            }
            long parsed;
            try {
                parsed = Long.parseLong(value);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(key + ": not a whole number: " + value, e);
            }
            if (parsed < 0) {
                throw new IllegalArgumentException(key + ": must be >= 0, was " + value);
            }
            return parsed;
        }

        double rate(String key, double fallback) {
            String value = string(key, null);
            if (value == null) {
                return fallback;
            }
            double parsed;
            try {
                parsed = Double.parseDouble(value);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(key + ": not a number: " + value, e);
            }
            if (!(parsed >= 0.0 && parsed <= 1.0)) {
                throw new IllegalArgumentException(key + ": must be within 0..1, was " + value);
            }
            return parsed;
        }

        boolean bool(String key, boolean fallback) {
            String value = string(key, null);
            if (value == null) {
                return fallback;
            }
            return switch (value.toLowerCase(Locale.ROOT)) {
                case "true", "1", "yes", "on" -> true;
                case "false", "0", "no", "off" -> false;
                default -> throw new IllegalArgumentException(key + ": expected true or false, was " + value);
            };
        }

        Set<String> idList(String key) {
            String value = string(key, "");
            Set<String> ids = new LinkedHashSet<>();
            Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).forEach(ids::add);
            return ids;
        }
    }
}
