package dev.cartwright.service.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * Owns which interface a service's ports (gRPC and admin) listen on, and the rule that keeps development mode off the
 * network: without authentication every caller may act for every customer, so in development mode only a loopback
 * address (127.0.0.0/8, ::1, localhost) is accepted. Read from the service's own setting (e.g.
 * {@code CARTWRIGHT_CHECKOUT_HOST}) when set, else {@code CARTWRIGHT_BIND_HOST}; the default is 127.0.0.1 in
 * development mode and 0.0.0.0 (every interface) in jwt mode.
 *
 * @param host    the address to bind
 * @param setting the setting it came from, for messages ({@link #SETTING} when it is the default)
 */
public record BindHost(String host, String setting) {

    /** The bind address of every service port, unless a service's own setting overrides it. */
    public static final String SETTING = "CARTWRIGHT_BIND_HOST";

    private static final Pattern IP_LITERAL = Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3}){3}|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

    /** Reads the bind address; in development mode a non-loopback one is refused naming the setting it came from. */
    public static BindHost read(ConfigReader config, String serviceSetting, boolean development) {
        String own = config.string(serviceSetting, "");
        String shared = config.string(SETTING, "");
        String setting = !own.isEmpty() ? serviceSetting : SETTING;
        String host = !own.isEmpty() ? own : !shared.isEmpty() ? shared : development ? "127.0.0.1" : "0.0.0.0";
        if (development && !isLoopback(host)) {
            throw new ConfigException(setting, refusal(host, setting));
        }
        return new BindHost(host, setting);
    }

    /** Why development mode does not listen on {@code host}. */
    public static String refusal(String host, String setting) {
        return "development mode (CARTWRIGHT_AUTH_MODE=development, no authentication) listens on loopback only, not on " + host
            + ": every caller would be trusted to act for every customer. Set " + setting + " to 127.0.0.1, or turn "
            + "authentication on with CARTWRIGHT_AUTH_MODE=jwt";
    }

    /**
     * Whether {@code host} is a loopback address: {@code localhost} or an IP literal in 127.0.0.0/8 or ::1. Other names
     * are not resolved here (that would ask DNS at start-up) and count as not loopback.
     */
    public static boolean isLoopback(String host) {
        String h = host.trim();
        if (h.equalsIgnoreCase("localhost")) {
            return true;
        }
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        if (!IP_LITERAL.matcher(h).matches()) {
            return false;
        }
        try {
            // An IP literal is parsed, never looked up.
            return InetAddress.getByName(h).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
