package dev.cartwright.legacy;

import dev.cartwright.checkout.CheckoutApplication;
import dev.cartwright.checkout.CheckoutConfig;
import dev.cartwright.order.flags.FlagSetting;
import dev.cartwright.order.flags.ServiceRouting;
import dev.cartwright.service.config.ConfigReader;
import dev.cartwright.service.runtime.ServiceRuntime;
import dev.cartwright.sim.PlatformSim;
import dev.cartwright.sim.SimConfig;
import dev.cartwright.sim.SimService;
import dev.cartwright.sim.SimTopics;
import dev.cartwright.testkit.KafkaInfo;
import dev.cartwright.testkit.PostgresInfo;
import dev.cartwright.testkit.RedisInfo;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Two Checkout Service instances behind the real gateway (deploy/gateway/haproxy.cfg with both instances and their
 * readiness ports), sharing one Redis stream, one checkout_db schema and one cart events topic, with the platform
 * simulators as their neighbours. Every cart and checkout call through the gateway goes to the Checkout Service. The
 * instances run in this JVM, each on a Vert.x of its own: {@link Instance#stop} is the shutdown {@code CheckoutMain}'s
 * SIGTERM hook runs, and {@link Instance#start} builds a new one on the same ports.
 */
final class TwoCheckouts implements AutoCloseable {

    /** The gateway's names of the two servers of its checkout backend, in the order of {@link #instances}. */
    static final List<String> SERVERS = List.of("checkout", "checkout_2");

    final Vertx vertx;
    final PlatformSim sim;
    final GatewayProcess gateway;
    final List<Instance> instances;
    final String schema;
    final String cartEventsTopic;

    /** One Checkout Service instance on fixed ports, which a restart keeps. */
    static final class Instance {
        final String name;
        final int port;
        final int adminPort;
        private final Map<String, String> env;
        private ServiceRuntime runtime;
        private CheckoutApplication app;
        /** Write-behind entries acknowledged by the lives of this instance before the current one. */
        private double writtenBefore;

        Instance(String name, Map<String, String> env) {
            this.name = name;
            this.env = env;
            this.port = Integer.parseInt(env.get("CARTWRIGHT_CHECKOUT_PORT"));
            this.adminPort = Integer.parseInt(env.get("CARTWRIGHT_CHECKOUT_ADMIN_PORT"));
        }

        void start() {
            runtime = ServiceRuntime.create("checkout-" + name);
            app = SplitStack.await(CheckoutApplication.start(runtime, CheckoutConfig.read(ConfigReader.from(env)), Clock.systemUTC()));
        }

        void stop() {
            SplitStack.await(app.stop());
            // Counted after the stop: the write-behind works on through the drain.
            writtenBefore = writeBehindAcked();
            SplitStack.await(runtime.close());
        }

        /** Cart change stream entries this instance's write-behind acknowledged, over all its lives. */
        double writeBehindAcked() {
            double total = writtenBefore;
            for (Counter counter : runtime.registry().find("cartwright.writebehind.entries.acked").counters()) {
                total += counter.count();
            }
            return total;
        }
    }

    private TwoCheckouts(Vertx vertx, PlatformSim sim, GatewayProcess gateway, List<Instance> instances, String schema,
                         String cartEventsTopic) {
        this.vertx = vertx;
        this.sim = sim;
        this.gateway = gateway;
        this.instances = instances;
        this.schema = schema;
        this.cartEventsTopic = cartEventsTopic;
    }

    /**
     * Starts the simulators, both instances ({@code extra} settings given to both, e.g. the drain delay) and the gateway
     * in front of them, with every cart and checkout call routed to the Checkout Service.
     */
    static TwoCheckouts start(PostgresInfo postgres, RedisInfo redis, KafkaInfo kafka, Map<String, String> extra) {
        Vertx vertx = Vertx.vertx();
        SimTopics topics = new SimTopics(kafka.createTopic("order_events"), kafka.createTopic("pricing_events"),
            kafka.createTopic("warehouse_events"));
        PlatformSim sim = SplitStack.await(PlatformSim.start(vertx, SimConfig.defaults().withBasePort(0).withProductCount(500)
            .withKafkaBootstrap(kafka.bootstrapServers()).withTopics(topics)));
        String schema = postgres.freshSchema("checkout_two");
        String cartEventsTopic = kafka.createTopic("cart_events");
        Map<String, String> shared = new HashMap<>();
        shared.put("CARTWRIGHT_PG_HOST", postgres.host());
        shared.put("CARTWRIGHT_PG_PORT", Integer.toString(postgres.port()));
        shared.put("CARTWRIGHT_PG_USER", postgres.user());
        shared.put("CARTWRIGHT_PG_PASSWORD", postgres.password());
        shared.put("CARTWRIGHT_KAFKA_BOOTSTRAP", kafka.bootstrapServers());
        shared.put("CARTWRIGHT_CHECKOUT_DB", postgres.database());
        shared.put("CARTWRIGHT_CHECKOUT_SCHEMA", schema);
        shared.put("CARTWRIGHT_REDIS_URL", redis.url());
        shared.put("CARTWRIGHT_REDIS_KEY_PREFIX", redis.keyPrefix());
        shared.put("CARTWRIGHT_REDIS_CHECK", "warn");
        shared.put("CARTWRIGHT_CART_CHANGES_STREAM", redis.key("cart-changes"));
        shared.put("CARTWRIGHT_CART_EVENTS_TOPIC", cartEventsTopic);
        shared.put("CARTWRIGHT_CHECKOUT_EVENTS_TOPIC", kafka.createTopic("checkout_events"));
        shared.put("CARTWRIGHT_PRICING_EVENTS_TOPIC", topics.pricingEvents());
        shared.put("CARTWRIGHT_WAREHOUSE_EVENTS_TOPIC", topics.warehouseEvents());
        shared.put("CARTWRIGHT_CATALOG_EVENTS_TOPIC", kafka.createTopic("catalog_events"));
        shared.put("CARTWRIGHT_PROMOTION_EVENTS_TOPIC", kafka.createTopic("promotion_events"));
        shared.put("CARTWRIGHT_CHECKOUT_HOST", "127.0.0.1");
        shared.put("CARTWRIGHT_CHECKOUT_INSTANCES", "1");
        for (SimService service : List.of(SimService.CATALOG, SimService.PRICING, SimService.PROMOTION, SimService.WAREHOUSE,
            SimService.PAYMENT, SimService.SHIPPING, SimService.ORDER, SimService.CUSTOMER)) {
            shared.put("CARTWRIGHT_" + service.name() + "_ADDR", "127.0.0.1:" + sim.port(service));
        }
        shared.putAll(extra);
        List<Instance> instances = new ArrayList<>();
        for (String name : List.of("a", "b")) {
            Map<String, String> env = new HashMap<>(shared);
            env.put("CARTWRIGHT_CHECKOUT_PORT", Integer.toString(GatewayProcess.freePort()));
            env.put("CARTWRIGHT_CHECKOUT_ADMIN_PORT", Integer.toString(GatewayProcess.freePort()));
            Instance instance = new Instance(name, env);
            instance.start();
            instances.add(instance);
        }
        // The return and order sides are not called: every cart and checkout call goes to the Checkout Service.
        String unused = "127.0.0.1:" + sim.port(SimService.ORDER);
        Instance a = instances.get(0);
        Instance b = instances.get(1);
        GatewayProcess gateway = GatewayProcess.start("127.0.0.1:" + a.port, unused, unused, Map.of(
            "CARTWRIGHT_GATEWAY_CHECKOUT_READY", Integer.toString(a.adminPort),
            "CARTWRIGHT_GATEWAY_CHECKOUT_2", "127.0.0.1:" + b.port,
            "CARTWRIGHT_GATEWAY_CHECKOUT_2_READY", Integer.toString(b.adminPort)));
        gateway.admin().useNewService(ServiceRouting.CHECKOUT, true);
        gateway.admin().share(ServiceRouting.CHECKOUT, FlagSetting.ON);
        return new TwoCheckouts(vertx, sim, gateway, instances, schema, cartEventsTopic);
    }

    /** Waits until the gateway's health checks report {@code server} of the checkout backend in {@code status}. */
    void awaitGatewayStatus(String server, String status) throws InterruptedException {
        String seen = "";
        for (int i = 0; i < 600; i++) {
            seen = gatewayStat(server, "status");
            if (seen.startsWith(status)) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the gateway did not report " + server + " " + status + " within 60 s (last: " + seen + ")");
    }

    /** One column of the runtime API's {@code show stat} for a server of the checkout backend. */
    String gatewayStat(String server, String column) {
        String[] lines = gateway.admin().command("show stat").split("\n");
        List<String> header = List.of(lines[0].replaceFirst("^# ", "").split(","));
        int index = header.indexOf(column);
        for (String line : lines) {
            String[] fields = line.split(",", -1);
            if (fields.length > index && "checkout_service".equals(fields[0]) && server.equals(fields[1])) {
                return fields[index];
            }
        }
        return "";
    }

    /** Takes a server out of the gateway's rotation by hand ({@code disable server}), or puts it back. */
    void rotation(String server, boolean in) {
        gateway.admin().command((in ? "enable" : "disable") + " server checkout_service/" + server);
    }

    /** The 1, 5 and 15 minute load averages, as /proc/loadavg has them (or "unknown"). */
    static String loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return fields[0] + " " + fields[1] + " " + fields[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    static void writeReport(String file, String report) {
        Path out = Path.of("target", file);
        try {
            Files.createDirectories(out.getParent());
            Files.writeString(out, report);
        } catch (IOException e) {
            // The report is also on standard output.
        }
    }

    @Override
    public void close() {
        gateway.close();
        try {
            for (Instance instance : instances) {
                instance.stop();
            }
            SplitStack.await(sim.close());
            SplitStack.await(vertx.close());
        } catch (RuntimeException e) {
            // Closing is best effort; a failure here must not hide the tests' own outcome.
        }
    }
}
