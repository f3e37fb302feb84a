package dev.cartwright.testkit;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;

/**
 * A single-node Kafka (KRaft, broker and controller in one process) for running the services locally, on a fixed
 * address and with its data kept across restarts.
 *
 * <pre>
 * java -cp "$(cat testkit/target/classpath.txt):testkit/target/classes" dev.cartwright.testkit.EmbeddedKafka \
 *     [--host 127.0.0.1] [--port 9092] [--controller-port PORT+1] [--dir /tmp/cartwright-kafka]
 * </pre>
 *
 * <p>Each option may also come from the environment ({@code CARTWRIGHT_KAFKA_HOST}, {@code _PORT},
 * {@code _CONTROLLER_PORT}, {@code _DIR}); arguments win. Standard output carries exactly one line,
 * {@code KAFKA READY <host:port>}, once the broker serves clients; logs go to standard error. SIGTERM (or
 * Ctrl-C) shuts the broker down cleanly, so the next start reuses the data without recovery.
 *
 * <p>Why {@link KafkaRaftServer} and not the test kit used by {@link RealServices}: the test kit binds random
 * ports and formats a fresh cluster each time, while here the address must be fixed and the data reused. The
 * directory is formatted (as {@code kafka-storage.sh format} does, through {@link Formatter}) only when it has
 * no {@code meta.properties} yet.
 */
public final class EmbeddedKafka {

    private static final int NODE_ID = 1;
    private static final String CONTROLLER_LISTENER = "CONTROLLER";

    private EmbeddedKafka() {
    }

    /** Where to listen and keep data; validated on construction. */
    record Settings(String host, int port, int controllerPort, Path dir) {

        Settings {
            if (port == controllerPort) {
                throw new IllegalArgumentException("--port and --controller-port must differ, both were " + port);
            }
        }

        String bootstrap() {
            return host + ":" + port;
        }

        /** Reads {@code --name value} arguments over {@code CARTWRIGHT_KAFKA_*} variables over the defaults. */
        static Settings from(List<String> args, Map<String, String> env) {
            Map<String, String> given = new HashMap<>();
            for (int i = 0; i < args.size(); i++) {
                String name = args.get(i);
                if (!List.of("--host", "--port", "--controller-port", "--dir").contains(name)) {
                    throw new IllegalArgumentException("unknown argument: " + name
                        + " (expected --host, --port, --controller-port, --dir)");
                }
                if (i + 1 >= args.size()) {
                    throw new IllegalArgumentException(name + " needs a value");
                }
                given.put(name, args.get(++i));
            }
            String host = pick(given, "--host", env, "CARTWRIGHT_KAFKA_HOST", "127.0.0.1");
            int port = SharedPostgres.parsePort("--port", pick(given, "--port", env, "CARTWRIGHT_KAFKA_PORT", "9092"), 9092);
            String controller = pick(given, "--controller-port", env, "CARTWRIGHT_KAFKA_CONTROLLER_PORT", Integer.toString(port + 1));
            int controllerPort = SharedPostgres.parsePort("--controller-port", controller, port + 1);
            Path dir = Path.of(pick(given, "--dir", env, "CARTWRIGHT_KAFKA_DIR", "/tmp/cartwright-kafka")).toAbsolutePath();
            return new Settings(host, port, controllerPort, dir);
        }

        private static String pick(Map<String, String> given, String arg, Map<String, String> env, String key, String fallback) {
            if (given.containsKey(arg)) {
                return given.get(arg);
            }
            String fromEnv = env.get(key);
            return SharedPostgres.blank(fromEnv) ? fallback : fromEnv.trim();
        }

