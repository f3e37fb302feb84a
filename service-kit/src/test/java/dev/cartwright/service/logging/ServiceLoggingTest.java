package dev.cartwright.service.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import dev.cartwright.service.runtime.ServiceRuntime;
import dev.cartwright.service.tracing.EventTraces;
import dev.cartwright.service.tracing.Tracing;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

/** The services' shared logback.xml, loaded as the services load it, with standard output captured. */
class ServiceLoggingTest {

    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();
    private final PrintStream originalOut = System.out;
    private LoggerContext context;

    @BeforeEach
    void captureStandardOutput() {
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        System.setOut(originalOut);
        MDC.clear();
        if (context != null) {
            context.stop();
        }
    }

    @Test
    void theFormatSettingWinsAndJwtModeMeansJson() {
        assertThat(LogFormat.choose("", "jwt")).isEqualTo(LogFormat.JSON);
        assertThat(LogFormat.choose("", "development")).isEqualTo(LogFormat.TEXT);
        assertThat(LogFormat.choose("", "")).isEqualTo(LogFormat.TEXT);
        assertThat(LogFormat.choose("json", "development")).isEqualTo(LogFormat.JSON);
        assertThat(LogFormat.choose(" JSON ", "")).isEqualTo(LogFormat.JSON);
        assertThat(LogFormat.choose("text", "jwt")).isEqualTo(LogFormat.TEXT);
        assertThat(LogFormat.choose("xml", "jwt")).isEqualTo(LogFormat.JSON);
        assertThat(LogFormat.choose("xml", "development")).isEqualTo(LogFormat.TEXT);
    }

    @Test
    void productionLinesAreJsonObjectsWithTheTraceId() throws Exception {
        Logger log = configure(Map.of("CARTWRIGHT_AUTH_MODE", "jwt"));
        MDC.put("trace_id", "4bf92f3577b34da6a3ce929d0e0e4736");
        log.info("cart created cart_id={}", "c-1");
        MDC.remove("trace_id");
        log.warn("no trace here");
        context.stop();

        List<String> lines = lines();
        assertThat(lines).hasSize(2);
        JsonObject first = new JsonObject(lines.get(0));
        assertThat(first.getString("level")).isEqualTo("INFO");
        assertThat(first.getString("loggerName")).isEqualTo("dev.cartwright.test");
        assertThat(first.getString("formattedMessage")).isEqualTo("cart created cart_id=c-1");
        assertThat(first.getJsonObject("mdc").getString("trace_id")).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        JsonObject second = new JsonObject(lines.get(1));
        assertThat(second.getString("level")).isEqualTo("WARN");
        assertThat(second.getString("formattedMessage")).isEqualTo("no trace here");
    }

