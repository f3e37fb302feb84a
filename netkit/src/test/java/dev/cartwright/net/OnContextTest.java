package dev.cartwright.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OnContextTest {

    private static final int PATIENCE_SECONDS = 30;
    /** Made from a plain thread without OnContext, 1 to 2 in 20 000 of these lost their end (Vert.x 5.0.7). */
    private static final int REQUESTS = 5000;

    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void close() throws Exception {
        vertx.close().await(PATIENCE_SECONDS, TimeUnit.SECONDS);
    }

    @Test
    void everyResponseOfCallsMadeFromAPlainThreadArrivesWhole() throws Exception {
        int port = vertx.createHttpServer(new io.vertx.core.http.HttpServerOptions().setHttp2ClearTextEnabled(true))
            .requestHandler(request -> request.response().setStatusCode(400).end("{\"code\":3}"))
            .listen(0, "127.0.0.1").await(PATIENCE_SECONDS, TimeUnit.SECONDS).actualPort();
        for (HttpVersion version : new HttpVersion[] {HttpVersion.HTTP_1_1, HttpVersion.HTTP_2}) {
            HttpClient client = vertx.createHttpClient(new HttpClientOptions().setProtocolVersion(version)
                .setHttp2ClearTextUpgrade(false).setDefaultHost("127.0.0.1").setDefaultPort(port));
            int whole = 0;
            for (int i = 0; i < REQUESTS; i++) {
                String body = OnContext.call(vertx, () -> client.request(HttpMethod.GET, "/v1/carts/%00")
                    .compose(HttpClientRequest::send).compose(response -> response.body().map(Object::toString)))
                    .await(PATIENCE_SECONDS, TimeUnit.SECONDS);
                whole += body.equals("{\"code\":3}") ? 1 : 0;
            }
            assertThat(whole).as("%s responses read to their end", version).isEqualTo(REQUESTS);
            client.close().await(PATIENCE_SECONDS, TimeUnit.SECONDS);
        }
    }

    @Test
    void theCallRunsOnTheContextItIsGiven() throws Exception {
        Context context = vertx.getOrCreateContext();
        AtomicReference<Context> ranOn = new AtomicReference<>();

        String answer = OnContext.call(context, () -> {
            ranOn.set(Vertx.currentContext());
            return Future.succeededFuture("done");
        }).await(PATIENCE_SECONDS, TimeUnit.SECONDS);

        assertThat(answer).isEqualTo("done");
        assertThat(ranOn.get()).isSameAs(context);
    }

    @Test
    void onItsContextAlreadyTheCallStartsAtOnce() throws Exception {
        Context context = vertx.getOrCreateContext();
        Promise<Boolean> startedAtOnce = Promise.promise();
        context.runOnContext(ignored -> {
            boolean[] started = new boolean[1];
            OnContext.call(context, () -> {
                started[0] = true;
                return Future.succeededFuture();
            });
            startedAtOnce.complete(started[0]);
        });

        assertThat(startedAtOnce.future().await(PATIENCE_SECONDS, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void aCallThatThrowsFailsItsFuture() {
        Future<String> outcome = OnContext.call(vertx, () -> {
            throw new IllegalStateException("no client");
        });

        assertThatThrownBy(() -> outcome.await(PATIENCE_SECONDS, TimeUnit.SECONDS)).hasMessageContaining("no client");
    }
}
