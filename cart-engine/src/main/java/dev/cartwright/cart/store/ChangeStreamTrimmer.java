package dev.cartwright.cart.store;

import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.redis.client.Redis;

/**
 * Keeps the cart change stream short without ever dropping an entry a consumer group still needs: periodically
 * trims everything older than the oldest entry that the write-behind group or the Kafka bridge group has not
 * acknowledged (its oldest pending entry, else the first one not yet delivered to it). While either group does not
 * exist yet nothing is trimmed, since that group will start reading from the beginning.
 */
public final class ChangeStreamTrimmer extends VerticleBase {

    private static final Logger LOG = LoggerFactory.getLogger(ChangeStreamTrimmer.class);

    private final ChangeStream stream;
    private final List<String> groups;
    private final long intervalMillis;
    private long timer = -1;
    private boolean running;

    public ChangeStreamTrimmer(Redis redis, CartStoreConfig config) {
        this.stream = new ChangeStream(redis, config.streamKey());
        this.groups = List.of(config.writeBehindGroup(), config.bridgeGroup());
        this.intervalMillis = config.trimInterval().toMillis();
    }

    @Override
    public Future<?> start() {
        timer = vertx.setPeriodic(intervalMillis, tick -> {
            if (running) {
                return;
            }
            running = true;
            trimOnce().onComplete(done -> {
                running = false;
                if (done.failed()) {
                    LOG.warn("trimming {} failed: {}", stream.key(), done.cause().toString());
                }
            });
        });
        return Future.succeededFuture();
    }

    @Override
    public Future<?> stop() {
        vertx.cancelTimer(timer);
        return Future.succeededFuture();
    }

    /** Trims once; returns how many entries went (0 when a group is missing or nothing is old enough). */
    public Future<Long> trimOnce() {
        return stream.groups().compose(states -> {
            String floor = floorOf(states);
            if (floor == null) {
                return Future.succeededFuture(0L);
            }
            return stream.trimBelow(floor);
        });
    }

    private String floorOf(Map<String, ChangeStream.GroupState> states) {
        String floor = null;
        for (String group : groups) {
            ChangeStream.GroupState state = states.get(group);
            if (state == null) {
                return null;
            }
            String needed = state.floor();
            if (floor == null || StreamEntries.compare(needed, floor) < 0) {
                floor = needed;
            }
        }
        return floor;
    }
}
