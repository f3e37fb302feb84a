package dev.cartwright.checkout.neighbours;

import dev.cartwright.service.config.ConfigException;
import dev.cartwright.service.config.ConfigReader;
import io.vertx.core.net.SocketAddress;

/**
 * Where each neighbour service listens, as {@code host:port}; the defaults are the local simulators'
 * ports (9101..9108).
 */
public record NeighbourAddresses(
    SocketAddress catalog,
    SocketAddress pricing,
    SocketAddress promotion,
    SocketAddress warehouse,
    SocketAddress payment,
    SocketAddress shipping,
    SocketAddress order,
    SocketAddress customer) {

    public static NeighbourAddresses read(ConfigReader config) {
        return new NeighbourAddresses(
            address(config, "CARTWRIGHT_CATALOG_ADDR", "127.0.0.1:9101"),
            address(config, "CARTWRIGHT_PRICING_ADDR", "127.0.0.1:9102"),
            address(config, "CARTWRIGHT_PROMOTION_ADDR", "127.0.0.1:9103"),
            address(config, "CARTWRIGHT_WAREHOUSE_ADDR", "127.0.0.1:9104"),
            address(config, "CARTWRIGHT_PAYMENT_ADDR", "127.0.0.1:9105"),
            address(config, "CARTWRIGHT_SHIPPING_ADDR", "127.0.0.1:9106"),
            address(config, "CARTWRIGHT_ORDER_ADDR", "127.0.0.1:9107"),
            address(config, "CARTWRIGHT_CUSTOMER_ADDR", "127.0.0.1:9108"));
    }

    /** Parses {@code host:port}; the message names {@code key} when it is not one. */
    public static SocketAddress address(ConfigReader config, String key, String defaultValue) {
        return parse(key, config.string(key, defaultValue));
    }

    static SocketAddress parse(String key, String value) {
        int colon = value.lastIndexOf(':');
        if (colon <= 0 || colon == value.length() - 1) {
            throw new ConfigException(key, "expected host:port, was '" + value + "'");
        }
        String host = value.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(value.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new ConfigException(key, "port of '" + value + "' is not a number");
        }
        if (port < 1 || port > 65535) {
            throw new ConfigException(key, "port of '" + value + "' must be between 1 and 65535");
        }
        return SocketAddress.inetSocketAddress(port, host);
    }
}
