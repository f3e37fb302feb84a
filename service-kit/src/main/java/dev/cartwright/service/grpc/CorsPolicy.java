package dev.cartwright.service.grpc;

import dev.cartwright.service.config.BindHost;
import dev.cartwright.service.config.ConfigException;
import dev.cartwright.service.config.ConfigReader;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Owns which web pages on other origins may call a service port from a browser (gRPC-Web and HTTP/JSON), and the
 * CORS exchange that tells the browser so: the preflight is answered here, an allowed call gets
 * {@code Access-Control-Allow-Origin} and the gRPC status headers exposed, a call from an origin not allowed is refused
 * before it reaches a service (nothing changes). Calls without an {@code Origin} header (curl, gRPC clients, servers)
 * are not concerned.
 *
 * <p>{@code CARTWRIGHT_CORS_ORIGINS} lists the allowed origins, comma-separated ({@code https://shop.example.com,
 * https://www.example.com}); unset, no other origin may call, except that development mode allows pages served from a
 * loopback host ({@code http://localhost:*}, {@code 127.0.0.1}, {@code [::1]}) on any port. {@code none} allows no
 * origin, even in development mode.
 *
 * @param origins  the origins allowed, normalised (lower-case scheme and host, no default port)
 * @param loopback whether any origin on a loopback host is allowed as well (development mode)
 */
public record CorsPolicy(Set<String> origins, boolean loopback) {

    public static final String SETTING = "CARTWRIGHT_CORS_ORIGINS";

    /** Headers a browser client sends: gRPC-Web's own, the caller's token and the gateway's routing subject. */
    static final String ALLOWED_HEADERS = "content-type, authorization, x-grpc-web, x-user-agent, grpc-timeout, "
        + "x-customer-id, x-guest-id, x-cart-id, x-request-id";
    /** Response headers a page may read: the status of a gRPC-Web call travels in them, and which side answered. */
    static final String EXPOSED_HEADERS = "grpc-status, grpc-message, grpc-status-details-bin, x-cartwright-side, x-request-id";
    static final String ALLOWED_METHODS = "GET, POST, PUT, PATCH, DELETE";
    /** How long a browser may keep a preflight's answer, in seconds. */
    static final String MAX_AGE = "600";

    public CorsPolicy {
        origins = Set.copyOf(origins);
    }

    /** No origin other than the service's own may call. */
    public static CorsPolicy none() {
        return new CorsPolicy(Set.of(), false);
    }

    /** The policy when nothing is configured: loopback pages in development mode, nobody otherwise. */
    public static CorsPolicy defaults(boolean development) {
        return new CorsPolicy(Set.of(), development);
    }

    /** Reads {@value #SETTING}; a value that is not a list of origins fails naming the setting and the bad entry. */
    public static CorsPolicy read(ConfigReader config, boolean development) {
        String raw = config.string(SETTING, "").trim();
        if (raw.isEmpty()) {
            return defaults(development);
        }
        if (raw.equalsIgnoreCase("none")) {
            return none();
        }
        Set<String> origins = new LinkedHashSet<>();
        for (String entry : raw.split(",")) {
            String origin = entry.trim();
            if (!origin.isEmpty()) {
                origins.add(origin(origin));
            }
        }
        return new CorsPolicy(origins, development);
    }

    /** The normalised form of one configured origin, or a {@link ConfigException} saying what is wrong with it. */
    static String origin(String entry) {
        if (entry.equals("*")) {
            throw new ConfigException(SETTING, "'*' is not accepted: list the storefronts' origins, e.g. https://shop.example.com");
        }
        URI uri;
        try {
            uri = new URI(entry);
        } catch (URISyntaxException e) {
            throw new ConfigException(SETTING, "'" + entry + "' is not an origin: " + e.getReason());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http")) {
            throw new ConfigException(SETTING, "'" + entry + "' is not an origin: it must start with https:// or http://");
        }
        if (uri.getHost() == null || uri.getRawUserInfo() != null) {
            throw new ConfigException(SETTING, "'" + entry + "' is not an origin: expected scheme://host[:port]");
        }
        boolean hasPath = uri.getRawPath() != null && !uri.getRawPath().isEmpty();
        if (hasPath || uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new ConfigException(SETTING, "'" + entry + "' is not an origin: an origin has no path, query or fragment "
                + "(no trailing slash either), e.g. https://shop.example.com");
        }
        return normalise(scheme, uri.getHost(), uri.getPort());
    }

    private static String normalise(String scheme, String host, int port) {
        boolean defaultPort = port == -1 || (scheme.equals("https") && port == 443) || (scheme.equals("http") && port == 80);
        return scheme + "://" + host.toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port);
    }

    /** Whether a page served from {@code origin} (an {@code Origin} header's value) may call. */
    public boolean allows(String origin) {
        URI uri;
        try {
            uri = new URI(origin.trim());
        } catch (URISyntaxException e) {
            return false;
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (uri.getHost() == null || !(scheme.equals("https") || scheme.equals("http"))) {
            return false; // "null" (a file or sandboxed page) and anything else that is not a web origin
        }
        if (loopback && BindHost.isLoopback(uri.getHost())) {
            return true;
        }
        return origins.contains(normalise(scheme, uri.getHost(), uri.getPort()));
    }

    /**
     * Does the CORS part of one request. Returns true when the request has been answered here: a preflight (allowed or
     * not), or a call from an origin that is not allowed (403, PERMISSION_DENIED, nothing reaches a service). Otherwise
     * the response carries the CORS headers the browser needs and the call proceeds.
     */
    public boolean answer(HttpServerRequest request) {
        String origin = request.getHeader("origin");
        if (origin == null) {
            return false;
        }
        boolean preflight = request.method() == HttpMethod.OPTIONS && request.getHeader("access-control-request-method") != null;
        MultiMap headers = request.response().headers();
        headers.add("vary", "origin");
        if (!allows(origin)) {
            String message = "origin " + origin + " may not call this service (" + SETTING + ")";
            if (preflight) {
                request.response().setStatusCode(403).putHeader("content-type", "text/plain").end(message);
            } else {
                HttpJsonCall.send(request.response().setStatusCode(403), RpcError.permissionDenied("ORIGIN_NOT_ALLOWED", message));
            }
            return true;
        }
        headers.set("access-control-allow-origin", origin);
        if (preflight) {
            headers.set("access-control-allow-methods", ALLOWED_METHODS);
            headers.set("access-control-allow-headers", ALLOWED_HEADERS);
            headers.set("access-control-max-age", MAX_AGE);
            request.response().setStatusCode(204).end();
            return true;
        }
        headers.set("access-control-expose-headers", EXPOSED_HEADERS);
        return false;
    }
}
