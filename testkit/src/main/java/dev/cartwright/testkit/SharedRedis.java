package dev.cartwright.testkit;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;

/** Owns the Redis server of this test JVM: finds or starts it once, hands out key prefixes, stops what it started. */
final class SharedRedis implements AutoCloseable {

    static final String HOW_TO_START = """
        Start Redis with one of:
          redis-server --daemonize yes          (Debian package redis-server)
          service redis-server start
        or point the tests at a server: CARTWRIGHT_REDIS_URL=redis://host:port""";

    static final String IMAGE = "redis:7-alpine";

    private static final Logger LOG = LoggerFactory.getLogger(SharedRedis.class);
    private static final int DEFAULT_PORT = 6379;

    private final Endpoint endpoint;
    private final Source source;
    private final AutoCloseable stop;
    private final UniqueNames names = new UniqueNames();

    /** Where a Redis server is; the password, when any, travels only inside {@code url}. */
    record Endpoint(String host, int port, Optional<String> password, String url) {

        static Endpoint of(String host, int port) {
            return new Endpoint(host, port, Optional.empty(), "redis://" + host + ":" + port);
        }

        /** Parses {@code redis://[[user]:password@]host[:port][/db]}; the port defaults to 6379. */
        static Endpoint parse(String url) {
            try {
                URI uri = new URI(url.trim());
                if (!"redis".equals(uri.getScheme()) || uri.getHost() == null) {
                    throw new IllegalArgumentException("CARTWRIGHT_REDIS_URL must look like redis://host:port, was: " + url);
                }
                Optional<String> password = Optional.ofNullable(uri.getUserInfo())
                    .map(info -> info.contains(":") ? info.substring(info.indexOf(':') + 1) : info)
                    .filter(p -> !p.isEmpty());
                int port = uri.getPort() == -1 ? DEFAULT_PORT : uri.getPort();
                return new Endpoint(uri.getHost(), port, password, url.trim());
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException("CARTWRIGHT_REDIS_URL must look like redis://host:port, was: " + url, e);
            }
        }
    }

    private SharedRedis(Endpoint endpoint, Source source, AutoCloseable stop) {
        this.endpoint = endpoint;
        this.source = source;
        this.stop = stop;
    }

    static SharedRedis resolve(Map<String, String> env) {
        SharedRedis found = ResolutionStep.firstAvailable("Redis", List.of(
            new ResolutionStep<>("CARTWRIGHT_REDIS_URL", () -> fromEnvironment(env)),
            new ResolutionStep<>("127.0.0.1:" + DEFAULT_PORT, SharedRedis::fromLocalPort),
            new ResolutionStep<>("Testcontainers (" + IMAGE + ")", SharedRedis::fromContainer)
        ), HOW_TO_START);
        LOG.info("Redis for integration tests: {}:{} ({})", found.endpoint.host(), found.endpoint.port(), found.source.description());
        return found;
    }

    private static Optional<SharedRedis> fromEnvironment(Map<String, String> env) {
        String url = env.get("CARTWRIGHT_REDIS_URL");
        if (SharedPostgres.blank(url)) {
            return Optional.empty();
        }
        Endpoint endpoint = Endpoint.parse(url);
        requirePong(endpoint, "CARTWRIGHT_REDIS_URL=" + url);
        return Optional.of(new SharedRedis(endpoint, Source.ENVIRONMENT, () -> { }));
    }

    private static Optional<SharedRedis> fromLocalPort() {
        Endpoint endpoint = Endpoint.of("127.0.0.1", DEFAULT_PORT);
        if (!Probes.acceptsConnections(endpoint.host(), endpoint.port(), Duration.ofMillis(500))) {
            return Optional.empty();
        }
        requirePong(endpoint, "the server answering on 127.0.0.1:6379");
        return Optional.of(new SharedRedis(endpoint, Source.LOCAL_DEFAULT_PORT, () -> { }));
    }

    private static Optional<SharedRedis> fromContainer() {
        if (!DockerClientFactory.instance().isDockerAvailable()) {
            return Optional.empty();
        }
        GenericContainer<?> container = new GenericContainer<>(IMAGE).withExposedPorts(DEFAULT_PORT);
        container.start();
        Endpoint endpoint = Endpoint.of(container.getHost(), container.getMappedPort(DEFAULT_PORT));
        return Optional.of(new SharedRedis(endpoint, Source.TESTCONTAINERS, container::stop));
    }

    private static void requirePong(Endpoint endpoint, String where) {
        Optional<String> reply = Probes.redisPing(endpoint.host(), endpoint.port(), endpoint.password(), Duration.ofSeconds(2));
        if (reply.isEmpty()) {
            throw new IllegalStateException("Redis: nothing answers at " + where + "\n" + HOW_TO_START);
        }
        if (!reply.get().equals("+PONG")) {
            throw new IllegalStateException("Redis: " + where + " answered PING with '" + reply.get()
                + "'; give the password in CARTWRIGHT_REDIS_URL=redis://:password@host:port");
        }
    }

    /** A view of this server for one test, with a key prefix derived from the test's name and unique to it. */
    RedisInfo forTest(String testName) {
        String prefix = "it:" + names.next(UniqueNames.toBase(testName)) + ":";
        return new RedisInfo(endpoint.host(), endpoint.port(), endpoint.url(), prefix, source);
    }

    @Override
    public String toString() {
        return endpoint.host() + ":" + endpoint.port() + " (" + source.description() + ")";
    }

    @Override
    public void close() {
        try {
            stop.close();
        } catch (Exception e) {
            LOG.warn("Redis: stopping the container failed", e);
        }
    }
}
