package dev.cartwright.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import io.vertx.grpc.client.InvalidStatusException;
import io.vertx.grpc.common.GrpcStatus;
import java.util.List;
import org.junit.jupiter.api.Test;

class LoadDriverTest {

    @Test
    void productRangeSkipsWhatTheCatalogueDoesNotSell() {
        List<String> ids = LoadDriver.DriverOptions.productRange("495-500");
        assertThat(ids).containsExactly("495", "496", "497", "498", "500");
    }

    @Test
    void optionsParseTheCommandLine() {
        LoadDriver.DriverOptions o = LoadDriver.DriverOptions.parse(
            new String[] {"--target", "10.0.0.1:9999", "--rate", "500", "--duration", "5", "--shoppers", "20"});
        assertThat(o.address().host()).isEqualTo("10.0.0.1");
        assertThat(o.address().port()).isEqualTo(9999);
        assertThat(o.rate()).isEqualTo(500);
        assertThat(o.durationSeconds()).isEqualTo(5);
        assertThat(o.shoppers()).isEqualTo(20);
        assertThat(o.httpJson()).as("gRPC unless told otherwise").isFalse();
    }

    @Test
    void theServiceCpuIsUserPlusSystemTimeFromProcStat() {
        // A command name with spaces and a parenthesis, as /proc writes it; utime 1234 and stime 56 are fields 14 and 15.
        String stat = "4242 (java (main) x) S 1 4242 4242 0 -1 4194560 9000 0 0 0 1234 56 0 0 20 0 40 0 100 5000000 3000 "
            + "18446744073709551615";

        assertThat(ServiceCpu.ticksOf(stat)).isEqualTo(1290);
        assertThat(ServiceCpu.ticks(ProcessHandle.current().pid())).as("this JVM has used some CPU").isPositive();
        assertThat(LoadDriver.DriverOptions.parse(new String[] {"--service-pid", "77", "--clk-tck", "250"}).servicePid()).isEqualTo(77);
    }

    @Test
    void theProtocolIsGrpcOrHttpJson() {
        assertThat(LoadDriver.DriverOptions.parse(new String[] {"--protocol", "http-json"}).httpJson()).isTrue();
        assertThat(LoadDriver.DriverOptions.parse(new String[] {"--protocol", "grpc"}).httpJson()).isFalse();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> LoadDriver.DriverOptions.parse(new String[] {"--protocol", "json"}))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("grpc or http-json");
    }

    @Test
    void grpcGoesOutOnTheH2ClientUnlessTheVertxOneIsAskedFor() {
        LoadDriver.DriverOptions defaults = LoadDriver.DriverOptions.parse(new String[] {});
        assertThat(defaults.h2Client()).isTrue();
        assertThat(defaults.h2Connections()).isEqualTo(16);
        assertThat(LoadDriver.DriverOptions.parse(new String[] {"--client", "vertx"}).h2Client()).isFalse();
        assertThat(LoadDriver.DriverOptions.parse(new String[] {"--h2-connections", "4"}).h2Connections()).isEqualTo(4);
        assertThat(LoadDriver.DriverOptions.parse(new String[] {"--protocol", "http-json"}).h2Client())
            .as("HTTP/JSON always goes through the Vert.x HTTP client").isFalse();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> LoadDriver.DriverOptions.parse(new String[] {"--client", "netty"}))
            .isInstanceOf(IllegalArgumentException.class).hasMessage("--client is vertx or h2, was netty");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> LoadDriver.DriverOptions.parse(new String[] {"--h2-connections", "0"}))
            .isInstanceOf(IllegalArgumentException.class).hasMessage("--h2-connections is at least 1, was 0");
    }

    @Test
    void theH2ClientPutsEachCallOnTheConnectionWithTheFewestOpenUnlessToldToTakeThemInTurn() {
        assertThat(LoadDriver.DriverOptions.parse(new String[] {}).h2Pick()).isEqualTo(H2GrpcClient.Pick.FEWEST);
        assertThat(LoadDriver.DriverOptions.parse(new String[] {"--h2-pick", "turn"}).h2Pick()).isEqualTo(H2GrpcClient.Pick.TURN);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> LoadDriver.DriverOptions.parse(new String[] {"--h2-pick", "random"}))
            .isInstanceOf(IllegalArgumentException.class).hasMessage("--h2-pick is fewest or turn, was random");
    }

    @Test
    void statsReportPercentilesThroughputAndErrorsByStatus() {
        RpcStats stats = new RpcStats();
        for (int i = 1; i <= 100; i++) {
            stats.record("ADD", i * 1_000_000L, null);
        }
        stats.record("GET", 5_000_000L, new InvalidStatusException(GrpcStatus.OK, GrpcStatus.UNAVAILABLE));
        JsonObject report = stats.toJson(1_000_000_000L);
        JsonObject add = report.getJsonObject("rpcs").getJsonObject("ADD");
        assertThat(add.getLong("count")).isEqualTo(100);
        assertThat(add.getDouble("p50Ms")).isBetween(49.9, 50.1);
        assertThat(add.getDouble("p99Ms")).isBetween(98.9, 99.1);
        assertThat(add.getDouble("maxMs")).isBetween(99.9, 100.1);
        assertThat(report.getJsonObject("all").getLong("throughputPerSecond")).isEqualTo(101);
        assertThat(report.getJsonObject("errors").getLong("GET:UNAVAILABLE")).isEqualTo(1);
        assertThat(report.getLong("errorCount")).isEqualTo(1);
    }

    @Test
    void grpcCallFindsThePublicMethods() {
        assertThat(GrpcCall.find("checkout.v1.CartService/CreateCart").getInputType().getName()).isEqualTo("CreateCartRequest");
        assertThat(GrpcCall.find("return.v1.ReturnService/CreateReturnRequest").getOutputType().getName())
            .isEqualTo("ReturnRequest");
    }
}
