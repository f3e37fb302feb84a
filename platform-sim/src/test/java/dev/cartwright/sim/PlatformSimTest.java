package dev.cartwright.sim;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import dev.cartwright.proto.platform.v1.GetOrderRequest;
import dev.cartwright.proto.platform.v1.OrderDetails;
import dev.cartwright.proto.platform.v1.OrderItem;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(VertxExtension.class)
class PlatformSimTest {

    @Test
    void with_base_port_zero_every_server_gets_its_own_free_port(Vertx vertx) {
        try (SimHarness harness = SimHarness.start(vertx, SimHarness.testConfig())) {
            Set<Integer> ports = new HashSet<>(harness.sim.ports().values());
            ports.add(harness.sim.adminPort());

            assertThat(harness.sim.ports()).hasSize(SimService.values().length);
            assertThat(ports).hasSize(SimService.values().length + 1).allMatch(port -> port > 0);
            assertThat(harness.sim.demoOrder()).isEmpty();
            String ready = PlatformSimMain.readyLine(harness.sim);
            for (SimService service : SimService.values()) {
                assertThat(ready).contains(service.key() + "=" + harness.sim.port(service));
            }
            assertThat(ready).contains("kafka=off");
        }
    }

    @Test
    void a_local_run_seeds_a_delivered_demo_order_for_customer_123(Vertx vertx) {
        SimConfig config = SimConfig.local(SimConfig.defaults().clock()).withBasePort(0);
        try (SimHarness harness = SimHarness.start(vertx, config)) {
            OrderDetails demo = harness.sim.demoOrder().orElseThrow();

            OrderDetails fetched = harness.call(() ->
                harness.order().getOrder(GetOrderRequest.newBuilder().setOrderId(demo.getOrderId()).build()));

            assertThat(fetched).isEqualTo(demo);
            assertThat(demo.getCustomerId()).isEqualTo("123");
            assertThat(demo.getStatus()).isEqualTo("delivered");
            assertThat(demo.getItemsList()).extracting(OrderItem::getOrderItemId).containsExactly("1", "2");
            assertThat(demo.getItemsList()).extracting(OrderItem::getProductId).containsExactly("456", "1001");
            assertThat(harness.sim.order().autoDeliver()).isTrue();
        }
    }

    @Test
    void a_port_in_use_fails_the_start_with_the_port_named(Vertx vertx) throws IOException {
        // A socket outside Vert.x: servers of one Vert.x instance on one port would share it instead of clashing.
        try (ServerSocket occupied = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            int taken = occupied.getLocalPort();
            SimConfig clash = SimHarness.testConfig().withPorts(Map.of(SimService.PAYMENT, taken));

            Throwable failure = PlatformSim.start(vertx, clash).toCompletionStage().toCompletableFuture()
                .handle((sim, error) -> error).join();

            assertThat(failure).isNotNull();
            assertThat(failure.getMessage()).contains("payment").contains(Integer.toString(taken));
        }
    }
}
