package dev.cartwright.order.migration;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.cartwright.order.flags.Buckets;
import dev.cartwright.order.flags.MigrationFlags;
import dev.cartwright.testkit.PostgresInfo;
import dev.cartwright.testkit.RealServices;

import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;

/** READ_SWITCH against real PostgreSQL: reads follow the subject's bucket and move back at once. */
@ExtendWith(RealServices.class)
class ReadSwitchIT {

    private MigrationFixture fixture;
    private OnVertx on;
    private Pool checkoutDb;
    private Pool orderDb;
    private ReadRouter router;
    private AggregateReader reader;
    private List<String> cartIds;

    @BeforeEach
    void backfilledWithDualWriteOn(PostgresInfo postgres) throws SQLException {
        fixture = new MigrationFixture(postgres, 50).backfillOn();
        fixture.seed(71, new LegacySampleData.Counts(200, 10, 10));
        fixture.backfillAll(Aggregate.CART, 50);
        fixture.set(MigrationFlags.DUAL_WRITE, "on");
        on = new OnVertx();
        checkoutDb = fixture.pool(on.vertx, fixture.config.checkout());
        orderDb = fixture.pool(on.vertx, fixture.config.legacy());
        router = new ReadRouter(fixture.flagSupplier());
        reader = new AggregateReader(checkoutDb, orderDb, router);
        cartIds = new ArrayList<>();
        fixture.query(Side.TARGET, Aggregate.CART, "SELECT cart_id FROM carts ORDER BY cart_id")
            .forEach(row -> cartIds.add((String) row.get("cart_id")));
    }

    @AfterEach
    void close() throws Exception {
        on.close();
    }

    @Test
    void eachSubjectIsRoutedByItsBucketAndStaysRoutedAsTheShareGrows() {
        fixture.set(MigrationFlags.READ_SWITCH, "10%");
        List<String> subjects = new ArrayList<>();
        for (int i = 0; i < 5_000; i++) {
            subjects.add("cust-" + i);
        }
        List<String> atTen = subjects.stream().filter(s -> router.sideFor(s) == Side.TARGET).toList();

        for (String subject : subjects) {
            assertThat(router.sideFor(subject) == Side.TARGET).isEqualTo(Buckets.of(MigrationFlags.READ_SWITCH, subject) < 1_000);
        }
        assertThat(atTen.size()).isBetween(400, 600);

        fixture.set(MigrationFlags.READ_SWITCH, "50%");
        assertThat(atTen).allMatch(s -> router.sideFor(s) == Side.TARGET);
        assertThat(subjects.stream().filter(s -> router.sideFor(s) == Side.TARGET).count()).isBetween(2_300L, 2_700L);
    }

    @Test
    void aRoutedReadFindsTheSameCartOnEitherSide() {
        fixture.set(MigrationFlags.READ_SWITCH, "50%");
        int fromNew = 0;
        for (String cart : cartIds.subList(0, 60)) {
            AggregateReader.Routed routed = on.await(() -> reader.read(cart, Aggregate.CART, cart));
            Side other = routed.side() == Side.TARGET ? Side.LEGACY : Side.TARGET;
            Optional<Map<String, List<Map<String, Object>>>> there = on.await(() -> reader.read(other, Aggregate.CART, cart));

            assertThat(routed.side()).isEqualTo(router.sideFor(cart));
            assertThat(routed.rows()).isPresent().isEqualTo(there);
            fromNew += routed.side() == Side.TARGET ? 1 : 0;
        }
        assertThat(fromNew).isBetween(1, 59);
    }

    @Test
    void turningTheShareDownMovesReadsBackAtOnceAndTheyFindTheLatestWrite() {
        fixture.set(MigrationFlags.READ_SWITCH, "100%");
        String cart = cartIds.get(17);
        DualWriter writer = new DualWriter(checkoutDb, orderDb, fixture.flagSupplier(), MigrationFixture.CLOCK);
        on.await(() -> writer.write(Aggregate.CART, cart, connection -> connection
            .preparedQuery("UPDATE carts SET region = 'US-ZZ', version = version + 1 WHERE cart_id = $1").execute(Tuple.of(cart))));

        AggregateReader.Routed onNew = on.await(() -> reader.read(cart, Aggregate.CART, cart));
        fixture.set(MigrationFlags.READ_SWITCH, "0%");
        AggregateReader.Routed movedBack = on.await(() -> reader.read(cart, Aggregate.CART, cart));

        assertThat(onNew.side()).isEqualTo(Side.TARGET);
        assertThat(movedBack.side()).isEqualTo(Side.LEGACY);
        assertThat(movedBack.rows()).isEqualTo(onNew.rows());
        assertThat(movedBack.rows().orElseThrow().get("carts").get(0).get("region")).isEqualTo("US-ZZ");
    }

    @Test
    void aCartMissingOnOneSideReadsAsAbsentThere() {
        Optional<Map<String, List<Map<String, Object>>>> nowhere = on.await(() -> reader.read(Side.LEGACY, Aggregate.CART, "no-such-cart"));

        assertThat(nowhere).isEmpty();
    }
}
