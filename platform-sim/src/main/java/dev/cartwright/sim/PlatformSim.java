package dev.cartwright.sim;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

import dev.cartwright.proto.platform.v1.CatalogServiceGrpcService;
import dev.cartwright.proto.platform.v1.CustomerServiceGrpcService;
import dev.cartwright.proto.platform.v1.OrderDetails;
import dev.cartwright.proto.platform.v1.OrderServiceGrpcService;
import dev.cartwright.proto.platform.v1.PaymentServiceGrpcService;
import dev.cartwright.proto.platform.v1.PricingServiceGrpcService;
import dev.cartwright.proto.platform.v1.PromotionServiceGrpcService;
import dev.cartwright.proto.platform.v1.ShippingServiceGrpcService;
import dev.cartwright.proto.platform.v1.WarehouseServiceGrpcService;
import dev.cartwright.service.grpc.DetailedErrors;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.common.ServiceName;
import io.vertx.grpc.health.HealthService;
import io.vertx.grpc.reflection.ReflectionService;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.grpc.server.Service;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole simulated platform: builds the eight simulators over one seeded catalogue, serves each as a gRPC server on
 * its own port (with gRPC health and reflection), and the admin HTTP endpoint on another. Owns the servers, the Kafka
 * producer and the simulators; {@link #close()} stops them all.
 */
public final class PlatformSim {

    private static final Logger LOG = LoggerFactory.getLogger(PlatformSim.class);

    private final SimConfig config;
    private final Catalogue catalogue;
    private final EventPublisher publisher;
    private final Map<SimService, ServiceKnobs> knobs;
    private final CatalogSimulator catalog;
    private final PricingSimulator pricing;
    private final PromotionSimulator promotion;
    private final WarehouseSimulator warehouse;
    private final PaymentSimulator payment;
    private final ShippingSimulator shipping;
    private final OrderSimulator order;
    private final CustomerSimulator customer;
    private final List<HttpServer> servers = new ArrayList<>();
    private final Map<SimService, Integer> boundPorts = new EnumMap<>(SimService.class);
    private volatile int boundAdminPort;
    private volatile OrderDetails demoOrder;

    private PlatformSim(Vertx vertx, SimConfig config, EventPublisher publisher) {
        this.config = config;
        this.catalogue = Catalogue.generate(config.seed(), config.productCount());
        this.publisher = publisher;
        Map<SimService, ServiceKnobs> all = new EnumMap<>(SimService.class);
        for (SimService service : SimService.values()) {
            // One generator per simulator, each seeded from the run's seed, so a run's injected failures repeat.
            SplittableRandom random = new SplittableRandom(config.seed() * 31 + service.ordinal());
            all.put(service, new ServiceKnobs(service, vertx, random, config.knobsFor(service)));
        }
        this.knobs = Collections.unmodifiableMap(all);
        SimEvents events = new SimEvents(publisher, config.topics(), config.clock(), config.eventIds());
        this.catalog = new CatalogSimulator(catalogue, all.get(SimService.CATALOG));
        this.pricing = new PricingSimulator(catalogue, all.get(SimService.PRICING), events, config.clock());
        this.promotion = new PromotionSimulator(all.get(SimService.PROMOTION));
        this.warehouse = new WarehouseSimulator(catalogue, all.get(SimService.WAREHOUSE), events, config.clock());
        this.payment = new PaymentSimulator(all.get(SimService.PAYMENT), config.idBase());
        this.shipping = new ShippingSimulator(all.get(SimService.SHIPPING));
        this.order = new OrderSimulator(catalogue, pricing::priceOf, all.get(SimService.ORDER), events, config.clock(), config.idBase(),
            config.autoDeliver());
        this.customer = new CustomerSimulator(all.get(SimService.CUSTOMER));
    }

    /**
     * Starts every simulator and the admin endpoint; the future completes when all of them listen (and the demo order,
     * if asked for, exists). If one server cannot listen, those already listening are closed and the future fails.
     */
    public static Future<PlatformSim> start(Vertx vertx, SimConfig config) {
        EventPublisher publisher = config.kafkaEnabled() ? EventPublisher.kafka(vertx, config.kafkaBootstrap()) : EventPublisher.none();
        return start(vertx, config, publisher);
    }

    /** Starts with events going to the given publisher instead of the one the configuration names. */
    public static Future<PlatformSim> start(Vertx vertx, SimConfig config, EventPublisher publisher) {
        PlatformSim sim = new PlatformSim(vertx, config, publisher);
        return sim.listen(vertx)
            .compose(v -> sim.seedDemoOrder())
            .map(sim)
            .recover(e -> sim.close().transform(ignored -> Future.failedFuture(e)));
    }

    private Future<Void> listen(Vertx vertx) {
        List<Future<?>> listening = new ArrayList<>();
        listening.add(serve(vertx, SimService.CATALOG, CatalogServiceGrpcService.SERVICE_NAME, CatalogServiceGrpcService.of(catalog)));
        listening.add(serve(vertx, SimService.PRICING, PricingServiceGrpcService.SERVICE_NAME, PricingServiceGrpcService.of(pricing)));
        listening.add(serve(vertx, SimService.PROMOTION, PromotionServiceGrpcService.SERVICE_NAME,
            PromotionServiceGrpcService.of(promotion)));
        listening.add(serve(vertx, SimService.WAREHOUSE, WarehouseServiceGrpcService.SERVICE_NAME,
            WarehouseServiceGrpcService.of(warehouse)));
        listening.add(serve(vertx, SimService.PAYMENT, PaymentServiceGrpcService.SERVICE_NAME, PaymentServiceGrpcService.of(payment)));
        listening.add(serve(vertx, SimService.SHIPPING, ShippingServiceGrpcService.SERVICE_NAME, ShippingServiceGrpcService.of(shipping)));
        listening.add(serve(vertx, SimService.ORDER, OrderServiceGrpcService.SERVICE_NAME, OrderServiceGrpcService.of(order)));
        listening.add(serve(vertx, SimService.CUSTOMER, CustomerServiceGrpcService.SERVICE_NAME, CustomerServiceGrpcService.of(customer)));
        AdminEndpoint admin = new AdminEndpoint(this);
        HttpServer adminServer = vertx.createHttpServer(new HttpServerOptions().setHost(config.host()).setPort(config.adminPortToUse()))
            .requestHandler(admin);
        synchronized (servers) {
            servers.add(adminServer);
        }
        listening.add(adminServer.listen()
            .onSuccess(s -> boundAdminPort = s.actualPort())
            .recover(e -> Future.failedFuture(new IllegalStateException(
                "admin endpoint cannot listen on " + config.host() + ":" + config.adminPortToUse() + ": " + e.getMessage(), e))));
        return Future.all(listening).mapEmpty();
    }

    private Future<HttpServer> serve(Vertx vertx, SimService service, ServiceName name, Service grpcService) {
        ServiceKnobs serviceKnobs = knobs.get(service);
        GrpcServer grpc = GrpcServer.server(vertx);
        grpc.addService(DetailedErrors.of(grpcService));
        grpc.addService(HealthService.create(vertx).register(name, () -> Future.succeededFuture(serviceKnobs.serving())));
        grpc.addService(ReflectionService.v1());
        int port = config.portFor(service);
        HttpServer server = vertx.createHttpServer(new HttpServerOptions().setHost(config.host()).setPort(port)).requestHandler(grpc);
        synchronized (servers) {
            servers.add(server);
        }
        return server.listen()
            .onSuccess(s -> {
                synchronized (boundPorts) {
                    boundPorts.put(service, s.actualPort());
                }
            })
            .recover(e -> Future.failedFuture(new IllegalStateException(
                service.key() + " simulator cannot listen on " + config.host() + ":" + port + ": " + e.getMessage(), e)));
    }

    private Future<Void> seedDemoOrder() {
        if (config.demoOrder()) {
            // The events go out in the background: a broker that is slow to answer must not hold up start-up.
            newDemoOrder();
        }
        return Future.succeededFuture();
    }

    /**
     * Creates a fresh demo order — customer "123", delivered a day ago, items "1" = product 456 x2 and "2" = product
     * 1001 x1 — and makes it the one {@link #demoOrder()} answers. The future completes when its events are sent.
     */
    public Future<OrderDetails> newDemoOrder() {
        OrderSimulator.Seeded seeded = order.seedDeliveredOrder(SimConfig.DEMO_CUSTOMER,
            config.clock().instant().minus(Duration.ofDays(1)),
            order.pricedItems(new OrderSimulator.Line("456", 2), new OrderSimulator.Line("1001", 1)));
        OrderDetails created = seeded.order();
        demoOrder = created;
        LOG.info("DEMO ORDER {} for customer {}: delivered, items {}", created.getOrderId(), created.getCustomerId(),
            created.getItemsList().stream()
                .map(i -> i.getOrderItemId() + "=product " + i.getProductId() + " x" + i.getQuantity())
                .toList());
        return seeded.published().map(created);
    }

    /** Stops every server and the Kafka producer. */
    public Future<Void> close() {
        List<Future<?>> closing = new ArrayList<>();
        synchronized (servers) {
            for (HttpServer server : servers) {
                closing.add(server.close());
            }
            servers.clear();
        }
        closing.add(publisher.close());
        return Future.join(closing).mapEmpty();
    }

    public SimConfig config() {
        return config;
    }

    /** The port a simulator listens on. */
    public int port(SimService service) {
        synchronized (boundPorts) {
            Integer port = boundPorts.get(service);
            if (port == null) {
                throw new IllegalStateException(service.key() + " simulator is not listening");
            }
            return port;
        }
    }

    /** Every simulator's port. */
    public Map<SimService, Integer> ports() {
        synchronized (boundPorts) {
            return Map.copyOf(boundPorts);
        }
    }

    /** The admin HTTP endpoint's port. */
    public int adminPort() {
        return boundAdminPort;
    }

    /** Where a gRPC client reaches a simulator. */
    public SocketAddress address(SimService service) {
        return SocketAddress.inetSocketAddress(port(service), config.host());
    }

    /** The knobs of one simulator. */
    public ServiceKnobs knobs(SimService service) {
        return knobs.get(service);
    }

    /** Sets every simulator back to well-behaved. */
    public void resetKnobs() {
        knobs.values().forEach(ServiceKnobs::reset);
    }

    public Catalogue catalogue() {
        return catalogue;
    }

    /** The order seeded at start-up for customer "123", when {@link SimConfig#demoOrder()} asked for one. */
    public Optional<OrderDetails> demoOrder() {
        return Optional.ofNullable(demoOrder);
    }

    /** Whether events are published to Kafka. */
    public boolean publishesEvents() {
        return publisher.enabled();
    }

    public CatalogSimulator catalog() {
        return catalog;
    }

    public PricingSimulator pricing() {
        return pricing;
    }

    public PromotionSimulator promotion() {
        return promotion;
    }

    public WarehouseSimulator warehouse() {
        return warehouse;
    }

    public PaymentSimulator payment() {
        return payment;
    }

    public ShippingSimulator shipping() {
        return shipping;
    }

    public OrderSimulator order() {
        return order;
    }

    public CustomerSimulator customer() {
        return customer;
    }
}
