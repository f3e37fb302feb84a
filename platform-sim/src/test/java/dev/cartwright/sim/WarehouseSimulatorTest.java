package dev.cartwright.sim;

import dev.cartwright.testkit.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;

import dev.cartwright.proto.platform.v1.CommitReservationRequest;
import dev.cartwright.proto.platform.v1.ExtendReservationRequest;
import dev.cartwright.proto.platform.v1.GetAvailabilityRequest;
import dev.cartwright.proto.platform.v1.ReleaseReservationRequest;
import dev.cartwright.proto.platform.v1.Reservation;
import dev.cartwright.proto.platform.v1.ReservationStatus;
import dev.cartwright.proto.platform.v1.ReserveStockRequest;
import dev.cartwright.proto.platform.v1.RestockRequest;
import dev.cartwright.proto.platform.v1.StockLine;
import dev.cartwright.proto.platform.v1.WarehouseServiceGrpcClient;

import io.vertx.core.Vertx;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.junit5.VertxExtension;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(VertxExtension.class)
class WarehouseSimulatorTest {

    private static final TestClock CLOCK = TestClock.at(Instant.parse("2025-03-01T12:00:00Z"));
    private static SimHarness harness;
    private static WarehouseServiceGrpcClient warehouse;

    @BeforeAll
    static void start(Vertx vertx) {
        harness = SimHarness.start(vertx, SimHarness.testConfig().withClock(CLOCK));
        warehouse = harness.warehouse();
    }

    @AfterAll
    static void stop() {
        harness.close();
    }

    @AfterEach
    void wellBehavedAgain() {
        harness.sim.resetKnobs();
    }

    @Test
    void reserving_more_than_is_available_fails_naming_the_product() {
        SimHarness.Failure none = harness.failure(SimService.WAREHOUSE, WarehouseServiceGrpcClient.ReserveStock,
            reserve("r-none", 60, line("456", 1), line("499", 1)));
        SimHarness.Failure tooMany = harness.failure(SimService.WAREHOUSE, WarehouseServiceGrpcClient.ReserveStock,
            reserve("r-many", 60, line("303", Catalogue.LOW_STOCK + 1)));

        assertThat(none.status()).isEqualTo(GrpcStatus.FAILED_PRECONDITION);
        assertThat(none.message()).isEqualTo("insufficient stock for product 499");
        assertThat(tooMany.message()).isEqualTo("insufficient stock for product 303");
        assertThat(harness.sim.warehouse().availableOf("303")).isEqualTo(Catalogue.LOW_STOCK);
        assertThat(harness.sim.warehouse().reservation("r-none")).isEmpty();
    }

    @Test
    void a_reservation_holds_stock_once_however_often_it_is_sent() {
        int before = harness.sim.warehouse().availableOf("10");
        ReserveStockRequest request = reserve("r-once", 60, line("10", 3), line("10", 2));

        Reservation first = harness.call(() -> warehouse.reserveStock(request));
        Reservation again = harness.call(() -> warehouse.reserveStock(request));

        assertThat(first.getStatus()).isEqualTo(ReservationStatus.RESERVATION_STATUS_HELD);
        assertThat(again).isEqualTo(first);
        assertThat(harness.sim.warehouse().availableOf("10")).isEqualTo(before - 5);
    }

    @Test
    void releasing_gives_the_stock_back_once() {
        int before = harness.sim.warehouse().availableOf("11");
        harness.call(() -> warehouse.reserveStock(reserve("r-release", 60, line("11", 4))));

        Reservation released = harness.call(() -> warehouse.releaseReservation(release("r-release")));
        harness.call(() -> warehouse.releaseReservation(release("r-release")));

        assertThat(released.getStatus()).isEqualTo(ReservationStatus.RESERVATION_STATUS_RELEASED);
        assertThat(harness.sim.warehouse().availableOf("11")).isEqualTo(before);
    }

    @Test
    void a_release_that_overtakes_its_reserve_leaves_nothing_held() {
        int before = harness.sim.warehouse().availableOf("12");

        harness.call(() -> warehouse.releaseReservation(release("r-late")));
        Reservation late = harness.call(() -> warehouse.reserveStock(reserve("r-late", 60, line("12", 1))));

        assertThat(late.getStatus()).isEqualTo(ReservationStatus.RESERVATION_STATUS_RELEASED);
        assertThat(harness.sim.warehouse().availableOf("12")).isEqualTo(before);
    }

