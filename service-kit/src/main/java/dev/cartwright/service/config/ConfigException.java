package dev.cartwright.service.config;

/** A configuration value that cannot be used; the message names the key. */
public final class ConfigException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String key;

    public ConfigException(String key, String problem) {
        super("configuration " + key + ": " + problem);
        this.key = key;
    }

    public String key() {
        return key;
    }
}
