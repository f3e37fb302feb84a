package dev.cartwright.service.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the layering of configuration: defaults, then an optional properties file, then the
 * environment ({@code CARTWRIGHT_*}). Every typed getter names the offending key when a value
 * is malformed, so a bad deployment fails at start-up with a message an operator can act on.
 */
public final class ConfigReader {

    private static final Logger LOG = LoggerFactory.getLogger(ConfigReader.class);

    private final Map<String, String> values;

    private ConfigReader(Map<String, String> values) {
        this.values = Map.copyOf(values);
    }

    /**
     * Reads the file named by {@code CARTWRIGHT_CONFIG_FILE} (if set) and the environment.
     * Keys in the file use the same names as the environment variables.
     */
    public static ConfigReader fromEnvironment() {
        return from(System.getenv());
    }

    /** Same as {@link #fromEnvironment()} with an explicit environment, for tests. */
    public static ConfigReader from(Map<String, String> environment) {
        Map<String, String> merged = new HashMap<>();
        String file = environment.get("CARTWRIGHT_CONFIG_FILE");
        if (file != null && !file.isBlank()) {
            Properties properties = new Properties();
            try (Reader reader = Files.newBufferedReader(Path.of(file))) {
                properties.load(reader);
            } catch (IOException e) {
                throw new ConfigException("CARTWRIGHT_CONFIG_FILE", "cannot read " + file + ": " + e.getMessage());
            }
            properties.stringPropertyNames().forEach(k -> merged.put(k, properties.getProperty(k).trim()));
        }
        environment.forEach((k, v) -> {
            if (k.startsWith("CARTWRIGHT_")) {
                merged.put(k, v.trim());
            }
        });
        return new ConfigReader(merged);
    }

    /** The settings whose key starts with {@code prefix}, as given (for a part that reads its own keys, such as flags). */
    public Map<String, String> startingWith(String prefix) {
        Map<String, String> found = new HashMap<>();
        values.forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                found.put(k, v);
            }
        });
        return Map.copyOf(found);
    }

    public String string(String key, String defaultValue) {
        String v = values.get(key);
        return v == null || v.isEmpty() ? defaultValue : v;
    }

    /**
     * {@code key}'s value; when only {@code formerKey} (the setting's old name) is set, its value, with a warning naming
     * both, so deployments written for the old name keep working while they are moved to the new one.
     */
    public String string(String key, String formerKey, String defaultValue) {
        String v = values.get(key);
        if (v != null && !v.isEmpty()) {
            return v;
        }
        String former = values.get(formerKey);
        if (former == null || former.isEmpty()) {
            return defaultValue;
        }
        LOG.warn("event=config_renamed setting={} used_instead_of={} message=\"{} is the old name of {}; set {} instead\"",
            formerKey, key, formerKey, key, key);
        return former;
    }

    public int integer(String key, int defaultValue, int min, int max) {
        int v = parse(key, defaultValue, Integer::parseInt);
        if (v < min || v > max) {
            throw new ConfigException(key, "must be between " + min + " and " + max + ", was " + v);
        }
        return v;
    }

    public long longValue(String key, long defaultValue, long min, long max) {
        long v = parse(key, defaultValue, Long::parseLong);
        if (v < min || v > max) {
            throw new ConfigException(key, "must be between " + min + " and " + max + ", was " + v);
        }
        return v;
    }

    public boolean bool(String key, boolean defaultValue) {
        return parse(key, defaultValue, s -> switch (s.toLowerCase()) {
            case "true", "yes", "1", "on" -> true;
            case "false", "no", "0", "off" -> false;
            default -> throw new IllegalArgumentException("expected true or false");
        });
    }

    /** A duration such as {@code 30d}, {@code 15m}, {@code 500ms} or an ISO-8601 {@code PT15M}. */
    public Duration duration(String key, Duration defaultValue) {
        return parse(key, defaultValue, ConfigReader::parseDuration);
    }

    private <T> T parse(String key, T defaultValue, Function<String, T> parser) {
        String raw = values.get(key);
        if (raw == null || raw.isEmpty()) {
            return defaultValue;
        }
        try {
            return parser.apply(raw);
        } catch (RuntimeException e) {
            throw new ConfigException(key, "cannot parse '" + raw + "': " + e.getMessage());
        }
    }

    static Duration parseDuration(String s) {
        if (s.startsWith("P") || s.startsWith("p")) {
            return Duration.parse(s);
        }
        int i = 0;
        while (i < s.length() && Character.isDigit(s.charAt(i))) {
            i++;
        }
        if (i == 0) {
            throw new IllegalArgumentException("expected a number followed by ms, s, m, h or d");
        }
        long n = Long.parseLong(s.substring(0, i));
        return switch (s.substring(i)) {
            case "ms" -> Duration.ofMillis(n);
            case "s", "" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            case "d" -> Duration.ofDays(n);
            default -> throw new IllegalArgumentException("unknown unit '" + s.substring(i) + "'");
        };
    }
}
