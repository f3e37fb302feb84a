package dev.cartwright.service.auth;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.spi.VertxServiceProvider;
import io.vertx.core.spi.context.storage.ContextLocal;
import io.vertx.core.internal.VertxBootstrap;

/**
 * Owns the per-call slot holding the {@link Caller}. Each HTTP/2 stream runs on its own
 * duplicated context, so the identity put there by the endpoint's request handler is what the
 * service method sees for that call and no other. Registered as a service provider because
 * context locals must exist before the first Vert.x instance.
 */
public final class CallerContext implements VertxServiceProvider {

    static final ContextLocal<Caller> CALLER = ContextLocal.registerLocal(Caller.class);

    @Override
    public void init(VertxBootstrap builder) {
        // Loading this class registered the local; nothing else to set up.
    }

    /** Binds the caller of the call running on {@code context}; used by the gRPC endpoint only. */
    public static void bind(Context context, Caller caller) {
        context.putLocal(CALLER, caller);
    }

    /** The caller of the RPC running on the current context; a guest when none was set. */
    public static Caller current() {
        Context context = Vertx.currentContext();
        Caller caller = context == null ? null : context.getLocal(CALLER);
        return caller == null ? Caller.guest() : caller;
    }
}
