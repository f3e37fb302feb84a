package dev.cartwright.order.flags;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

/**
 * Turns the layers of flag configuration — the catalogue's defaults, then the flags file, then the environment — into
 * one {@link FeatureFlags}. Every error names where the bad value came from and the flag it was for.
 *
 * <p>The file is a properties file ({@code migration.read_switch=10%}) or, when its name ends in {@code .json}, a JSON
 * object ({@code {"migration.read_switch": "10%", "migration.backfill": true}}; a number means percent). The
 * environment uses {@code CARTWRIGHT_FLAG_<NAME>} with the name upper-cased and '.' as '_'
 * ({@code CARTWRIGHT_FLAG_MIGRATION_READ_SWITCH=50%}) and wins over the file.
 */
final class FlagSources {

    static final String ENVIRONMENT_PREFIX = "CARTWRIGHT_FLAG_";

    private FlagSources() {
    }

    static FeatureFlags resolve(FlagCatalog catalog, Path file, byte[] fileContent, Map<String, String> environment) {
        Map<String, FlagSetting> settings = new LinkedHashMap<>(catalog.defaults());
        if (file != null) {
            read(file, fileContent).forEach((flag, text) -> settings.put(known(catalog, flag, file.toString()),
                parse(catalog, text, flag, file.toString())));
        }
        settings.putAll(fromEnvironment(catalog, environment));
        return new FeatureFlags(settings);
    }

    /** The flags the environment sets; an unknown {@code CARTWRIGHT_FLAG_*} variable is an error. */
    static Map<String, FlagSetting> fromEnvironment(FlagCatalog catalog, Map<String, String> environment) {
        Map<String, String> flagByVariable = new LinkedHashMap<>();
        catalog.defaults().keySet().forEach(flag -> flagByVariable.put(FlagCatalog.environmentName(flag), flag));
        Map<String, FlagSetting> settings = new LinkedHashMap<>();
        environment.forEach((variable, value) -> {
            if (!variable.startsWith(ENVIRONMENT_PREFIX)) {
                return;
            }
            String flag = flagByVariable.get(variable);
            if (flag == null) {
                throw new FlagConfigException(variable + " names no known flag; known variables: " + flagByVariable.keySet());
            }
            settings.put(flag, parse(catalog, value, flag, "environment variable " + variable));
        });
        return settings;
    }

    private static Map<String, String> read(Path file, byte[] content) {
        String text = new String(content, StandardCharsets.UTF_8);
        Map<String, String> raw = new LinkedHashMap<>();
        if (file.getFileName() != null && file.getFileName().toString().endsWith(".json")) {
            JsonObject json;
            try {
                json = new JsonObject(text.isBlank() ? "{}" : text);
            } catch (DecodeException e) {
                throw new FlagConfigException(file + " is not a JSON object: " + e.getMessage());
            }
            json.forEach(entry -> raw.put(entry.getKey(), jsonValue(file, entry.getKey(), entry.getValue())));
            return raw;
        }
        Properties properties = new Properties();
        try {
            properties.load(new StringReader(text));
        } catch (IOException | IllegalArgumentException e) {
            throw new FlagConfigException(file + " is not a properties file: " + e.getMessage());
        }
        properties.stringPropertyNames().forEach(name -> raw.put(name.trim(), properties.getProperty(name)));
        return raw;
    }

    private static String jsonValue(Path file, String flag, Object value) {
        if (value instanceof Boolean on) {
            return on ? "on" : "off";
        }
        if (value instanceof Number percent) {
            return percent + "%";
        }
        if (value instanceof String text) {
            return text;
        }
        throw new FlagConfigException(file + ": flag '" + flag + "' must be true, false, a number of percent or a string such as "
            + "\"10%\", was " + value);
    }

    private static String known(FlagCatalog catalog, String flag, String source) {
        if (!catalog.knows(flag)) {
            throw new FlagConfigException(source + ": unknown flag '" + flag + "'; known: " + catalog.defaults().keySet());
        }
        return flag;
    }

    private static FlagSetting parse(FlagCatalog catalog, String text, String flag, String source) {
        try {
            FlagSetting setting = FlagSetting.parse(text);
            catalog.requireAllowed(flag, setting);
            return setting;
        } catch (IllegalArgumentException e) {
            throw new FlagConfigException(source + ": flag '" + flag + "': " + e.getMessage());
        }
    }
}
