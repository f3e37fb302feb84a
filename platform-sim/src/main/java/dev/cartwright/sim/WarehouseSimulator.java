package dev.cartwright.sim;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;

import dev.cartwright.proto.events.v1.StockChanged;
import dev.cartwright.proto.platform.v1.CommitReservationRequest;
import dev.cartwright.proto.platform.v1.ExtendReservationRequest;
import dev.cartwright.proto.platform.v1.GetAvailabilityRequest;
import dev.cartwright.proto.platform.v1.GetAvailabilityResponse;
import dev.cartwright.proto.platform.v1.ListAvailabilityRequest;
import dev.cartwright.proto.platform.v1.ListAvailabilityResponse;
import dev.cartwright.proto.platform.v1.ReleaseReservationRequest;
import dev.cartwright.proto.platform.v1.Reservation;
import dev.cartwright.proto.platform.v1.ReservationStatus;
import dev.cartwright.proto.platform.v1.ReserveStockRequest;
import dev.cartwright.proto.platform.v1.RestockRequest;
import dev.cartwright.proto.platform.v1.RestockResponse;
import dev.cartwright.proto.platform.v1.StockLevel;
import dev.cartwright.proto.platform.v1.StockLine;
import dev.cartwright.proto.platform.v1.WarehouseServiceService;

import io.vertx.core.Future;

import static dev.cartwright.sim.ProtoValues.timestamp;

/**
 * The simulated warehouse neighbour. Owns what is available of each catalogue product and the time-limited
 * reservations against it. A reservation takes stock out of "available" while held; releasing or letting it expire
 * gives the stock back; committing keeps it taken (it is now allocated to an order). Expiry is applied lazily, at the
 * start of every call, against the injected clock, so tests move time instead of waiting.
 *
 * <p>All state is guarded by {@code this}; each critical section is a few map operations.
 */
public final class WarehouseSimulator extends WarehouseServiceService {

    /** Used when a reservation or extension asks for ttl_seconds = 0. */
    public static final Duration DEFAULT_TTL = Duration.ofMinutes(15);

    private static final class Held {
        final String reservationId;
        final List<StockLine> lines;
        ReservationStatus status;
        Instant expiresAt;
        String orderId = "";

        Held(String reservationId, List<StockLine> lines, ReservationStatus status, Instant expiresAt) {
            this.reservationId = reservationId;
            this.lines = lines;
            this.status = status;
            this.expiresAt = expiresAt;
        }

        Reservation toProto() {
            Reservation.Builder builder = Reservation.newBuilder()
                .setReservationId(reservationId)
                .setStatus(status)
                .addAllLines(lines);
            if (expiresAt != null) {
                builder.setExpiresAt(timestamp(expiresAt));
            }
            return builder.build();
        }
    }

    private record Expiry(Instant at, String reservationId) {
    }

    private final Catalogue catalogue;
    private final ServiceKnobs knobs;
    private final SimEvents events;
    private final Clock clock;
    private final Map<String, Integer> available = new HashMap<>();
    private final Map<String, Held> reservations = new HashMap<>();
    private final PriorityQueue<Expiry> expiries = new PriorityQueue<>(Comparator.comparing(Expiry::at));
    private final Set<String> restockKeys = new HashSet<>();

    WarehouseSimulator(Catalogue catalogue, ServiceKnobs knobs, SimEvents events, Clock clock) {
        this.catalogue = catalogue;
        this.knobs = knobs;
        this.events = events;
        this.clock = clock;
        for (CatalogueProduct product : catalogue.products()) {
            available.put(product.productId(), product.initialStock());
        }
    }

    public ServiceKnobs knobs() {
        return knobs;
    }

    /** What is available of a product now (held reservations excluded, the out-of-stock knob applied). */
    public synchronized int availableOf(String productId) {
        expireDue();
        requireProduct(productId);
        return level(productId);
    }

    /** The reservation with this id as a client would see it, if there is one. */
    public synchronized Optional<Reservation> reservation(String reservationId) {
        expireDue();
        Held held = reservations.get(reservationId);
        return held == null ? Optional.empty() : Optional.of(held.toProto());
    }

    /**
     * Sets what is available of a product and publishes stock.changed (when Kafka is configured); the future
     * completes when the event is sent.
     */
    public Future<Void> setStock(String productId, int newAvailable) {
        if (newAvailable < 0) {
            throw new IllegalArgumentException("available must be >= 0, was " + newAvailable);
        }
        synchronized (this) {
            requireProduct(productId);
            available.put(productId, newAvailable);
        }
        return publishStockChanged(productId, newAvailable);
    }

    @Override
    public Future<GetAvailabilityResponse> getAvailability(GetAvailabilityRequest request) {
        return knobs.gate(() -> {
            GetAvailabilityResponse.Builder response = GetAvailabilityResponse.newBuilder();
            synchronized (this) {
                expireDue();
                for (String id : request.getProductIdsList()) {
                    if (available.containsKey(id)) {
                        response.addLevels(StockLevel.newBuilder().setProductId(id).setAvailable(level(id)));
                    }
                }
            }
            return Future.succeededFuture(response.build());
        });
    }

