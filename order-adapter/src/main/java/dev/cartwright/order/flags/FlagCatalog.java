package dev.cartwright.order.flags;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The flags a process knows, with their defaults. Only these may be set in the flags file or the environment, so a
 * typo in an emergency rollback ("migration.dual_writ=off") is refused loudly instead of doing nothing.
 */
public record FlagCatalog(Map<String, FlagSetting> defaults) {

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)*");

    public FlagCatalog {
        Map<String, String> byEnvironmentName = new LinkedHashMap<>();
        for (String flag : defaults.keySet()) {
            requireName(flag);
            String clash = byEnvironmentName.put(environmentName(flag), flag);
            if (clash != null) {
                throw new IllegalArgumentException("flags '" + clash + "' and '" + flag + "' share the environment variable "
                    + environmentName(flag));
            }
        }
        defaults = Collections.unmodifiableMap(new LinkedHashMap<>(defaults));
    }

    /** The migration's flags ({@link MigrationFlags}), every one off. */
    public static FlagCatalog migration() {
        Map<String, FlagSetting> defaults = new LinkedHashMap<>();
        for (String flag : MigrationFlags.ALL) {
            defaults.put(flag, FlagSetting.OFF);
        }
        return new FlagCatalog(defaults);
    }

    /** This catalogue plus one more flag. */
    public FlagCatalog with(String flag, FlagSetting defaultSetting) {
        Map<String, FlagSetting> more = new LinkedHashMap<>(defaults);
        more.put(flag, defaultSetting);
        return new FlagCatalog(more);
    }

    public boolean knows(String flag) {
        return defaults.containsKey(flag);
    }

    /** The environment variable that overrides {@code flag}: {@code CARTWRIGHT_FLAG_} + name upper-cased, '.' as '_'. */
    public static String environmentName(String flag) {
        return "CARTWRIGHT_FLAG_" + flag.toUpperCase(Locale.ROOT).replace('.', '_');
    }

    static String requireName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("a flag name is lower-case words joined by '.', e.g. migration.read_switch; was '"
                + name + "'");
        }
        return name;
    }
}
