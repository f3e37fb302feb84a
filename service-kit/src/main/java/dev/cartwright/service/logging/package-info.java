/**
 * The services' shared logging setup: {@code logback.xml} at the root of service-kit and the format it picks.
 * Every line goes through one blocking asynchronous appender, so a burst slows the logger instead of losing lines.
 * The MDC key {@code trace_id} (and {@code span_id}) is printed when set: a field in JSON, {@code trace_id=...}
 * in text.
 */
package dev.cartwright.service.logging;