    @Test
    void aLineLoggedWhileASpanIsCurrentCarriesItsTraceAndSpanIdInJsonAndInText() throws Exception {
        InMemorySpanExporter spans = InMemorySpanExporter.create();
        try (OpenTelemetrySdk otel = OpenTelemetrySdk.builder()
            .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
            .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance())).build()) {
            ServiceRuntime runtime = ServiceRuntime.create("logging-test", Tracing.to(otel));
            // What the runtime logged as it started (its transport) is not part of this test.
            captured.reset();
            try {
                Logger json = configure(Map.of("CARTWRIGHT_LOG_FORMAT", "json"));
                logInsideAConsumerSpan(runtime, json);
                context.stop();
                List<String> jsonLines = lines();
                captured.reset();
                Logger text = configure(Map.of("CARTWRIGHT_LOG_FORMAT", "text"));
                logInsideAConsumerSpan(runtime, text);
                context.stop();
                List<String> textLines = lines();

                List<SpanData> consumed = spans.getFinishedSpanItems();
                assertThat(consumed).hasSize(2).allSatisfy(span -> {
                    assertThat(span.getTraceId()).isEqualTo(TRACE);
                    assertThat(span.getParentSpanId()).isEqualTo(PRODUCER_SPAN);
                    assertThat(span.getName()).isEqualTo("order.delivered process");
                });
                JsonObject inside = new JsonObject(jsonLines.get(0));
                assertThat(inside.getJsonObject("mdc").getString("trace_id")).isEqualTo(TRACE);
                assertThat(inside.getJsonObject("mdc").getString("span_id")).isEqualTo(consumed.get(0).getSpanId());
                JsonObject outsideMdc = new JsonObject(jsonLines.get(1)).getJsonObject("mdc", new JsonObject());
                assertThat(outsideMdc.containsKey("trace_id")).as("no span, no ids").isFalse();
                assertThat(textLines.get(0)).contains(" trace_id=" + TRACE + " ", "handled inside");
                assertThat(textLines.get(1)).contains("handled outside").doesNotContain("trace_id");
            } finally {
                runtime.close().await(10, TimeUnit.SECONDS);
            }
        }
    }

    private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String PRODUCER_SPAN = "00f067aa0ba902b7";

    /** On a Vert.x context: one line while a consumer span continues an event's trace, one after it. */
    private static void logInsideAConsumerSpan(ServiceRuntime runtime, Logger log) throws Exception {
        CloudEvent event = CloudEventBuilder.v1().withId("e-1").withType("order.delivered").withSource(URI.create("/test"))
            .withExtension("traceparent", "00-" + TRACE + "-" + PRODUCER_SPAN + "-01").build();
        Promise<Void> done = Promise.promise();
        runtime.vertx().runOnContext(v -> EventTraces.continueFrom(event, () -> {
            log.info("handled inside");
            return Future.<Void>succeededFuture();
        }).onComplete(ar -> {
            log.info("handled outside");
            done.complete();
        }));
        done.future().await(10, TimeUnit.SECONDS);
    }

    @Test
    void theFormatSettingTurnsJsonOnInDevelopmentToo() throws Exception {
        Logger log = configure(Map.of("CARTWRIGHT_LOG_FORMAT", "json"));
        log.info("hello");
        context.stop();

        assertThat(new JsonObject(lines().get(0)).getString("formattedMessage")).isEqualTo("hello");
    }

    @Test
    void developmentLinesAreReadableAndNameTheTraceOnlyWhenThereIsOne() throws Exception {
        Logger log = configure(Map.of());
        MDC.put("trace_id", "abc123");
        log.info("cart created cart_id=c-1");
        MDC.clear();
        log.info("background tick");
        context.stop();

        List<String> lines = lines();
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).doesNotStartWith("{")
            .contains("level=INFO ", "logger=test", " trace_id=abc123 ", "cart created cart_id=c-1");
        assertThat(lines.get(1)).contains("logger=test background tick").doesNotContain("trace_id");
    }

    @Test
    void aBurstAgainstAStalledOutputWaitsInsteadOfDroppingLines() throws Exception {
        CountDownLatch outputStalled = new CountDownLatch(1);
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        System.setOut(new PrintStream(new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                // Checked first: the appender interrupts its worker when stopping, and a released output must keep writing.
                while (outputStalled.getCount() > 0) {
                    try {
                        outputStalled.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IOException(e);
                    }
                }
                synchronized (sink) {
                    sink.write(b, off, len);
                }
            }
        }, true, StandardCharsets.UTF_8));
        Logger log = configure(Map.of());
        AsyncAppender async = (AsyncAppender) context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("ASYNC");
        int burst = async.getQueueSize() + 500;

        Thread producer = new Thread(() -> {
            for (int i = 0; i < burst; i++) {
                log.info("line {}", i);
            }
        }, "burst");
        producer.start();
        // More lines than the queue holds, and the output is stalled: the producer must end up waiting.
        while (producer.isAlive() && producer.getState() != Thread.State.WAITING) {
            Thread.sleep(5);
        }
        outputStalled.countDown();
        producer.join();
        while (async.getNumberOfElementsInQueue() > 0) {
            Thread.sleep(5);
        }
        context.stop();

        String out;
        synchronized (sink) {
            out = sink.toString(StandardCharsets.UTF_8);
        }
        List<String> lines = out.lines().toList();
        assertThat(lines).hasSize(burst);
        assertThat(lines.get(burst - 1)).endsWith("line " + (burst - 1));
    }

    private Logger configure(Map<String, String> settings) throws Exception {
        context = new LoggerContext();
        context.setMDCAdapter(MDC.getMDCAdapter());
        // Context properties come before the environment in Logback's lookup: the test's settings are the only ones.
        context.putProperty("CARTWRIGHT_LOG_FORMAT", "");
        context.putProperty("CARTWRIGHT_AUTH_MODE", "");
        settings.forEach(context::putProperty);
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        URL config = ServiceLoggingTest.class.getClassLoader().getResource("logback.xml");
        assertThat(config).as("service-kit's logback.xml on the class path").isNotNull();
        configurator.doConfigure(config);
        return context.getLogger("dev.cartwright.test");
    }

    private List<String> lines() {
        return captured.toString(StandardCharsets.UTF_8).lines().toList();
    }
}
