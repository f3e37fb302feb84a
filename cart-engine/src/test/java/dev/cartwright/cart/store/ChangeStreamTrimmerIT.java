package dev.cartwright.cart.store;

import static dev.cartwright.cart.store.StoreHarness.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.cartwright.testkit.PostgresInfo;
import dev.cartwright.testkit.RealServices;
import dev.cartwright.testkit.RedisInfo;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

/** Trimming the change stream on a real Redis: only entries every group has acknowledged ever go. */
@ExtendWith(RealServices.class)
class ChangeStreamTrimmerIT {

    private static StoreHarness harness;

    @BeforeAll
    static void open(PostgresInfo postgres, RedisInfo redis) {
        harness = StoreHarness.open(postgres, redis, "trimmer");
    }

    @AfterAll
    static void close() {
        harness.close();
    }

    private static CartStoreConfig config(String name) {
        return harness.config.withStreamKey(harness.redisInfo.key("changes-" + name));
    }

    private static List<String> append(CartStoreConfig config, int count) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ids.add(await(harness.redis.send(Request.cmd(Command.XADD).arg(config.streamKey()).arg("*")
                .arg("cart_id").arg("c" + i).arg("version").arg(1))).toString());
        }
        return ids;
    }

    private static List<String> read(CartStoreConfig config, String group, int count) {
        Response reply = await(harness.redis.send(Request.cmd(Command.XREADGROUP).arg("GROUP").arg(group).arg("consumer-1")
            .arg("COUNT").arg(count).arg("STREAMS").arg(config.streamKey()).arg(">")));
        return StreamEntries.parseReadGroup(reply).stream().map(StreamEntries.Entry::id).toList();
    }

    private static void ack(CartStoreConfig config, String group, List<String> ids) {
        Request ack = Request.cmd(Command.XACK).arg(config.streamKey()).arg(group);
        ids.forEach(ack::arg);
        await(harness.redis.send(ack));
    }

    private static List<String> remaining(CartStoreConfig config) {
        Response range = await(harness.redis.send(Request.cmd(Command.XRANGE).arg(config.streamKey()).arg("-").arg("+")));
        return StreamEntries.parse(range).stream().map(StreamEntries.Entry::id).toList();
    }

    @Test
    void onlyEntriesBothGroupsAcknowledgedAreTrimmed() {
        CartStoreConfig config = config("both");
        ChangeStream stream = new ChangeStream(harness.redis, config.streamKey());
        List<String> ids = append(config, 10);
        await(stream.ensureGroup(config.writeBehindGroup()));
        await(stream.ensureGroup(config.bridgeGroup()));
        ack(config, config.writeBehindGroup(), read(config, config.writeBehindGroup(), 10));
        List<String> bridgeRead = read(config, config.bridgeGroup(), 5);
        ack(config, config.bridgeGroup(), List.of(bridgeRead.get(0), bridgeRead.get(1), bridgeRead.get(3)));
        ChangeStreamTrimmer trimmer = new ChangeStreamTrimmer(harness.redis, config);

        // The bridge still holds entry 3 (index 2) pending: everything from it on stays, also the acked entry 4.
        assertThat(await(trimmer.trimOnce())).isEqualTo(2);
        assertThat(remaining(config)).isEqualTo(ids.subList(2, 10));

        ack(config, config.bridgeGroup(), List.of(bridgeRead.get(2), bridgeRead.get(4)));
        // Now the bridge needs what it has not been delivered yet: entry 6 (index 5) on.
        assertThat(await(trimmer.trimOnce())).isEqualTo(3);
        assertThat(remaining(config)).isEqualTo(ids.subList(5, 10));

        // The write-behind has everything; the bridge has read nothing more: nothing else may go.
        assertThat(await(trimmer.trimOnce())).isZero();
        assertThat(remaining(config)).hasSize(5);
    }

    @Test
    void nothingIsTrimmedWhileAGroupDoesNotExistYet() {
        CartStoreConfig config = config("missing");
        ChangeStream stream = new ChangeStream(harness.redis, config.streamKey());
        append(config, 4);
        await(stream.ensureGroup(config.writeBehindGroup()));
        ack(config, config.writeBehindGroup(), read(config, config.writeBehindGroup(), 4));

        assertThat(await(new ChangeStreamTrimmer(harness.redis, config).trimOnce())).isZero();
        assertThat(remaining(config)).hasSize(4);
    }
}
