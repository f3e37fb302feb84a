package dev.cartwright.sim;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.vertx.core.Future;

/** Keeps every event it is given, in order, so tests can read what would have gone to Kafka. */
final class RecordingPublisher implements EventPublisher {

    private final List<SimEvent> events = new CopyOnWriteArrayList<>();

    @Override
    public Future<Void> publish(SimEvent event) {
        events.add(event);
        return Future.succeededFuture();
    }

    @Override
    public boolean enabled() {
        return true;
    }

    @Override
    public Future<Void> close() {
        return Future.succeededFuture();
    }

    List<SimEvent> events() {
        return List.copyOf(events);
    }

    void clear() {
        events.clear();
    }
}