    @Override
    public Future<ListAvailabilityResponse> listAvailability(ListAvailabilityRequest request) {
        return knobs.gate(() -> {
            Page page;
            try {
                page = Page.of(request.getPageToken(), request.getPageSize(), catalogue.size());
            } catch (Page.Invalid e) {
                return Status.invalidPage(e);
            }
            ListAvailabilityResponse.Builder response = ListAvailabilityResponse.newBuilder().setNextPageToken(page.nextToken());
            synchronized (this) {
                expireDue();
                for (CatalogueProduct p : catalogue.products().subList(page.offset(), page.end())) {
                    response.addLevels(StockLevel.newBuilder().setProductId(p.productId()).setAvailable(level(p.productId())));
                }
            }
            return Future.succeededFuture(response.build());
        });
    }

    @Override
    public Future<Reservation> reserveStock(ReserveStockRequest request) {
        return knobs.gate(() -> {
            if (request.getReservationId().isEmpty()) {
                return Status.invalidField("reservation_id", "is required");
            }
            if (request.getLinesCount() == 0) {
                return Status.invalidField("lines", "must not be empty");
            }
            if (request.getTtlSeconds() < 0) {
                return Status.invalidField("ttl_seconds", "must be >= 0");
            }
            Map<String, Integer> wanted = new LinkedHashMap<>();
            for (StockLine line : request.getLinesList()) {
                if (line.getQuantity() <= 0) {
                    return Status.invalidField("lines.quantity", "must be > 0 for product " + line.getProductId());
                }
                wanted.merge(line.getProductId(), line.getQuantity(), Integer::sum);
            }
            synchronized (this) {
                expireDue();
                Held existing = reservations.get(request.getReservationId());
                if (existing != null) {
                    return Future.succeededFuture(existing.toProto());
                }
                for (Map.Entry<String, Integer> entry : wanted.entrySet()) {
                    if (!available.containsKey(entry.getKey())) {
                        return Status.notFound("PRODUCT_NOT_FOUND", "no product " + entry.getKey());
                    }
                    if (level(entry.getKey()) < entry.getValue()) {
                        return Status.failedPrecondition("OUT_OF_STOCK", "products/" + entry.getKey(),
                            "insufficient stock for product " + entry.getKey());
                    }
                }
                wanted.forEach((productId, quantity) -> available.merge(productId, -quantity, Integer::sum));
                Instant expiresAt = clock.instant().plus(ttl(request.getTtlSeconds()));
                Held held = new Held(request.getReservationId(), List.copyOf(request.getLinesList()),
                    ReservationStatus.RESERVATION_STATUS_HELD, expiresAt);
                reservations.put(held.reservationId, held);
                expiries.add(new Expiry(expiresAt, held.reservationId));
                return Future.succeededFuture(held.toProto());
            }
        });
    }

    @Override
    public Future<Reservation> extendReservation(ExtendReservationRequest request) {
        return knobs.gate(() -> {
            if (request.getTtlSeconds() < 0) {
                return Status.invalidField("ttl_seconds", "must be >= 0");
            }
            synchronized (this) {
                expireDue();
                Held held = reservations.get(request.getReservationId());
                if (held == null) {
                    return Status.notFound("RESERVATION_NOT_FOUND", "no reservation " + request.getReservationId());
                }
                if (held.status != ReservationStatus.RESERVATION_STATUS_HELD) {
                    return Status.failedPrecondition("RESERVATION_NOT_HELD", "reservations/" + held.reservationId,
                        "reservation " + held.reservationId + " is " + statusWord(held.status));
                }
                held.expiresAt = clock.instant().plus(ttl(request.getTtlSeconds()));
                expiries.add(new Expiry(held.expiresAt, held.reservationId));
                return Future.succeededFuture(held.toProto());
            }
        });
    }

    @Override
    public Future<Reservation> releaseReservation(ReleaseReservationRequest request) {
        return knobs.gate(() -> {
            if (request.getReservationId().isEmpty()) {
                return Status.invalidField("reservation_id", "is required");
            }
            synchronized (this) {
                expireDue();
                Held held = reservations.get(request.getReservationId());
                if (held == null) {
                    // A release that overtakes its reserve leaves a tombstone, so the late reserve holds nothing.
                    held = new Held(request.getReservationId(), List.of(), ReservationStatus.RESERVATION_STATUS_RELEASED, null);
                    reservations.put(held.reservationId, held);
                    return Future.succeededFuture(held.toProto());
                }
                switch (held.status) {
                    case RESERVATION_STATUS_HELD -> {
                        giveBack(held);
                        held.status = ReservationStatus.RESERVATION_STATUS_RELEASED;
                    }
                    case RESERVATION_STATUS_COMMITTED -> {
                        return Status.failedPrecondition("RESERVATION_COMMITTED", "reservations/" + held.reservationId,
                            "reservation " + held.reservationId + " is committed to order " + held.orderId);
                    }
                    default -> {
                        // released or expired already: nothing more to give back
                    }
                }
                return Future.succeededFuture(held.toProto());
            }
        });
    }