        /** The broker's configuration: one combined node with a static one-voter quorum, internal topics at RF 1. */
        Map<String, Object> brokerConfig() {
            Map<String, Object> props = new HashMap<>(SharedKafka.SINGLE_NODE_SETTINGS);
            props.put("process.roles", "broker,controller");
            props.put("node.id", Integer.toString(NODE_ID));
            props.put("controller.quorum.voters", NODE_ID + "@" + host + ":" + controllerPort);
            props.put("listeners", "PLAINTEXT://" + host + ":" + port + "," + CONTROLLER_LISTENER + "://" + host + ":" + controllerPort);
            props.put("advertised.listeners", "PLAINTEXT://" + host + ":" + port);
            props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
            props.put("controller.listener.names", CONTROLLER_LISTENER);
            props.put("inter.broker.listener.name", "PLAINTEXT");
            props.put("log.dirs", dir.toString());
            props.put("auto.create.topics.enable", "true");
            props.put("num.partitions", "1");
            // The default 128 MiB cleaner buffer is most of a small heap; local topics are tiny.
            props.put("log.cleaner.dedupe.buffer.size", "2097152");
            return props;
        }
    }

    public static void main(String[] args) {
        // Logs to standard error, quiet; set before the first logger exists. Overridable with -Dlogback.configurationFile.
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "dev/cartwright/testkit/embedded-kafka-logback.xml");
        }
        // A few broker classes call the Log4j 2 API; without this, Log4j complains on startup that it has no backend.
        if (System.getProperty("log4j2.loggerContextFactory") == null) {
            System.setProperty("log4j2.loggerContextFactory", "org.apache.logging.log4j.simple.SimpleLoggerContextFactory");
        }
        PrintStream err = System.err;
        Settings settings;
        try {
            settings = Settings.from(List.of(args), System.getenv());
        } catch (IllegalArgumentException e) {
            err.println("EmbeddedKafka: " + e.getMessage());
            System.exit(2);
            return;
        }
        try {
            run(settings, err);
        } catch (Exception e) {
            err.println("EmbeddedKafka: failed to start on " + settings.bootstrap() + " with data in " + settings.dir() + ": " + e);
            e.printStackTrace(err);
            Runtime.getRuntime().halt(1);
        }
    }

    private static void run(Settings settings, PrintStream err) throws Exception {
        formatIfNew(settings, err);
        KafkaRaftServer server = new KafkaRaftServer(new KafkaConfig(settings.brokerConfig(), false), Time.SYSTEM);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            err.println("EmbeddedKafka: shutting down");
            server.shutdown();
            server.awaitShutdown();
            err.println("EmbeddedKafka: stopped");
            stopped.countDown();
        }, "embedded-kafka-shutdown"));
        server.startup();
        awaitClients(settings.bootstrap(), Duration.ofMinutes(2));
        System.out.println("KAFKA READY " + settings.bootstrap());
        System.out.flush();
        stopped.await();
    }

    /** Formats the directory for this node unless it already holds a node's data, which is then reused. */
    private static void formatIfNew(Settings settings, PrintStream err) throws Exception {
        Files.createDirectories(settings.dir());
        if (Files.exists(settings.dir().resolve("meta.properties"))) {
            err.println("EmbeddedKafka: reusing data in " + settings.dir());
            return;
        }
        err.println("EmbeddedKafka: formatting " + settings.dir());
        new Formatter()
            .setPrintStream(err)
            .setNodeId(NODE_ID)
            .setClusterId(Uuid.randomUuid().toString())
            .setDirectories(List.of(settings.dir().toString()))
            .setMetadataLogDirectory(settings.dir().toString())
            .setControllerListenerName(CONTROLLER_LISTENER)
            .setIgnoreFormatted(true)
            .run();
    }

    /** Ready means a client's DescribeCluster sees this broker, not merely that the port is bound. */
    private static void awaitClients(String bootstrap, Duration limit) throws InterruptedException {
        Instant giveUp = Instant.now().plus(limit);
        while (true) {
            Optional<String> clusterId = Probes.kafkaClusterId(bootstrap, Duration.ofSeconds(2));
            if (clusterId.isPresent()) {
                return;
            }
            if (Instant.now().isAfter(giveUp)) {
                throw new IllegalStateException("the broker did not answer clients within " + limit);
            }
            Thread.sleep(200);
        }
    }
}
