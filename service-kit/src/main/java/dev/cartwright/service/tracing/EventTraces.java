package dev.cartwright.service.tracing;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapSetter;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.spi.tracing.SpanKind;
import io.vertx.core.spi.tracing.TagExtractor;
import io.vertx.core.spi.tracing.VertxTracer;
import io.vertx.core.tracing.TracingPolicy;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Owns the trace context events carry: the W3C {@code traceparent} and {@code tracestate} of the span that caused an
 * event, kept with the event until it is published and set on the CloudEvent as the distributed-tracing extension (in
 * Kafka's binary mode, the headers {@code ce_traceparent} and {@code ce_tracestate}); and a consumer's span that
 * continues that trace. With tracing off there is no current span, events carry nothing and consumers start no span.
 */
public final class EventTraces {

    /** The distributed-tracing extension's attributes. */
    public static final String TRACEPARENT = "traceparent";
    public static final String TRACESTATE = "tracestate";

    private static final TextMapSetter<Map<String, String>> INTO_MAP = (carrier, key, value) -> {
        if (carrier != null) {
            carrier.put(key, value);
        }
    };

    private EventTraces() {
    }

    /**
     * The trace context of the span current on the caller's Vert.x context (or thread): {@code traceparent} and, when
     * the trace has one, {@code tracestate}; empty when no span is current.
     */
    public static Map<String, String> current() {
        Map<String, String> carried = new LinkedHashMap<>(2);
        W3CTraceContextPropagator.getInstance().inject(Context.current(), carried, INTO_MAP);
        return carried;
    }

    /** Sets {@code traceContext} (as {@link #current()} or {@link #of(CloudEvent)} give it) as extension attributes. */
    public static CloudEventBuilder carry(CloudEventBuilder event, Map<String, String> traceContext) {
        String parent = traceContext.get(TRACEPARENT);
        if (parent == null || parent.isEmpty()) {
            return event;
        }
        event.withExtension(TRACEPARENT, parent);
        String state = traceContext.get(TRACESTATE);
        if (state != null && !state.isEmpty()) {
            event.withExtension(TRACESTATE, state);
        }
        return event;
    }

    /** The trace context {@code event} carries; empty when it carries none. */
    public static Map<String, String> of(CloudEvent event) {
        Map<String, String> carried = new LinkedHashMap<>(2);
        Object parent = event.getExtension(TRACEPARENT);
        if (parent != null) {
            carried.put(TRACEPARENT, parent.toString());
            Object state = event.getExtension(TRACESTATE);
            if (state != null) {
                carried.put(TRACESTATE, state.toString());
            }
        }
        return carried;
    }

    /**
     * Runs {@code handling} of {@code event} inside a consumer span that continues the event's trace (named
     * {@code "<event type> process"}), on a context of its own so the span is current for everything the handling does
     * and for its log lines. Without a tracer, or for an event that carries no trace context, it just runs
     * {@code handling}. Call it on a Vert.x context.
     */
    public static <T> Future<T> continueFrom(CloudEvent event, Supplier<Future<T>> handling) {
        ContextInternal caller = ContextInternal.current();
        VertxTracer<Object, Object> tracer = caller == null ? null : tracerOf(caller);
        Map<String, String> carried = tracer == null ? Map.of() : of(event);
        if (carried.isEmpty()) {
            return handling.get();
        }
        ContextInternal own = caller.unwrap().duplicate();
        Object span = tracer.receiveRequest(own, SpanKind.MESSAGING, TracingPolicy.PROPAGATE, event, event.getType() + " process",
            carried.entrySet(), EVENT_TAGS);
        Promise<T> done = caller.promise();
        own.dispatch(v -> {
            Future<T> handled;
            try {
                handled = handling.get();
            } catch (RuntimeException e) {
                handled = Future.failedFuture(e);
            }
            handled.onComplete(ar -> {
                tracer.sendResponse(own, null, span, ar.failed() ? ar.cause() : null, TagExtractor.empty());
                if (ar.succeeded()) {
                    done.complete(ar.result());
                } else {
                    done.fail(ar.cause());
                }
            });
        });
        return done.future();
    }

    @SuppressWarnings("unchecked")
    private static VertxTracer<Object, Object> tracerOf(ContextInternal context) {
        return (VertxTracer<Object, Object>) context.tracer();
    }

    /** The messaging attributes of a consumer span: the event's id, type and subject. */
    private static final TagExtractor<CloudEvent> EVENT_TAGS = new TagExtractor<>() {
        private static final String[] NAMES = {"messaging.system", "messaging.message.id", "cloudevents.event_type",
            "cloudevents.event_subject"};

        @Override
        public int len(CloudEvent event) {
            return event.getSubject() == null ? 3 : 4;
        }

        @Override
        public String name(CloudEvent event, int index) {
            return NAMES[index];
        }

        @Override
        public String value(CloudEvent event, int index) {
            return switch (index) {
                case 0 -> "kafka";
                case 1 -> event.getId();
                case 2 -> event.getType();
                default -> event.getSubject();
            };
        }
    };
}