    @Override
    public Future<Reservation> commitReservation(CommitReservationRequest request) {
        return knobs.gate(() -> {
            synchronized (this) {
                expireDue();
                Held held = reservations.get(request.getReservationId());
                if (held == null) {
                    return Status.notFound("RESERVATION_NOT_FOUND", "no reservation " + request.getReservationId());
                }
                switch (held.status) {
                    case RESERVATION_STATUS_HELD -> {
                        held.status = ReservationStatus.RESERVATION_STATUS_COMMITTED;
                        held.orderId = request.getOrderId();
                    }
                    case RESERVATION_STATUS_COMMITTED -> {
                        // committed before: the same answer again
                    }
                    default -> {
                        return Status.failedPrecondition("RESERVATION_NOT_HELD", "reservations/" + held.reservationId,
                            "reservation " + held.reservationId + " is " + statusWord(held.status));
                    }
                }
                return Future.succeededFuture(held.toProto());
            }
        });
    }

    @Override
    public Future<RestockResponse> restock(RestockRequest request) {
        return knobs.gate(() -> {
            if (request.getIdempotencyKey().isEmpty()) {
                return Status.invalidField("idempotency_key", "is required");
            }
            for (StockLine line : request.getLinesList()) {
                if (line.getQuantity() <= 0) {
                    return Status.invalidField("lines.quantity", "must be > 0 for product " + line.getProductId());
                }
            }
            RestockResponse.Builder response = RestockResponse.newBuilder();
            List<StockLevel> changed = new ArrayList<>();
            synchronized (this) {
                expireDue();
                for (StockLine line : request.getLinesList()) {
                    if (!available.containsKey(line.getProductId())) {
                        return Status.notFound("PRODUCT_NOT_FOUND", "no product " + line.getProductId());
                    }
                }
                boolean first = restockKeys.add(request.getIdempotencyKey());
                if (first) {
                    for (StockLine line : request.getLinesList()) {
                        available.merge(line.getProductId(), line.getQuantity(), Integer::sum);
                    }
                }
                for (String productId : request.getLinesList().stream().map(StockLine::getProductId).distinct().toList()) {
                    StockLevel level = StockLevel.newBuilder().setProductId(productId).setAvailable(level(productId)).build();
                    response.addLevels(level);
                    if (first) {
                        changed.add(level);
                    }
                }
            }
            changed.forEach(level -> publishStockChanged(level.getProductId(), level.getAvailable()));
            return Future.succeededFuture(response.build());
        });
    }

    private Future<Void> publishStockChanged(String productId, int level) {
        StockChanged event = StockChanged.newBuilder()
            .setProductId(productId)
            .setAvailable(level)
            .setOccurredAt(timestamp(clock.instant()))
            .build();
        return events.publish(events.topics().warehouseEvents(), SimTopics.STOCK_CHANGED, SimTopics.WAREHOUSE_SOURCE, productId, event);
    }

    /** Available after the out-of-stock knob; call with the lock held. */
    private int level(String productId) {
        if (knobs.current().outOfStock().contains(productId)) {
            return 0;
        }
        return Math.max(0, available.getOrDefault(productId, 0));
    }

    private void giveBack(Held held) {
        for (StockLine line : held.lines) {
            available.merge(line.getProductId(), line.getQuantity(), Integer::sum);
        }
    }

    /** Expires every held reservation whose time is up; call with the lock held. */
    private void expireDue() {
        Instant now = clock.instant();
        while (!expiries.isEmpty() && !expiries.peek().at().isAfter(now)) {
            Held held = reservations.get(expiries.poll().reservationId());
            // An extended reservation left an older entry behind; its own expiresAt decides.
            if (held != null && held.status == ReservationStatus.RESERVATION_STATUS_HELD && !held.expiresAt.isAfter(now)) {
                giveBack(held);
                held.status = ReservationStatus.RESERVATION_STATUS_EXPIRED;
            }
        }
    }

    private void requireProduct(String productId) {
        if (!available.containsKey(productId)) {
            throw new IllegalArgumentException("no product " + productId + " in the catalogue");
        }
    }

    private static Duration ttl(int seconds) {
        return seconds == 0 ? DEFAULT_TTL : Duration.ofSeconds(seconds);
    }

    private static String statusWord(ReservationStatus status) {
        return switch (status) {
            case RESERVATION_STATUS_HELD -> "held";
            case RESERVATION_STATUS_RELEASED -> "released";
            case RESERVATION_STATUS_COMMITTED -> "committed";
            case RESERVATION_STATUS_EXPIRED -> "expired";
            default -> status.name();
        };
    }
}