    @Test
    void an_expired_reservation_gives_its_stock_back_and_cannot_be_extended() {
        int before = harness.sim.warehouse().availableOf("13");
        harness.call(() -> warehouse.reserveStock(reserve("r-expire", 30, line("13", 2))));
        Reservation extended = harness.call(() -> warehouse.extendReservation(
            ExtendReservationRequest.newBuilder().setReservationId("r-expire").setTtlSeconds(120).build()));
        assertThat(extended.getExpiresAt().getSeconds()).isEqualTo(CLOCK.instant().plusSeconds(120).getEpochSecond());

        CLOCK.advance(Duration.ofSeconds(60));
        assertThat(harness.sim.warehouse().availableOf("13")).as("held past its first ttl, thanks to the extension").isEqualTo(before - 2);
        CLOCK.advance(Duration.ofSeconds(61));

        assertThat(harness.sim.warehouse().availableOf("13")).isEqualTo(before);
        assertThat(harness.sim.warehouse().reservation("r-expire").orElseThrow().getStatus())
            .isEqualTo(ReservationStatus.RESERVATION_STATUS_EXPIRED);
        SimHarness.Failure extend = harness.failure(SimService.WAREHOUSE, WarehouseServiceGrpcClient.ExtendReservation,
            ExtendReservationRequest.newBuilder().setReservationId("r-expire").setTtlSeconds(60).build());
        assertThat(extend.status()).isEqualTo(GrpcStatus.FAILED_PRECONDITION);
        assertThat(extend.message()).contains("expired");
    }

    @Test
    void a_committed_reservation_keeps_its_stock_and_cannot_be_released() {
        int before = harness.sim.warehouse().availableOf("14");
        harness.call(() -> warehouse.reserveStock(reserve("r-commit", 60, line("14", 1))));
        CommitReservationRequest commit = CommitReservationRequest.newBuilder().setReservationId("r-commit").setOrderId("ord-9").build();

        assertThat(harness.call(() ->
            warehouse.commitReservation(commit)).getStatus()).isEqualTo(ReservationStatus.RESERVATION_STATUS_COMMITTED);
        assertThat(harness.call(() ->
            warehouse.commitReservation(commit)).getStatus()).isEqualTo(ReservationStatus.RESERVATION_STATUS_COMMITTED);
        CLOCK.advance(Duration.ofHours(1));

        assertThat(harness.sim.warehouse().availableOf("14")).isEqualTo(before - 1);
        assertThat(harness.statusOf(() -> warehouse.releaseReservation(release("r-commit")))).isEqualTo(GrpcStatus.FAILED_PRECONDITION);
    }

    @Test
    void restocking_is_idempotent_on_its_key() {
        int before = harness.sim.warehouse().availableOf("15");
        RestockRequest restock = RestockRequest.newBuilder().setIdempotencyKey("ret-7:restock").addLines(line("15", 2)).build();

        assertThat(harness.call(() -> warehouse.restock(restock)).getLevels(0).getAvailable()).isEqualTo(before + 2);
        assertThat(harness.call(() -> warehouse.restock(restock)).getLevels(0).getAvailable()).isEqualTo(before + 2);
        assertThat(harness.sim.warehouse().availableOf("15")).isEqualTo(before + 2);
    }

    @Test
    void the_out_of_stock_knob_empties_a_product_until_it_is_turned_back() {
        int before = harness.sim.warehouse().availableOf("16");
        harness.sim.knobs(SimService.WAREHOUSE).outOfStock(Set.of("16"));

        assertThat(harness.call(() ->
            warehouse.getAvailability(GetAvailabilityRequest.newBuilder().addProductIds("16").build())).getLevels(0)
            .getAvailable()).isZero();
        assertThat(harness.failure(SimService.WAREHOUSE, WarehouseServiceGrpcClient.ReserveStock, reserve("r-oos", 60, line("16", 1)))
            .message()).isEqualTo("insufficient stock for product 16");

        harness.sim.resetKnobs();
        assertThat(harness.sim.warehouse().availableOf("16")).isEqualTo(before);
    }

    @Test
    void set_stock_replaces_what_is_available() {
        harness.call(() -> harness.sim.warehouse().setStock("17", 1));

        assertThat(harness.failure(SimService.WAREHOUSE, WarehouseServiceGrpcClient.ReserveStock, reserve("r-17", 60, line("17", 2)))
            .status()).isEqualTo(GrpcStatus.FAILED_PRECONDITION);
        assertThat(harness.call(() -> warehouse.reserveStock(reserve("r-17b", 60, line("17", 1)))).getStatus())
            .isEqualTo(ReservationStatus.RESERVATION_STATUS_HELD);
    }

    private static ReserveStockRequest reserve(String id, int ttlSeconds, StockLine... lines) {
        ReserveStockRequest.Builder request = ReserveStockRequest.newBuilder().setReservationId(id).setTtlSeconds(ttlSeconds);
        for (StockLine line : lines) {
            request.addLines(line);
        }
        return request.build();
    }

    private static ReleaseReservationRequest release(String id) {
        return ReleaseReservationRequest.newBuilder().setReservationId(id).build();
    }

    private static StockLine line(String productId, int quantity) {
        return StockLine.newBuilder().setProductId(productId).setQuantity(quantity).build();
    }
}
