package dev.cartwright.service.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import org.slf4j.MDC;
import org.slf4j.Marker;

/**
 * Puts the trace and span id of the span current where a line is logged into the MDC ({@value #TRACE_ID},
 * {@value #SPAN_ID}), and takes them out when no span is current. On Vert.x, the current span belongs to the
 * request's context, not to the thread: one event loop serves many calls in turn, so the MDC is set at each line
 * rather than once per call. The ids are taken before the asynchronous appender hands the line to its thread. Ids
 * put into the MDC by other code are left alone.
 */
public final class TraceIdsInMdc extends TurboFilter {

    public static final String TRACE_ID = "trace_id";
    public static final String SPAN_ID = "span_id";

    /** The trace id this filter last put into this thread's MDC, so it removes only its own. */
    private final ThreadLocal<String> put = new ThreadLocal<>();

    @Override
    public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
        if (level != null && logger != null && !level.isGreaterOrEqual(logger.getEffectiveLevel())) {
            return FilterReply.NEUTRAL;
        }
        SpanContext span = Span.current().getSpanContext();
        if (span.isValid()) {
            MDC.put(TRACE_ID, span.getTraceId());
            MDC.put(SPAN_ID, span.getSpanId());
            put.set(span.getTraceId());
            return FilterReply.NEUTRAL;
        }
        String ours = put.get();
        if (ours != null) {
            put.remove();
            if (ours.equals(MDC.get(TRACE_ID))) {
                MDC.remove(TRACE_ID);
                MDC.remove(SPAN_ID);
            }
        }
        return FilterReply.NEUTRAL;
    }
}
